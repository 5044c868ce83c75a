"""Time the fixed query mix over an index built beforehand, in process, one mode; for A/B runs
of two checkouts over the same index (`farm-bench --vs`), and for where a search's time goes.

    python -m bench.mix INDEX_DIR [--mode top10|facets|snippets] [--reps 2] [--next-page]
                                  [--facets]

Prints the p50 and p95 of the mix (after one untimed pass), every facet counted; with
`--next-page`, of each query's second page after its first (the facet cache serving it); with
`--facets`, what each facet's terms aggregation alone costs on a few queries (tantivy indexes
only). No timing is asserted.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from bench.measure import summary_ms
from bench.run import SHARED, read_queries, request_for

FACET_QUERIES = ("underwriters", "company")  # a narrower and the broadest word of the mix


def time_mix(index_dir: Path, mode: str, reps: int, next_page: bool = False) -> dict:
    """Return p50/p95 of the query mix in one mode over the index, every facet counted; with
    `next_page`, of each query's second page right after its first, as a reader pages on
    (the facet cache on: the first page's counts serve the second)."""
    from indexer.search.core import SearchIndex, search

    index = SearchIndex(index_dir, facet_cache=next_page)
    rows = read_queries(SHARED / "queries.tsv")
    for row in rows:
        search(index, request_for(row, mode))
    seconds = []
    for _ in range(reps):
        for row in rows:
            request = request_for(row, mode)
            if next_page:
                index.facets.clear()
                search(index, request)
                request = replace(request, page=2)
            started = time.perf_counter()
            search(index, request)
            seconds.append(time.perf_counter() - started)
    return summary_ms(seconds)


def facet_costs(index_dir: Path, words: tuple[str, ...], reps: int = 5) -> dict:
    """Return {word: {facet: median ms of its terms aggregation alone}} on a tantivy index."""
    from indexer.backend.document import FACET_FIELDS
    from indexer.backend.tantivy.facets import terms
    from indexer.search.core import open_index

    index = open_index(index_dir)
    out = {}
    with index.using() as gen:
        for word in words:
            q = gen.index.parse_query(word, ["body"])
            row = {"matches": gen.searcher.search(q, 1).count}
            for name, field in FACET_FIELDS.items():
                aggs = {name: terms(field)}
                gen.searcher.aggregate(q, aggs)
                row[name] = median_ms(lambda q=q, aggs=aggs: gen.searcher.aggregate(q, aggs), reps)
            out[word] = row
    return out


def median_ms(fn, reps: int) -> float:
    """Return the median milliseconds of reps calls of fn."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(sorted(times)[len(times) // 2] * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("--mode", choices=("top10", "facets", "snippets"), default="facets")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--facets", action="store_true", help="each facet's aggregation alone")
    ap.add_argument("--next-page", action="store_true", help="time second pages (cache on)")
    args = ap.parse_args(argv)
    s = time_mix(args.index_dir, args.mode, args.reps, args.next_page)
    what = f"{args.mode}, second pages" if args.next_page else args.mode
    print(f"{what}: {s['n']} searches, p50 {s['p50']} ms, p95 {s['p95']} ms")
    if args.facets:
        for word, row in facet_costs(args.index_dir, FACET_QUERIES).items():
            print(word, ", ".join(f"{k} {v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
