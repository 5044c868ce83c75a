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


def text_lines(text: str) -> list[str]:
    """Split text into bounded lines: tabs expanded, table bars as spaces, SGML lines blank."""
    lines = []
    for raw in (text or "").splitlines():
        line = raw[:MAX_LINE].expandtabs(8)[:MAX_LINE].replace("|", " ").replace("\xa0", " ")
        lines.append("" if SGML_LINE.match(line) else line.rstrip())
    return lines


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
