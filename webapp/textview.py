"""A document's clean text as blocks a template prints without markup of its own: item heading
lines carry an anchor (`item-7.01`), matches of the query are marked.

    [{"anchor": "item-7.01" | None, "parts": [[text, ""|"mark"|"first"], ...]}, ...]

Text stays text: the template escapes every part, so no filing text is ever marked safe.
"""

from __future__ import annotations

import re
from itertools import islice

from indexer.edgar.items import heading_code, normalize_item
from indexer.search.snippets import MAX_FIND_TERMS, pattern_for, scan

MAX_TEXT_CHARS = 2_000_000  # characters of one document shown; the rest is cut with a note
MAX_MARKS = 2_000  # matches highlighted in one document
# A line that may open with an item heading: "ITEM 9.  REGULATION FD", "| Item 2.02 | Results"
ITEM_LINE = re.compile(r"^[ \t|]*item\b[^\n]*", re.I | re.M)


def item_anchors(text: str, items: list[dict]) -> list[tuple[int, int, str]]:
    """Return (start, end, anchor) of the first heading line of each of the filing's items."""
    as_filed = {i["code"]: i["normalized"] for i in items if i.get("normalized")}
    wanted = set(as_filed.values())
    found: dict[str, tuple[int, int, str]] = {}
    for m in ITEM_LINE.finditer(text):
        code = heading_code(m.group().lstrip(" \t|"))
        if code is None:
            continue
        item = normalize_item(code)
        normalized = as_filed.get(code) or (item.normalized if item else None)
        if normalized in wanted and normalized not in found:
            found[normalized] = (m.start(), m.end(), f"item-{normalized}")
    return sorted(found.values())


def find_marks(text: str, highlights, limit: int = MAX_MARKS) -> list[tuple[int, int]]:
    """Return the spans of the query's terms and phrases in a text, at most `limit`."""
    if not highlights:
        return []
    if len(highlights) > MAX_FIND_TERMS:  # a wide wildcard: one scan of the words
        return [(s, e) for s, e, _ in islice(scan(text, highlights), limit)]
    pattern = pattern_for(tuple(highlights))
    return [m.span() for m in islice(pattern.finditer(text), limit)] if pattern else []


def count_marks(text: str, highlights, limit: int = MAX_MARKS) -> int:
    """Count the matches in a text, up to `limit`."""
    return len(find_marks(text, highlights, limit))


def _parts(text: str, start: int, end: int, marks: list[tuple[int, int]], first: bool):
    """Split text[start:end] into plain and marked parts; return them and whether `first` is
    still to be placed."""
    parts, pos = [], start
    for ms, me in marks:
        ms, me = max(ms, start), min(me, end)
        if me <= ms:
            continue
        if ms > pos:
            parts.append([text[pos:ms], ""])
        parts.append([text[ms:me], "first" if first else "mark"])
        first, pos = False, me
    if pos < end:
        parts.append([text[pos:end], ""])
    return parts, first


def blocks(text: str, anchors: list[tuple[int, int, str]], marks: list[tuple[int, int]]):
    """Cut a text into blocks at its anchored heading lines, each split into marked parts."""
    spans, pos = [], 0
    for start, end, anchor in anchors:
        if start > pos:
            spans.append((pos, start, None))
        spans.append((start, end, anchor))
        pos = end
    if pos < len(text):
        spans.append((pos, len(text), None))
    out, first, i = [], True, 0
    for start, end, anchor in spans:
        while i < len(marks) and marks[i][1] <= start:
            i += 1
        j = i
        while j < len(marks) and marks[j][0] < end:
            j += 1
        parts, first = _parts(text, start, end, marks[i:j], first)
        out.append({"anchor": anchor, "parts": parts})
    return out


def text_view(text: str, items: list[dict], highlights) -> dict:
    """Return a document's text as blocks, with how many matches it holds and whether it was cut."""
    shown = text[:MAX_TEXT_CHARS]
    marks = find_marks(shown, highlights)
    anchors = item_anchors(shown, items)
    return {
        "blocks": blocks(shown, anchors, marks),
        "anchors": [a for _, _, a in anchors],
        "matches": len(marks),
        "truncated": len(text) > MAX_TEXT_CHARS,
        "shown": len(shown),
        "chars": len(text),
    }
