"""The targets of issue "A million filings" (N = 100,000, 2 cores), held against one run.

    check(results) -> [{"target", "value", "met"}]

A figure the run did not measure (no HTTP, say) is listed with value None and met None.
"""

from __future__ import annotations

from collections.abc import Callable

MODES = ("top10", "facets", "snippets")


def _http(res: dict, pick: Callable[[dict], float]) -> float | None:
    return pick(res["http"]) if res.get("http") else None


def _clients(http: dict, n: int) -> dict:
    return next(c for c in http["concurrent"] if c["clients"] == n)


def _errors(http: dict) -> int:
    runs = [http["one_client"], http["efts_one_client"], *http["concurrent"]]
    return sum(r["errors"] for r in runs)


def _ratio(res: dict, peer: str, mode: str) -> float | None:
    return res[f"ratio_to_{peer}"][mode] if f"ratio_to_{peer}" in res else None


# (what, figure of the results, at most (True) or at least (False), bound)
TARGETS: tuple[tuple[str, Callable[[dict], float | None], bool, float], ...] = (
    ("build end to end ≥ 12 MB/s", lambda r: r["build"]["mb_per_s"], False, 12),
    ("p95 top 10 ≤ 20 ms", lambda r: r["search"]["top10"]["p95"], True, 20),
    ("p95 with facets ≤ 30 ms", lambda r: r["search"]["facets"]["p95"], True, 30),
    ("p95 facets + snippets ≤ 60 ms", lambda r: r["search"]["snippets"]["p95"], True, 60),
    ("/search.json p95 ≤ 80 ms", lambda r: _http(r, lambda h: h["one_client"]["p95"]), True, 80),
    (
        "/search.json ≥ 150 requests/s, 4 clients",
        lambda r: _http(r, lambda h: _clients(h, 4)["rps"]),
        False,
        150,
    ),
    ("HTTP errors = 0", lambda r: _http(r, _errors), True, 0),
    ("cold first query ≤ 0.5 s", lambda r: r["cold_first_query_s"], True, 0.5),
    (
        "all bytes (engine + side store) ≤ 0.8 per text byte",
        lambda r: r["sizes"]["all_bytes_per_text_byte"],
        True,
        0.8,
    ),
    ("build peak RSS ≤ 2 GB (all processes)", lambda r: r["build"]["peak_rss_mb"], True, 2048),
    *(
        (f"{m}: ours / raw tantivy p95 ≤ 1.5", lambda r, m=m: _ratio(r, "tantivy", m), True, 1.5)
        for m in MODES
    ),
    *(
        (f"{m}: ours / FTS5 p95 < 1 (ahead)", lambda r, m=m: _ratio(r, "fts5", m), True, 0.999)
        for m in MODES
    ),
)


def check(res: dict) -> list[dict]:
    """Return each target with this run's figure and whether it is met."""
    out = []
    for what, figure, at_most, bound in TARGETS:
        value = figure(res)
        met = None if value is None else (value <= bound if at_most else value >= bound)
        out.append({"target": what, "value": value, "met": met})
    return out


def markdown(checked: list[dict]) -> str:
    """Return the targets as a table: figure, met or not."""
    lines = ["| target (issue: N = 100,000, 2 cores) | this run | met |", "|---|---|---|"]
    for t in checked:
        met = "not measured" if t["met"] is None else "met" if t["met"] else "**not met**"
        lines.append(f"| {t['target']} | {t['value']} | {met} |")
    return "\n".join(lines)
