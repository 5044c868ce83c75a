"""The parser: any EDGAR file → Filing records, as a pipeline of small steps.

bytes → decode → unwrap PEM → classify → (split submissions → header + documents)
→ document texts → cover reading → assemble → Filing.
"""

from __future__ import annotations

import re
from pathlib import Path

from indexer.edgar import sgml
from indexer.edgar.cik import cik10
from indexer.edgar.cover import read_cover
from indexer.edgar.header import parse_header
from indexer.edgar.items import normalize_items, root_form
from indexer.edgar.lines import text_lines
from indexer.edgar.model import (
    CoverInfo,
    Document,
    Exhibit,
    Filer,
    Filing,
    HeaderInfo,
    Item,
    NotAFiling,
    ParseError,
    RawDocument,
)
from indexer.edgar.signatures import read_signers
from indexer.edgar.sources import accession_from_path, form_from_path, location
from indexer.edgar.states import state_code
from indexer.edgar.text import (
    classify_html,
    classify_text,
    decode_bytes,
    detect_markup,
    html_to_text,
    is_r_page,
    is_uuencoded,
    plain_to_text,
)
from indexer.edgar.xmlforms import XmlForm, read_xml_form

MAX_FILE_BYTES = 256 * 1024 * 1024
# Document types that never carry readable text (images, archives, XBRL attachments)
BINARY_TYPES = re.compile(r"^(GRAPHIC|ZIP|EXCEL|PDF|JSON|EX-101\.\w+|.*\.(?:JPG|GIF|PNG))$", re.I)
# Magic numbers of binary formats: PDF, ZIP/Office, GZIP, PNG, JPEG, GIF
BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
# An exhibit document type: "EX-99.1", "EX-31.1", "EX-10.2 2"
EXHIBIT_TYPE = re.compile(r"^EX-\d", re.I)
# What a description puts before an exhibit number: "EX-", "EXHIBIT ", "Ex. " (upper-cased)
EXHIBIT_PREFIX = re.compile(r"^EX(?:HIBIT)?[-.\s]*")
# Control bytes that text does not hold (all below space but \t \n \v \f \r)
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
# Files that are headers by name: EDGAR's header file and index-headers page
HEADER_FILE_SUFFIXES = (".hdr.sgml", "index-headers.html", "index-headers.htm")
FILER_ROLE_ORDER = ("filer", "subject-company", "issuer", "filed-by", "reporting-owner")


def parse_path(path: str | Path) -> list[Filing]:
    """Parse one file into the filings it holds (an archive holds several)."""
    p = Path(path)
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise NotAFiling(f"file too large ({size / 2**20:.0f} MB > {MAX_FILE_BYTES >> 20} MB)")
    return parse_bytes(p.read_bytes(), str(p))


def parse_bytes(data: bytes, source: str) -> list[Filing]:
    """Parse the bytes of one file into filings; raise NotAFiling or ParseError."""
    check_bytes(data)
    text = sgml.strip_pem(decode_bytes(data))
    if not text.strip():
        raise NotAFiling("no text after decoding")
    if sgml.looks_like_submission(text):
        filings = [from_submission(s, source) for s in sgml.split_submissions(text)]
    elif sgml.looks_like_document(text):  # 0000899681-95-000096.txt: an S-3/A and its EX-99
        raws = list(sgml.iter_documents(text))
        filings = [from_documents(HeaderInfo(), raws, source, kind="document")]
    else:
        filings = [from_standalone(text, source)]
    for f in filings:
        f.accession = f.accession or accession_from_path(source)
        if not f.form_type and (form := form_from_path(source)):
            f.form_type, f.root_form = form, root_form(form)
    return filings


def check_bytes(data: bytes) -> None:
    """Refuse empty and binary files with a reason."""
    if not data.strip():
        raise NotAFiling("empty file")
    if data.startswith(BINARY_MAGIC):
        raise NotAFiling("binary file (not text)")
    head = data[:8192]
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))  # one pass, not 27
    if controls > len(head) // 10:
        raise NotAFiling("binary file (mostly control bytes)")


def from_submission(text: str, source: str) -> Filing:
    """Read one SGML submission (or header-only file) into a filing."""
    header_text, raws = sgml.split_submission(text)
    if not raws and (stripped := sgml.split_stripped(text)):
        header_text, raws = stripped  # its tags were stripped, its text is all there
    header = parse_header(header_text)
    if not raws:
        if not (header.accession or header.filers or header.form_type):
            raise ParseError("SGML header without any readable field")
        filing = assemble(header, [], CoverInfo(), {}, source, kind="header")
        filing.notes = header_only_notes(text, source)
        return filing
    filing = from_documents(header, raws, source, kind="submission")
    if sgml.is_cut(text):
        last = raws[-1]
        name = f" ({last.filename or last.type})" if last.filename or last.type else ""
        filing.notes.append(f"cut short inside document {len(raws)}{name}: its text is incomplete")
    return filing


def header_only_notes(text: str, source: str) -> list[str]:
    """Say why a submission file holds no text, unless it is a header file by its name."""
    if sgml.is_cut(text):
        return ["cut short inside the SEC header: no document text"]
    if source.lower().endswith(HEADER_FILE_SUFFIXES):
        return []
    return ["header only: the file holds no document text"]


def from_standalone(text: str, source: str) -> Filing:
    """Read a file that is one document without any SGML wrapper (HTML, XML, text)."""
    raw = RawDocument(type=None, sequence=1, filename=location(source).name, body=text)
    markup = detect_markup(text)
    if markup == "html" and (reason := classify_html(text)):
        raise NotAFiling(reason)
    return from_documents(HeaderInfo(), [raw], source, kind="document")


def from_documents(header: HeaderInfo, raws: list[RawDocument], source: str, kind: str) -> Filing:
    """Convert a filing's documents to text and assemble the filing from all it says."""
    docs, dei, xml = [], {}, None
    for i, raw in enumerate(raws):
        doc, facts, form = convert_document(raw, primary=(i == 0))
        docs.append(doc)
        if i == 0:
            dei, xml = facts, form
    cover = CoverInfo()
    if docs and docs[0].text and xml is None:
        form = header.form_type or dei.get("DocumentType") or document_form(docs[0])
        cover = read_cover(docs[0].text, form)
        if not cover.signers:
            cover.signers = next(
                (s for d in docs[1:] if d.text and (s := read_signers(text_lines(d.text)))), []
            )
    filing = assemble(header, docs, cover, dei, source, kind)
    if xml is not None:
        apply_xml_form(filing, xml)
    return filing


def convert_document(raw: RawDocument, primary: bool) -> tuple[Document, dict, XmlForm | None]:
    """Turn one raw document into clean text; keep cover facts of iXBRL and XML forms."""
    doc = Document(raw.type, raw.sequence, raw.filename, raw.description)
    body = raw.body
    if not body.strip() or (raw.type and BINARY_TYPES.match(raw.type)) or is_uuencoded(body):
        return doc, {}, None
    if not primary and classify_text(body):  # viewer scripts and styles filed as documents
        return doc, {}, None
    markup = detect_markup(body)
    if not primary and markup == "html" and is_r_page(body):  # R1.htm repeats the cover page
        return doc, {}, None
    if markup == "html":
        doc.text, facts = html_to_text(body)
        return doc, facts, None
    if markup == "xml":
        try:
            form = read_xml_form(body)
        except (NotAFiling, ParseError):
            if primary and raw.type is None:
                raise
            return doc, {}, None
        doc.text = form.text
        return doc, {}, form
    doc.text = plain_to_text(body)
    return doc, {}, None


def assemble(
    header: HeaderInfo, docs: list[Document], cover: CoverInfo, dei: dict, source: str, kind: str
) -> Filing:
    """Combine header, iXBRL cover facts and the text's cover page into one filing."""
    form_type = header.form_type or dei.get("DocumentType")
    form_type = form_type or (document_form(docs[0]) if docs else None) or cover.form_type
    filers = distinct_filers(header.filers) or cover_filers(cover, dei, form_type)
    primary = primary_filer(filers)
    if form_type and docs and docs[0].type is None:
        docs[0].type = form_type
    company = primary.name if primary else None
    company = company or dei.get("EntityRegistrantName") or cover.company
    texts = [d.text for d in docs if d.text]
    if company and not header.filers:  # a cover page's capitals: prefer the text's own casing
        company = stated_casing(company, texts)
        if filers and filers[0].name:
            filers[0].name = stated_casing(filers[0].name, texts)
    if header.filers:
        fill_filer_gaps(filers, cover, dei)
    return Filing(
        source=source,
        accession=header.accession,
        form_type=form_type,
        root_form=root_form(form_type) if form_type else None,
        filed=header.filed,
        filed_source=source if header.filed else None,
        period=header.period or iso_or_none(dei.get("DocumentPeriodEndDate")) or cover.period,
        company=company,
        cik=(primary.cik if primary else None) or cik10(dei.get("EntityCentralIndexKey")),
        filers=filers,
        items=filing_items(form_type, header.items, cover.items),
        signers=cover.signers,
        documents=docs,
        exhibits=exhibits_of(docs, cover),
        sources=[source],
        kind=kind,
    )


def document_form(doc: Document) -> str | None:
    """Return the form a document's own <TYPE> states, unless it is an exhibit or attachment."""
    kind = doc.type
    if not kind or EXHIBIT_TYPE.match(kind) or BINARY_TYPES.match(kind) or kind.upper() == "XML":
        return None
    return kind


def filing_items(form_type: str | None, header: list[str], text: list[str]) -> list[Item]:
    """Return a filing's 8-K items: the header's ITEM INFORMATION and the text's item headings.

    Other forms number their own items (ABS-15G's 2.01, Form D's 06b): those are not 8-K items.
    """
    if form_type and not root_form(form_type).startswith("8-K"):
        return []
    items = normalize_items([*header, *text])
    if header:  # EDGAR lists items in numeric order; headings only the text has join in place
        items.sort(key=lambda item: tuple(int(part) for part in item.code.split(".")))
    return items


def distinct_filers(filers: list[Filer]) -> list[Filer]:
    """Keep one of header filer blocks that say the same, field for field.

    0001104659-25-002604.nc names CVR Energy as subject company twice, once per form type
    (SC 13D/A, SC TO-T/A): blocks that differ only in what a Filer does not keep.
    """
    seen: set[str] = set()
    kept: list[Filer] = []
    for filer in filers:
        key = repr(filer)  # every field, former names included (a 40-APP has 399 filers)
        if key not in seen:
            seen.add(key)
            kept.append(filer)
    return kept


def fill_filer_gaps(filers: list[Filer], cover: CoverInfo, dei: dict) -> None:
    """Fill what a header leaves out of its filer from the iXBRL cover facts or the cover page.

    Oracle's 2014-2022 headers state no state of incorporation; the cover says Delaware. The
    filer is the one whose CIK the dei facts name, else the only one.
    """
    dei_cik = cik10(dei.get("EntityCentralIndexKey"))
    target = next((f for f in filers if dei_cik and f.cik == dei_cik), None)
    if target is None and len(filers) == 1:
        target = filers[0]
    if target is None:
        return
    state = dei.get("EntityIncorporationStateCountryCode") or cover.state_of_incorporation
    irs = dei.get("EntityTaxIdentificationNumber") or cover.irs_number
    target.state_of_incorporation = target.state_of_incorporation or (
        state and (state_code(state) or state)
    )
    target.irs_number = target.irs_number or (irs and irs.replace("-", ""))
    target.file_number = target.file_number or dei.get("EntityFileNumber") or cover.file_number


def cover_filers(cover: CoverInfo, dei: dict, form_type: str | None) -> list[Filer]:
    """Make the one filer a header-less document states on its cover page.

    A schedule's cover (SC 13G: "(Name of Issuer)") names the company it is about, which
    EDGAR's header calls the subject company.
    """
    name = dei.get("EntityRegistrantName") or cover.company
    if not name:
        return []
    schedule = bool(form_type) and root_form(form_type).startswith("SC ")
    return [
        Filer(
            name=name,
            cik=cik10(dei.get("EntityCentralIndexKey")) or cover.cik,
            role="subject-company" if schedule else "filer",
            state_of_incorporation=dei.get("EntityIncorporationStateCountryCode")
            or cover.state_of_incorporation,
            file_number=dei.get("EntityFileNumber") or cover.file_number,
            irs_number=dei.get("EntityTaxIdentificationNumber") or cover.irs_number,
        )
    ]


def primary_filer(filers: list[Filer]) -> Filer | None:
    """Return the filer a filing is about: the filer, else the subject company, else the first."""
    for role in FILER_ROLE_ORDER:
        for f in filers:
            if f.role == role and f.name:
                return f
    return filers[0] if filers else None


def exhibits_of(docs: list[Document], cover: CoverInfo) -> list[Exhibit]:
    """List exhibits from document types first, then from the exhibit index in the text."""
    found: dict[str, Exhibit] = {}
    for d in docs:
        if d.type and EXHIBIT_TYPE.match(d.type):
            key = d.type.upper().split()[0]
            description = None if restates_type(d.description, key) else d.description
            found.setdefault(key, Exhibit(key, description))
    for e in cover.exhibits:
        key = e.type.upper()
        if key not in found:
            found[key] = e
        elif not found[key].description:
            found[key].description = e.description
    return list(found.values())


def restates_type(description: str | None, exhibit_type: str) -> bool:
    """Tell whether a document description only repeats its type: "EX-99.1", "EXHIBIT 99.1"."""
    if not description:
        return False
    number = EXHIBIT_PREFIX.sub("", description.upper()).strip(" .")
    return number == EXHIBIT_PREFIX.sub("", exhibit_type)


def apply_xml_form(filing: Filing, form: XmlForm) -> None:
    """Fill what an XML form (3/4/5, D, 13F ...) states and the header did not."""
    filing.form_type = filing.form_type or form.form_type
    filing.root_form = filing.root_form or (root_form(form.form_type) if form.form_type else None)
    if filing.documents and filing.documents[0].type is None:
        filing.documents[0].type = filing.form_type
    filing.period = filing.period or form.period
    if not filing.filers:
        filing.filers = form.filers
        primary = primary_filer(form.filers)
        filing.company = form.company or (primary.name if primary else None)
        filing.cik = form.cik or (primary.cik if primary else None)
    filing.signers = filing.signers or form.signers


def stated_casing(name: str, texts: list[str]) -> str:
    """Prefer the mixed-case spelling of an all-caps name when the text states one."""
    if not name.isupper():
        return name
    pattern = re.compile(re.escape(name), re.I)
    for text in texts:
        for m in pattern.finditer(text):
            if not m.group(0).isupper():
                return m.group(0)
    return name


def iso_or_none(value: str | None) -> str | None:
    """Keep a value only when it is an ISO date."""
    return value if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def merge(filings: list[Filing]) -> Filing:
    """Merge the filings of one accession read from several files into one."""
    rank = {"submission": 0, "header": 1, "document": 2}
    ordered = sorted(filings, key=lambda f: (rank.get(f.kind, 3), f.source))
    best = ordered[0]
    for other in ordered[1:]:
        _fill(best, other)
    return best


def _fill(best: Filing, other: Filing) -> None:
    """Fill fields `best` lacks from `other`, and add documents it does not have."""
    for name in ("form_type", "root_form", "filed", "period", "company", "cik"):
        if getattr(best, name) is None:
            setattr(best, name, getattr(other, name))
            if name == "filed":  # the date of another file of the accession: say which
                best.filed_source = other.filed_source
    for name in ("filers", "items", "signers", "exhibits"):
        if not getattr(best, name):
            setattr(best, name, getattr(other, name))
    have = {d.filename for d in best.documents if d.filename}
    have_types = {d.type for d in best.documents if d.type and d.text}
    have_texts = {d.text for d in best.documents if d.text}
    for d in other.documents:
        if d.filename in have or (best.kind == "submission" and d.type in have_types):
            continue
        if d.text and d.text in have_texts:  # a copy of a document it holds (same file twice)
            continue
        best.documents.append(d)
    best.sources = sorted({*best.sources, *other.sources})
