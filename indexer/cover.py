"""Read what a document's own text says: cover page, item headings, signatures and exhibits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .items import heading_code, item_headings, root_form
from .model import CoverInfo, Exhibit, Signer

MAX_LINE = 1000  # longer lines are prose; cutting them bounds every regex below
FORM_CHARS = 3000  # the form must be stated this close to the top
MAX_FORM_LINE = 80  # a line stating the form says little else
COVER_LINES = 250  # the cover page ends at the first item heading, or here
NEIGHBOURS = 3  # non-blank lines looked at above and below a cover label
MAX_GAP = 30  # lines looked through for the next non-blank one
SIGNATURE_SPAN = 120  # lines a signature block may run
SIGNER_SPAN = 9  # lines a signer's name and title may run under the signature
EXHIBIT_SPAN = 40  # lines an exhibit list may run after its heading
MAX_EXHIBIT = 110  # exhibit numbers of Regulation S-K item 601 stay below this
MAX_DESCRIPTION = 300  # characters kept of an exhibit description
EXHIBIT_ITEMS = {"7", "9.01"}  # the items whose heading opens the exhibit list

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
COMPANY_LABEL = re.compile(
    r"\bexact\s+name\s+of\s+(?:the\s+)?(?:registrant|small\s+business\s+issuer|issuer)", re.I
)
# "(State or other jurisdiction", "(Jurisdiction of Incorporation)", "State of Incorporation"
STATE_LABEL = re.compile(r"\(\s*state\b|state\s+or\s+other|jurisdiction|of\s+incorporation", re.I)
# "(Commission", "Commission File Number :", "File No."
FILE_LABEL = re.compile(r"\(\s*commission\b|commission\s*file|file\s+n(?:o\b|umber)", re.I)
# "(IRS Employer", "(I.R.S.", "Identification No."
IRS_LABEL = re.compile(r"employer|\bi\.?\s?r\.?\s?s\b|identification", re.I)
# "0-17999", "001-00768", "333-98553-01", "1-416" -- not a phone "(617) 995-2500" nor a zip+4
FILE_NUMBER = re.compile(r"(?<![\w\-/.$])(?<!\)\s)(?<!\))\d{1,3}-\d{3,6}(?:-\d{1,3})?(?![\w\-])")
# "04-2726691" (and a digit short: Rock of Ages files "03-153200")
IRS_NUMBER = re.compile(r"(?<![\w\-/.])\d{2}-\d{6,7}(?![\w\-])")
# "SIGNATURES" as a heading, or the sentence that opens a signature block
SIGNATURE_START = re.compile(
    r"^\s*signatures?\s*:?\s*$|duly\s+caused\s+this|caused\s+this\s+report\s+to\s+be\s+signed", re.I
)
# "EXHIBIT INDEX", "Exhibit 99.1", "Item 9.01": a signature block has ended
SIGNATURE_END = re.compile(
    r"^\s*(?:exhibit\s+(?:index|list|\d)|index\s+to\s+exhibits|list\s+of\s+exhibits|item\s+\d)",
    re.I,
)
SLASH_S = re.compile(r"/\s?s\s?/\s*", re.I)  # "/s/ Gregg D. Beloff", "/S/WILLIAM COREY WEST"
BY_LINE = re.compile(r"^\s*by\b\s*:?\s*(?P<v>.*)$", re.I)  # "By: Michael J. Graham"
NAME_LABEL = re.compile(r"^\s*name\s*:\s*(?P<v>\S.*)$", re.I)  # "Name: Jennifer Johnson"
TITLE_LABEL = re.compile(r"^\s*title\s*:\s*(?P<v>\S.*)$", re.I)  # "Title: CEO"
DATE_LABEL = re.compile(r"^\s*dated?\b\s*:?\s*", re.I)  # "Date:  ", "Dated:", "DATED"
# "ImmunoGen, Inc.", "(Registrant)", "SOUTHERN POWER COMPANY": a company, not a person
COMPANY_LINE = re.compile(
    r"(?:\b(?:inc|corp|corporation|company|co|llc|l\.l\.c|llp|lp|l\.p|ltd|limited|plc|n\.a)\.?"
    r"|\(?registrant\)?)\s*$",
    re.I,
)
# "Chief Financial Officer", "Vice President": words that make a line a title, not a name
TITLE_WORD = re.compile(
    r"\b(?:president|officer|director|secretary|treasurer|controller|comptroller|chair(?:man)?"
    r"|chairperson|ceo|cfo|coo|counsel|manager|partner|trustee|vice|executive|chief|principal"
    r"|general|senior|assistant|attorney|agent|founder|member|authorized|signatory|finance)\b",
    re.I,
)
NAME_SUFFIX = re.compile(r"^\s*(?:jr|sr|ii|iii|iv|esq|ph\.?\s?d|m\.?\s?d|cpa)\b\.?", re.I)  # "Jr."
NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le"}
# "(c) Exhibits", "EXHIBIT INDEX", "Exhibit No.  Description", "INDEX TO EXHIBITS"
EXHIBIT_HEAD = re.compile(
    r"^\s*(?:\([a-z]\)\s*)?(?:exhibits?\b|exhibit\s*(?:no|num)|index\s+to\s+exhibits"
    r"|list\s+of\s+exhibits)",
    re.I,
)
# "99.1     Certification ...", "Exhibit 99 - Press release ...", "99.1*  Charter", "(c) Exhibit 2"
EXHIBIT_ENTRY = re.compile(
    r"^(?P<indent>\s*)(?:\([a-z]\)\s*)?(?P<pre>(?i:exhibit)\s+(?:(?i:no)\.?\s*)?)?"
    r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,2}(?:\.[A-Za-z]{2,4})?[a-z]?)\*?\.?"
    r"(?P<sep>\s*[-–—:]\s+|\s{2,}|\s(?=[A-Z\"“]))(?P<desc>[A-Za-z\"“(].*)$"
)
PAGE_NUMBER = re.compile(r"^[-\s]*\d{1,3}[-\s]*$")  # "27", "- 4 -": a page number line


def read_cover(text: str, form_hint: str | None = None) -> CoverInfo:
    """Read the cover page, item headings, signatures and exhibits of a document's clean text."""
    lines = _lines(text)
    cover = lines[: _cover_end(lines)]
    form = _form_type(lines)
    return CoverInfo(
        form_type=form,
        period=_period(cover),
        company=_company(cover),
        state_of_incorporation=_labelled(cover, STATE_LABEL, _state_in),
        file_number=_labelled(cover, FILE_LABEL, _file_number_in),
        irs_number=_labelled(cover, IRS_LABEL, _irs_number_in),
        items=item_headings(lines) if _has_items(form_hint or form) else [],
        signers=_signers(lines),
        exhibits=_exhibits(lines),
    )


def _has_items(form: str | None) -> bool:
    """Tell whether a form (unknown counts) numbers its sections as 8-K items."""
    return form is None or root_form(form).startswith("8-K")


def _lines(text: str) -> list[str]:
    """Split text into bounded lines: tabs expanded, table bars as spaces, SGML lines blank."""
    lines = []
    for raw in (text or "").splitlines():
        line = raw[:MAX_LINE].expandtabs(8)[:MAX_LINE].replace("|", " ").replace("\xa0", " ")
        lines.append("" if SGML_LINE.match(line) else line.rstrip())
    return lines


def _blank(line: str) -> bool:
    """Tell whether a line carries no text (empty, or a rule of dashes or underscores)."""
    return RULE.match(line) is not None


def _cells(line: str) -> list[tuple[int, str]]:
    """Return the column cells of a line with their start columns."""
    return [(m.start(), m.group()) for m in CELL.finditer(line)]


def _nonblank(lines: list[str], start: int, step: int, count: int) -> Iterator[int]:
    """Yield the indices of up to `count` non-blank lines near `start`, going by `step`."""
    for i in range(start, start + step * MAX_GAP, step):
        if count == 0 or not 0 <= i < len(lines):
            return
        if not _blank(lines[i]):
            count -= 1
            yield i


def _iso(match: re.Match[str] | None) -> str | None:
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


def _find_date(text: str) -> str | None:
    """Return the first real date in a piece of text as ISO."""
    return next(filter(None, map(_iso, DATE.finditer(text))), None)


def _cover_end(lines: list[str]) -> int:
    """Return where the cover page ends: the first item heading or signature, or a line cap."""
    for i, line in enumerate(lines[:COVER_LINES]):
        if heading_code(line) or SIGNATURE_START.match(line):
            return i
    return min(len(lines), COVER_LINES)


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
        below = [" ".join(lines[j].split()) for j in _nonblank(lines, i + 1, 1, 2)]
        if text.lower() == "form" and below:  # "FORM" and "8-K" in two table rows
            text, below = f"FORM {below[0]}", below[1:]
        match = FORM_LINE.match(text)
        if match:
            form = re.sub(r"\s", "", match["form"]).upper()
            under = below and AMENDMENT_LINE.match(below[0])
            amended = match["pre"] or match["slash"] or match["post"] or under
            return form + "/A" if amended else form
    return None


def _period(cover: list[str]) -> str | None:
    """Return an 8-K's date of report, the period a 10-K or 10-Q covers, or a lone cover date."""
    for label, look_up in ((REPORT_LABEL, True), (PERIOD_LABEL, False)):
        for i, line in enumerate(cover):
            match = label.search(line)
            if match:
                return _date_near(cover, i, match.start(), look_up)
    lone = (DATE.fullmatch(line.strip(" ,")) for line in cover)
    return next(filter(None, map(_iso, lone)), None)  # 1-800-Flowers states no label at all


def _date_near(lines: list[str], i: int, col: int, look_up: bool) -> str | None:
    """Return the date after a label: on its line, the lines below, or (tables) above it."""
    above = _nonblank(lines, i - 1, -1, 2) if look_up else iter(())
    texts = (lines[j] for j in (*_nonblank(lines, i + 1, 1, 2), *above))
    return _find_date(lines[i][col:]) or next(filter(None, map(_find_date, texts)), None)


def _company(cover: list[str]) -> str | None:
    """Return the registrant's name: the text just above `(Exact name of registrant ...)`."""
    for i, line in enumerate(cover):
        match = COMPANY_LABEL.search(line)
        if match:
            before = _cells(line[: match.start()].rstrip(" ("))
            if before and not before[-1][1].startswith("("):
                return _company_name(before[-1][1])
            centre = match.start() + len(CELL.match(line, match.start()).group()) // 2
            above = (_cell_near(cover[j], centre) for j in _nonblank(cover, i - 1, -1, 2))
            name = next((c for c in above if not c.startswith("(")), "")  # "(Formerly known as"
            return _company_name(name)
    return None


def _cell_near(line: str, col: int) -> str:
    """Return the cell of a line nearest to a column."""
    cells = _cells(line) or [(0, "")]
    return min(cells, key=lambda c: max(c[0] - col, col - c[0] - len(c[1]), 0))[1]


def _company_name(text: str) -> str | None:
    """Return a cell as a company name, or None if it is empty, a label, a date or the form."""
    name = " ".join(text.split())
    bad = not re.search(r"[A-Za-z]", name) or name.startswith("(") or len(name) > 150
    if bad or REPORT_LABEL.search(name) or FORM_LINE.match(name) or _find_date(name):
        return None
    return name


def _labelled(cover: list[str], label: re.Pattern[str], read: Callable) -> str | None:
    """Return what `read` finds after the first label, or on the lines above, then below it."""
    for i, line in enumerate(cover):
        match = label.search(line)
        if match:
            col = match.start()
            around = (*_nonblank(cover, i - 1, -1, NEIGHBOURS), *_nonblank(cover, i + 1, 1, 3))
            found = (read(cover[j], col) for j in around)
            return read(line[match.end() :], 0) or next(filter(None, found), None)
    return None


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
    names = (cell.strip(" .,;") for _, cell in _cells(text))
    return next((name for name in names if name.lower() in JURISDICTIONS), None)


def _signers(lines: list[str]) -> list[Signer]:
    """Return the people who signed, from every signature block, once each."""
    signers: dict[str, Signer] = {}
    for start, end in _signature_blocks(lines):
        for signer in _block_signers(lines, start, end):
            signers.setdefault(re.sub(r"[^a-z]", "", signer.name.lower()), signer)
    return list(signers.values())


def _signature_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Return the (start, end) line ranges of the signature blocks."""
    blocks: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if SIGNATURE_START.search(line) and (not blocks or i >= blocks[-1][1]):
            end = min(len(lines), i + SIGNATURE_SPAN)
            stop = next((j for j in range(i + 1, end) if SIGNATURE_END.match(lines[j])), end)
            blocks.append((i, stop))
    return blocks


def _block_signers(lines: list[str], start: int, end: int) -> list[Signer]:
    """Return the signers of one signature block, dated by the block's date."""
    date = _block_date(lines[start:end])
    signers, k = [], start
    while k < end:
        signer, k = _signer_at(lines, k, end)
        if signer is not None and _is_person(signer.name):
            signer.date = date
            signers.append(signer)
    return signers


def _block_date(block: list[str]) -> str | None:
    """Return the block's `Date:` date, or else the first date standing alone in a cell."""
    for line in block:
        label = DATE_LABEL.match(line)
        if label and _iso(DATE.match(line, label.end())):
            return _iso(DATE.match(line, label.end()))
    for line in block:  # "February  14,  2002" alone (1063262), "April 28, 2022 | By:" (CAT)
        cells = (line.strip(" ,"), *(text.strip(" ,") for _, text in _cells(line)))
        found = next(filter(None, (_iso(DATE.fullmatch(cell)) for cell in cells)), None)
        if found:
            return found
    return None


@dataclass
class _Draft:
    """A signer being read: the name so far, the signature's column, the title lines."""

    name: str | None
    col: int
    title: list[str] = field(default_factory=list)
    typed: bool = False  # the typed name (or a Name:/Title: label) has been read


def _signer_at(lines: list[str], k: int, end: int) -> tuple[Signer | None, int]:
    """Read a signer opening at line k (`/s/`, `By:` or `Name:`); return it and the next line."""
    draft = _signer_head(lines[k])
    if draft is None:
        return None, k + 1
    j = k + 1
    while j < min(end, k + SIGNER_SPAN) and _read_under(draft, lines[j], j - k):
        j += 1
    title = " ".join(" ".join(draft.title).split()).strip(" ,")
    name = " ".join((draft.name or "").split()).strip(" ,")
    return (Signer(name=name, title=title or None) if name else None), j


def _signer_head(line: str) -> _Draft | None:
    """Return the draft a signer line opens (`/s/ Name`, `By: Name`, `Name: X`), or None."""
    slash = SLASH_S.search(line)
    cell = CELL.match(line, slash.end()) if slash else None
    if slash and not (cell and COMPANY_LINE.search(cell.group())):  # "/s/ BDO USA, LLP"
        name, rest = _unrepeat(cell.group()) if cell else (None, "")
        row = [c for _, c in _cells(line[cell.end() :] if cell else "") if TITLE_WORD.search(c)]
        return _Draft(name, slash.start(), [rest] if rest else row[:1], bool(rest))
    for label in (BY_LINE, NAME_LABEL):
        match = label.match(line)
        cell = CELL.match(match["v"]) if match else None
        if cell and _is_person(cell.group()):
            return _Draft(cell.group(), match.start("v"))
    return None


def _unrepeat(text: str) -> tuple[str, str]:
    """Split `W. Ron Hinson W. Ron Hinson Comptroller` (cells run together) into name, title."""
    words = text.split()
    for n in range(2, len(words) // 2 + 1):
        first, second = " ".join(words[:n]), " ".join(words[n : 2 * n])
        if first.lower() == second.lower():
            return _better(first, second), " ".join(words[2 * n :])
    return text, ""


def _better(signed: str, typed: str) -> str:
    """Choose between two spellings of a name: the typed one, unless only it is all capitals."""
    return signed if typed.isupper() and not signed.isupper() else typed


def _read_under(draft: _Draft, line: str, offset: int) -> bool:
    """Add a line under a signature to the draft; return False where the signer ends."""
    if not line.strip():
        return not (draft.typed or draft.title) and offset <= 2
    if SLASH_S.search(line) or BY_LINE.match(line):
        return False
    if label := NAME_LABEL.match(line):
        draft.name, draft.typed = label["v"].strip(), True
    elif label := TITLE_LABEL.match(line):
        draft.title, draft.typed = [label["v"].strip()], True
    elif not _blank(line):
        return _read_plain(draft, line)
    return True


def _read_plain(draft: _Draft, line: str) -> bool:
    """Read a typed-name or title line under a signature; return False where the signer ends."""
    dated = DATE_LABEL.match(line)
    if dated:  # "Date: March 30, 2021 Brien M. Chase, Senior Vice President" (a merged row)
        date = DATE.match(line, dated.end())
        text = line[date.end() :].strip() if date else ""
    else:
        text = " ".join(c for s, c in _cells(line) if s + len(c) > draft.col - 2) or line.strip()
    if not text or COMPANY_LINE.search(text) or DATE.fullmatch(text) or PAGE_NUMBER.match(text):
        return False
    if len(draft.title) >= 4:
        return False
    name, rest = (None, text) if draft.typed else _split_name_title(text, draft.name)
    draft.name, draft.typed = name or draft.name, True
    draft.title += [rest] if rest else []
    return True


def _split_name_title(text: str, signed: str | None) -> tuple[str | None, str]:
    """Split the first line under a signature into the typed name and the start of the title."""
    if signed and text.lower().startswith(signed.lower()):
        return _better(signed, text[: len(signed)]), text[len(signed) :].lstrip(" ,")
    head, comma, tail = text.partition(",")
    suffix = NAME_SUFFIX.match(tail) if comma else None
    if suffix:  # "Gregg D. Beloff, Jr., Treasurer"
        head, tail = f"{head},{suffix.group()}", tail[suffix.end() :]
    if comma and _is_person(head):
        return head.strip(), tail.lstrip(" ,")
    return (text.strip(" ,"), "") if _is_person(text) else (None, text)


def _is_person(text: str) -> bool:
    """Tell whether text reads as a person's name, not a company, a title or a sentence."""
    words = text.strip(" ,").split()
    if not 2 <= len(words) <= 6 or len(text) > 60 or re.search(r"[\d_@/&]", text):
        return False
    if COMPANY_LINE.search(text.strip(" ,")) or TITLE_WORD.search(text):
        return False
    return all(w[0].isupper() or w[0] in "('\"" or w in NAME_PARTICLES for w in words)


def _exhibits(lines: list[str]) -> list[Exhibit]:
    """Return the exhibits listed in the text, once per exhibit number."""
    found: dict[str, Exhibit] = {}
    list_until = -1
    for i, line in enumerate(lines):
        if EXHIBIT_HEAD.match(line) or heading_code(line) in EXHIBIT_ITEMS:
            list_until = i + EXHIBIT_SPAN
        match = EXHIBIT_ENTRY.match(line)
        if match and (match["pre"] or (i <= list_until and _listed(match))):
            exhibit = Exhibit(f"EX-{match['num'].upper()}", _description(lines, i, match))
            old = found.get(exhibit.type)
            if old is None or _extends(exhibit.description, old.description):
                found[exhibit.type] = exhibit
    return list(found.values())


def _extends(new: str | None, old: str | None) -> bool:
    """Tell whether a later listing of an exhibit says more than the first (index vs item)."""
    return bool(new and old and len(new) > len(old) and new.startswith(old))


def _listed(match: re.Match[str]) -> bool:
    """Tell whether a bare number opening a line of an exhibit list is an exhibit number."""
    whole = int(re.match(r"\d+", match["num"]).group())
    return 1 <= whole <= MAX_EXHIBIT and match["sep"] != " "


def _description(lines: list[str], i: int, match: re.Match[str]) -> str:
    """Return an exhibit entry's description with its continuation lines, trimmed."""
    parts = [_drop_page_column(match["desc"])]
    for line in lines[i + 1 : i + 4]:
        stripped = line.strip()
        deeper = len(line) - len(stripped) > len(match["indent"]) or stripped[:1].islower()
        heading = EXHIBIT_HEAD.match(line) or heading_code(line) or EXHIBIT_ENTRY.match(line)
        if not stripped or not deeper or heading:
            break
        parts.append(_drop_page_column(stripped))
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
