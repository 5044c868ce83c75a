"""Read EDGAR XML forms (3/4/5, D, 13F, C, N-PX, N-PORT, 144, 24F-2NT, MA-I) into fields + text."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field

from lxml import etree

from indexer.edgar.cik import cik10
from indexer.edgar.model import Filer, FormerName, NotAFiling, ParseError, Signer
from indexer.edgar.states import state_code
from indexer.edgar.text import classify_xml


@dataclass
class XmlForm:
    """What an XML form says about its filing, and its values as searchable text."""

    root: str  # local name of the root element: "ownershipDocument", "edgarSubmission", ...
    form_type: str | None = None  # "4", "D/A", "13F-HR"; None for attachments and unknown XML
    period: str | None = None  # ISO date
    signed: str | None = None  # ISO date of the first dated signature
    company: str | None = None  # the issuer, or else the filer
    cik: str | None = None  # 10 digits
    filers: list[Filer] = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    text: str = field(default="", repr=False)


# --- parsing --------------------------------------------------------------------------------

# What stands before the root element and lxml will not take in a str: the SGML "<XML>"
# wrapper, leading blank lines, '<?xml version="1.0" encoding="UTF-8"?>'
_LEAD = re.compile(r"\A\s*(?:<XML>\s*)?(?:<\?xml[^>]*\?>)?\s*", re.IGNORECASE)
# The SGML wrapper's end: "</XML>"
_TRAILER = "</xml>"  # the SGML wrapper's closing tag, any case, at the very end


def _parser(recover: bool) -> etree.XMLParser:
    """Return an XML parser that never fetches or expands anything external."""
    return etree.XMLParser(
        recover=recover,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )


def _parse(xml: str) -> etree._Element:
    """Parse XML strictly, else leniently; raise ParseError when neither yields a root."""
    body = _strip_trailer(_LEAD.sub("", xml, count=1))
    error: Exception | None = None
    for recover in (False, True):
        try:
            root = etree.fromstring(body, _parser(recover))
        except (etree.XMLSyntaxError, ValueError) as exc:
            error = exc
            continue
        if root is not None:
            return root
    raise ParseError(f"XML that does not parse: {error or 'no root element'}")


def _local(tag: object) -> str:
    """Return the local name of an element tag ("" for comments and entities)."""
    return tag[tag.find("}") + 1 :] if isinstance(tag, str) else ""


@functools.cache
def _any_ns(path: str) -> str:
    """Turn "a/b//c" into "{*}a/{*}b//{*}c", a path that matches in any namespace."""
    return re.sub(r"(?<![\w.}])(?=[A-Za-z])", "{*}", path)


# --- values ---------------------------------------------------------------------------------

# Dates as XML forms write them: "2025-04-30", "2025-05-02-05:00", "12-31-2020", "04/13/2023"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_DATE = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


def _iso_date(value: str | None) -> str | None:
    """Return an XML form date as an ISO date, or None when it is not a date."""
    if not value:
        return None
    if m := _ISO_DATE.match(value):
        year, month, day = m.groups()
    elif m := _US_DATE.match(value):
        month, day, year = m.groups()
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _clean(value: str | None) -> str | None:
    """Return a value with its whitespace collapsed, or None when empty."""
    return " ".join(value.split()) or None if value else None


def _first(el: etree._Element, paths: tuple[str, ...]) -> str | None:
    """Return the first non-empty text found at one of the paths, in order, in any namespace."""
    for path in paths:
        for found in el.iterfind(_any_ns(path)):
            if text := _clean(found.text):
                return text
    return None


# --- key fields -----------------------------------------------------------------------------

# Where each form family keeps its key fields, tried in order (in any namespace).
_FORM_TYPE = ("documentType", "submissionType", "headerData/submissionType")
_PERIOD = (
    "periodOfReport",  # ownership documents
    "headerData/filerInfo/periodOfReport",  # 13F, N-PX
    "formData/coverPage/reportCalendarOrQuarter",  # 13F
    "formData/genInfo/repPdDate",  # N-PORT
    ".//item4/lastDayOfFiscalYear",  # 24F-2NT
)
_COMPANY = (
    "issuer/issuerName",  # ownership documents
    "primaryIssuer/entityName",  # D
    "formData/issuerInfo/issuerName",  # 144
    ".//issuerInfo/nameOfIssuer",  # C
    "formData/coverPage/filingManager/name",  # 13F
    "formData/genInfo/regName",  # N-PORT
    ".//item1/nameOfIssuer",  # 24F-2NT
    "formData/coverPage/reportingPerson/name",  # N-PX
    ".//municipalFirm/municipalFirmName",  # MA-I
    "effectiveData/filer/entityName",  # EFFECT
)
# The CIK of the submission header's filer: "<credentials><cik>", "<filerCik>", "<filerId>"
_FILER_CIK = (
    "headerData/filerInfo/filer//cik",
    "headerData/filerInfo/filer//filerCik",
    "headerData/filerInfo/filer//filerId",
)
_CIK = (
    "issuer/issuerCik",  # ownership documents
    "primaryIssuer/cik",  # D
    "formData/issuerInfo/issuerCik",  # 144
    "formData/genInfo/regCik",  # N-PORT
    "effectiveData/filer/cik",  # EFFECT
    *_FILER_CIK,
)
# The person or firm that filed, when it is not the company: 144's seller
_FILER_NAME = ("formData/issuerInfo/nameOfPersonForWhoseAccountTheSecuritiesAreToBeSold",)
_FILE_NUMBER = (
    "formData/coverPage/form13FFileNumber",
    "formData/genInfo/regFileNumber",
    ".//item3/investmentCompActFileNo",
    "formData/coverPage/fileNumber",
    "effectiveData/filer/fileNumber",
)
# Parties named in the form: (role, element path, CIK child, name child, file number child)
_PARTIES = (
    ("issuer", "issuer", "issuerCik", "issuerName", None),  # ownership documents
    ("reporting-owner", "reportingOwner/reportingOwnerId", "rptOwnerCik", "rptOwnerName", None),
    ("issuer", "primaryIssuer", "cik", "entityName", None),  # D
    ("issuer", "issuerList/issuer", "cik", "entityName", None),  # D, co-issuers
    # 144: the issuer's Exchange Act file number, as EDGAR's header puts it on the issuer
    ("issuer", "formData/issuerInfo", "issuerCik", "issuerName", "secFileNumber"),
    ("filer", "effectiveData/filer", "cik", "entityName", None),  # EFFECT
)
# What a form states of the company it is about (the filer its `company` names), by field
_COMPANY_FACTS = {
    "state_of_incorporation": (
        "primaryIssuer/jurisdictionOfInc",  # D: "DELAWARE"
        ".//issuerInfo/legalStatus/jurisdictionOrganization",  # C: "CA"
    ),
    "business_state": (
        "primaryIssuer/issuerAddress/stateOrCountry",  # D
        ".//issuerInfo/issuerAddress/stateOrCountry",  # C, 144
        "formData/coverPage/filingManager/address/stateOrCountry",  # 13F
        "formData/coverPage/reportingPerson/address/stateOrCountry",  # N-PX
        ".//item1/addressOfIssuer/state",  # 24F-2NT
    ),
}
_FORMER_NAMES = ("primaryIssuer/issuerPreviousNameList/previousName",)  # D


def _parties(root: etree._Element) -> list[Filer]:
    """Return the issuers, reporting owners and filers a form names."""
    found = [
        Filer(
            name=_first(el, (name,)),
            cik=cik10(_first(el, (cik,))),
            role=role,
            file_number=_first(el, (number,)) if number else None,
        )
        for role, path, cik, name, number in _PARTIES
        for el in root.iterfind(_any_ns(path))
    ]
    return [f for f in found if f.name or f.cik]


def _add_company_facts(root: etree._Element, filer: Filer) -> None:
    """Fill in the states and former names a form gives for the company it is about.

    Shepherd's Finance's Form D/A: incorporated in DELAWARE, offices in FL, formerly
    "84 RE Partners, LLC".
    """
    for attr, paths in _COMPANY_FACTS.items():
        value = _first(root, paths)
        if value and getattr(filer, attr) is None:
            setattr(filer, attr, state_code(value) or value)
    for path in _FORMER_NAMES:
        for el in root.iterfind(_any_ns(path)):
            if (name := _clean(el.text)) and name.lower() != "none":
                filer.former_names.append(FormerName(name))


def _header_filer(root: etree._Element, company: str | None) -> Filer | None:
    """Return the filer of the submission header (13F, C, N-PORT, 144, ...), if any."""
    cik = cik10(_first(root, _FILER_CIK))
    if cik is None:
        return None
    name = _first(root, _FILER_NAME) or company
    return Filer(name=name, cik=cik, role="filer", file_number=_first(root, _FILE_NUMBER))


def _filers(root: etree._Element, company: str | None) -> list[Filer]:
    """Return every party of a form once, header filer last."""
    filers = _parties(root)
    header = _header_filer(root, company)
    if header and all(f.cik != header.cik or f.role != "filer" for f in filers):
        filers.append(header)
    if about := next((f for f in filers if company and f.name == company), None):
        _add_company_facts(root, about)
    return filers


# --- signatures -----------------------------------------------------------------------------

# Children of a signature element that hold the signer's name, title and date, best first.
_SIGNER_NAME = (
    "nameOfSigner",  # D
    "signerName",  # N-PORT
    "txPrintedSignature",  # N-PX
    "personSignature",  # C
    "signatureName",  # ownership documents, D
    "name",  # 13F
    "issuerSignature",  # C
    "signature",  # 144, 24F-2NT, MA-I
    "txSignature",  # N-PX
)
_SIGNER_TITLE = ("signatureTitle", "title", "personTitle", "txTitle", "issuerTitle", "nameAndTitle")
_SIGNER_DATE = ("signatureDate", "dateSigned", "txAsOfDate", "noticeDate")
# A conformed signature: "/s/ Nicholas De La Cruz" → "Nicholas De La Cruz"; "By: /s/ Jane Roe"
_SLASH_S = re.compile(r"^(?:by:?\s*)?/s/\s*", re.IGNORECASE)
# Words that make the rest of a signature a title: "Attorney-in-Fact", "as Chief Executive Officer"
_TITLE_WORDS = re.compile(
    r"\b(?:attorney|officer|president|director|secretary|treasurer|agent|trustee|manager|"
    r"partner|member|counsel|chair\w*|ceo|cfo|coo|controller|signatory|executive|vice|"
    r"principal|owner|custodian|administrator|executor)\b",
    re.IGNORECASE,
)


def _split_signature(raw: str) -> tuple[str, str | None]:
    """Split "/s/ Name, Attorney-in-Fact" into a name and a title."""
    text = _SLASH_S.sub("", raw).strip()
    name, _, rest = text.partition(",")
    rest = rest.strip()
    if _TITLE_WORDS.search(rest):
        return name.strip(), re.sub(r"^as\s+", "", rest, flags=re.IGNORECASE)
    if rest[:1].islower():  # ", on behalf of himself and each other reporting person"
        return name.strip(), None
    return text, None  # "Smith, Jr.", "Smith, John"


def _signer(el: etree._Element) -> Signer | None:
    """Return the signer a signature element names, or None when it names nobody."""
    leaves = {_local(child.tag): _clean(child.text) for child in el if len(child) == 0}
    raw = next((leaves[key] for key in _SIGNER_NAME if leaves.get(key)), None)
    if raw is None:
        return None
    name, title = _split_signature(raw)
    title = next((leaves[key] for key in _SIGNER_TITLE if leaves.get(key)), title)
    if title and title.lower().startswith(name.lower() + ","):  # 24F-2NT "nameAndTitle"
        title = title[len(name) + 1 :].strip() or None
    date = next((leaves[key] for key in _SIGNER_DATE if leaves.get(key)), None)
    return Signer(name=name, title=title, date=_iso_date(date)) if name else None


def _signers(root: etree._Element) -> list[Signer]:
    """Return each signer once, in document order, merging titles and dates of repeats."""
    signers: dict[str, Signer] = {}
    for el in root.iter(etree.Element):
        # Elements that group one signature's values: <ownerSignature>, <signatureBlock>, ...
        if "ignature" not in el.tag or not len(el) or (signer := _signer(el)) is None:
            continue
        seen = signers.setdefault(signer.name.lower(), signer)
        seen.title = seen.title or signer.title
        seen.date = seen.date or signer.date
    return list(signers.values())


# --- text -----------------------------------------------------------------------------------

# Elements whose values are noise for search: masked access codes, base64 attachments
_NOISE = frozenset({"ccc", "filerCcc", "contents"})


def _value(text: str | None) -> str:
    """Return an element's text with spaces collapsed, keeping its line breaks."""
    if not text or text.isspace():
        return ""
    if "\n" not in text.strip():
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def _line(el: etree._Element, tag: str) -> str | None:
    """Return the "label: value" line of one element, or None when it holds nothing."""
    value = _value(el.text)
    attrs = " ".join(f"{k}={v}" for k, v in el.items() if k[0] != "{")
    if not value and not attrs:
        return None
    if tag == "value":  # ownership documents wrap values: <securityTitle><value>
        tag = _local(el.getparent().tag)
    return f"{tag} ({attrs}): {value}" if value and attrs else f"{tag}: {value or attrs}"


def _render(root: etree._Element) -> str:
    """Return the values of a form as "label: value" lines, a blank line between groups."""
    lines: list[str] = []
    groups = {el for top in root for el in (top, *top) if len(el)}  # issuer, infoTable, ...
    names: dict[str, str] = {}  # local name of each tag, computed once
    for el in root.iter(etree.Element):
        tag = names.get(el.tag) or names.setdefault(el.tag, _local(el.tag))
        if tag in _NOISE:
            continue
        if el in groups:
            lines.append("")
        if line := _line(el, tag):
            lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- the form -------------------------------------------------------------------------------


def _read(root: etree._Element) -> XmlForm:
    """Return the key fields and text of a parsed XML form."""
    company = _first(root, _COMPANY)
    signers = _signers(root)
    return XmlForm(
        root=_local(root.tag),
        form_type=_first(root, _FORM_TYPE),
        period=_iso_date(_first(root, _PERIOD)),
        signed=next((s.date for s in signers if s.date), None),
        company=company,
        cik=cik10(_first(root, _CIK)),
        filers=_filers(root, company),
        signers=signers,
        text=_render(root),
    )


def read_xml_form(xml: str) -> XmlForm:
    """Return the key fields and text of an XML form; raise NotAFiling or ParseError."""
    if reason := classify_xml(xml):
        raise NotAFiling(reason)
    root = _parse(xml)
    name = _local(root.tag)
    if name in ("xbrl", "linkbase", "schema"):
        raise NotAFiling("XBRL instance document" if name == "xbrl" else f"XBRL {name}")
    if name.lower() == "html":
        raise ParseError("an HTML document, not an XML form: read it with text.html_to_text")
    return _read(root)


def _strip_trailer(text: str) -> str:
    """Remove a closing </XML> wrapper tag and the whitespace around it, in linear time."""
    text = text.rstrip()
    if text[-len(_TRAILER) :].lower() == _TRAILER:
        text = text[: -len(_TRAILER)].rstrip()
    return text
