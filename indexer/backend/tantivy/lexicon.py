"""The term dictionary of a tantivy generation, for the engine-neutral lexicon logic
(indexer/backend/lexicon.py).

A text field's words are in two tantivy fields (schema.py): an alphanumeric word is read from
the `_parts` twin (where it counts alone and inside compounds, as in Whoosh's one field), any
other token ("10-k", "7.01") from the field itself; the two sorted lists are merged.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from indexer.backend.lexicon import BaseLexicon
from indexer.backend.tantivy.schema import PARTS, TEXT_FIELDS

FIRST_SCAN = 256  # terms read by the first look-up of a prefix; each next one reads 4 times more
MAX_SCAN = 20_001  # more than any caller reads (query.language.MAX_WILDCARD_SCAN + 1)
NEAR_SCAN = 5_000  # words sharing the first two letters looked at for a distance-2 suggestion
EDITS = "abcdefghijklmnopqrstuvwxyz"  # letters tried by single edits (suggest takes words only)


def term_field(field: str, term: str) -> str:
    """Return the tantivy field holding a word of a field (a text field's alphanumeric words
    are in its `_parts` twin)."""
    return field + PARTS if field in TEXT_FIELDS and term.isalnum() else field


class TantivyLexicon(BaseLexicon):
    """The term dictionary of a tantivy searcher (one per thread; its caches are not locked)."""

    def __init__(self, searcher):
        super().__init__()
        self.searcher = searcher

    def _scan(self, field: str, prefix: str) -> Iterator[tuple[str, int]]:
        """Yield (term, doc count) of one tantivy field's terms with a prefix, in order, reading
        more of the dictionary only when the caller reads on."""
        done, limit = 0, FIRST_SCAN
        while True:
            found = self.searcher.terms_with_prefix(field, prefix, limit=limit)
            yield from found[done:]
            if len(found) < limit or limit >= MAX_SCAN:
                return
            done, limit = len(found), min(limit * 4, MAX_SCAN)

    def iter_prefix(self, field: str, prefix: str) -> Iterator[tuple[str, int]]:
        if field not in TEXT_FIELDS:
            yield from self._scan(field, prefix)
            return
        tokens = (x for x in self._scan(field, prefix) if not x[0].isalnum())
        words = (x for x in self._scan(field + PARTS, prefix) if x[0].isalnum())
        yield from heapq.merge(tokens, words)

    def doc_frequency(self, field: str, term: str) -> int:
        return self.searcher.doc_freq(term_field(field, term), term)

    def within(self, word: str, maxdist: int) -> set[str]:
        """Return body words within `maxdist` edits of `word` sharing its first letter: at
        distance 1 every single edit looked up, at 2 the words sharing the first two letters."""
        if maxdist <= 1:
            return {w for w in single_edits(word) if self.doc_frequency("body", w)}
        found = self.searcher.terms_with_prefix("body" + PARTS, word[:2], limit=NEAR_SCAN)
        near = {t for t, _ in found if abs(len(t) - len(word)) <= 2 and distance(t, word) <= 2}
        return near | self.within(word, 1)


def single_edits(word: str) -> set[str]:
    """Return the words one deletion, substitution or insertion away (Levenshtein, as Whoosh's
    automaton), keeping the first letter."""
    head, rest = word[0], word[1:]
    splits = [(rest[:i], rest[i:]) for i in range(len(rest) + 1)]
    out = {head + a + b[1:] for a, b in splits if b}
    out |= {head + a + c + b[1:] for a, b in splits if b for c in EDITS}
    out |= {head + a + c + b for a, b in splits for c in EDITS}
    out.discard(word)
    return out


def distance(a: str, b: str) -> int:
    """Return the Levenshtein distance of two words."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]
