"""A Whoosh generation opened for reading: the backend's `Reader` (see indexer/backend).

A search holds a `View` (Whoosh searcher, lexicon, engine and side-store connection) from a
pool, so there are as many views as concurrent searches, however many threads come and go; what
does not depend on a thread (per-document facet values, sort keys, field lengths) is read once
per generation. A replaced generation is closed as soon as no search is using it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import chain
from pathlib import Path

from indexer.backend import Execute, FacetCounts, Page
from indexer.backend.pool import ViewPool
from indexer.backend.whoosh import open_whoosh
from indexer.backend.whoosh.docvalues import DocValues
from indexer.backend.whoosh.engine import Engine
from indexer.backend.whoosh.lexicon import ReaderLexicon
from indexer.query import nodes as N
from indexer.store.sidestore import Store

# sort name → (doc values sort field, newest first?)
SORT_KEYS = {
    "newest": ("filed", True),
    "oldest": ("filed", False),
    "period": ("period", True),
    "company": ("company_name", False),
}


def sorted_docs(values: DocValues, docs: set[int], sort: str, limit: int) -> list[int]:
    """Return the first `limit` docs in a field order; filings without the value go last."""
    fieldname, descending = SORT_KEYS[sort]
    keys = values.sort_keys(fieldname)
    present = [d for d in docs if keys[d] is not None]
    if descending:  # ties in document order either way
        best = heapq.nlargest(limit, present, key=lambda d: (keys[d], -d))
    else:
        best = heapq.nsmallest(limit, present, key=lambda d: (keys[d], d))
    if len(best) < limit:
        best += sorted(d for d in docs if keys[d] is None)[: limit - len(best)]
    return best


class View:
    """A searcher, lexicon, engine and side-store connection on a generation, for one search."""

    def __init__(self, gen: Generation):
        self.searcher = gen.ix.searcher()
        self.lexicon = ReaderLexicon(self.searcher.reader())
        self.engine = Engine(self.searcher, gen.values)
        self.store = Store(gen.path, readonly=True)

    def close(self) -> None:
        self.searcher.close()
        self.store.close()


class Generation(ViewPool):
    """An opened index generation: the Whoosh index, per-document values, pooled views."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.name = path.name
        self.ix, store = open_whoosh(path)
        store.close()
        self.values = DocValues(self.ix.reader())

    def make_view(self) -> View:
        return View(self)

    # ------------------------------------------------------------ the Reader contract

    def execute(self, ex: Execute) -> Page:
        """Match, rank the slice asked for, and count facets over every match, in one call."""
        engine = self.view().engine
        engine.start(ex.deadline)
        parts = [q for q in (ex.query, ex.filters) if q is not None]
        docs = engine.docs(N.And(parts) if len(parts) > 1 else (parts[0] if parts else None))
        top = self._ranked(engine, ex, docs) if ex.limit else []
        facets = {name: self._counts(name, docs) for name in ex.facets}
        return Page(len(docs), top[ex.offset :], facets, engine.timed_out)

    def _ranked(self, engine: Engine, ex: Execute, docs: set[int]) -> list:
        """Return the first offset + limit (docnum, score) in the request's order."""
        end = ex.offset + ex.limit
        if ex.sort == "relevance" and engine.ranks(ex.query):
            return engine.top(ex.query, docs, end)
        # by relevance without words to rank by (nothing typed, only fields): newest first
        sort = "newest" if ex.sort == "relevance" else ex.sort
        return [(d, None) for d in sorted_docs(self.values, docs, sort, end)]

    def _counts(self, name: str, docs: set[int]) -> FacetCounts:
        names, per_doc = self.values.facet(name)
        rows = [per_doc[d] for d in docs]
        counts = Counter(chain.from_iterable(rows))
        return FacetCounts(Counter({names[i]: n for i, n in counts.items()}), rows.count(()))

    def summary(self, ref: int) -> dict:
        return self.view().searcher.stored_fields(ref)["summary"]

    def lexicon(self) -> ReaderLexicon:
        return self.view().lexicon

    def store(self) -> Store:
        return self.view().store

    def doc_count(self) -> int:
        return self.ix.doc_count()

    def doc_ids(self) -> Counter:
        with self.ix.searcher() as s:
            return Counter(doc["id"] for doc in s.all_stored_fields())

    def close_engine(self) -> None:
        self.values.close()
        self.ix.close()
