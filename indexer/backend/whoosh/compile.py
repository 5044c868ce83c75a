"""The query tree (indexer/query/nodes.py) as Whoosh query objects: for Whoosh's own matchers
(the engine's fallback) and for the parity tests that hold our engine against Whoosh's."""

from __future__ import annotations

from functools import singledispatch

from whoosh import query as Q

from indexer.query import nodes as N


@singledispatch
def to_whoosh(node: N.Node) -> Q.Query:
    """Return the Whoosh query that means what `node` means."""
    raise TypeError(f"no Whoosh query for {node!r}")


@to_whoosh.register
def _(node: N.Term) -> Q.Query:
    return Q.Term(node.fieldname, node.text, boost=node.boost)


@to_whoosh.register
def _(node: N.Phrase) -> Q.Query:
    return Q.Phrase(node.fieldname, list(node.words), slop=node.slop, boost=node.boost)


@to_whoosh.register
def _(node: N.Prefix) -> Q.Query:
    return Q.Prefix(node.fieldname, node.text)


@to_whoosh.register
def _(node: N.DateRange) -> Q.Query:
    return Q.DateRange(node.fieldname, node.startdate, node.enddate)


@to_whoosh.register
def _(node: N.And) -> Q.Query:
    return Q.And([to_whoosh(s) for s in node.subqueries])


@to_whoosh.register
def _(node: N.Or) -> Q.Query:
    return Q.Or([to_whoosh(s) for s in node.subqueries])


@to_whoosh.register
def _(node: N.Not) -> Q.Query:
    return Q.Not(to_whoosh(node.query))


@to_whoosh.register
def _(node: N.Every) -> Q.Query:
    return Q.Every()


@to_whoosh.register
def _(node: N.Nothing) -> Q.Query:
    return Q.NullQuery
