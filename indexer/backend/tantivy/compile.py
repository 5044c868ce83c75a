"""The query tree (indexer/query/nodes.py) as tantivy queries.

Words of text fields score (BM25); exact values, dates, everything and filters match with a
score of 0, as in the Whoosh backend's ranking, which scores text words only.
"""

from __future__ import annotations

from functools import singledispatchmethod
from itertools import accumulate, pairwise, product

import tantivy
from tantivy import Occur, Query

from indexer.backend.tantivy.lexicon import TantivyLexicon, term_field
from indexer.backend.tantivy.schema import DATES, TEXT_FIELDS, days
from indexer.query import nodes as N

MAX_GAP_PHRASES = 64  # exact phrases one near phrase becomes, at most
MAX_PREFIX_TERMS = 1_000  # terms a Prefix node (exhibit types, no-lexicon wildcards) expands to


def unscored(q: Query) -> Query:
    """Return a query that matches as q does and adds nothing to a score."""
    return Query.const_score_query(q, 0.0)


def scores(q: N.Node | None) -> bool:
    """Tell whether q has a word of a text field outside a Not: relevance means something."""
    if q is None or isinstance(q, N.Not):
        return False
    if isinstance(q, (N.Term, N.Phrase)):
        return q.fieldname in TEXT_FIELDS
    return any(scores(s) for s in getattr(q, "subqueries", ()))


class Compiler:
    """Compiles query nodes against one generation's schema and term dictionary."""

    def __init__(self, schema: tantivy.Schema, lexicon: TantivyLexicon):
        self.schema = schema
        self.lexicon = lexicon

    @singledispatchmethod
    def compile(self, node: N.Node) -> Query:
        """Return the tantivy query that means what `node` means."""
        raise TypeError(f"no tantivy query for {node!r}")

    @compile.register
    def _(self, node: N.Term) -> Query:
        field = term_field(node.fieldname, node.text)
        if node.fieldname not in TEXT_FIELDS:
            return unscored(Query.term_query(self.schema, field, node.text, index_option="basic"))
        q = Query.term_query(self.schema, field, node.text, index_option="freq")
        return Query.boost_query(q, node.boost) if node.boost != 1.0 else q

    @compile.register
    def _(self, node: N.Phrase) -> Query:
        q = self.phrase(node.fieldname, list(node.words), node.slop)
        return Query.boost_query(q, node.boost) if node.boost != 1.0 else q

    def phrase(self, field: str, words: list[str], slop: int) -> Query:
        """Return words in order, each 1 to `slop` positions after the one before (Whoosh's
        rule). tantivy's own slop bounds the distance to the exact places in either direction
        (Lucene's rule: "income net" matches "net income"~3), so a near phrase is an OR of
        exact phrases with every allowed gap; beyond MAX_GAP_PHRASES of them, tantivy's slop
        with each neighbouring pair near too (a superset, docs/backends.md)."""
        gaps = list(product(range(1, slop + 1), repeat=len(words) - 1))
        if slop <= 1 or len(gaps) <= MAX_GAP_PHRASES:
            exact = [self.placed(field, words, g) for g in gaps]
            return (
                exact[0]
                if len(exact) == 1
                else Query.boolean_query([(Occur.Should, x) for x in exact])
            )
        q = Query.phrase_query(self.schema, field, words, (slop - 1) * (len(words) - 1))
        pairs = [Query.phrase_query(self.schema, field, list(p), slop - 1) for p in pairwise(words)]
        return Query.boolean_query([(Occur.Must, x) for x in [q, *pairs]])

    def placed(self, field: str, words: list[str], gaps: tuple[int, ...]) -> Query:
        """Return the exact phrase of words at these distances from each other."""
        offsets = [0, *accumulate(gaps)]
        return Query.phrase_query(self.schema, field, list(zip(offsets, words, strict=True)), 0)

    @compile.register
    def _(self, node: N.Prefix) -> Query:
        found = []
        for term, _df in self.lexicon.iter_prefix(node.fieldname, node.text):
            if len(found) >= MAX_PREFIX_TERMS:
                break
            found.append(term)
        if not found:
            return Query.empty_query()
        return self.compile(N.Or([N.Term(node.fieldname, t) for t in found]))

    @compile.register
    def _(self, node: N.DateRange) -> Query:
        if node.fieldname not in DATES:
            raise TypeError(f"no date field {node.fieldname!r}")
        lo = days(node.startdate) if node.startdate else None
        hi = days(node.enddate) if node.enddate else None
        kind = tantivy.FieldType.Integer
        if lo is None and hi is None:
            return unscored(Query.exists_query(node.fieldname))
        return unscored(Query.range_query(self.schema, node.fieldname, kind, lo, hi))

    @compile.register
    def _(self, node: N.And) -> Query:
        clauses = [
            (Occur.MustNot, self.compile(s.query))
            if isinstance(s, N.Not)
            else (Occur.Must, self.compile(s))
            for s in node.subqueries
        ]
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, unscored(Query.all_query())))
        return Query.boolean_query(clauses)

    @compile.register
    def _(self, node: N.Or) -> Query:
        if not node.subqueries:
            return Query.empty_query()
        return Query.boolean_query([(Occur.Should, self.compile(s)) for s in node.subqueries])

    @compile.register
    def _(self, node: N.Not) -> Query:
        everything = unscored(Query.all_query())
        return Query.boolean_query(
            [(Occur.Must, everything), (Occur.MustNot, self.compile(node.query))]
        )

    @compile.register
    def _(self, node: N.Every) -> Query:
        return unscored(Query.all_query())

    @compile.register
    def _(self, node: N.Nothing) -> Query:
        return Query.empty_query()
