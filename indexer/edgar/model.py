"""Plain data passed between the parser's steps, and the JSON record of a filing."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any


class ParseError(Exception):
    """A file that looks like a filing but cannot be read as one."""


class NotAFiling(Exception):
    """A file that is not a filing (XBRL instance, R page, fragment): skipped with a reason."""


@dataclass
class FormerName:
    name: str
    changed: str | None = None  # ISO date of the name change


@dataclass
class Filer:
    name: str | None = None
    cik: str | None = None  # 10 digits, zero-padded
    role: str = "filer"  # filer | subject-company | filed-by | reporting-owner | issuer | ...
    sic: str | None = None  # 4-digit code as a string
    state_of_incorporation: str | None = None
    business_state: str | None = None
    file_number: str | None = None
    irs_number: str | None = None
    fiscal_year_end: str | None = None  # MMDD
    former_names: list[FormerName] = field(default_factory=list)
    # the header's BUSINESS / MAIL ADDRESS: street1, street2, city, state, zip, phone as filed
    business_address: dict[str, str] | None = None
    mail_address: dict[str, str] | None = None


@dataclass
class Item:
    code: str  # as filed: "9", "7.01", "2.02"
    normalized: str | None  # post-2004 numbering: "7.01"
    title: str | None


@dataclass
class Signer:
    name: str
    title: str | None = None
    date: str | None = None  # ISO date


@dataclass
class Exhibit:
    type: str  # "EX-99.1"
    description: str | None = None


@dataclass
class Document:
    """One document of a submission; `text` is its clean body text (not part of the record)."""

    type: str | None = None
    sequence: int | None = None
    filename: str | None = None
    description: str | None = None
    text: str = field(default="", repr=False)

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass
class RawDocument:
    """A <DOCUMENT> as split from a submission: its SGML tags and the raw content of <TEXT>."""

    type: str | None = None
    sequence: int | None = None
    filename: str | None = None
    description: str | None = None
    body: str = field(default="", repr=False)


@dataclass
class HeaderInfo:
    """What an SEC header says, in either dialect (`KEY: value` or `<KEY>value`)."""

    accession: str | None = None
    form_type: str | None = None
    filed: str | None = None  # ISO date
    period: str | None = None  # ISO date
    accepted: str | None = None  # ISO datetime
    document_count: int | None = None
    items: list[str] = field(default_factory=list)  # raw: "2.02", "5", or a title
    filers: list[Filer] = field(default_factory=list)


@dataclass
class CoverInfo:
    """What a filing's text says of it: cover page, items, signatures, exhibits."""

    form_type: str | None = None
    period: str | None = None  # ISO; date of report for an 8-K
    company: str | None = None
    cik: str | None = None
    state_of_incorporation: str | None = None
    file_number: str | None = None
    irs_number: str | None = None
    items: list[str] = field(default_factory=list)  # raw codes from item headings, in order
    signers: list[Signer] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)


@dataclass
class Filing:
    source: str
    accession: str | None = None
    form_type: str | None = None
    root_form: str | None = None
    filed: str | None = None
    filed_source: str | None = None  # the file whose SEC header stated the filing date
    period: str | None = None
    company: str | None = None
    cik: str | None = None
    filers: list[Filer] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    kind: str = "submission"  # submission | header | document: how complete the source was
    # what of the file's text was dropped or cut, and why (for the build summary; not recorded)
    notes: list[str] = field(default_factory=list)

    @property
    def text_chars(self) -> int:
        return sum(d.chars for d in self.documents)

    @property
    def text(self) -> str:
        return "\n\n".join(d.text for d in self.documents if d.text)

    def to_record(self) -> dict[str, Any]:
        """Return the JSON record of this filing (`indexer parse` prints it)."""
        rec = {}
        for name in _field_names(Filing):
            if name == "documents":
                rec[name] = [
                    {
                        "type": d.type,
                        "sequence": d.sequence,
                        "filename": d.filename,
                        "description": d.description,
                        "chars": d.chars,
                    }
                    for d in self.documents
                ]
            elif name != "notes":
                rec[name] = as_data(getattr(self, name))
        rec["text_chars"] = self.text_chars
        return rec


def _field_names(cls: type) -> tuple[str, ...] | None:
    """Return the field names of a dataclass (None for another class), found once per class."""
    names = _FIELD_NAMES.get(cls, ())
    if names == ():
        is_data = dataclasses.is_dataclass(cls)
        names = tuple(f.name for f in dataclasses.fields(cls)) if is_data else None
        _FIELD_NAMES[cls] = names
    return names


def as_data(value: Any) -> Any:
    """Return a value as dataclasses.asdict does: dataclasses as dicts, containers copied.

    Not asdict itself: it deep-copies every string and walked each document's text too, a
    tenth of parsing time (to_record of the 1,000 bench filings: 0.45 s).
    """
    cls = type(value)
    if cls in _ATOMS:
        return value
    if cls is list:
        return [as_data(v) for v in value]
    if names := _field_names(cls):
        return {name: as_data(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return type(value)(as_data(v) for v in value)
    if isinstance(value, dict):
        return {as_data(k): as_data(v) for k, v in value.items()}
    return copy.deepcopy(value)


_ATOMS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def filing_id(filing: Filing) -> str:
    """Return the key a filing is indexed under: its accession, else a hash of its text.

    Hashing the text (not the path) makes copies of one header-less filing in several places
    one filing, as an accession does for submissions.
    """
    if filing.accession:
        return filing.accession
    key = filing.text or filing.source
    return "local-" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
