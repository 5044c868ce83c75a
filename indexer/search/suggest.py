"""Did you mean: a corrected query when a word looks misspelled or the query finds little, and
the companies whose names a misspelled word nearly spells.

Engine-neutral: candidates come from the backend's Lexicon only (`doc_frequency` of every word
one edit away, `suggest` for one word two edits away), so no spelling field is indexed. A word
next to another is corrected by the index's own word-pair statistics: each candidate is put in
a two-word phrase with its neighbours and counted through the backend with limit 0 (the
search's filters kept), and the pairs found in most filings win, ties going to the more
frequent word ("sarbanes oxly" → "sarbanes oxley", not the commoner "only"). The phrase counts
are bounded (MAX_CHECKS per search), and one more count drops a correction that would find
nothing. Company names come from the side store's entities table (indexer/store/entities.py):
a name word near a typed one, used by few companies and found in few filings besides theirs.
"""

from __future__ import annotations

import html
import sqlite3
import string
from collections.abc import Callable
from dataclasses import dataclass

from indexer.backend import Lexicon
from indexer.query import nodes as N
from indexer.query.language import ParsedQuery, QueryWord, parse_query
from indexer.store.entities import Entity, near_names

FEW_HITS = 3  # below this many hits, rare words get corrections too
MIN_WORD = 3  # shorter words are never corrected
RARE_RATIO = 20  # a correction of a word that exists must be this many times more frequent
MAX_WORDS = 3  # misspelled words corrected in one query (the rest are left as typed)
MAX_CANDIDATES = 4  # corrections of one word weighed by their word pairs
MAX_CHECKS = 12  # phrase counts run for the word pairs of one search
MAX_COMPANIES = 3  # companies offered for near-miss names
# A name word found in more filings than this many times its companies' own is a common word
# ("acquisition" in a SPAC's name), not a near miss of a company's name
NAME_SPREAD = 10
MAX_EDIT_WORD = 20  # longer words get no one-edit candidates of ours (the lexicon's only)
LETTERS = string.ascii_lowercase


@dataclass
class Sources:
    """What did-you-mean reads: the lexicon, a count of filings matching a query (with the
    search's filters; None when it ran out of time), and the side store for company names
    (None: no companies)."""

    lexicon: Lexicon
    count: Callable[[N.Node], int | None]
    db: sqlite3.Connection | None = None


def suggest(parsed: ParsedQuery, src: Sources, total: int) -> dict | None:
    """Return {"q", "html": corrected query (None if none), "companies": [{cik, name, label}]},
    or None when there is nothing to suggest."""
    suspects = [w for w in parsed.words if suspicious(w.term, parsed, src.lexicon, total)]
    if not suspects:
        return None
    changes = corrections(parsed, suspects[:MAX_WORDS], src)
    q = splice(parsed.text, changes, str) if changes else None
    if q is not None and not finds_any(q, src):
        changes, q = [], None
    companies = company_hints(src.db, [w.term for w in suspects[:MAX_WORDS]], src.lexicon)
    if not changes and not companies:
        return None
    marked = splice(parsed.text, changes, mark) if changes else None
    return {"q": q, "html": marked, "companies": companies}


def frequency(term: str, parsed: ParsedQuery, lexicon) -> int:
    """Return the document frequency of a word's commonest form searched (its stem variants)."""
    return max(lexicon.doc_frequency("body", t) for t in parsed.expansions.get(term, [term]))


def suspicious(term: str, parsed: ParsedQuery, lexicon, total: int) -> bool:
    """Tell whether a word may be misspelled: unknown, or rare in a query that finds little."""
    if len(term) < MIN_WORD or not term.isalpha():
        return False
    return total < FEW_HITS or not frequency(term, parsed, lexicon)


def one_edit(word: str) -> set[str]:
    """Return the words one deletion, swap, replacement or insertion away (a-z only)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    out |= {a + c + b for a, b in splits for c in LETTERS}
    out.discard(word)
    return out


def candidates(term: str, forms: list[str], lexicon) -> list[tuple[str, int]]:
    """Return the likeliest corrections of a word (searched as `forms`, its stem variants) with
    their document frequencies, most frequent first: indexed words one edit away, else, for a
    word the index lacks, the lexicon's own suggestion; a word the index holds needs far
    commoner corrections."""
    own = lexicon.doc_frequency("body", term)
    floor = RARE_RATIO * own if own else 1
    found = {}
    if len(term) <= MAX_EDIT_WORD:
        for cand in one_edit(term):
            if len(cand) >= MIN_WORD and (df := lexicon.doc_frequency("body", cand)) >= floor:
                found[cand] = df
    if not found and not own and (best := lexicon.suggest(term)):  # a walk of the dictionary
        found[best[0]] = best[1]
    for form in forms:
        found.pop(form, None)  # already searched
    return sorted(found.items(), key=lambda c: (-c[1], c[0]))[:MAX_CANDIDATES]


def neighbours(parsed: ParsedQuery, word: QueryWord) -> list[tuple[str, bool]]:
    """Return the words typed right before and after a word, each with whether it comes first."""
    out = []
    for other in parsed.words:
        before = other.end <= word.start and not parsed.text[other.end : word.start].strip()
        after = other.start >= word.end and not parsed.text[word.end : other.start].strip()
        if (before or after) and other.term.isalnum():
            out.append((other.term, before))
    return out


def corrections(parsed: ParsedQuery, suspects: list[QueryWord], src: Sources) -> list:
    """Choose each suspect word's correction by its word pairs, then its frequency."""
    changes, checks = [], MAX_CHECKS
    for word in suspects:
        cands = candidates(word.term, parsed.expansions.get(word.term, []), src.lexicon)
        if not cands:
            continue
        pairs = [(t, first) for t, first in neighbours(parsed, word) if t not in changed(changes)]
        scored = []
        for cand, df in cands:
            hits = 0
            for other, first in pairs:
                if checks <= 0:
                    break
                checks -= 1
                hits += src.count(pair((other, cand) if first else (cand, other))) or 0
            scored.append((hits, df, cand))
        changes.append((word, max(scored, key=lambda s: (s[0], s[1]))[2]))
    return changes


def pair(words: tuple[str, str]) -> N.Node:
    """Return the query of two words side by side: as a phrase, or hyphenated as one compound
    ("sarbanes-oxley", whose parts are indexed at one position, so no phrase finds them)."""
    return N.Or((N.Phrase("body", words), N.Term("body", "-".join(words))))


def changed(changes: list) -> set[str]:
    return {word.term for word, _ in changes}


def finds_any(q: str, src: Sources) -> bool:
    """Tell whether a corrected query finds any filing (with the search's filters); a count cut
    by the deadline (None) is taken as yes."""
    query = parse_query(q, src.lexicon).query
    return query is not None and src.count(query) != 0


def company_hints(db: sqlite3.Connection | None, terms: list[str], lexicon) -> list[dict]:
    """Return the companies whose names hold a word near one of the typed words, that word
    being mostly a name: in at most NAME_SPREAD times as many filings as its companies file."""
    found: dict[str, Entity] = {}
    for term in terms if db is not None else []:
        for word, companies in near_names(db, term, one_edit(term)).items():
            filed = sum(e.filings for e in companies)
            if lexicon.doc_frequency("body", word) <= NAME_SPREAD * filed:
                found.update((e.cik, e) for e in companies)
    ranked = sorted(found.values(), key=lambda e: (-e.filings, e.name))[:MAX_COMPANIES]
    return [{"cik": e.cik, "name": e.name, "label": e.label()} for e in ranked]


def mark(word: str) -> str:
    return f"<mark>{html.escape(word)}</mark>"


def splice(text: str, changes, wrap) -> str:
    """Replace each changed word in the query as typed; escape the rest when marking up."""
    escape = html.escape if wrap is mark else str
    out, pos = [], 0
    for word, new in sorted(changes, key=lambda c: c[0].start):
        out += [escape(text[pos : word.start]), wrap(new)]
        pos = word.end
    out.append(escape(text[pos:]))
    return "".join(out)
