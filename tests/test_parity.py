"""Our engine (indexer/backend/whoosh/engine.py) against Whoosh's own code on the real corpus.

Matching: `Engine.docs(q)` must be the set of global document numbers Whoosh's matchers give
(`q.docs(searcher)`, and `searcher.search(q, limit=None)`), for base queries drawn from the
corpus's own lexicon and for And/Or/Not trees of them that hypothesis builds. Ranking:
`Engine.top` must give Whoosh's BM25F top documents, in Whoosh's order, with its scores.

Two indexes: the session's clean build of the corpus (one segment, no deletions) and an
incremental one (four segments, two with deleted documents) built from a copy of the corpus
in two runs, the second adding, changing and pruning files.
"""

from __future__ import annotations

import math
import shutil
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as Q
from whoosh.scoring import BM25F

import indexer.indexing.builder
from indexer.backend.whoosh.engine import K1, B, scoring_terms
from indexer.backend.whoosh.generation import Generation
from indexer.indexing.builder import build
from indexer.query import nodes as N
from indexer.store import generations as indexdir
from tests.corpus import CORPUS, require_corpus

HELD_BACK = "violin788788+earnings"  # the corpus folder the incremental index adds in run two
RELATIVE = 1e-6  # score agreement asked of the engine and Whoosh


@pytest.fixture(scope="module")
def incremental_index(tmp_path_factory):
    """Build a copy of the corpus in two runs; the second adds a folder, changes every 12th
    file and deletes another 12th, so older segments keep deleted documents."""
    require_corpus()
    tmp = tmp_path_factory.mktemp("parity")
    src, root = tmp / "src", tmp / "index"
    shutil.copytree(CORPUS, src, ignore=shutil.ignore_patterns(HELD_BACK))
    with pytest.MonkeyPatch.context() as mp:  # two segments per run, not one
        mp.setattr(indexer.indexing.builder, "MIN_IDS_PER_SEGMENT", 50)
        build([str(src)], root, jobs=2)
        files = sorted(p for p in src.rglob("*") if p.is_file())
        for p in files[::12]:
            p.unlink()
        for p in files[5::12]:
            with p.open("ab") as f:
                f.write(b"\n")  # a new hash: the filing is re-written, its old copy deleted
        shutil.copytree(CORPUS / HELD_BACK, src / HELD_BACK)
        report = build([str(src)], root, jobs=2, prune=True)
    assert report.filings_updated and report.filings_removed and report.filings_added
    return root


@pytest.fixture(scope="module", params=["clean", "incremental"])
def gen(request):
    """Open the clean or the incremental corpus index; yield its Generation."""
    root = request.getfixturevalue(
        "corpus_index" if request.param == "clean" else "incremental_index"
    )
    g = Generation(indexdir.require_generation(root))
    yield g
    g.close()


def test_the_incremental_index_has_segments_with_deletions(incremental_index):
    g = Generation(indexdir.require_generation(incremental_index))
    try:
        leaves = [leaf for leaf, _ in g.view().searcher.reader().leaf_readers()]
        assert len(leaves) >= 3
        assert sum(leaf.has_deletions() for leaf in leaves) >= 2
    finally:
        g.close()


# ------------------------------------------------------------ base queries from the lexicon


def by_frequency(reader, field: str) -> list[str]:
    """Return a field's terms, rarest first (ties in term order)."""
    pairs = sorted((info.doc_frequency(), t) for t, info in reader.iter_field(field))
    return [t.decode("utf-8") for _, t in pairs]


def node(q: Q.Query) -> N.Node:
    """Return our query node for a Whoosh query: the tree the engine runs (the parity tests
    build Whoosh's queries, which Whoosh's own matchers run, and hand the engine the same tree)."""
    if q is Q.NullQuery:
        return N.NOTHING
    if isinstance(q, Q.Term):
        return N.Term(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, Q.Phrase):
        return N.Phrase(q.fieldname, q.words, slop=q.slop, boost=q.boost)
    if isinstance(q, Q.Prefix):
        return N.Prefix(q.fieldname, q.text)
    if isinstance(q, Q.DateRange):
        return N.DateRange(q.fieldname, q.startdate, q.enddate)
    if isinstance(q, Q.Not):
        return N.Not(node(q.query))
    if isinstance(q, Q.Every):
        return N.Every()
    kind = {Q.And: N.And, Q.Or: N.Or}[type(q)]
    return kind([node(sub) for sub in q.subqueries])


def base_queries(reader) -> dict[str, Q.Query]:
    """Return named queries of every type the engine handles, built from the index's lexicon."""
    body, company, signer = (by_frequency(reader, f) for f in ("body", "company", "signer"))
    cik, forms = by_frequency(reader, "cik"), by_frequency(reader, "root_form")
    return {
        "common word": Q.Term("body", body[-1]),
        "middling word": Q.Term("body", body[len(body) * 99 // 100]),
        "rare word": Q.Term("body", body[len(body) // 2]),
        "phrase": Q.Phrase("body", ["chief", "executive", "officer"]),
        "phrase with a common word": Q.Phrase("body", ["change", "in", "control"]),
        "phrase slop 3": Q.Phrase("body", ["chief", "officer"], slop=3),
        "phrase slop 4": Q.Phrase("body", ["net", "income", "share"], slop=4),
        "prefix": Q.Prefix("body", "divid"),
        "exhibit prefix": Q.Prefix("exhibit_type", "EX-99."),
        "company word": Q.Term("company", company[-2]),
        "company phrase": Q.Phrase("company", ["apple", "inc"]),
        "signer word": Q.Term("signer", signer[-1]),
        "signer phrase": Q.Phrase("signer", ["chief", "financial", "officer"]),
        "form": Q.Term("root_form", forms[-2]),
        "item": Q.Term("items", "2.02"),
        "cik": Q.Term("cik", cik[-1]),
        "filed from": Q.DateRange("filed", datetime(2020, 1, 1), None),
        "filed to": Q.DateRange("filed", None, datetime(2010, 12, 31, 23, 59, 59)),
        "filed between": Q.DateRange("filed", datetime(2023, 1, 1), datetime(2024, 6, 30)),
        "period to": Q.DateRange("period", None, datetime(2022, 12, 31)),
        "every": Q.Every(),
        "nothing": Q.NullQuery,
    }


def whoosh_docs(searcher, q: Q.Query) -> set[int]:
    """Return the live global document numbers Whoosh's own matchers give for q.

    Live only: Whoosh 2.7.5's `InverseMatcher` (a Not) stops skipping deleted documents once
    its child matcher runs out, so it can yield the deleted document right after the child's
    last match (pinned below by test_whooshs_not_can_yield_a_deleted_document).
    """
    reader = searcher.reader()
    return {d for d in q.docs(searcher) if not reader.is_deleted(d)}


@pytest.fixture(scope="module")
def bases(gen) -> dict[str, Q.Query]:
    return base_queries(gen.view().searcher.reader())


def test_each_base_query_matches_as_whoosh_does(gen, bases):
    searcher, engine = gen.view().searcher, gen.view().engine
    live = set(gen.values.live())
    for name, q in bases.items():
        expected = whoosh_docs(searcher, q)
        assert engine.docs(node(q)) == expected, name
        hits = {h.docnum for h in searcher.search(q, limit=None, scored=False)}
        assert hits == expected, name
        if name not in ("every", "nothing"):  # each one tells something: some, not all
            assert 0 < len(expected) < len(live), name


def test_whooshs_not_can_yield_a_deleted_document(incremental_index):
    """A Whoosh bug the engine does not share: Not(phrase) on the incremental index yields a
    deleted document (the one after the phrase's last match); the engine's Not is the live
    documents less the phrase's."""
    g = Generation(indexdir.require_generation(incremental_index))
    try:
        searcher, engine = g.view().searcher, g.view().engine
        phrase = Q.Phrase("body", ["change", "in", "control"])
        raw, live = set(Q.Not(phrase).docs(searcher)), set(g.values.live())
        assert raw - live, "Whoosh's Not yields only live documents now: drop the workaround"
        assert engine.docs(node(Q.Not(phrase))) == live - set(phrase.docs(searcher)) == raw & live
    finally:
        g.close()


def test_slop_widens_a_phrase(gen, bases):
    """Slop 3 finds "chief financial officer" too, which the exact phrase does not."""
    engine = gen.view().engine
    exact = engine.docs(node(Q.Phrase("body", ["chief", "officer"])))
    assert exact < engine.docs(node(bases["phrase slop 3"]))


def trees(bases: dict[str, Q.Query]):
    """Return a strategy of And/Or/Not trees over the base queries."""
    leaves = st.sampled_from(list(bases.values()))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(Q.And),
            st.lists(inner, min_size=1, max_size=3).map(Q.Or),
            inner.map(Q.Not),
        ),
        max_leaves=6,
    )


def reference(searcher, live: set[int], q: Q.Query) -> set[int]:
    """Return what a tree means: Whoosh's own matchers for each leaf, set algebra over the live
    documents for And, Or and Not.

    Not Whoosh's matchers for the whole tree: a Not whose child runs out stops skipping deleted
    documents (see whoosh_docs), and inside an Or inside another Not that slip also drops a live
    document from Whoosh's answer (`Not(Or([Term('body', 'a'), Not(Phrase('body', ['change',
    'in', 'control']))]))` on the incremental index: Whoosh's answer held a live document that
    its own leaf matchers put inside the Or). Trees without deletions are checked whole against
    Whoosh too.
    """
    if isinstance(q, Q.Not):
        return live - reference(searcher, live, q.query)
    if isinstance(q, Q.And):
        return set.intersection(*(reference(searcher, live, s) for s in q.subqueries))
    if isinstance(q, Q.Or):
        return set().union(*(reference(searcher, live, s) for s in q.subqueries))
    return whoosh_docs(searcher, q)


def test_query_trees_match_as_whoosh_does(gen, bases):
    searcher, engine = gen.view().searcher, gen.view().engine
    live = set(gen.values.live())
    whole = searcher.reader().doc_count() == searcher.reader().doc_count_all()

    @settings(
        max_examples=400,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
        derandomize=True,  # the same trees in every run: CI stays reproducible
    )
    @given(trees(bases))
    def check(q):
        assert engine.docs(node(q)) == reference(searcher, live, q), q
        if whole:  # no deleted documents: Whoosh's matchers for the whole tree agree too
            assert engine.docs(node(q)) == whoosh_docs(searcher, q), q

    check()


# ------------------------------------------------------------ BM25F

RANKED = {
    "one word": Q.Term("body", "dividend"),
    "two words": Q.And([Q.Term("body", "revenue"), Q.Term("body", "increased")]),
    "either word": Q.Or([Q.Term("body", "merger"), Q.Term("body", "acquisition")]),
    "phrase": Q.Phrase("body", ["chief", "executive", "officer"]),
    "across fields": Q.Or([Q.Term("company", "apple"), Q.Term("body", "iphone")]),
    "boosted": Q.Or([Q.Term("body", "lease", boost=2.0), Q.Term("body", "rent")]),
}
# Whoosh scores a Not and a term of a field without lengths (KEYWORD, ID) 1.0 each; the engine
# does not score them: filters narrow, words rank
FILTERED = Q.And(
    [Q.Term("body", "risk"), Q.Not(Q.Term("root_form", "10-Q")), Q.Term("items", "2.02")]
)
TOP = 20


def bm25f(searcher, q: Q.Query, doc: int, n: int, df, avg) -> float:
    """Return q's BM25F score of a document from the statistics given: n documents, `df(field,
    term)` documents with the term, `avg(field)` average length (Whoosh's formula, its K1, B)."""
    score = 0.0
    for field, term, boost in scoring_terms(node(q)):
        m = searcher.postings(field, term)
        m.skip_to(doc)
        if not m.is_active() or m.id() != doc:
            continue
        tf, length = m.weight(), searcher.doc_field_length(doc, field, 1)
        idf = math.log(n / (df(field, term) + 1)) + 1.0
        score += boost * idf * tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * length / avg(field)))
    return score


def whoosh_top(searcher, q: Q.Query, limit: int) -> list[tuple[int, float]]:
    """Return Whoosh's own BM25F top documents: (global document number, score)."""
    assert isinstance(searcher.weighting, BM25F)
    assert (searcher.weighting.K1, searcher.weighting.B) == (K1, B)  # the engine's constants
    return [(h.docnum, h.score) for h in searcher.search(q, limit=limit, scored=True)]


def agree(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """Tell whether two rankings hold the same documents in the same order, scores within
    RELATIVE of each other."""
    return [d for d, _ in a] == [d for d, _ in b] and all(
        math.isclose(x, y, rel_tol=RELATIVE) for (_, x), (_, y) in zip(a, b, strict=True)
    )


@pytest.mark.parametrize("name", RANKED)
def test_bm25f_on_a_clean_index_is_whooshs(corpus_index, name):
    """Without deletions the engine's statistics are Whoosh's: same top documents, same
    order (ties to the lower document number), same scores."""
    g = Generation(indexdir.require_generation(corpus_index))
    try:
        searcher, engine, q = g.view().searcher, g.view().engine, RANKED[name]
        ours = engine.top(node(q), engine.docs(node(q)), TOP)
        assert len(ours) > 1 and ours[0][1] > ours[-1][1]  # a real ranking, not all ties
        assert agree(ours, whoosh_top(searcher, q, TOP))
    finally:
        g.close()


def test_whoosh_adds_one_per_filter_the_engine_does_not_score(corpus_index):
    """The one difference by design on a clean index: Whoosh's score of a document matching
    `risk AND NOT root_form:10-Q AND items:2.02` is the engine's plus 1.0 for the Not (its
    `InverseMatcher` weight) and 1.0 for the item term (`WeightScorer`: items has no lengths)."""
    g = Generation(indexdir.require_generation(corpus_index))
    try:
        searcher, engine = g.view().searcher, g.view().engine
        ours = engine.top(node(FILTERED), engine.docs(node(FILTERED)), TOP)
        theirs = whoosh_top(searcher, FILTERED, TOP)
        assert len(ours) > 1
        assert agree([(d, s + 2.0) for d, s in ours], theirs)
    finally:
        g.close()


def live_df(searcher):
    """Return df(field, term) counting live documents only (the engine's statistic)."""
    return lambda field, term: len(set(Q.Term(field, term).docs(searcher)))


@pytest.mark.parametrize("name", RANKED)
def test_bm25f_with_deletions_counts_live_documents(incremental_index, name):
    """With deleted documents the engine and Whoosh both score by Whoosh's formula (`bm25f`)
    over the same average field length (all documents' total length over all documents, as
    Whoosh keeps no live totals) but with different document counts for the idf: Whoosh
    counts deleted documents in N and in the term's document frequency, the engine counts
    live documents only, so a replaced filing no longer sways the idf."""
    g = Generation(indexdir.require_generation(incremental_index))
    try:
        searcher, engine, q = g.view().searcher, g.view().engine, RANKED[name]
        reader = searcher.reader()

        def avg(field):
            return reader.field_length(field) / reader.doc_count_all()

        ours = engine.top(node(q), engine.docs(node(q)), TOP)
        theirs = whoosh_top(searcher, q, TOP)
        n, n_all = reader.doc_count(), reader.doc_count_all()
        assert n < n_all
        assert agree(ours, [(d, bm25f(searcher, q, d, n, live_df(searcher), avg)) for d, _ in ours])
        whoosh = [(d, bm25f(searcher, q, d, n_all, reader.doc_frequency, avg)) for d, _ in theirs]
        assert agree(theirs, whoosh)
    finally:
        g.close()
