"""Schemathesis hooks for tests/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

`q` is written in the search syntax, a grammar JSON Schema cannot state: the OpenAPI description
bounds its length and the server answers a query that does not parse with 400 naming `q`. So
generated requests whose `q` the query parser rejects are dropped instead of sent — every other
value, and every `q` too long for the description, still goes to the server as generated.
"""

from __future__ import annotations

import schemathesis

from indexer.query.filters import QueryError
from indexer.query.language import MAX_QUERY_CHARS, parse_query


def parses(q) -> bool:
    """Tell whether a generated `q` is one the query parser reads (or is not a string at all)."""
    if not isinstance(q, str) or len(q) > MAX_QUERY_CHARS:
        return True
    try:
        parse_query(q.strip())
    except QueryError:
        return False
    return True


@schemathesis.hook
def filter_query(ctx, query) -> bool:
    """Drop generated requests whose `q` is not in the search syntax."""
    return not isinstance(query, dict) or parses(query.get("q"))
