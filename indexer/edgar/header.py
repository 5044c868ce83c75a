"""SEC header → filers, form, dates, items, in either dialect (`KEY:\tvalue` or `<KEY>value`).

A pipeline of three steps: `clip_header` (where the header ends), `tokenize` (the text into
events; the dialect is told token by token, because colon headers carry angle-bracket lines too)
and `fold` (events into a HeaderInfo, with tables of key names shared by both dialects).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from indexer.edgar.cik import cik10
from indexer.edgar.model import Filer, FormerName, HeaderInfo

# Where a header ends if the caller passed more: "</SEC-HEADER>" (index-headers.html), "<DOCUMENT>"
HEADER_END = re.compile(r"</SEC-HEADER>|<DOCUMENT>")
# A line break other than "\n": "\r\n", or the bare "\r" that ends the lines of some .nc feed files
LINE_BREAK = re.compile(r"\r\n?")
# One event of either dialect, told apart token by token since colon headers carry angle lines:
#   a colon line "\t\tCENTRAL INDEX KEY:\t\t\t0000320193" (after its indent, or after the "]"
#     of a SIC value wrapped onto it), value up to the end of the line; "FILER:" has none;
#   an angle tag "<CIK>0000320193", "</FILER>", value up to the next "<" or end of line.
TOKEN = re.compile(
    r"^[ \t\]]*([A-Z][A-Z0-9_-]*(?: [A-Z0-9_-]+)*)[ \t]*:([^\n]*)"
    r"|<(/?)([A-Z][A-Z0-9_-]*)>([^<\n]*)",
    re.M,
)
# An accession number, dashed or not: "0001011438-98-000429", "000101143898000429.txt : 1999"
ACCESSION = re.compile(r"(?<![0-9])([0-9]{10})-?([0-9]{2})-?([0-9]{6})(?![0-9])")
# The code of a SIC value: "ASSET-BACKED SECURITIES [6189]", " [3281" (wrapped line), "6189" (.nc)
SIC_CODE = re.compile(r"\[\s*([0-9]{1,4})(?![0-9])|^([0-9]{1,4})$")
# ASCII digits only (str.isdigit also accepts "²", which int() refuses): "0000320193"
DIGITS = re.compile(r"[0-9]+")
# EDGAR's dates and date-times: "19981231", "20220428063203"
DATE_DIGITS = re.compile(r"[0-9]{8}")
DATETIME_DIGITS = re.compile(r"[0-9]{14}")
DATETIME_PARTS = ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14))
YEARS = range(1900, 2101)  # dates outside are typos or placeholders ("00000000"), not dates

# Top-level keys of both dialects (colon keys with dashes for spaces) → HeaderInfo field
HEADER_KEYS = {
    "ACCESSION-NUMBER": "accession",
    "CONFORMED-SUBMISSION-TYPE": "form_type",
    "TYPE": "form_type",
    "CONFORMED-PERIOD-OF-REPORT": "period",
    "PERIOD": "period",
    "FILED-AS-OF-DATE": "filed",
    "FILING-DATE": "filed",
    "ACCEPTANCE-DATETIME": "accepted",
    "PUBLIC-DOCUMENT-COUNT": "document_count",
    "ITEM-INFORMATION": "items",
    "ITEMS": "items",
}
# Opening lines that name the accession if no ACCESSION NUMBER does: "<SEC-HEADER>0001….hdr.sgml"
ACCESSION_LINES = frozenset({"SEC-DOCUMENT", "SEC-HEADER"})
# Blocks of one filer each; the role is the key lower-cased. A block not listed here still counts
# when COMPANY DATA / OWNER DATA follows its bare key (see `_step`).
ROLE_KEYS = frozenset(
    {
        "FILER",
        "SUBJECT-COMPANY",
        "FILED-BY",
        "REPORTING-OWNER",
        "ISSUER",
        "SERIAL-COMPANY",
        "DEPOSITOR",
        "SECURITIZER",
        "ISSUING-ENTITY",
    }
)
# Sections of a filer block → the name they are read under (a person's OWNER DATA: COMPANY DATA)
SECTIONS = {
    "COMPANY-DATA": "COMPANY-DATA",
    "OWNER-DATA": "COMPANY-DATA",
    "FILING-VALUES": "FILING-VALUES",
    "BUSINESS-ADDRESS": "BUSINESS-ADDRESS",
    "MAIL-ADDRESS": "MAIL-ADDRESS",
    "FORMER-COMPANY": "FORMER-COMPANY",
}
# (section, key) of both dialects → Filer field; MAIL ADDRESS's STATE is deliberately not read
FILER_KEYS = {
    ("COMPANY-DATA", "COMPANY-CONFORMED-NAME"): "name",
    ("COMPANY-DATA", "CONFORMED-NAME"): "name",
    ("COMPANY-DATA", "CENTRAL-INDEX-KEY"): "cik",
    ("COMPANY-DATA", "CIK"): "cik",
    ("COMPANY-DATA", "STANDARD-INDUSTRIAL-CLASSIFICATION"): "sic",
    ("COMPANY-DATA", "ASSIGNED-SIC"): "sic",
    ("COMPANY-DATA", "IRS-NUMBER"): "irs_number",
    ("COMPANY-DATA", "EIN"): "irs_number",  # 2025 colon headers say EIN instead
    ("COMPANY-DATA", "STATE-OF-INCORPORATION"): "state_of_incorporation",
    ("COMPANY-DATA", "FISCAL-YEAR-END"): "fiscal_year_end",
    ("FILING-VALUES", "SEC-FILE-NUMBER"): "file_number",
    ("FILING-VALUES", "FILE-NUMBER"): "file_number",
    ("BUSINESS-ADDRESS", "STATE"): "business_state",
}
# Keys of a FORMER COMPANY section → FormerName field (prefixed to keep their cleaners apart)
FORMER_KEYS = {
    "FORMER-CONFORMED-NAME": "former_name",
    "DATE-OF-NAME-CHANGE": "former_changed",
    "DATE-CHANGED": "former_changed",
}
# Keys of a BUSINESS / MAIL ADDRESS section, both dialects ("STREET 1:", "<STREET1>") → part
ADDRESS_KEYS = {
    "STREET-1": "street1",
    "STREET1": "street1",
    "STREET-2": "street2",
    "STREET2": "street2",
    "CITY": "city",
    "STATE": "state",
    "ZIP": "zip",
    "BUSINESS-PHONE": "phone",
    "PHONE": "phone",
}
# Address section → Filer field
ADDRESS_SECTIONS = {"BUSINESS-ADDRESS": "business_address", "MAIL-ADDRESS": "mail_address"}
FIELD_KEYS = frozenset(HEADER_KEYS) | {key for _, key in FILER_KEYS} | frozenset(FORMER_KEYS)
FIELD_KEYS |= frozenset(ADDRESS_KEYS)

# A value that ends a text cut short may be a prefix of the real one ("00003" of a CIK, "10-" of
# "10-K"): it is kept only for free text, or when it has the full shape of its field.
FREE_TEXT = frozenset({"name", "former_name"})
CUT_SHAPES = {
    "accession": re.compile(r"[0-9]{10}-[0-9]{2}-[0-9]{6}"),
    "filed": DATE_DIGITS,
    "period": DATE_DIGITS,
    "former_changed": DATE_DIGITS,
    "accepted": DATETIME_DIGITS,
    "cik": re.compile(r"[0-9]{10}"),
    "sic": re.compile(r".*\[\s*[0-9]{4}\s*\]|[0-9]{4}"),
    "irs_number": re.compile(r"[0-9]{9}"),
    "state_of_incorporation": re.compile(r"[A-Z0-9]{2}"),
    "business_state": re.compile(r"[A-Z0-9]{2}"),
    "fiscal_year_end": re.compile(r"[0-9]{4}"),
}


class Event(NamedTuple):
    """One key, tag or closing tag of a header, with its key in the shared dashed spelling."""

    key: str  # "CENTRAL-INDEX-KEY", "CIK", "FILER"
    value: str = ""  # stripped; "" for a bare key or tag ("FILER:", "<COMPANY-DATA>")
    closing: bool = False  # "</FILER>"
    cut: bool = False  # ends a text that may have been cut short mid-value


def parse_header(text: str) -> HeaderInfo:
    """Read an SEC header of either dialect into a HeaderInfo, never raising."""
    if not text:
        return HeaderInfo()
    return fold(tokenize(text))


def clip_header(text: str) -> tuple[str, bool]:
    """Return the header part of a text with "\n" line ends, and whether anything followed it."""
    text = LINE_BREAK.sub("\n", text)
    end = HEADER_END.search(text)
    return (text, False) if end is None else (text[: end.start()], True)


def tokenize(text: str) -> list[Event]:
    """Split header text into events, one per key, tag or closing tag, in order."""
    body, clipped = clip_header(text)
    matches = list(TOKEN.finditer(body))
    events = [_event(*m.groups()) for m in matches]
    if matches and not clipped and matches[-1].end() == len(body):
        events[-1] = events[-1]._replace(cut=True)  # nothing after it: it may be cut short
    return events


def _event(key: str | None, value: str, slash: str, tag: str, text: str) -> Event:
    """Make the event of one TOKEN match, colon line or angle tag."""
    if key is not None:
        return Event(_key(key), value.strip(), False, False)
    return Event(_key(tag), text.strip(), slash == "/", False)


def _key(name: str) -> str:
    """Spell a key of either dialect the shared way: "FILED BY", "ISSUING_ENTITY" → dashes."""
    return name.replace(" ", "-").replace("_", "-")  # str.translate is several times slower


@dataclass
class _Fold:
    """Where the fold stands: the header so far and the filer block and section it is in."""

    info: HeaderInfo
    filer: Filer | None = None
    block: str | None = None  # key of the open filer block, to match its closing tag
    section: str | None = None
    former: FormerName | None = None
    pending_role: str | None = None  # a bare unknown key, a role if COMPANY DATA comes next
    fallback_accession: str | None = None


def fold(events: Iterable[Event]) -> HeaderInfo:
    """Fold header events into a HeaderInfo."""
    state = _Fold(HeaderInfo())
    for event in events:
        _step(state, event)
    info = state.info
    info.accession = info.accession or state.fallback_accession
    info.filers = [f for f in info.filers if f.name or f.cik]  # a block cut before its data
    return info


def _step(state: _Fold, event: Event) -> None:
    """Apply one event to the fold's state."""
    key, value = event.key, event.value
    pending, state.pending_role = state.pending_role, None
    if event.closing:
        _close(state, key)
    elif key in ROLE_KEYS and not value:
        _start_filer(state, key)
    elif key in SECTIONS and not value:
        _enter_section(state, SECTIONS[key], pending)
    elif key in HEADER_KEYS:
        _header_field(state.info, HEADER_KEYS[key], event)
    elif key in ACCESSION_LINES:
        state.fallback_accession = state.fallback_accession or _accession(value)
    elif key in FORMER_KEYS:
        _former_field(state, FORMER_KEYS[key], event)
    elif state.section in ADDRESS_SECTIONS and key in ADDRESS_KEYS:
        _address_field(state, ADDRESS_KEYS[key], event)
    elif (state.section, key) in FILER_KEYS:
        _filer_field(state, FILER_KEYS[state.section, key], event)
    elif not value and key not in FIELD_KEYS:
        state.pending_role = key


def _start_filer(state: _Fold, key: str) -> None:
    """Open a new filer block whose role its key names."""
    state.filer = Filer(role=key.lower())
    state.info.filers.append(state.filer)
    state.block, state.section, state.former = key, None, None


def _enter_section(state: _Fold, section: str, pending_role: str | None) -> None:
    """Enter a section of the current filer block, opening one first if COMPANY DATA needs it."""
    if section == "COMPANY-DATA" and (pending_role or state.filer is None):
        _start_filer(state, pending_role or "FILER")
    state.section, state.former = section, None


def _close(state: _Fold, key: str) -> None:
    """Leave the filer block or section a closing tag ends; other closing tags change nothing."""
    if key in ROLE_KEYS or key == state.block:
        state.filer = state.block = state.section = state.former = None
    elif key in SECTIONS:
        state.section = state.former = None


def _header_field(info: HeaderInfo, attr: str, event: Event) -> None:
    """Set a top-level field (first value wins) or add an item."""
    value = _clean(attr, event)
    if value is None:
        return
    if attr == "items":
        if value not in info.items:
            info.items.append(value)
    elif getattr(info, attr) is None:
        setattr(info, attr, value)


def _filer_field(state: _Fold, attr: str, event: Event) -> None:
    """Set a field of the current filer (first value wins)."""
    value = _clean(attr, event)
    if state.filer is not None and value is not None and getattr(state.filer, attr) is None:
        setattr(state.filer, attr, value)


def _address_field(state: _Fold, part: str, event: Event) -> None:
    """Set one part of the current filer's business or mail address (first value wins)."""
    value = None if event.cut else _text(event.value)
    if state.filer is None or value is None:
        return
    attr = ADDRESS_SECTIONS[state.section]
    address = getattr(state.filer, attr) or {}
    address.setdefault(part, value)
    setattr(state.filer, attr, address)
    if (state.section, event.key) in FILER_KEYS:  # BUSINESS ADDRESS's STATE is a filer field too
        _filer_field(state, FILER_KEYS[state.section, event.key], event)


def _former_field(state: _Fold, attr: str, event: Event) -> None:
    """Add a former name to the current filer, or date the one its section named."""
    value = _clean(attr, event)
    if state.filer is None or state.section != "FORMER-COMPANY" or value is None:
        return
    if attr == "former_name":
        state.former = FormerName(value)
        state.filer.former_names.append(state.former)
    elif state.former is not None and state.former.changed is None:
        state.former.changed = value


def _clean(attr: str, event: Event) -> str | int | None:
    """Return the field value an event states, or None if blank, malformed or possibly cut."""
    if event.cut and attr not in FREE_TEXT:
        shape = CUT_SHAPES.get(attr)
        if shape is None or not shape.fullmatch(event.value):
            return None
    return CLEANERS.get(attr, _text)(event.value)


def _text(value: str) -> str | None:
    """Return a stripped value, None if empty."""
    return value.strip() or None


def _accession(value: str) -> str | None:
    """Return the dashed accession number a value holds."""
    m = ACCESSION.search(value)
    return f"{m[1]}-{m[2]}-{m[3]}" if m else None


def _iso_date(value: str) -> str | None:
    """Turn "19981231" into "1998-12-31"; None for anything that is not a real date."""
    if not DATE_DIGITS.fullmatch(value):
        return None
    try:
        day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
    return day.isoformat() if day.year in YEARS else None


def _iso_datetime(value: str) -> str | None:
    """Turn "20220428063203" into "2022-04-28T06:32:03"; None if it is not a real time."""
    if not DATETIME_DIGITS.fullmatch(value):
        return None
    try:
        moment = datetime(*(int(value[a:b]) for a, b in DATETIME_PARTS))
    except ValueError:
        return None
    return moment.isoformat() if moment.year in YEARS else None


def _count(value: str) -> int | None:
    """Return a document count."""
    return int(value) if DIGITS.fullmatch(value) else None


def _cik(value: str) -> str | None:
    """Return a CIK zero-padded to 10 digits; None for zero or a non-number."""
    cik = cik10(value)
    return cik if cik and int(cik) else None


def _sic(value: str) -> str | None:
    """Return the 4-digit SIC code of "NAME [1234]" or "1234"; None for "[]" and "0000"."""
    m = SIC_CODE.search(value)
    code = (m[1] or m[2]).zfill(4) if m else None
    return None if code == "0000" else code


def _irs(value: str) -> str | None:
    """Return an IRS number as filed; None for EDGAR's all-zero "none given"."""
    value = value.strip()
    return None if not value or value.strip("0") == "" else value


def _mmdd(value: str) -> str | None:
    """Return a fiscal year end as filed if it reads as MMDD."""
    ok = len(value) == 4 and DIGITS.fullmatch(value)
    return value if ok and 1 <= int(value[:2]) <= 12 and 1 <= int(value[2:]) <= 31 else None


# Field → how its raw value becomes the stored one; fields not listed are stripped text
CLEANERS: dict[str, Callable[[str], str | int | None]] = {
    "accession": _accession,
    "filed": _iso_date,
    "period": _iso_date,
    "former_changed": _iso_date,
    "accepted": _iso_datetime,
    "document_count": _count,
    "cik": _cik,
    "sic": _sic,
    "irs_number": _irs,
    "fiscal_year_end": _mmdd,
}
