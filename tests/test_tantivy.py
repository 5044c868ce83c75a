"""The tantivy backend against the Whoosh backend on the shared corpus, and its own promises.

Both backends index the same corpus; for each query (words, stems, phrases, proximity,
wildcards, fields, dates), filter, facet and sort the two must agree on the exact total, every
facet count and the set of hits. Relevance order may differ (tantivy scores BM25 per field,
Whoosh BM25F), so relevance pages are compared as sets of the whole result; date sorts must
give the same sequence of dates. Also: tantivy's tokens are query/tokens.py's, `verify` passes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import tantivy
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.backend.tantivy import schema
from indexer.backend.tantivy.schema import PARTS_TOKENIZER, TOKENS, analyzers, spaced
from indexer.indexing import verify as verify_mod
from indexer.indexing.builder import build
from indexer.query.filters import Filters
from indexer.query.tokens import TOKEN_RE, compound_parts, query_words
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.search.facets import MAX_FACET_SIZE
from indexer.search.stats import index_stats, tree_bytes
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import COVER

QUERIES = [
    "revenue",  # a word with stem variants
    "acquisitions",
    "revenue growth",
    "merger OR acquisition",
    "stock -dividend",
    '"change in control"',  # phrases
    '"net income"',
    '"results of operations and financial condition"',
    '"net income"~5',  # proximity
    '"stock options"~3',
    "acqui*",  # wildcards
    "divid*",
    "10-k",  # compounds and their parts
    "17999",
    "u.s.c",
    "company:apple",  # fields
    "signer:officer",
    "exhibit:99.1",
    "form:8-K",
    "cik:320193",
    "items:2.02",
    "filed:[2020 TO 2024]",
    "period:[* TO 2010]",
    "filed:2022-06",
    "",  # everything
    "zzzqqq",  # nothing
]
FILTERS = [
    Filters(),
    Filters(forms=("8-K",)),
    Filters(forms=("-4",)),
    Filters(filed_from="2010", filed_to="2023-06-30"),
    Filters(filed_from="2015", include_undated=True),
    Filters(states=("DE",)),
    Filters(items=("9.01",)),
    Filters(exhibits=("EX-99",)),
    Filters(company="apple"),
]
NO_FILTERS = Filters()
SORTS = ("newest", "oldest", "period", "company")


@pytest.fixture(scope="module")
def indexes(corpus_builds):
    """Return the search index of the corpus by each backend."""
    out = {b: SearchIndex(corpus_builds(b)) for b in ("whoosh", "tantivy")}
    yield out
    for idx in out.values():
        idx.close()


def run(index, q: str, filters: Filters = NO_FILTERS, **kw):
    kw = {"per_page": 100, "facet_size": MAX_FACET_SIZE, "snippets": False, **kw}
    return search(index, SearchRequest(q=q, filters=filters, time_limit=30.0, **kw))


def facet_table(result) -> dict:
    """Return every facet's counts, value by value, and its missing count."""
    return {
        name: ({v["value"]: v["count"] for v in f["values"]}, f["other_values"], f["missing"])
        for name, f in result.facets.items()
    }


def all_ids(index, q: str, filters: Filters = NO_FILTERS, sort: str = "relevance") -> list[str]:
    """Return every hit's id in order (pages of 100)."""
    first = run(index, q, filters, sort=sort, facets=False)
    ids = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        ids += [h.id for h in run(index, q, filters, sort=sort, page=page, facets=False).hits]
    return ids


@pytest.mark.parametrize("q", QUERIES)
def test_totals_facets_and_hit_sets_agree(indexes, q):
    w, t = (run(indexes[b], q) for b in ("whoosh", "tantivy"))
    assert t.total == w.total, q
    assert facet_table(t) == facet_table(w), q
    # relevance order may differ (BM25 vs BM25F): the whole result is compared as a set
    assert set(all_ids(indexes["tantivy"], q)) == set(all_ids(indexes["whoosh"], q))


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f.to_json()))
def test_filters_agree(indexes, filters):
    for q in ("", "revenue", '"net income"'):
        w, t = (run(indexes[b], q, filters) for b in ("whoosh", "tantivy"))
        assert (t.total, facet_table(t)) == (w.total, facet_table(w)), (q, filters)
        assert set(all_ids(indexes["tantivy"], q, filters)) == set(
            all_ids(indexes["whoosh"], q, filters)
        )


def sort_keys(index, q: str, sort: str) -> list:
    """Return every hit's sort value in order (None: the filing has none)."""
    first = run(index, q, sort=sort, facets=False)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += run(index, q, sort=sort, page=page, facets=False).hits
    key = {"newest": "filed", "oldest": "filed", "period": "period", "company": "company"}[sort]
    values = [getattr(h, key) for h in hits]
    return [v.casefold() if isinstance(v, str) and key == "company" else v for v in values]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("q", ["", "revenue", "form:10-K"])
def test_sorts_give_the_same_order_of_keys(indexes, q, sort):
    w, t = (sort_keys(indexes[b], q, sort) for b in ("whoosh", "tantivy"))
    assert t == w
    assert set(all_ids(indexes["tantivy"], q, sort=sort)) == set(
        all_ids(indexes["whoosh"], q, sort=sort)
    )


@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_offset_pages_are_slices_of_one_order(indexes, sort):
    index = indexes["tantivy"]
    whole = all_ids(index, "revenue", sort=sort)
    for offset in (0, 3, 17):
        page = search(index, SearchRequest(q="revenue", sort=sort, offset=offset, per_page=7,
                                           facets=False, snippets=False))  # fmt: skip
        assert [h.id for h in page.hits] == whole[offset : offset + 7]


def test_tokens_equal_query_tokens_over_the_corpus(corpus_builds):
    """A positional field holds the query language's own words of every stored text, at its
    positions ("other number" characters such as ¼ and ² too, which Rust's regex would drop);
    every compound's parts are `_parts` words."""
    tokens, parts = analyzers()[TOKENS], analyzers()[PARTS_TOKENIZER]
    store = Store(indexdir.require_generation(corpus_builds("tantivy")), readonly=True)
    try:
        checked, compounds = 0, set()
        for fid in store.filing_ids():
            for text in store.texts(fid) or []:
                got = tokens.analyze(spaced(text))
                assert got == query_words(text)
                compounds.update(t for t in got if not t.isalnum())
                checked += 1
        assert checked > 100
        for tok in compounds:  # a plain word is found wherever Whoosh finds it
            assert set(compound_parts(tok)) <= set(parts.analyze(tok)), tok
    finally:
        store.close()


@pytest.mark.parametrize(
    "text",
    ["Form 10-K/A, Item 7.01: $1,234,567.89 (U.S.C.)", "x¼ y² ①  tab\tnew\nline", "Nestlé S.A."],
)
def test_a_positional_field_reads_the_query_words(text):
    assert analyzers()[TOKENS].analyze(spaced(text)) == query_words(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab1,.-/' \n\t¼é;"), max_size=80), st.integers(1, 12))
def test_a_long_text_cut_in_pieces_keeps_every_token(text, size):
    """A long text is tokenized a piece at a time (bounded memory): the same tokens."""
    assert spaced(text, size).split() == TOKEN_RE.findall(text)


# Unicode whitespace str.split() cuts at (\x1c-\x1f, \x85, no-break and em spaces, U+3000), word
# characters of every kind, and the separators a token may hold inside
CHUNK_ALPHABET = "aZ9_¼é①,.-/'$;( \n\t\x1c\x1f\x85\xa0\u2003\u3000"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(st.sampled_from(CHUNK_ALPHABET), max_size=30), max_size=6))
def test_tokens_cut_by_chunks_are_the_texts_tokens(texts):
    """Chunks between whitespace are cut once and reused: every text still gets exactly its
    own tokens, whatever was cut before (the texts share chunks)."""
    for text in texts:
        assert spaced(text).split() == TOKEN_RE.findall(text)


def test_the_chunk_cache_stays_bounded():
    chunks = schema.Chunks(limit=3, longest=8)
    cuts = [chunks[w] for w in ("a-b,", "c.", "(d)", "e", "a-b,", "(x;y;z;w)")]
    assert cuts == ["a-b", "c", "d", "e", "a-b", "x y z w"]
    assert len(chunks) <= 3
    assert "(x;y;z;w)" not in chunks  # longer than `longest`: cut, not kept
    assert len(schema._chunks) <= schema.CHUNK_LIMIT
    assert max(map(len, schema._chunks), default=0) <= schema.KEPT_CHARS


def test_verify_passes_on_a_tantivy_generation(corpus_builds):
    report = verify_mod.verify(corpus_builds("tantivy"))
    assert report.ok, report


def test_a_near_phrase_with_a_compounds_part_is_a_known_difference(indexes):
    """Whoosh indexes a compound's parts at its position ("option/sar" → "option"), so its
    phrases find a part; tantivy's positional field has whole tokens only (docs/backends.md)."""
    q = '"stock option"~3'
    w, t = (set(all_ids(indexes[b], q)) for b in ("whoosh", "tantivy"))
    assert t <= w


# ---------------------------------------------------------------- generations on disk


def changing_source(tmp_path) -> tuple[Path, list[Path]]:
    """Copy a few real 8-Ks to change between builds."""
    src = tmp_path / "src"
    shutil.copytree(COVER / "320193", src)
    return src, sorted(p for p in src.rglob("*.txt"))


def file_digests(gen: Path) -> dict[str, str]:
    return {f.name: hashlib.sha1(f.read_bytes()).hexdigest() for f in gen.iterdir() if f.is_file()}


def test_an_incremental_build_never_writes_into_the_previous_generation(tmp_path):
    src, files = changing_source(tmp_path)
    root = tmp_path / "index"
    build([str(src)], root, jobs=1, backend="tantivy")
    old = indexdir.require_generation(root)
    before = file_digests(old)
    assert {"meta.json", ".managed.json"} <= set(before)
    files[0].write_bytes(files[0].read_bytes() + b"\n")  # one filing re-indexed
    report = build([str(src)], root, jobs=2, backend="tantivy")
    assert report.filings_updated == 1
    new = indexdir.require_generation(root)
    assert new != old and old.is_dir()  # the previous generation is kept (readers may hold it)
    assert file_digests(old) == before
    assert (new / "meta.json").stat().st_ino != (old / "meta.json").stat().st_ino


def test_repeated_builds_do_not_grow_the_index_directory(tmp_path):
    """paperless-ngx issue 13679: old segment files never removed. Here, 20 incremental builds
    each replacing a filing: merged-away segments and old generations are collected."""
    src, files = changing_source(tmp_path)
    root = tmp_path / "index"
    build([str(src)], root, jobs=2, backend="tantivy")
    sizes, segments = [], []
    for k in range(20):
        f = files[k % len(files)]
        f.write_bytes(f.read_bytes() + b"\n")
        build([str(src)], root, jobs=2, backend="tantivy")
        gen = indexdir.require_generation(root)
        live = json.loads((gen / "meta.json").read_text())["segments"]
        ids = {s["segment_id"].replace("-", "") for s in live}
        stray = [p.name for p in gen.glob("*.*") if len(p.stem) == 32 and p.stem not in ids]
        assert not stray, f"files of no live segment: {stray}"
        assert not list(gen.glob("tantivy-sink-*"))
        sizes.append(tree_bytes(root))
        segments.append(len(live))
    assert len(list(root.glob("gen-*"))) <= 2  # the serving one and the one before
    assert max(segments) <= 12  # merged as they pile up (tantivy merges 8 at a time)
    assert max(sizes[10:]) <= 1.5 * max(sizes[:10]), sizes
    assert index_stats(root)["disk"]["index_dir_bytes"] == sizes[-1]


def test_a_sink_commits_as_text_piles_up_and_builds_the_same_index(tmp_path, monkeypatch):
    """tantivy holds up to 10,000 queued documents whole: a sink commits after
    SINK_PENDING_CHARS of text, so its memory stays bounded; the filings found are the same."""
    from indexer.backend.tantivy import writer

    src, _files = changing_source(tmp_path)
    plain = build([str(src)], tmp_path / "plain", jobs=1, backend="tantivy")
    commits = []
    real_add = writer.SegmentSink.add

    def add(self, fid, filing):
        before = self.pending
        real_add(self, fid, filing)
        if self.pending < before + filing.text_chars:  # this add committed
            commits.append(fid)

    monkeypatch.setattr(writer, "SINK_PENDING_CHARS", 1)  # a commit after every filing
    monkeypatch.setattr(writer.SegmentSink, "add", add)
    small = build([str(src)], tmp_path / "small", jobs=1, backend="tantivy")
    assert len(commits) == small.filings_added == plain.filings_added > 1
    for q in ("", "revenue", '"net income"', "form:8-K"):
        a, b = (SearchIndex(tmp_path / d) for d in ("plain", "small"))
        try:
            assert run(a, q).total == run(b, q).total
            assert sorted(all_ids(a, q)) == sorted(all_ids(b, q))  # ties: segment order
            assert all_ids(a, q, sort="newest") == all_ids(b, q, sort="newest")
        finally:
            a.close()
            b.close()


def test_a_facet_beyond_the_bucket_limit_is_counted_exactly_in_parts(tmp_path):
    """tantivy refuses an aggregation of more than 65,000 buckets: such a facet is counted in
    parts by the values' last characters, and the counts are still exact."""

    from indexer.backend.tantivy.facets import count_facets
    from indexer.backend.tantivy.writer import open_index

    index = open_index(tmp_path, fresh=True)
    writer = index.writer(100_000_000, 1)
    expected = Counter()
    for i in range(90_000):
        doc = tantivy.Document()
        doc.add_text("id", f"f{i}")
        if i % 10:  # every tenth filing has no company
            key = f"{i % 85_000:010d}" if i % 7 else f"NAME {i % 500}"
            doc.add_text("company_key", key)
            expected[key] += 1
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    everything = tantivy.Query.all_query()
    assert len(expected) > 65_000
    with pytest.raises(ValueError, match="bucket limit"):
        searcher.aggregate(everything, {"f": {"terms": {"field": "company_key", "size": 1 << 31}}})
    for total in (90_000, None):  # given, or counted here
        counted, facets = count_facets(searcher, everything, total, [("company", "company_key")])
        assert counted == 90_000
        assert facets["company"].counts == expected
        assert facets["company"].missing == 9_000


def test_a_passed_deadline_leaves_steps_out_and_says_so(corpus_builds):
    from indexer.backend import Execute, open_generation
    from indexer.query import nodes as N

    gen = open_generation(indexdir.require_generation(corpus_builds("tantivy")))
    try:
        q = N.Term("body", "revenue")
        done = gen.execute(Execute(query=q, facets=("form",)))
        assert done.total > 0 and done.hits and done.facets["form"].counts
        assert not done.timed_out
        late = gen.execute(Execute(query=q, facets=("form",), deadline=0.0))
        assert late.timed_out and not late.hits and not late.facets["form"].counts
    finally:
        gen.close()


def test_counts_alone_count_every_match_in_the_facets_pass(corpus_builds):
    """A facet counted apart asks for counts alone (no hits): the matches are counted in the
    aggregation itself, undated filings included, the same total a ranked search finds."""
    from indexer.backend import Execute, open_generation
    from indexer.query import nodes as N

    gen = open_generation(indexdir.require_generation(corpus_builds("tantivy")))
    try:
        undated = N.Term("year", "undated")
        queries = [None, N.Term("body", "revenue"), N.Term("body", "zzznothing"), undated]
        totals = []
        for q in queries:
            ranked = gen.execute(Execute(query=q, limit=10))
            alone = gen.execute(Execute(query=q, limit=0, facets=("form", "items")))
            assert alone.total == ranked.total and not alone.hits
            assert sum(alone.facets["form"].counts.values()) + alone.facets["form"].missing == (
                ranked.total
            )
            totals.append(ranked.total)
        assert totals[0] > totals[1] > 0 and totals[2] == 0
        assert totals[3] > 0  # the corpus has filings no file dates
    finally:
        gen.close()
