"""Where the CPU of a `/search.json` request goes, in one process: the engine, the search core's
Python, snippets, and the web layer around them.

    python -m bench.requests INDEX_DIR [--reps 3]

The query mix goes through Flask's test client (no HTTP, no server, no load generator), the
facet cache off as in every benchmark, each request once to warm up and then `--reps` times.
The total is this process's CPU time without a profiler (the engine's threads included). A
second, profiled pass splits it: the engine's calls (tantivy's methods, or Whoosh's own code)
are timed by `cProfile` as they are, while the profiler slows every Python call, so the Python
parts are scaled to fill what the engine leaves of the unprofiled total.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path

from bench.http_load import search_path
from bench.measure import save
from bench.run import SHARED, read_queries
from indexer.search.facetcache import ENV_VAR as FACET_CACHE

# (file name ends with, function): where each part starts, read as cumulative time
CORE = ("indexer/search/core.py", "search")
SNIPPETS = ("indexer/search/core.py", "add_snippets")


def is_engine(func: tuple[str, int, str]) -> bool:
    """Tell whether a profile entry is the engine's own code: a tantivy method, or Whoosh."""
    filename, _line, name = func
    return "tantivy." in name or f"{os.sep}whoosh{os.sep}" in filename


def run_mix(client, paths: list[str], reps: int) -> float:
    """Send every path `reps` times; return the CPU seconds it took."""
    start = time.process_time()
    for _ in range(reps):
        for path in paths:
            resp = client.get(path)
            if resp.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {resp.status_code}")
    return time.process_time() - start


def cumulative(stats: pstats.Stats, where: tuple[str, str]) -> float:
    """Return the cumulative seconds of the function named `where` (0 when never called)."""
    suffix, name = where
    return sum(
        row[3] for func, row in stats.stats.items() if func[2] == name and func[0].endswith(suffix)
    )


def split(index_dir: Path, reps: int) -> dict:
    """Time the mix through the app, then split a profiled pass into its parts (ms a request)."""
    os.environ[FACET_CACHE] = "0"
    os.environ["EDGAR_INDEX_DIR"] = str(index_dir)
    from webapp import create_app

    client = create_app().test_client()
    paths = [search_path(row) for row in read_queries(SHARED / "queries.tsv")]
    run_mix(client, paths, 1)  # warm: the generation opened, its files read once
    n = reps * len(paths)
    total = run_mix(client, paths, reps)
    profile = cProfile.Profile()
    profiled = profile.runcall(run_mix, client, paths, reps)
    stats = pstats.Stats(profile)
    engine = sum(row[2] for func, row in stats.stats.items() if is_engine(func))
    core, snippets = cumulative(stats, CORE), cumulative(stats, SNIPPETS)
    # the engine runs inside the core's search; snippets too (and never call the engine)
    python = {"core": core - engine - snippets, "snippets": snippets}
    python["web"] = profiled - core
    scale = max(total - engine, 0.0) / max(profiled - engine, 1e-9)
    parts = {"engine": engine, **{k: v * scale for k, v in python.items()}}
    return {
        "index": str(index_dir),
        "requests": n,
        "cpu_ms_per_request": round(1000 * total / n, 2),
        "parts_ms_per_request": {k: round(1000 * v / n, 2) for k, v in parts.items()},
        "profiled_ms_per_request": round(1000 * profiled / n, 2),
    }


def table(res: dict) -> str:
    rows = [
        f"{res['requests']} requests of the query mix through /search.json in one process",
        f"CPU a request: {res['cpu_ms_per_request']} ms",
    ]
    rows += [f"  {k:9s} {v:7.2f} ms" for k, v in res["parts_ms_per_request"].items()]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("--reps", type=int, default=3, help="runs of the query mix")
    ap.add_argument("--out", type=Path, help="JSON file [bench_out/requests.json]")
    args = ap.parse_args(argv)
    res = split(args.index_dir, args.reps)
    res["date"] = time.strftime("%Y-%m-%d")
    save(res, args.out, "requests.json", table(res))


if __name__ == "__main__":
    main()
