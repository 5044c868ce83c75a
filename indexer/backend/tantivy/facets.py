"""Facet counts of a tantivy search: terms aggregations over fast fields, exact.

A terms aggregation counts only the matching documents (no pass over the collection), one
count per document and value. It is exact when every value gets a bucket: the aggregation asks
for all of them (`size` = `segment_size` = no bound), and filings without a value are counted
under a key no value has. tantivy refuses an aggregation of more than 65,000 buckets; a facet
with more distinct values among the matches (companies of a broad search over a million
filings) is counted in parts, split by the values' last characters.

When only counts are asked for (a facet counted apart from its own filter), the matches are
counted in the same pass, by a value count of the filing date with a stand-in for the undated
ones: every document counts once, and the query runs once instead of twice.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter

from tantivy import Occur, Query

from indexer.backend import FacetCounts

ALL = 1 << 31  # buckets asked for: every value
MISSING = "\x00"  # the key of filings without a value (no indexed value is this)
# Partitions of a value set by its last character (a regex `include` clause each)
LAST_CHARS = (*(f"[{d}]" for d in "0123456789"), "[^0-9]")
MAX_SPLIT = 3  # characters a split looks back at, at most (11³ parts)
KEY_COUNT = itemgetter("key", "doc_count")  # a bucket's (value, count)
TOO_MANY = "bucket limit"  # what tantivy's error says when an aggregation has too many buckets
TOTAL = "\x00matches"  # the aggregation counting the matches (no facet has this name)
# One value per document: the filing date, or for an undated filing the stand-in `missing`
EVERY_MATCH = {"value_count": {"field": "filed", "missing": 0}}


def terms(field: str, include: str | None = None) -> dict:
    """Return a terms aggregation of every value of a field (those matching `include`)."""
    agg = {"field": field, "size": ALL, "segment_size": ALL}
    if include is None:
        agg["missing"] = MISSING
    else:
        agg["include"] = include
    return {"terms": agg}


def count_facets(
    searcher, q: Query, total: int | None, facets: list[tuple[str, str]]
) -> tuple[int, dict]:
    """Return the number of documents matching q and {facet name: FacetCounts} over them; the
    number is counted here when `total` is None (in the facets' pass when there are any)."""
    if not facets:
        return (searcher.search(q, 1).count if total is None else total), {}
    aggs = {name: terms(field) for name, field in facets}
    if total is None:
        aggs[TOTAL] = EVERY_MATCH
    try:
        found = searcher.aggregate(q, aggs)
    except ValueError as e:
        if TOO_MANY not in str(e):
            raise
        total = searcher.search(q, 1).count if total is None else total
        return total, {name: split_count(searcher, q, total, field) for name, field in facets}
    total = int(found[TOTAL]["value"]) if total is None else total
    return total, {name: facet_counts(found[name]["buckets"]) for name, _ in facets}


def facet_counts(buckets: list[dict]) -> FacetCounts:
    """Return a facet's counts from aggregation buckets (the missing key apart)."""
    counts = Counter(dict(map(KEY_COUNT, buckets)))
    return FacetCounts(counts, counts.pop(MISSING, 0))


def split_count(searcher, q: Query, total: int, field: str) -> FacetCounts:
    """Count one facet in parts by last characters; the missing ones by an exists query."""
    counts = Counter()
    for part in LAST_CHARS:
        counts.update(part_count(searcher, q, field, part, 1))
    having = Query.boolean_query([(Occur.Must, q), (Occur.Must, Query.exists_query(field))])
    return FacetCounts(counts, total - searcher.search(having, 1).count)


def part_count(searcher, q: Query, field: str, suffix: str, depth: int) -> Counter:
    """Count the values ending with `suffix` (a regex), splitting again while still too many."""
    try:
        found = searcher.aggregate(q, {"f": terms(field, ".*" + suffix)})
    except ValueError as e:
        if TOO_MANY not in str(e) or depth >= MAX_SPLIT:
            raise
        out = Counter()
        for part in LAST_CHARS:
            out.update(part_count(searcher, q, field, part + suffix, depth + 1))
        return out
    return Counter(dict(map(KEY_COUNT, found["f"]["buckets"])))
