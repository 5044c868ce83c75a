"""Signature blocks: who signed a filing, with their titles and the date they signed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import CELL, DATE, PAGE_NUMBER, cells, fold, is_blank, iso, lines_with
from .model import Signer

SIGNATURE_SPAN = 120  # lines a signature block runs past its last signature
MAX_TITLE_LINE = 80  # a title line after a blank line is short
SIGNER_SPAN = 9  # lines a signer's name and title may run under the signature
# "SIGNATURES" as a heading, or the sentence that opens a signature block
SIGNATURE_START = re.compile(
    r"^\s*signatures?(?:\s+of\s+reporting\s+person)?\s*[:.]?\s*$"  # a 2000 text Form 4
    r"|duly\s+caused\s+this"
    r"|caused\s+this\s+(?:[a-z]+\s+){1,4}?to\s+be\s+(?:duly\s+)?signed",  # "this Application"
    re.I,
)
# The words one of which every SIGNATURE_START spells: only lines holding one are searched
SIGNATURE_WORDS = (b"signature", b"caused")
# "EXHIBIT INDEX", "Exhibit 99.1", "Item 9.01": a signature block has ended
SIGNATURE_END = re.compile(
    r"^\s*(?:exhibit\s+(?:index|list|\d)|index\s+to\s+exhibits|list\s+of\s+exhibits|item\s+\d"
    r"|exhibit\s+[a-z]\s*$)",  # "Exhibit A": a 13G's list of subsidiaries, its power of attorney
    re.I,
)
SLASH_S = re.compile(r"/\s?s\s?/\s*", re.I)  # "/s/ Gregg D. Beloff", "/S/WILLIAM COREY WEST"
BY_LINE = re.compile(r"^\s*by\b\s*:?\s*(?P<v>.*)$", re.I)  # "By: Michael J. Graham"
NAME_LABEL = re.compile(r"^\s*name\s*:\s*(?P<v>\S.*)$", re.I)  # "Name: Jennifer Johnson"
INLINE_TITLE = re.compile(r"\s+title\s*:\s*", re.I)  # "Name: Monique Austin Title: Director"
# Small words a title in title case leaves lower case: "Chairman of the Board"
TITLE_CASE_WORDS = frozenset({"and", "of", "the", "for", "to", "in", "&", "-"})
# "Title: CEO", and "Name/Title Attorney-In-Fact" under a 13G's "Signature:  Spencer Fleming"
TITLE_LABEL = re.compile(r"^\s*(?:title\s*:|name\s*/\s*title\s*:?)\s*(?P<v>\S.*)$", re.I)
SIGNATURE_LABEL = re.compile(r"^\s*signature\s*:\s*(?P<v>\S.*)$", re.I)  # a typed name
DATE_LABEL = re.compile(r"^\s*dated?\b\s*:?\s*", re.I)  # "Date:  ", "Dated:", "DATED"
# "ImmunoGen, Inc.", "(Registrant)", "SOUTHERN POWER COMPANY": a company, not a person
COMPANY_LINE = re.compile(
    r"(?:\b(?:inc|corp|corporation|company|co|llc|l\.l\.c|llp|lp|l\.p|ltd|limited|plc|n\.a"
    r"|s\.?a\.?r\.?l|scsp|scs|gmbh|n\.v|b\.v|s\.a)\.?"
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


def read_signers(lines: list[str]) -> list[Signer]:
    """Return the people who signed, from every signature block, once each."""
    return signers_in(lines, fold(lines))


def signers_in(lines: list[str], folded: bytes | None) -> list[Signer]:
    """Return the people who signed, given the lines and their fold (see lines.fold)."""
    signers: dict[str, Signer] = {}
    for start, end in _signature_blocks(lines, folded):
        for signer in _block_signers(lines, start, end):
            signers.setdefault(re.sub(r"[^a-z]", "", signer.name.lower()), signer)
    return list(signers.values())


def _signature_blocks(lines: list[str], folded: bytes | None) -> list[tuple[int, int]]:
    """Return the (start, end) line ranges of the signature blocks."""
    blocks: list[tuple[int, int]] = []
    for i in lines_with(lines, folded, SIGNATURE_WORDS):
        if (not blocks or i >= blocks[-1][1]) and SIGNATURE_START.search(lines[i]):
            blocks.append((i, _block_end(lines, i)))
    return blocks


def _block_end(lines: list[str], start: int) -> int:
    """Return where a signature block ends: an exhibit list or item heading, or SIGNATURE_SPAN
    lines after its last signature (a 40-APP's applicants sign for pages on end)."""
    end = min(len(lines), start + SIGNATURE_SPAN)
    j = start + 1
    while j < end:
        if SIGNATURE_END.match(lines[j]):
            return j
        if _signer_head(lines[j]) is not None:  # a person signs: the block goes on
            end = min(len(lines), j + SIGNATURE_SPAN)
        j += 1
    return end


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
        if label and iso(DATE.match(line, label.end())):
            return iso(DATE.match(line, label.end()))
    for line in block:  # "February  14,  2002" alone (1063262), "April 28, 2022 | By:" (CAT)
        texts = (line.strip(" ,"), *(text.strip(" ,") for _, text in cells(line)))
        found = next(filter(None, (iso(DATE.fullmatch(text)) for text in texts)), None)
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
    gap: bool = False  # a blank line came after the typed name or title
    tentative: int | None = None  # where title lines read after a gap begin, until confirmed


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
        row = [c for _, c in cells(line[cell.end() :] if cell else "") if TITLE_WORD.search(c)]
        return _Draft(name, slash.start(), [rest] if rest else row[:1], bool(rest))
    for label in (BY_LINE, NAME_LABEL, SIGNATURE_LABEL):
        match = label.match(line)
        cell = CELL.match(match["v"]) if match else None
        if cell and _is_person(cell.group()):
            return _Draft(cell.group(), match.start("v"), typed=label is SIGNATURE_LABEL)
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
        if draft.typed or draft.title:  # HTML puts the title in a paragraph of its own
            draft.gap, draft.tentative = True, None  # a blank after such lines confirms them
            return True
        return offset <= 2
    if SLASH_S.search(line) or BY_LINE.match(line):
        return False
    if label := NAME_LABEL.match(line):
        name, *title = INLINE_TITLE.split(label["v"], maxsplit=1)
        draft.name, draft.typed = name.strip(), True
        draft.title = [title[0].strip()] if title else draft.title
    elif label := TITLE_LABEL.match(line):
        draft.title, draft.typed = [label["v"].strip()], True
    elif not is_blank(line):
        return _read_plain(draft, line)
    return True


def _read_plain(draft: _Draft, line: str) -> bool:
    """Read a typed-name or title line under a signature; return False where the signer ends."""
    dated = DATE_LABEL.match(line)
    if dated:  # "Date: March 30, 2021 Brien M. Chase, Senior Vice President" (a merged row)
        date = DATE.match(line, dated.end())
        text = line[date.end() :].strip() if date else ""
    else:
        text = " ".join(c for s, c in cells(line) if s + len(c) > draft.col - 2) or line.strip()
    if not text or COMPANY_LINE.search(text) or DATE.fullmatch(text) or PAGE_NUMBER.match(text):
        return False
    if draft.tentative is not None and not _title_line(text):
        del draft.title[draft.tentative :]  # "Power of Attorney" heads prose (Apple's 10-K)
        return False
    if len(draft.title) >= 4 or (draft.gap and not _title_line(text)):
        return False
    if draft.gap:
        draft.gap, draft.tentative = False, len(draft.title)
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


def _title_line(text: str) -> bool:
    """Tell whether a line standing alone reads as an officer's title, not a sentence.

    "Senior Vice President," / "Chief Financial Officer" (Apple 0001193125-11-009392) and
    "(Principal Accounting Officer)" are; "The board of directors approved the plan" is not.
    """
    words = text.strip(" ,()").split()
    capitalized = all(w[0].isupper() or w.lower() in TITLE_CASE_WORDS for w in words)
    return len(text) <= MAX_TITLE_LINE and capitalized and TITLE_WORD.search(text) is not None


def _is_person(text: str) -> bool:
    """Tell whether text reads as a person's name, not a company, a title or a sentence."""
    words = text.strip(" ,").split()
    if not 2 <= len(words) <= 6 or len(text) > 60 or re.search(r"[\d_@/&]", text):
        return False
    if COMPANY_LINE.search(text.strip(" ,")) or TITLE_WORD.search(text):
        return False
    return all(w[0].isupper() or w[0] in "('\"" or w in NAME_PARTICLES for w in words)
