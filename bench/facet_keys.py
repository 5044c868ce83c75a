"""Counting a facet on string keys or on numbers: tantivy's terms aggregation over a synthetic
index of N documents and K distinct keys (the company facet of a large collection).

    python -m bench.facet_keys [--n 1000000] [--keys 40000] [--segments 7]

Each document has one key, as a raw string fast field and as a u64 fast field, and one word
that selects 0.3 %, 3 % or 30 % of the documents. Prints each aggregation's median time (every
bucket, exact, as indexer/backend/tantivy/facets.py asks). No timing is asserted.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

ALL = 1 << 31
WORDS = (("rare", 0.003), ("mid", 0.03), ("common", 0.3))


def make_index(path: str, n: int, keys: int, segments: int):
    """Write the synthetic index; return it."""
    import tantivy

    rng = random.Random(1)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("num", fast=True)
    sb.add_text_field("w", tokenizer_name="raw", index_option="basic")
    index = tantivy.Index(sb.build(), path=path)
    values = [rng.randint(1000, 1_999_999) for _ in range(keys)]
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    per_segment = max(1, n // segments)
    for i in range(n):
        # half the documents from a few frequent keys (a long tail, like filers), half uniform
        k = values[int(rng.paretovariate(1.2)) % keys] if i % 2 else rng.choice(values)
        doc = tantivy.Document()
        doc.add_text("key", f"{k:010d}")
        doc.add_unsigned("num", k)
        r = rng.random()
        doc.add_text("w", next((w for w, share in WORDS if r < share), "other"))
        writer.add_document(doc)
        if i % per_segment == per_segment - 1:
            writer.commit()
    writer.commit()
    index.reload()
    return index


def median_ms(fn, reps: int = 7) -> float:
    fn()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(sorted(times)[reps // 2] * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--keys", type=int, default=40_000)
    ap.add_argument("--segments", type=int, default=7)  # tantivy merges 8 alike
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        index = make_index(d, args.n, args.keys, args.segments)
        searcher = index.searcher()
        print(f"{searcher.num_docs} documents, {searcher.num_segments} segments, {args.keys} keys")
        for word, _share in WORDS:
            q = index.parse_query(f"w:{word}")
            row = [f"{word}: {searcher.search(q, 1).count} matches"]
            for field in ("key", "num"):
                agg = {"a": {"terms": {"field": field, "size": ALL, "segment_size": ALL}}}
                buckets = len(searcher.aggregate(q, agg)["a"]["buckets"])
                ms = median_ms(lambda q=q, agg=agg: searcher.aggregate(q, agg))
                row.append(f"{'string' if field == 'key' else 'number'} {ms} ms")
            print(", ".join(row) + f" ({buckets} buckets)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
