"""Lines of a document's clean text as the cover, signature and exhibit readers see them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

MAX_LINE = 1000  # longer lines are prose; cutting them bounds every regex below
MAX_GAP = 30  # lines looked through for the next non-blank one

# "<PAGE>   2", "<S>   <C>", "<TYPE>8-K": SGML lines of old text filings
SGML_LINE = re.compile(
    r"^\s*</?(?:PAGE|TABLE|CAPTION|S|C|FN|TEXT|DOCUMENT|TYPE|SEQUENCE|FILENAME|DESCRIPTION)\b", re.I
)
# "", "------", "____  ___", "- ----": lines without text
RULE = re.compile(r"^[\s\-_=*.·•]*$")
# "IMMUNOGEN, INC." in "   IMMUNOGEN, INC.     (Zip Code)": words one space apart form a cell
CELL = re.compile(r"\S+(?: \S+)*")
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
MONTH = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
# "November 12, 2002", "Nov. 12,2002", "SEPT. 29, 1995", "11/12/2002", "12 November 2002"
DATE = re.compile(
    rf"\b(?P<mon>{MONTHS})\.?\s{{0,3}}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"\s{{0,3}},?\s{{0,3}}(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d\d)\b"
    rf"|\b(?P<day2>\d{{1,2}})\s(?P<mon2>{MONTHS})\.?,?\s(?P<year2>(?:19|20)\d\d)\b",
    re.I,
)
PAGE_NUMBER = re.compile(r"^[-\s]*\d{1,3}[-\s]*$")  # "27", "- 4 -": a page number line
# Non-ASCII letters that re.IGNORECASE matches to an ASCII one: "İ" and "ı" are i, "ſ" is s,
# the Kelvin sign is k. Folded text spells them in ASCII so no label match is missed.
ASCII_TWINS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
# A needle of a word prefilter: a lower-case word, or a pattern for what has no fixed word
Needle = bytes | re.Pattern[bytes]


def text_lines(text: str) -> list[str]:
    """Split text into bounded lines: tabs expanded, table bars as spaces, SGML lines blank."""
    text = text or ""
    for char in ("|", "\xa0"):  # once on the whole text, not per line: one char for another
        text = text.replace(char, " ") if char in text else text
    raws = text.splitlines()
    if "\t" in text:
        cut = [raw[:MAX_LINE].expandtabs(8)[:MAX_LINE] for raw in raws]
    else:
        cut = [raw[:MAX_LINE] for raw in raws]
    # an SGML line starts with "<": the cheap test spares the regex on nearly every line
    return ["" if "<" in line and SGML_LINE.match(line) else line.rstrip() for line in cut]


def fold(lines: list[str]) -> bytes | None:
    """Return lines joined by newlines as lower-case UTF-8, to find words in them fast.

    A case-blind regex run on every line costs ~40 ns a character; bytes.find on the folded
    text ~1 ns. None when a line itself holds a newline: folded lines would not be its lines.
    """
    data = _untwin("\n".join(lines)).encode("utf-8", "surrogatepass")
    data = data.lower()  # ASCII letters only; the text is freed first (a 100 MB filing's peak)
    return data if data.count(b"\n") == len(lines) - 1 else None


def _untwin(text: str) -> str:
    """Spell the ASCII twins of a text (see ASCII_TWINS) as their ASCII letters."""
    if text.isascii():  # a flag check: only other text can hold a twin
        return text
    for twin, letter in ASCII_TWINS.items():
        text = text.replace(twin, letter) if twin in text else text
    return text


def lines_with(
    lines: list[str], folded: bytes | None, needles: tuple[Needle, ...]
) -> Iterator[int]:
    """Yield in order, once each, the lines whose folded text holds a needle (all lines if None).

    Every line a regex matches must hold one of its needles (say, a word each alternative
    spells), so that the regex run on these lines alone finds what it finds on all.
    """
    if folded is None:
        yield from range(len(lines))
        return
    hits = {needle: _find(folded, needle, 0) for needle in needles}
    line, pos = 0, 0  # pos: where line `line` starts
    while (hit := min((h for h in hits.values() if h >= 0), default=-1)) >= 0:
        line += folded.count(b"\n", pos, hit)
        yield line
        pos = folded.find(b"\n", hit) + 1
        if pos == 0:
            return
        line += 1
        for needle, at in hits.items():  # each needle's next hit, searched once: linear
            if 0 <= at < pos:
                hits[needle] = _find(folded, needle, pos)


def _find(data: bytes, needle: Needle, pos: int) -> int:
    """Return where a word or pattern next occurs in data from pos, or -1."""
    if isinstance(needle, bytes):
        return data.find(needle, pos)
    match = needle.search(data, pos)
    return match.start() if match else -1


def is_blank(line: str) -> bool:
    """Tell whether a line carries no text (empty, or a rule of dashes or underscores)."""
    return RULE.match(line) is not None


def cells(line: str) -> list[tuple[int, str]]:
    """Return the column cells of a line with their start columns."""
    return [(m.start(), m.group()) for m in CELL.finditer(line)]


def nonblank(lines: list[str], start: int, step: int, count: int) -> Iterator[int]:
    """Yield the indices of up to `count` non-blank lines near `start`, going by `step`."""
    for i in range(start, start + step * MAX_GAP, step):
        if count == 0 or not 0 <= i < len(lines):
            return
        if not is_blank(lines[i]):
            count -= 1
            yield i


def iso(match: re.Match[str] | None) -> str | None:
    """Return the ISO date of a DATE match, or None if it is not a real date."""
    if match is None:
        return None
    g = match.groupdict()
    month = g["mon"] or g["mon2"]
    if month:
        year, mon, day = g["year"] or g["year2"], MONTH[month[:3].lower()], g["day"] or g["day2"]
    else:
        year, mon, day = g["y"], int(g["m"]), g["d"]
    try:
        return dt.date(int(year), mon, int(day)).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """Return the first real date in a piece of text as ISO."""
    return next(filter(None, map(iso, DATE.finditer(text))), None)
