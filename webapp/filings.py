"""`/filings/<id>` (+ `.json`): a filing's metadata, its documents as tabs, a document's text with
item anchors and the search terms highlighted; `/filings/<id>/documents/<n>/original`: the
document's original markup, sanitized, for a sandboxed iframe.
"""

from __future__ import annotations

import base64
import re
from pathlib import PurePath
from urllib.parse import parse_qsl

from flask import Blueprint, request
from werkzeug.datastructures import MultiDict

from indexer.edgar.originals import Binary, document_sizes, load_binary, load_original
from webapp import params, security, urls
from webapp.errors import ApiError
from webapp.records import load_filing, load_record
from webapp.render import respond
from webapp.results import item_label
from webapp.textview import count_marks, item_anchors, text_view

bp = Blueprint("filings", __name__)

VIEWS = ("text", "original")
MAX_INLINE_IMAGE = 4 * 1024 * 1024  # decoded bytes of an image shown in the original view
MAX_BACK = 2000  # characters of the search state a filing page carries back (`back=`)
MAX_DOCUMENT = 10_000  # the highest `doc=` read (a submission holds far fewer documents)
MISSING_ORIGINAL = "The original of this document is not available: its source file is gone."
# Record fields a page shows as they are (paths of source files are never shown)
SHOWN_FIELDS = (
    "accession", "form_type", "root_form", "filed", "period", "company", "cik", "kind",
    "text_chars", "signers", "exhibits",
)  # fmt: skip
# Where a document is listed: as a tab (the main document, exhibits, other texts), or in the
# compact list of files under one of these headings
TAB_GROUPS = ("main", "exhibit", "document")
FILE_GROUPS = {"xbrl": "XBRL", "graphic": "Graphics", "other": "Other files"}
# "logo.jpg", "chart.GIF": an image by its file name (a GRAPHIC by another type)
IMAGE_FILE = re.compile(r"\.(?:jpe?g|gif|png|bmp|tiff?)$", re.I)


def not_found() -> ApiError:
    return ApiError(404, "no such filing", "search for it at /search")


def item_places(texts: list[str], items: list[dict]) -> dict[str, tuple[int, str]]:
    """Return, per item, the document (1-based) whose text heads it and the heading's anchor."""
    places: dict[str, tuple[int, str]] = {}
    for n, text in enumerate(texts, 1):
        for _, _, anchor in item_anchors(text, items):
            places.setdefault(anchor.removeprefix("item-"), (n, anchor))
        if len(places) == len(items):
            break
    return places


def document_group(doc: dict, n: int) -> str:
    """Return where a document is listed: main, exhibit, document (tabs), xbrl, graphic, other."""
    kind, description = (doc.get("type") or "").upper(), (doc.get("description") or "").upper()
    if n == 1:
        return "main"
    if kind.startswith("EX-") and not kind.startswith("EX-101"):
        return "exhibit"
    if kind.startswith("EX-101") or "XBRL" in description:  # EDGAR's "IDEA: XBRL DOCUMENT"
        return "xbrl"
    if kind == "GRAPHIC" or IMAGE_FILE.search(doc.get("filename") or ""):
        return "graphic"
    return "document" if doc.get("chars") else "other"


def document_label(doc: dict) -> str | None:
    """Return what a document's description adds to its type ("EX-99.1 EARNINGS RELEASE" →
    "EARNINGS RELEASE"), None when nothing."""
    kind, description = doc.get("type") or "", (doc.get("description") or "").strip()
    rest = description[len(kind) :].strip(" -:") if description.startswith(kind) else description
    return rest or None


def file_name(record: dict) -> str | None:
    """Return the name (never the path) of the file a filing was read from, else of its first
    document."""
    if record.get("source"):
        return PurePath(record["source"]).name
    return (record.get("documents") or [{}])[0].get("filename")


def heading(record: dict) -> str:
    """Return a filing's name: its form and company, with its file name for what is unknown."""
    known = [x for x in (record.get("form_type"), record.get("company")) if x]
    name = file_name(record) if len(known) < 2 else None
    return " · ".join([*known, name] if name else known) or record.get("accession") or "Filing"


def exhibits_data(fid: str, record: dict, q: str, back: str | None = None) -> list[dict]:
    """Return the exhibits the filing lists, each linked to its document when the filing holds
    one of that type (an exhibit incorporated by reference has none)."""
    place: dict[str, int] = {}
    for n, doc in enumerate(record["documents"], 1):
        place.setdefault((doc.get("type") or "").upper(), n)
    out = []
    for e in record["exhibits"]:
        n = place.get(e["type"].upper())
        out.append({**e, "url": urls.filing_url(fid, q=q, doc=n, back=back) if n else None})
    return out


def filing_data(fid: str, record: dict, texts: list[str], q: str, back: str | None = None):
    """Return the metadata panel: the record's fields, filers and items with their links."""
    places = item_places(texts, record["items"])
    items = []
    for item in record["items"]:
        doc, anchor = places.get(item["normalized"], (None, None))
        url = urls.filing_url(fid, q=q, doc=doc, back=back, _anchor=anchor) if doc else None
        items.append({**item, "label": item_label(item), "url": url})
    filers = [{**f, "url": urls.company_url(f["cik"])} for f in record["filers"]]
    signers = [{**s, "url": urls.search_url(signer_name=s["name"])} for s in record["signers"]]
    return {
        **{k: record.get(k) for k in SHOWN_FIELDS},
        "signers": signers,
        "exhibits": exhibits_data(fid, record, q, back),
        "heading": heading(record),
        "file_name": file_name(record),
        "id": fid,
        "company_url": urls.company_url(record["cik"]),
        "filers": filers,
        "items": items,
    }


def documents_data(fid, record, texts, highlights, q: str, current: int, back: str | None = None):
    """Return each document: what it is, where it is listed, its sizes, matches and links."""
    out = []
    sizes = document_sizes(record)
    for n, doc in enumerate(record["documents"], 1):
        text = texts[n - 1] if n <= len(texts) else ""
        out.append(
            {
                "n": n,
                **{k: doc.get(k) for k in ("type", "sequence", "filename", "description")},
                "label": document_label(doc),
                "group": document_group({**doc, "chars": len(text)}, n),
                "chars": len(text),
                "size": sizes[n - 1],
                "matches": count_marks(text, highlights) if highlights else None,
                "url": urls.filing_url(fid, q=q, doc=n, back=back),
                "original_url": urls.filing_url(fid, q=q, doc=n, view="original", back=back),
                "current": n == current,
            }
        )
    return out


def file_groups(documents: list[dict]) -> list[dict]:
    """Return the documents listed compactly (not as tabs), by group, empty groups left out."""
    groups = [
        {"group": g, "label": label, "documents": [d for d in documents if d["group"] == g]}
        for g, label in FILE_GROUPS.items()
    ]
    return [g for g in groups if g["documents"]]


def default_document(documents: list[dict]) -> int:
    """Open the first document with a match, else the first with text, else the first."""
    for key in ("matches", "chars"):
        for d in documents:
            if d[key]:
                return d["n"]
    return 1


def document_data(fid, doc, text, record, highlights, view: str, q: str, back=None):
    """Return the document shown: its text blocks, or the frame of its sanitized original."""
    n = doc["n"]
    data = {
        **doc,
        "view": view,
        "text_url": urls.filing_url(fid, q=q, doc=n, back=back),
        "original_page_url": urls.filing_url(fid, q=q, doc=n, view="original", back=back),
        "frame_url": urls.original_url(fid, n),
        "text": None,
    }
    if view == "text":
        data["text"] = text_view(text, record["items"], highlights)
    return data


def back_state(args) -> str | None:
    """Return the search a filing was opened from (`back=`, as Links.state writes it), read as
    /search reads it and written anew; None when absent or when it is no valid search (a stale
    link still opens the filing, its way back is then only its query)."""
    raw = params.exact_arg(args, "back", MAX_BACK)
    if raw is None:
        return None
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=params.MAX_ARGS)
        req = params.parse_search(MultiDict(pairs))
    except (ApiError, ValueError):
        return None
    return urls.search_state(req)


def filing_page(fid: str):
    """Parse the request, read the filing, render."""
    fid = params.filing_id(fid)
    q = params.query_arg(request.args)
    view = params.choice_arg(request.args, "view", VIEWS, "text")
    back = back_state(request.args)
    loaded = load_filing(fid, q)
    if loaded is None:
        raise not_found()
    record, texts = loaded.record, loaded.texts
    docs = documents_data(fid, record, texts, loaded.highlights, q, 0, back)
    n = params.int_arg(request.args, "doc", 1, MAX_DOCUMENT, default_document(docs))
    if n > max(1, len(docs)):
        raise ApiError(404, "no such document", f"this filing has {len(docs)} documents")
    for d in docs:
        d["current"] = d["n"] == n
    document = None
    if docs:
        text = texts[n - 1] if n <= len(texts) else ""
        document = document_data(fid, docs[n - 1], text, record, loaded.highlights, view, q, back)
    filing = filing_data(fid, record, texts, q, back)
    data = {
        "title": " · ".join(x for x in (filing["heading"], filing["accession"]) if x),
        "filing": filing,
        "documents": docs,
        "tabs": [d for d in docs if d["group"] in TAB_GROUPS],
        "files": file_groups(docs),
        "files_open": document is not None and document["group"] in FILE_GROUPS,
        "document": document,
        "q": q,
        "search_url": urls.back_url(q, back) if q or back else None,
        "sec_url": urls.sec_url(filing["accession"], filing["cik"]),
        "json_url": urls.filing_json_url(fid),
    }
    return respond("filing.html", data)


def original(fid: str, n: int):
    """Serve a document's original markup, sanitized, under the strict document policy."""
    record = load_record(params.filing_id(fid))
    found = None
    if record is not None and 1 <= n <= len(record["documents"]):
        found = load_original(record, n - 1)
    binary = load_binary(record, n - 1) if record is not None and found is None else None
    if found is None and binary is None:  # answered in the frame's own policy, so it shows
        page = security.document_page("not found", MISSING_ORIGINAL, "text")
        return security.document_response(page), 404
    doc = record["documents"][n - 1]
    title = " ".join(str(x) for x in (fid, doc.get("type"), doc.get("filename")) if x)
    if binary is not None:
        return security.document_response(
            security.document_page(title, binary_html(binary), "html")
        )
    return security.document_response(security.document_page(title, found.body, found.markup))


def binary_html(binary: Binary) -> str:
    """Show a decoded image inline (as data:, the frame's policy allows no other source), or
    say what a binary document is and its size."""
    size = f"{binary.kind}, {len(binary.data):,} bytes"
    if binary.is_image and len(binary.data) <= MAX_INLINE_IMAGE:
        data = base64.b64encode(binary.data).decode("ascii")
        return (
            f'<p><img src="data:{binary.media_type};base64,{data}" alt="{size}"></p><p>{size}</p>'
        )
    return f"<p>This document is a {size}: it has no text to show.</p>"


bp.add_url_rule("/filings/<fid>", "filing", filing_page)
bp.add_url_rule("/filings/<fid>.json", "filing_json", filing_page)
bp.add_url_rule("/filings/<fid>/documents/<int:n>/original", "original", original)
