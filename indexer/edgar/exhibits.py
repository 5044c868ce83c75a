"""Exhibit lists in a filing's text: exhibit numbers and what each exhibit is."""

from __future__ import annotations

import re

from .items import heading_code
from .lines import fold, lines_with, nonblank
from .model import Exhibit

EXHIBIT_SPAN = 40  # lines an exhibit list may run after its heading
MAX_EXHIBIT = 110  # exhibit numbers of Regulation S-K item 601 stay below this
MAX_DESCRIPTION = 300  # characters kept of an exhibit description
EXHIBIT_ITEMS = {"7", "9.01"}  # the items whose heading opens the exhibit list
# "(c) Exhibits", "EXHIBIT INDEX", "Exhibit No.  Description", "INDEX TO EXHIBITS"
EXHIBIT_HEAD = re.compile(
    r"^\s*(?:\([a-z0-9]{1,3}\)\s*){0,3}(?:exhibits?\b|exhibit\s*(?:no|num)|index\s+to\s+exhibits"
    r"|list\s+of\s+exhibits)"
    r"|^\s*item\s{1,4}\d{1,2}[a-z]?\.?\s*[-–—:|]?\s*exhibits\.?\s*$",  # S-3's "Item 16. Exhibits"
    re.I,
)
# What may stand before a heading's first word: "(c) " in "(c) Exhibits", "(a)(3) Exhibits:"
HEAD_PREFIX = re.compile(r"^\s*(?:\([a-z0-9]{1,3}\)\s*){0,3}")
# "99.1     Certification ...", "Exhibit 99 - Press release ...", "99.1*  Charter", "(c) Exhibit 2",
# "**23(b).  Consent of Ernst & Young LLP." (a 1995 S-3/A marks what it files with asterisks)
EXHIBIT_ENTRY = re.compile(
    r"^(?P<indent>\s*)(?:\([a-z]\)\s*)?(?P<pre>(?i:exhibit)\s+(?:(?i:no)\.?\s*)?)?\*{0,2}"
    r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,2}(?:\.[A-Za-z]{2,4})?[a-z]?(?:\([a-z0-9]{1,2}\))?)\*?\.?"
    r"(?P<sep>\s*[-–—:]\s+|\s{2,}|\s(?=[A-Z\"“]))(?P<desc>[A-Za-z\"“(].*)$"
)
# "Exhibit 31.1" alone on its line, the description in the next paragraph (TGFIN's 2010 10-K)
EXHIBIT_ALONE = re.compile(r"^\s*(?i:exhibit)\s+(?P<num>\d{1,3}(?:\.\d{1,3}){0,2})\s*$")
# Outside a list, an entry spells "exhibit" and a heading "exhibit" or "item": only lines
# holding one of these words (and the lines of a list) are read
EXHIBIT_WORDS = (b"exhibit", b"item")
# Links that HTML filings repeat on every page, never a description: "Table of Contents"
NAVIGATION = re.compile(r"^(?:table\s+of\s+contents|index|back\s+to\s+(?:top|contents))$", re.I)


def read_exhibits(lines: list[str]) -> list[Exhibit]:
    """Return the exhibits listed in the text, once per exhibit number."""
    return exhibits_in(lines, fold(lines))


def exhibits_in(lines: list[str], folded: bytes | None) -> list[Exhibit]:
    """Return the exhibits listed in lines, given their fold (see lines.fold)."""
    found: dict[str, Exhibit] = {}
    list_until = -1
    hits = lines_with(lines, folded, EXHIBIT_WORDS)
    i = next(hits, len(lines))
    while i < len(lines):
        entry = _entry(lines, i, i <= list_until)  # a list starts on the line after its heading
        if _exhibit_heading(lines, i):
            list_until = i + EXHIBIT_SPAN
        if entry is not None:
            exhibit = Exhibit(f"EX-{entry[0].upper()}", entry[1])
            old = found.get(exhibit.type)
            if old is None or _extends(exhibit.description, old.description):
                found[exhibit.type] = exhibit
        # every line of a list, else the next line holding a word
        i = i + 1 if i < list_until else next((h for h in hits if h > i), len(lines))
    return list(found.values())


def _entry(lines: list[str], i: int, in_list: bool) -> tuple[str, str] | None:
    """Return the number and description of an exhibit entry opening at line i, if any."""
    line = lines[i]
    match = EXHIBIT_ENTRY.match(line)
    if match and (match["pre"] or (in_list and _listed(match))):
        return match["num"], _description(lines, i, match["desc"], len(match["indent"]))
    alone = EXHIBIT_ALONE.match(line) if in_list else None
    below = next(nonblank(lines, i + 1, 1, 1), None) if alone else None
    if alone is None or below is None or below > i + 2:
        return None
    if EXHIBIT_ENTRY.match(lines[below]) or EXHIBIT_ALONE.match(lines[below]):
        return None
    text = lines[below].strip()
    if NAVIGATION.match(text):  # Oracle's 2014 8-K lists "EXHIBIT 99.1" in its page links
        return None
    indent = len(lines[below]) - len(lines[below].lstrip())
    return (alone["num"], _description(lines, below, text, indent)) if text[:1].isupper() else None


def _exhibit_heading(lines: list[str], i: int) -> bool:
    """Tell whether a line heads an exhibit list; "exhibits" wrapped inside a sentence does not.

    0000899681-95-000096 wraps "...the Registration Statement and the / Exhibits / thereto
    filed with the Commission" and "(other than / exhibits).": a heading is capitalized, and
    the line after it does not go on in lower case.
    """
    if heading_code(lines[i]) in EXHIBIT_ITEMS:
        return True
    if not EXHIBIT_HEAD.match(lines[i]) or not HEAD_PREFIX.sub("", lines[i])[:1].isupper():
        return False
    after = next((lines[j].strip() for j in nonblank(lines, i + 1, 1, 1)), "")
    return not after[:1].islower()


def _extends(new: str | None, old: str | None) -> bool:
    """Tell whether a later listing of an exhibit says more than the first (index vs item)."""
    return bool(new and old and len(new) > len(old) and new.startswith(old))


def _listed(match: re.Match[str]) -> bool:
    """Tell whether a bare number opening a line of an exhibit list is an exhibit number."""
    whole = int(re.match(r"\d+", match["num"]).group())
    return 1 <= whole <= MAX_EXHIBIT and match["sep"] != " "


def _description(lines: list[str], i: int, first: str, indent: int) -> str:
    """Return an exhibit entry's description with its continuation lines, trimmed.

    A description goes on on lines indented deeper or starting in lower case, also past one
    blank line where HTML puts each line in a paragraph ("...Officer," / / "pursuant to").
    """
    parts = [_drop_page_column(first)]
    j = i + 1
    while j < min(len(lines), i + 6) and len(parts) < 4:
        line = lines[j]
        stripped = line.strip()
        if not stripped and j + 1 < len(lines) and lines[j + 1].strip()[:1].islower():
            j += 1
            continue
        deeper = len(line) - len(stripped) > indent or stripped[:1].islower()
        heading = EXHIBIT_HEAD.match(line) or heading_code(line) or EXHIBIT_ENTRY.match(line)
        if not stripped or not deeper or heading:
            break
        parts.append(_drop_page_column(stripped))
        j += 1
    text = _drop_leaders(" ".join(" ".join(parts).split()))
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION].rsplit(" ", 1)[0]


def _drop_page_column(text: str) -> str:
    """Drop a page-number column closing an index line: `Text of press release      5`."""
    head, gap, last = text.rstrip().rpartition("  ")
    return head.rstrip() if gap and last.strip().isdigit() and len(last.strip()) <= 3 else text


def _drop_leaders(text: str) -> str:
    """Drop the dot leaders and page number closing an index line: `1995 . . . . . 5`."""
    core = text.rstrip(" 0123456789")
    bare = core.rstrip(" .")
    return bare if core.endswith(".") and core[len(bare) :].count(".") >= 3 else text
