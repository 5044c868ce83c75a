"""What the query builder asks of an index's term dictionary, engine-neutral: stem variants,
wildcard expansions, document frequencies and spelling suggestions over a sorted term source
(each backend's lexicon supplies the source).

The body field is indexed unstemmed. An unquoted word is expanded at query time to the indexed
terms that share its Porter stem. No stem map is built: a term with stem `s` always starts with
`s[:-1]` (checked over every alphabetic term of the corpus), so a bounded scan of that prefix in
the sorted term dictionary finds every variant, and each answer is cached per lexicon. The
stemmer is Whoosh's Porter stemmer (pure Python, no index code): Whoosh stays a dependency, and
both backends stem alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.lang.porter import stem as porter_stem

from indexer.query.language import (
    MAX_STEM_SCAN,
    MAX_STEM_TERMS,
    MAX_WILDCARD_SCAN,
    MAX_WILDCARD_TERMS,
)

CACHE_SIZE = 4096  # answers kept per lexicon (one lexicon per searcher)
MIN_STEM_WORD = 3  # shorter words are not expanded


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the Porter stem of a lower-case word (the stemmer of Whoosh's StemFilter)."""
    return porter_stem(word)


def stem_prefix(word: str) -> str:
    """Return the prefix every indexed term sharing `word`'s stem starts with."""
    s = stem(word)
    return s[:-1] if len(s) > 1 else s


def stemmable(word: str) -> bool:
    """Return whether a word gets stem variants (alphabetic, not too short)."""
    return len(word) >= MIN_STEM_WORD and word.isalpha()


class BaseLexicon:
    """Expansion logic over a sorted term source; subclasses provide `iter_prefix`."""

    def __init__(self) -> None:
        self._variants: dict[str, list[str]] = {}
        self._expand: dict[tuple[str, str], tuple[list[str], bool]] = {}

    def iter_prefix(self, field: str, prefix: str) -> Iterator[tuple[str, int]]:
        """Yield (term, document frequency) for the field's terms with this prefix, in order."""
        raise NotImplementedError

    def doc_frequency(self, field: str, term: str) -> int:
        raise NotImplementedError

    def variants(self, word: str) -> list[str]:
        """Return the body terms sharing `word`'s stem, most frequent first, `word` always first."""
        if word not in self._variants:
            found = []
            if stemmable(word):
                target = stem(word)
                scan = _bounded(self.iter_prefix("body", stem_prefix(word)), MAX_STEM_SCAN)
                found = [(df, t) for t, df in scan if t != word and _same_stem(t, target)]
            found.sort(key=lambda x: (-x[0], x[1]))
            terms = [word] + [t for _, t in found[: MAX_STEM_TERMS - 1]]
            self._remember(self._variants, word, terms)
        return self._variants[word]

    def expand(self, field: str, prefix: str) -> tuple[list[str], bool]:
        """Return the field's terms starting with `prefix` (most frequent first) and whether
        the list was cut to the bound."""
        key = (field, prefix)
        if key not in self._expand:
            scan = list(_bounded(self.iter_prefix(field, prefix), MAX_WILDCARD_SCAN + 1))
            cut = len(scan) > MAX_WILDCARD_SCAN or len(scan) > MAX_WILDCARD_TERMS
            scan.sort(key=lambda x: (-x[1], x[0]))
            self._remember(self._expand, key, ([t for t, _ in scan[:MAX_WILDCARD_TERMS]], cut))
        return self._expand[key]

    @staticmethod
    def _remember(cache: dict, key, value) -> None:
        if len(cache) >= CACHE_SIZE:
            cache.clear()  # rare, and cheaper than tracking recency
        cache[key] = value

    def within(self, word: str, maxdist: int) -> set[str]:
        """Return body terms within `maxdist` edits of `word` sharing its first letter."""
        raise NotImplementedError

    def suggest(self, word: str) -> tuple[str, int] | None:
        """Return the likeliest correction of a body word and its document frequency."""
        maxdist = 1 if len(word) <= 5 else 2
        own = self.doc_frequency("body", word)
        best = None
        for dist in range(1, maxdist + 1):
            for cand in self.within(word, dist):
                if cand == word or not cand.isalpha():
                    continue
                df = self.doc_frequency("body", cand)
                if df > max(own, 1) and (best is None or df > best[1]):
                    best = (cand, df)
            if best:
                return best
        return None


def _same_stem(term: str, target: str) -> bool:
    return term.isalpha() and stem(term) == target


def _bounded(it: Iterator, n: int) -> Iterator:
    """Yield at most n items of an iterator."""
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x
