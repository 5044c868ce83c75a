"""Read what a document's own text says: cover page, item headings, signatures and exhibits.

The cover page is read here; signature blocks and exhibit lists have modules of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .exhibits import exhibits_in
from .items import heading_code, headings_in, root_form
from .lines import CELL, DATE, Needle, cells, find_date, fold, iso, lines_with, nonblank, text_lines
from .model import CoverInfo
from .signatures import SIGNATURE_START, SIGNATURE_WORDS, signers_in

FORM_CHARS = 3000  # the form must be stated this close to the top
MAX_FORM_LINE = 80  # a line stating the form says little else
COVER_LINES = 250  # the cover page ends at the first item heading, or here
COVER_CHARS = 20_000  # ... or here (long unwrapped lines would make label searches slow)
NEIGHBOURS = 3  # non-blank lines looked at above and below a cover label
# Forms whose cover may state the date of report or event as a lone date (1-800-Flowers' 8-K,
# a Schedule 13G's "Date of Event"); on other covers a lone date is when it was signed or filed.
LONE_DATE_FORMS = ("8-K", "6-K", "SC 13D", "SC 13G")
# "FORM 8-K", "Form 10-K405/A", "AMENDMENT NO. 1 TO FORM 8-K", "FORM 8-K (Amendment No. 2)",
# matched on a line with its whitespace collapsed
FORM_LINE = re.compile(
    r"^(?P<pre>amendment no\.? ?\d{1,2} to )?form "
    r"(?P<form>\d{1,2} ?- ?[a-z0-9]{1,6}|[a-z]{1,2}-\d{1,2}[a-z]?)(?P<slash> ?/ ?a)?"
    r"(?P<post> ?\(?amendment no\.? ?\d{1,2}\)?)?$",
    re.I,
)
# "(Amendment No. 1)" on the line under "FORM 8-K"
AMENDMENT_LINE = re.compile(r"^\(?amendment no\.? ?\d{1,2}\)?$", re.I)
# "Date of Report (Date of earliest event reported):", "Dateof report"
REPORT_LABEL = re.compile(r"date\s*of\s+(?:report|earliest\s+event)", re.I)
# "For the fiscal year ended", "for the quarterly period ended"
PERIOD_LABEL = re.compile(
    r"for\s+the\s+(?:fiscal\s+)?(?:year|quarter(?:ly\s+period)?|(?:transition\s+)?period)\s+ended",
    re.I,
)
# "(Exact name of registrant as specified in its charter)"
# "(Exact name of registrant as specified in its charter)"; a Schedule 13G's "(Name of Issuer)"
COMPANY_LABEL = re.compile(
    r"\bexact\s+name\s+of\s+(?:the\s+)?(?:registrant|small\s+business\s+issuer|issuer)"
    r"|\(\s*name\s+of\s+issuer\s*\)",
    re.I,
)
# "(State or other jurisdiction", "(Jurisdiction of Incorporation)", "State of Incorporation"
STATE_LABEL = re.compile(r"\(\s*state\b|state\s+or\s+other|jurisdiction|of\s+incorporation", re.I)
# "(Commission", "Commission File Number :", "File No.", "Registration No."
FILE_LABEL = re.compile(
    r"\(\s*commission\b|commission\s*file|file\s+n(?:o\b|umber)"
    r"|registration\s+(?:statement\s+)?no\b",  # an S-3's own: "Registration No. 33-88960"
    re.I,
)
# "(IRS Employer", "(I.R.S.", "Identification No."
IRS_LABEL = re.compile(r"employer|\bi\.?\s?r\.?\s?s\b|identification", re.I)
# What every match of a label holds, as lines.fold spells it (lower case UTF-8): only cover
# lines holding one are searched. A space is any bytes but [a-z0-9_] (1-3 bytes in UTF-8);
# IRS_LABEL's "I.R.S." is an i after no letter, then r and s each after a dot and a space.
LABEL_WORDS: dict[re.Pattern[str], tuple[Needle, ...]] = {
    REPORT_LABEL: (re.compile(rb"date[^a-z0-9_\n]*of"),),
    PERIOD_LABEL: (b"ended",),
    COMPANY_LABEL: (b"exact", b"issuer"),
    STATE_LABEL: (re.compile(rb"state(?![a-z0-9_])"), b"jurisdiction", b"incorporation"),
    FILE_LABEL: (b"commission", re.compile(rb"file[^a-z0-9_\n]+n"), b"registration"),
    IRS_LABEL: (
        b"employer",
        b"identification",
        re.compile(rb"i(?<![a-z0-9_]i)[^a-z0-9_\n]{0,4}r[^a-z0-9_\n]{0,4}s"),
    ),
}
# What a line that ends the cover holds: an item heading's "item" or a signature's words
COVER_END_WORDS = (b"item", *SIGNATURE_WORDS)
# "0-17999", "001-00768", "333-98553-01", "1-416" -- not a phone "(617) 995-2500" nor a zip+4
FILE_NUMBER = re.compile(r"(?<![\w\-/.$])(?<!\)\s)(?<!\))\d{1,3}-\d{3,6}(?:-\d{1,3})?(?![\w\-])")
# "04-2726691" (and a digit short: Rock of Ages files "03-153200")
IRS_NUMBER = re.compile(r"(?<![\w\-/.])\d{2}-\d{6,7}(?![\w\-])")


def read_cover(text: str, form_hint: str | None = None) -> CoverInfo:
    """Read the cover page, item headings, signatures and exhibits of a document's clean text."""
    lines = text_lines(text)
    folded = fold(lines)  # folded once for the signatures, exhibits and item headings
    cover = lines[: _cover_end(lines)]
    cover_folded = fold(cover)
    form = _form_type(lines)
    return CoverInfo(
        form_type=form,
        period=_period(cover, cover_folded, form_hint or form),
        company=_company(cover, cover_folded),
        state_of_incorporation=_labelled(cover, cover_folded, STATE_LABEL, _state_in),
        file_number=_labelled(cover, cover_folded, FILE_LABEL, _file_number_in),
        irs_number=_labelled(cover, cover_folded, IRS_LABEL, _irs_number_in),
        items=headings_in(lines, folded) if _has_items(form_hint or form) else [],
        signers=signers_in(lines, folded),
        exhibits=exhibits_in(lines, folded),
    )


def _has_items(form: str | None) -> bool:
    """Tell whether a form (unknown counts) numbers its sections as 8-K items."""
    return form is None or root_form(form).startswith("8-K")


def _cover_end(lines: list[str]) -> int:
    """Return where the cover page ends: the first item heading or signature, or a cap."""
    cap, chars = min(len(lines), COVER_LINES), 0
    for i, line in enumerate(lines[:cap]):
        chars += len(line) + 1
        if chars > COVER_CHARS:
            cap = i
            break
    head = lines[:cap]
    for i in lines_with(head, fold(head), COVER_END_WORDS):
        if heading_code(head[i]) or SIGNATURE_START.match(head[i]):
            return i
    return cap


def _form_type(lines: list[str]) -> str | None:
    """Return the form the top of the document states, as `8-K` or `8-K/A`."""
    chars = 0
    for i, line in enumerate(lines):
        chars += len(line) + 1
        if chars > FORM_CHARS:
            return None
        text = " ".join(line.split())
        if not text or len(text) > MAX_FORM_LINE:
            continue
        below = [" ".join(lines[j].split()) for j in nonblank(lines, i + 1, 1, 2)]
        if text.lower() == "form" and below:  # "FORM" and "8-K" in two table rows
            text, below = f"FORM {below[0]}", below[1:]
        match = FORM_LINE.match(text)
        if match:
            form = re.sub(r"\s", "", match["form"]).upper()
            under = below and AMENDMENT_LINE.match(below[0])
            amended = match["pre"] or match["slash"] or match["post"] or under
            return form + "/A" if amended else form
    return None


def _first_label(
    cover: list[str], folded: bytes | None, label: re.Pattern[str]
) -> tuple[int, re.Match[str]] | None:
    """Return the first cover line a label matches and the match (only lines with its words)."""
    for i in lines_with(cover, folded, LABEL_WORDS[label]):
        if match := label.search(cover[i]):
            return i, match
    return None


def _period(cover: list[str], folded: bytes | None, form: str | None = None) -> str | None:
    """Return an 8-K's date of report, the period a 10-K or 10-Q covers, or a lone cover date."""
    for label, look_up in ((REPORT_LABEL, True), (PERIOD_LABEL, False)):
        if found := _first_label(cover, folded, label):
            i, match = found
            return _date_near(cover, i, match.start(), look_up)
    if form and not root_form(form).startswith(LONE_DATE_FORMS):
        return None  # 40-APP (HarbourVest, 2025): the lone date is the application's
    lone = (DATE.fullmatch(line.strip(" ,")) for line in cover)
    return next(filter(None, map(iso, lone)), None)  # 1-800-Flowers states no label at all


def _date_near(lines: list[str], i: int, col: int, look_up: bool) -> str | None:
    """Return the date after a label: on its line, the lines below, or (tables) above it."""
    above = nonblank(lines, i - 1, -1, 2) if look_up else iter(())
    texts = (lines[j] for j in (*nonblank(lines, i + 1, 1, 2), *above))
    return find_date(lines[i][col:]) or next(filter(None, map(find_date, texts)), None)


def _company(cover: list[str], folded: bytes | None) -> str | None:
    """Return the registrant's name: the text just above `(Exact name of registrant ...)`."""
    found = _first_label(cover, folded, COMPANY_LABEL)
    if found is None:
        return None
    i, match = found
    line = cover[i]
    before = cells(line[: match.start()].rstrip(" ("))
    if before and not before[-1][1].startswith("("):
        return _company_name(before[-1][1])
    centre = match.start() + len(CELL.match(line, match.start()).group()) // 2
    above = (_cell_near(cover[j], centre) for j in nonblank(cover, i - 1, -1, 2))
    name = next((c for c in above if not c.startswith("(")), "")  # "(Formerly known as"
    return _company_name(name)


def _cell_near(line: str, col: int) -> str:
    """Return the cell of a line nearest to a column."""
    found = cells(line) or [(0, "")]
    return min(found, key=lambda c: max(c[0] - col, col - c[0] - len(c[1]), 0))[1]


def _company_name(text: str) -> str | None:
    """Return a cell as a company name, or None if it is empty, a label, a date or the form."""
    name = " ".join(text.split())
    bad = not re.search(r"[A-Za-z]", name) or name.startswith("(") or len(name) > 150
    if bad or REPORT_LABEL.search(name) or FORM_LINE.match(name) or find_date(name):
        return None
    return name


def _labelled(
    cover: list[str], folded: bytes | None, label: re.Pattern[str], read: Callable
) -> str | None:
    """Return what `read` finds after the first label, or on the lines above, then below it."""
    found = _first_label(cover, folded, label)
    if found is None:
        return None
    i, match = found
    col = match.start()
    around = (*nonblank(cover, i - 1, -1, NEIGHBOURS), *nonblank(cover, i + 1, 1, 3))
    near = (read(cover[j], col) for j in around)
    return read(cover[i][match.end() :], 0) or next(filter(None, near), None)


def _nearest(matches: list[re.Match[str]], col: int) -> str | None:
    """Return the match whose column is closest to a label's column."""
    return min(matches, key=lambda m: abs(m.start() - col)).group() if matches else None


def _file_number_in(text: str, col: int) -> str | None:
    """Return the Commission file number in a line, nearest the label's column."""
    found = [m for m in FILE_NUMBER.finditer(text) if not IRS_NUMBER.fullmatch(m.group())]
    return _nearest(found, col)


def _irs_number_in(text: str, col: int) -> str | None:
    """Return the IRS employer number in a line, nearest the label's column."""
    return _nearest(list(IRS_NUMBER.finditer(text)), col)


def _state_in(text: str, col: int) -> str | None:
    """Return the first cell of a line that names a state or country of incorporation."""
    names = (cell.strip(" .,;") for _, cell in cells(text))
    return next((name for name in names if name.lower() in JURISDICTIONS), None)


# States, territories and the usual foreign places of incorporation, lower case.
JURISDICTIONS = frozenset(
    " ".join(name.split())
    for name in """alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware,
    florida, georgia, hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana, maine,
    maryland, massachusetts, michigan, minnesota, mississippi, missouri, montana, nebraska, nevada,
    new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio, oklahoma,
    oregon, pennsylvania, rhode island, south carolina, south dakota, tennessee, texas, utah,
    vermont, virginia, washington, west virginia, wisconsin, wyoming, district of columbia,
    puerto rico, guam, virgin islands, bermuda, cayman islands, british virgin islands, bvi,
    marshall islands, republic of the marshall islands, liberia, panama, bahamas, barbados,
    canada, ontario, quebec, alberta, british columbia, nova scotia, new brunswick, manitoba,
    saskatchewan, england, england and wales, scotland, united kingdom, ireland, jersey, guernsey,
    isle of man, gibraltar, malta, cyprus, netherlands, the netherlands, netherlands antilles,
    curacao, luxembourg, belgium, switzerland, germany, france, italy, spain, greece, austria,
    denmark, sweden, norway, finland, israel, india, china, hong kong, singapore, japan, korea,
    taiwan, australia, new zealand, south africa, mexico, brazil, anguilla, mauritius""".split(",")
)
