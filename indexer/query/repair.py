"""Repairing a query that does not parse: each syntax error's own edit, applied in turn.

Pure, like the language itself; tested as data (tests/test_query_fixes.py).
"""

from __future__ import annotations

from indexer.query.filters import QueryError
from indexer.query.language import parse_query
from indexer.query.lexer import QuerySyntaxError

MAX_FIXES = 5  # edits suggest_fix chains (`((merger OR` needs three)


def suggest_fix(text: str) -> str | None:
    """Return the query repaired by each error's own edit in turn, None when one has none.

    Only errors whose repair is certain (close a quote or parenthesis, drop a dangling
    operator or a stray `)`) carry an edit; the result is a non-empty query that parses.
    """
    for _ in range(MAX_FIXES):
        try:
            parse_query(text)
        except QuerySyntaxError as e:
            if e.fix is None:
                return None
            start, end, new = e.fix
            text = " ".join((text[:start] + new + text[end:]).split())
        except QueryError:
            return None
        else:
            return text or None  # deleting everything typed is no repair
    return None
