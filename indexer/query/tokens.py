"""How text becomes words: one rule for the index and the query language alike, no engine.

Every backend indexes with these rules (Whoosh's analyzers and the array indexer are built on
them), and the query language turns what a user typed into words with the same rules, so a word
typed is a word indexed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# One token: an amount "1,234,567.89", a number or word with inner dots, dashes or slashes
# ("0-17999", "u.s.c", "7.01", "10-k/a"), or a plain word
# (The look-ahead lets the scan skip non-word characters at once, and the possessive repeats
# never backtrack: the same tokens as the plain pattern, 15-20% faster; tests/test_schema.py.)
TOKEN = r"(?=\w)(?:\d{1,3}(?:,\d{3})++(?:\.\d+)?+|\w++(?:[.\-/']\w++)*+)"
# The alphanumeric parts of a compound token: "0-17999" → "0", "17999"
PART = re.compile(r"[^\W_]+")
# A number with separators, whose parts are noise: "1,234,567.89", "7.01", "3.5"
PLAIN_NUMBER = re.compile(r"[\d,.]+")


def has_parts(tok: str) -> bool:
    """Tell whether a token is a compound whose parts are indexed too ("0-17999", "u.s.c")."""
    return not tok.isalnum() and PLAIN_NUMBER.fullmatch(tok) is None


def compound_parts(tok: str) -> list[str]:
    """Return the parts of a compound token indexed at its position too, each once."""
    if not has_parts(tok):
        return []
    return [part for part in dict.fromkeys(PART.findall(tok)) if part != tok]


TOKEN_RE = re.compile(TOKEN)


PIECE_CHARS = 1 << 20  # text tokenized at once: a token list costs ~60 bytes a token
# Where a piece may end: a token never holds whitespace
WHITESPACE = re.compile(r"\s")


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """Cut text into pieces of about `size` characters at whitespace, so no token is cut."""
    start, n = 0, len(text)
    while start < n:
        end = start + size
        if end < n:
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            if cut > start:
                end = cut
            else:  # no space or line break in the window: go on to the next whitespace
                m = WHITESPACE.search(text, end)
                end = m.start() if m else n
        yield text[start:end]
        start = end


def query_words(text: str) -> list[str]:
    """Return the words of text as a query reads them: tokens, lower case (no compound parts:
    a compound typed is matched whole, its parts were indexed at its position)."""
    return [t.lower() for t in TOKEN_RE.findall(text)]
