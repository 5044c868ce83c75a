"""The benchmark's raw tantivy peer (bench/tantivy_peer.py) and its targets table (bench/targets).

The peer is built for real from the session index's parsed records; no timing is asserted.
"""

from __future__ import annotations

import pytest

from bench import tantivy_peer, targets
from indexer.store import generations as indexdir


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("revenue", '+"revenue"'),
        ('"going concern" audit', '+"going concern" +"audit"'),
        ("restatement OR restated", '+("restatement" OR "restated")'),
        ("lease -operating", '+"lease" -"operating"'),
        ('a OR "b c" d -e', '+("a" OR "b c") +"d" -"e"'),
    ],
)
def test_queries_translate_as_fts5_reads_them(q, expected):
    assert tantivy_peer.to_query_string(q) == expected


@pytest.fixture(scope="module")
def peer(some_index, tmp_path_factory):
    path = tmp_path_factory.mktemp("tantivy-peer")
    built = tantivy_peer.build(indexdir.require_generation(some_index), path)
    searcher = tantivy_peer.TantivySearcher(path)
    yield searcher, built
    searcher.close()


def test_peer_indexes_every_filing(peer, some_index):
    searcher, built = peer
    assert built["filings"] > 0 and built["bytes"] > 0
    every = searcher.searcher.search(searcher.index.parse_query("*"), 1, count=True)
    assert every.count == built["filings"]


def test_facet_counts_are_exact_and_filters_agree(peer):
    searcher, _ = peer
    query = searcher.query("company", [], "", "")
    total = searcher.search("company", [], "", "", "top10")
    buckets = searcher.searcher.aggregate(query, tantivy_peer.AGGREGATIONS)["root_form"]["buckets"]
    assert total > 0 and buckets
    top = buckets[0]
    assert searcher.search("company", [top["key"]], "", "", "facets") == top["doc_count"]
    # every filing has one root form: the buckets (when all fit in ten) add up to the total
    if len(buckets) < 10:
        assert sum(b["doc_count"] for b in buckets) == total


def test_date_filters_and_modes_count_alike(peer):
    searcher, _ = peer
    counts = {m: searcher.search("company", [], "", "", m) for m in ("top10", "snippets")}
    assert counts["top10"] == counts["snippets"]
    dated = searcher.search("company", [], "1900-01-01", "2200-12-31", "top10")
    assert 0 < dated <= counts["top10"]
    assert searcher.search("company", [], "2200-01-01", "", "top10") == 0
    assert searcher.search("company", [], "", "1900-01-01", "top10") == 0


def results(**over) -> dict:
    modes = {m: {"p95": 10.0} for m in targets.MODES}
    res = {
        "build": {"mb_per_s": 13.0, "peak_rss_mb": 900},
        "search": modes,
        "cold_first_query_s": 0.2,
        "sizes": {"all_bytes_per_text_byte": 0.7},
        "ratio_to_tantivy": dict.fromkeys(targets.MODES, 1.2),
        "ratio_to_fts5": dict.fromkeys(targets.MODES, 0.5),
    }
    return {**res, **over}


def test_targets_say_met_not_met_and_not_measured():
    checked = {t["target"]: t for t in targets.check(results())}
    assert checked["build end to end ≥ 12 MB/s"]["met"] is True
    assert checked["/search.json p95 ≤ 80 ms"]["met"] is None  # no HTTP in this run
    slow = targets.check(results(build={"mb_per_s": 4.9, "peak_rss_mb": 900}))
    assert slow[0] == {"target": "build end to end ≥ 12 MB/s", "value": 4.9, "met": False}
    behind = results(ratio_to_fts5={"top10": 1.0, "facets": 0.5, "snippets": 0.5})
    assert [t["met"] for t in targets.check(behind) if "FTS5" in t["target"]] == [0, 1, 1]
    assert "**not met**" in targets.markdown(slow)
