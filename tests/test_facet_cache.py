"""The facet cache: the next page, another sort or page size of a search count nothing again,
and what they show equals counting afresh; a new generation is never answered from the old."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from indexer.backend import FacetCounts
from indexer.indexing.builder import build
from indexer.query.filters import Filters
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.search.facetcache import FacetCache

ON_BOTH_BACKENDS = True

REQUESTS = [
    SearchRequest(),
    SearchRequest("revenue", per_page=10),
    SearchRequest('"press release"', filters=Filters(forms=("8-K",))),
    SearchRequest("revenue", filters=Filters(forms=("8-K",), years=("2024",)), multiselect=True),
    SearchRequest("agreement", filters=Filters(filed_from="2000"), sort="oldest"),
]


def seen(result) -> tuple:
    """What a result shows: total, hit ids, every facet as shaped."""
    return result.total, [h.id for h in result.hits], result.facets


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: repr(r.q))
def test_counts_served_from_the_cache_are_the_counts(corpus_index, request_):
    cached = SearchIndex(corpus_index, facet_cache=True)
    fresh = SearchIndex(corpus_index, facet_cache=False)
    try:
        search(cached, request_)
        again = [
            request_,
            replace(request_, page=2),
            replace(request_, sort="newest"),
            replace(request_, per_page=25, facet_size=1000),
        ]
        for req in again:
            assert seen(search(cached, req)) == seen(search(fresh, req)), req
        assert cached.facets.hits >= len(again), "the cache answered nothing"
        assert fresh.facets is None
    finally:
        cached.close()
        fresh.close()


def test_searches_apart_only_in_query_or_filters_are_counted_apart(corpus_index):
    cached = SearchIndex(corpus_index, facet_cache=True)
    fresh = SearchIndex(corpus_index, facet_cache=False)
    try:
        for q in ("revenue", "agreement"):
            for f in (Filters(), Filters(forms=("8-K",)), Filters(forms=("10-K",))):
                req = SearchRequest(q, filters=f)
                assert seen(search(cached, req)) == seen(search(fresh, req)), req
        assert len(cached.facets) == 6
    finally:
        cached.close()
        fresh.close()


def doc(words: str) -> bytes:
    return f"QUARTERLY NOTE\n\n{words} revenue grew in the quarter.\n".encode()


def test_a_new_generation_is_counted_afresh(tmp_path):
    src, root = tmp_path / "src", tmp_path / "index"
    src.mkdir()
    for n in (1, 2):
        (src / f"0000000042-24-00000{n}.txt").write_bytes(doc(f"first {n}"))
    build([str(src)], root, jobs=1)
    index = SearchIndex(root, facet_cache=True)
    try:
        before = search(index, SearchRequest("revenue"))
        (src / "0000000042-24-000003.txt").write_bytes(doc("second 3"))
        build([str(src)], root, jobs=1)
        after = search(index, SearchRequest("revenue"))
        assert (before.total, after.total) == (2, 3)
        assert all_counts(after) > all_counts(before), "the old generation's counts were shown"
    finally:
        index.close()


def all_counts(result) -> int:
    """Sum every count of every facet of a result, its filings without a value too."""
    return sum(
        f["missing"] + f["other_count"] + sum(v["count"] for v in f["values"])
        for f in result.facets.values()
    )


def test_counts_of_a_search_past_its_deadline_are_not_kept(corpus_index):
    index = SearchIndex(corpus_index, facet_cache=True)
    try:
        result = search(index, SearchRequest("revenue", time_limit=1e-9))
        assert result.timed_out and len(index.facets) == 0
    finally:
        index.close()


def counts(n: int) -> dict[str, FacetCounts]:
    return {"company": FacetCounts(Counter({str(i): 1 for i in range(n)}))}


def test_the_cache_keeps_the_most_recently_used_within_its_bounds():
    cache = FacetCache(max_values=10, max_entries=3)
    for key in "abc":
        cache.put((key,), counts(2))  # 3 values each, the entry counted too
    assert cache.get(("a",)) is not None  # a is now the most recent: b goes first
    cache.put(("d",), counts(2))
    assert [k for k in "abcd" if cache.get((k,)) is not None] == ["a", "c", "d"]
    cache.put(("e",), counts(5))  # 6 values: two others must go
    assert len(cache) == 2 and cache.get(("e",)) is not None
    cache.put(("huge",), counts(10))  # larger than the whole bound: not kept
    assert cache.get(("huge",)) is None and len(cache) == 2
