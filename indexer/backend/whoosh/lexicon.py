"""The term dictionary of a Whoosh generation, for the engine-neutral lexicon logic
(indexer/backend/lexicon.py): prefix scans, document frequencies, near words."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from indexer.backend.lexicon import BaseLexicon, stem, stem_prefix  # noqa: F401 (re-exported)


class ReaderLexicon(BaseLexicon):
    """The term dictionary of an open Whoosh reader (one per searcher; not thread-safe)."""

    def __init__(self, reader):
        super().__init__()
        self.reader = reader

    def iter_prefix(self, field: str, prefix: str) -> Iterator[tuple[str, int]]:
        for btext, info in self.reader.iter_prefix(field, prefix):
            yield btext.decode("utf-8"), info.doc_frequency()

    def doc_frequency(self, field: str, term: str) -> int:
        return self.reader.doc_frequency(field, term)

    def within(self, word: str, maxdist: int) -> set[str]:
        # MultiReader has no DFA walk of its own: ask each segment, which skips through its
        # sorted term index, instead of the base class's scan of every term
        out: set[str] = set()
        for leaf, _offset in self.reader.leaf_readers():
            out.update(leaf.terms_within("body", word, maxdist, prefix=1))
        return out


class WordListLexicon(BaseLexicon):
    """A lexicon from plain data, {field: {term: doc frequency}}: for tests and tools."""

    def __init__(self, fields: dict[str, dict[str, int]]):
        super().__init__()
        self.fields = {f: dict(sorted(terms.items())) for f, terms in fields.items()}
        self.sorted = {f: list(terms) for f, terms in self.fields.items()}

    def iter_prefix(self, field: str, prefix: str) -> Iterator[tuple[str, int]]:
        words = self.sorted.get(field, [])
        for t in words[bisect_left(words, prefix) :]:
            if not t.startswith(prefix):
                return
            yield t, self.fields[field][t]

    def doc_frequency(self, field: str, term: str) -> int:
        return self.fields.get(field, {}).get(term, 0)

    def within(self, word: str, maxdist: int) -> set[str]:
        words = self.sorted.get("body", [])
        dfa = levenshtein_automaton(word, maxdist, prefix=1).to_dfa()

        def next_word(w: str) -> str | None:
            i = bisect_left(words, w)
            return words[i] if i < len(words) else None

        return set(find_all_matches(dfa, next_word))
