"""Highlighted snippets for the hits of one page, from the side store's document texts.

The query's positive body terms (stem variants and wildcard expansions included) are found in
the lower-cased text with `str.find` (C speed), then checked against the index's token
boundaries, so no filing is ever tokenized for a few terms. Many terms (a wide wildcard expands to
hundreds) are found in one pass over the text's words with a table lookup per word: one regex
alternation of them would cost words × terms. Text is HTML-escaped piece by piece; only `<mark>`
is ours.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

SNIPPETS_PER_HIT = 3
FRAGMENT_CHARS = 240  # characters of text around the matches of one snippet
CONTEXT_BEFORE = 70  # of which before the first match
MAX_MATCHES = 60  # matches looked at per filing (a filing can hold thousands)
MAX_FIND_TERMS = 24  # more terms than this are found by one scan of the words, not str.find
LEAD_CHARS = 240  # the opening shown when the query has no body terms
SAME_PASSAGE = 0.8  # share of the shorter snippet two must have in one run to be one passage
# "<mark>", "</mark>": the only tags in a snippet
TAGS = re.compile(r"</?mark>")
# Runs of whitespace, shown as one space
SPACES = re.compile(r"\s+")
# Characters between the words of a phrase (anything that is not part of a token)
BETWEEN = r"[\W_]+"
# A run of letters and digits: a word, or one part of a compound ("0", "17999" in "0-17999")
RUN = re.compile(r"[^\W_]+")


@dataclass
class Match:
    doc: int  # index of the document in the filing
    start: int
    end: int
    key: str  # the matched term, folded


@lru_cache(maxsize=256)
def pattern_for(highlights: tuple[tuple[str, ...], ...]) -> re.Pattern | None:
    """Compile the terms and phrases to highlight into one case-insensitive regex."""
    alts = {BETWEEN.join(re.escape(w) for w in words) for words in highlights if words}
    if not alts:
        return None
    body = "|".join(sorted(alts, key=lambda a: (-len(a), a)))
    # a term matches a whole token or a part of a compound ("17999" in "0-17999"), as indexed
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.IGNORECASE)


def scan(text: str, highlights) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, key) of the terms and phrases in a text, in order, without overlaps.

    One pass over the text's runs of letters and digits; a run that opens a term is looked up in
    a table, and only that term's rest is checked, so time grows with the text, not the terms.
    """
    table = _scan_table(tuple(highlights))
    pos = 0
    for run in RUN.finditer(text):
        start = run.start()
        if start < pos:
            continue
        for rest, key in table.get(run.group().lower(), ()):
            m = rest.match(text, run.end()) if rest is not None else None
            if rest is None or m:
                pos = m.end() if m else run.end()
                yield start, pos, key
                break


@lru_cache(maxsize=64)
def _scan_table(highlights: tuple[tuple[str, ...], ...]) -> dict[str, list]:
    """Map a term's first run to (what must follow it, key), longest term first."""
    table: dict[str, list] = {}
    for words in sorted({w for w in highlights if w}, key=lambda w: (-len(" ".join(w)), w)):
        first = RUN.match(words[0])
        if first is None:  # a term opening with "_" never starts a run: not highlighted
            continue
        tail = re.escape(words[0][first.end() :]) + "".join(
            BETWEEN + re.escape(w) for w in words[1:]
        )
        rest = re.compile(rf"{tail}(?![^\W_])", re.IGNORECASE) if tail else None
        table.setdefault(first.group().lower(), []).append((rest, " ".join(words)))
    return table


def find_matches(texts: list[str], highlights) -> tuple[list[Match], list[int]]:
    """Return the first matches over the documents, and the index of every document with one."""
    matches: list[Match] = []
    matched_docs = []
    for i, text in enumerate(texts):
        if not text:
            continue
        room = max(1, MAX_MATCHES - len(matches))  # past the cap, only whether a doc matches
        found = _in_text(i, text, highlights, room)
        if found:
            matched_docs.append(i)
            matches += found[: MAX_MATCHES - len(matches)]
    return matches, matched_docs


def _in_text(doc: int, text: str, highlights, limit: int) -> list[Match]:
    """Return up to `limit` matches in one text, in order, longest first where they overlap."""
    low = text.lower()
    if len(low) != len(text) or len(highlights) > MAX_FIND_TERMS:  # rare: lower() resized
        return [Match(doc, s, e, key) for s, e, key in islice(scan(text, highlights), limit)]
    found = []
    for words in highlights:
        found += _find(doc, low, words, limit)
    found.sort(key=lambda m: (m.start, -m.end))
    kept: list[Match] = []
    for m in found:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept[:limit]


def _find(doc: int, low: str, words: tuple[str, ...], limit: int) -> list[Match]:
    """Find one term or phrase in lower-cased text at token boundaries."""
    first, rest = words[0], _rest_of_phrase(words[1:]) if len(words) > 1 else None
    out: list[Match] = []
    pos = low.find(first)
    while pos >= 0 and len(out) < limit:
        end = pos + len(first)
        if (pos == 0 or not low[pos - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
            m = rest.match(low, end) if rest else None
            if rest is None or m:
                end = m.end() if m else end
                out.append(Match(doc, pos, end, " ".join(words)))
        pos = low.find(first, pos + 1)
    return out


@lru_cache(maxsize=256)
def _rest_of_phrase(words: tuple[str, ...]) -> re.Pattern:
    """Compile what must follow a phrase's first word: each next word after separators."""
    body = "".join(BETWEEN + re.escape(w) for w in words)
    return re.compile(rf"{body}(?![^\W_])")


def ranked_windows(matches: list[Match]) -> Iterator[list[Match]]:
    """Yield groups of nearby matches that share no text with each other, richest first."""
    groups = []
    for i, first in enumerate(matches):
        group = [first]
        for m in matches[i + 1 :]:
            if m.doc != first.doc or m.end > first.start + FRAGMENT_CHARS - CONTEXT_BEFORE:
                break
            group.append(m)
        groups.append(group)
    ranked = sorted(groups, key=lambda g: (-len({m.key for m in g}), -len(g), g[0].doc, g[0].start))
    chosen: list[list[Match]] = []
    for g in ranked:
        if not any(_overlaps(g, c) for c in chosen):
            chosen.append(g)
            yield g


def choose_windows(matches: list[Match], limit: int = SNIPPETS_PER_HIT) -> list[list[Match]]:
    """Pick up to `limit` non-overlapping groups of nearby matches, richest first, in text order."""
    return sorted(islice(ranked_windows(matches), limit), key=lambda g: (g[0].doc, g[0].start))


def _overlaps(a: list[Match], b: list[Match]) -> bool:
    """Return whether two groups' snippets would share text."""
    near = CONTEXT_BEFORE
    return a[0].doc == b[0].doc and a[0].start < b[-1].end + near and b[0].start < a[-1].end + near


def render(text: str, group: list[Match]) -> str:
    """Return one snippet: escaped text around the group's matches, each in <mark>."""
    start = _word_start(text, max(0, group[0].start - CONTEXT_BEFORE))
    end = _word_end(text, max(group[-1].end, min(len(text), start + FRAGMENT_CHARS)))
    parts = ["…" if start > 0 else ""]
    pos = start
    for m in group:
        parts.append(_escape(text[pos : m.start]))
        parts.append(f"<mark>{_escape(text[m.start : m.end])}</mark>")
        pos = m.end
    parts.append(_escape(text[pos:end]))
    parts.append("…" if end < len(text) else "")
    return "".join(parts).strip()


def _escape(piece: str) -> str:
    return html.escape(SPACES.sub(" ", piece), quote=False)


def _word_start(text: str, i: int) -> int:
    """Move a cut forward to the start of a word, unless that skips too far."""
    if i == 0 or text[i - 1].isspace():
        return i
    j = i
    while j < len(text) and j - i < 20 and not text[j].isspace():
        j += 1
    return j + 1 if j < len(text) and j - i < 20 else i


def _word_end(text: str, i: int) -> int:
    """Move a cut back to the end of a word, unless that skips too far."""
    if i >= len(text) or text[i].isspace():
        return i
    j = i
    while j > 0 and i - j < 20 and not text[j - 1].isspace():
        j -= 1
    return j if i - j < 20 and j > 0 else i


def lead(texts: list[str]) -> str | None:
    """Return the opening of the filing's first non-empty document, escaped."""
    for text in texts:
        if text.strip():
            head = text.lstrip()[: LEAD_CHARS + 1]
            cut = _word_end(head, LEAD_CHARS) if len(head) > LEAD_CHARS else len(head)
            return _escape(head[:cut]).strip() + ("…" if len(head) > LEAD_CHARS else "")
    return None


def snippets(texts: list[str], highlights) -> tuple[list[str], list[int]]:
    """Return a filing's snippets and the indexes of its documents that match."""
    highlights = [h for h in highlights if h]
    if not highlights:
        first = lead(texts)
        return ([first] if first else []), []
    matches, docs = find_matches(texts, highlights)
    kept: list[tuple[list[Match], str, str]] = []  # (group, snippet, its plain text)
    for g in ranked_windows(matches):
        html_ = render(texts[g[0].doc], g)
        plain = passage(html_)
        if not any(same_passage(plain, p) for _g, _h, p in kept):
            kept.append((g, html_, plain))
            if len(kept) == SNIPPETS_PER_HIT:
                break
    kept.sort(key=lambda k: (k[0][0].doc, k[0][0].start))
    return [h for _g, h, _p in kept], docs


def plain_text(snippet: str) -> str:
    """Return a snippet as plain text: its marks dropped, its escapes undone."""
    return html.unescape(TAGS.sub("", snippet))


def passage(snippet: str) -> str:
    """Return a snippet's words, without marks, ellipses or case, to compare passages."""
    return SPACES.sub(" ", plain_text(snippet)).strip(" …").casefold()


def same_passage(a: str, b: str) -> bool:
    """Tell whether two snippets show the same passage (a copy of a document, say): most of the
    shorter one is one run of the other, however the two windows were cut."""
    if len(a) > len(b):
        a, b = b, a
    if not a or a in b:
        return True
    # a common run at least `need` long holds one exactly `need` long: look each up in `b` (C
    # speed; the longest common run by dynamic programming, as difflib finds it, cost 75 % of a
    # search with snippets)
    need = math.ceil(SAME_PASSAGE * len(a))
    return any(a[i : i + need] in b for i in range(len(a) - need + 1))
