"""Measure `indexer fetch` throughput against the EDGAR replay server at SEC's 10 requests/s cap.

    python -m bench.fetch [--rate 10] [--workers 4] [--out bench_out/fetch.json]

Fetches every full submission the replay holds end to end, then a form-wide day from its daily
index (each listed filing a quick 404), and reports requests/s achieved, the most requests the
server saw start in any one second, and how many seconds went over the cap (the goal: 0).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from indexer.fetch import FetchOptions, fetch
from tests.replay_server import REPLAY, Replay

UA = "edgar-search bench bench@example.com"
SELECTIONS = [
    {"tickers": ("VINC",), "forms": ("S-3",), "filed_from": "2025"},
    {"ciks": ("320193",), "forms": ("UPLOAD",), "filed_from": "2024-04", "filed_to": "2024-05"},
    {"ciks": ("749647",), "forms": ("424B5",), "filed_from": "2025-12"},
    {"forms": ("10-K",), "filed_from": "2020-03-18", "filed_to": "2020-03-18"},
]


def per_second_counts(times: list[float]) -> list[int]:
    """Return, for each request, how many started in the one second from it on."""
    times = sorted(times)
    return [sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times)]


def run(rate: float, workers: int) -> dict:
    """Fetch the selections into a temp folder against a fresh replay; return the figures."""
    replay = Replay().load().start()
    os.environ.update(replay.env())
    totals = {"requests": 0, "fetched": 0, "failed": 0, "bytes": 0, "elapsed_s": 0.0}
    try:
        with tempfile.TemporaryDirectory() as into:
            for sel in SELECTIONS:
                opts = FetchOptions(into, UA, rate=rate, workers=workers, **sel)
                r = fetch(opts)
                for k in ("requests", "bytes", "fetched", "elapsed_s"):
                    totals[k] += getattr(r, k)
                totals["failed"] += len(r.failed)
        counts = per_second_counts([h.t for h in replay.hits()])
    finally:
        replay.stop()
    return {
        **totals,
        "rate_cap": rate,
        "workers": workers,
        "requests_per_s": round(totals["requests"] / totals["elapsed_s"], 2),
        "max_requests_in_1s": max(counts),
        "requests_over_cap": sum(1 for c in counts if c > rate),
        "mb_fetched": round(totals["bytes"] / 2**20, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--out", type=Path, default=Path("bench_out/fetch.json"))
    args = ap.parse_args(argv)
    if not (REPLAY / "responses.tsv").is_file():
        print(f"no replay at {REPLAY}: skipped", file=sys.stderr)
        return 0
    result = run(args.rate, args.workers)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print("| fetch figure | value |\n|---|---|")
    for k, v in result.items():
        print(f"| {k} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
