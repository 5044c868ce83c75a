"""A tantivy generation opened for reading: the backend's `Reader` (see indexer/backend).

One tantivy searcher serves every thread (the index of a generation never changes); a search
holds a `View` (lexicon with its caches, query compiler, side-store connection) from a pool,
so there are as many views as concurrent searches. Nothing is read per document at opening:
totals, pages and sorts are tantivy searches, facets a terms aggregation over the matching
documents' fast fields.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from tantivy import Occur, Order, Query

from indexer.backend import Execute, FacetCounts, Page
from indexer.backend.document import FACET_FIELDS
from indexer.backend.pool import ViewPool
from indexer.backend.tantivy.compile import Compiler, scores, unscored
from indexer.backend.tantivy.facets import count_facets
from indexer.backend.tantivy.lexicon import TantivyLexicon
from indexer.backend.tantivy.schema import COMPANY_SORT
from indexer.backend.tantivy.writer import open_index
from indexer.store.sidestore import Store

# sort name → (fast field, order); filings without the value come last either way
SORT_FIELDS = {
    "newest": ("filed", Order.Desc),
    "oldest": ("filed", Order.Asc),
    "period": ("period", Order.Desc),
    "company": (COMPANY_SORT, Order.Asc),
}


class View:
    """A lexicon, query compiler and side-store connection on a generation, for one search."""

    def __init__(self, gen: Generation):
        self.lexicon = TantivyLexicon(gen.searcher)
        self.compiler = Compiler(gen.index.schema, self.lexicon)
        self.store = Store(gen.path, readonly=True)

    def close(self) -> None:
        self.store.close()


class Generation(ViewPool):
    """An opened index generation: the tantivy index and searcher, pooled views."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.name = path.name
        self.index = open_index(path)
        self.searcher = self.index.searcher()

    def make_view(self) -> View:
        return View(self)

    # ------------------------------------------------------------ the Reader contract

    def execute(self, ex: Execute) -> Page:
        """Count, take the slice asked for, and count facets over every match; the deadline is
        checked between these steps (tantivy has none of its own), and `timed_out` says a step
        was left out (not that the answer finished late)."""
        if time.monotonic() > ex.deadline:
            return Page(0, [], {name: FacetCounts() for name in ex.facets}, True)
        q = self._query(ex)
        if ex.facets and not ex.limit:  # counts alone: the matches are counted with the facets
            total, hits = None, []
        else:
            total, hits = self._ranked(q, ex)
            if ex.facets and time.monotonic() > ex.deadline:
                return Page(total, hits, {name: FacetCounts() for name in ex.facets}, True)
        fields = [(n, FACET_FIELDS[n]) for n in ex.facets]
        total, facets = count_facets(self.searcher, q, total, fields)
        return Page(total, hits, facets, False)

    def _query(self, ex: Execute) -> Query:
        """Return the query and the filters as one tantivy query; only the query scores."""
        compiler = self.view().compiler
        clauses = []
        if ex.query is not None:
            clauses.append((Occur.Must, compiler.compile(ex.query)))
        if ex.filters is not None:
            clauses.append((Occur.Must, unscored(compiler.compile(ex.filters))))
        if not clauses:
            return unscored(Query.all_query())
        return clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)

    def _ranked(self, q: Query, ex: Execute) -> tuple[int, list]:
        """Return the total and the hits from offset to offset + limit in the request's order."""
        if not ex.limit:
            return self.searcher.search(q, 1).count, []
        sort = ex.sort
        if sort == "relevance" and scores(ex.query):
            found = self.searcher.search(q, ex.limit, offset=ex.offset)
            return found.count, [(addr, score) for score, addr in found.hits]
        # by relevance without words to rank by (nothing typed, only fields): newest first
        field, order = SORT_FIELDS["newest" if sort == "relevance" else sort]
        found = self.searcher.search(
            q, ex.limit, offset=ex.offset, order_by_field=field, order=order
        )
        return found.count, [(addr, None) for _key, addr in found.hits]

    def summary(self, ref) -> dict:
        return json.loads(self.searcher.doc(ref)["summary"][0])

    def lexicon(self) -> TantivyLexicon:
        return self.view().lexicon

    def store(self) -> Store:
        return self.view().store

    def doc_count(self) -> int:
        return self.searcher.num_docs

    def doc_ids(self) -> Counter:
        """Count the live documents per filing id (verify: reads every stored id once)."""
        found = self.searcher.search(unscored(Query.all_query()), max(self.doc_count(), 1))
        return Counter(self.searcher.doc(addr)["id"][0] for _score, addr in found.hits)

    def close_engine(self) -> None:
        self.searcher = None
        self.index = None
