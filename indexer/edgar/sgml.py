"""Split EDGAR SGML text into submissions, each a header and its documents."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from indexer.edgar.model import RawDocument

# "-----BEGIN PRIVACY-ENHANCED MESSAGE-----" ... up to the blank line that ends the PEM fields
PEM_BEGIN = re.compile(r"-----BEGIN PRIVACY-ENHANCED MESSAGE-----\n(?:[^\n]*\S[^\n]*\n)*\n?")
# A PEM dash-escape: a line that began with "-" is written "- -----" inside the message
PEM_DASH_ESCAPE = re.compile(r"^- (?=-)", re.M)
# The tags that open one submission, at the start of a line after blanks only
SUBMISSION_TAGS = ("<SEC-DOCUMENT>", "<SUBMISSION>", "<IMS-DOCUMENT>")
# Any opening tag that makes a text an SGML submission or header (checked at the start of a file)
SGML_OPENING = re.compile(r"\s*<(SEC-DOCUMENT|SUBMISSION|IMS-DOCUMENT|SEC-HEADER|IMS-HEADER)>")
# A header without its wrapper, or inside an index-headers page's HTML comment: a line that
# starts "<SEC-HEADER>", "ACCESSION NUMBER:", "<ACCESSION-NUMBER>" or "<ACCEPTANCE-DATETIME>"
HEADER_NEAR_START = re.compile(
    r"^[ \t]*(?:<SEC-HEADER>|ACCESSION NUMBER:|<ACCESSION-NUMBER>|<ACCEPTANCE-DATETIME>)", re.M
)
# "<DOCUMENT>" at the start of a file: one document without any header
DOCUMENT_OPENING = re.compile(r"\s*<DOCUMENT>")
# A document's own tags before <TEXT>: "<TYPE>EX-99.1", value up to end of line or next tag
DOC_TAG = re.compile(r"<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>[ \t]*([^<\n]*)")

# What a document's tags leave once a text pipeline stripped every tag: its type and sequence
# on lines of their own, then its file name if it had one ("EX-99.1\n2\nex991.htm\n")
STRIPPED_DOC = re.compile(
    r"^[ \t]*([A-Z0-9][A-Z0-9 .,/&()-]{0,40}?)[ \t]*\n[ \t]*(\d{1,4})[ \t]*\n"
    r"(?:[ \t]*([\w.-]{1,120}\.[A-Za-z0-9]{2,5})[ \t]*\n)?",
    re.M,
)
# A line an SEC header is made of: "FILED AS OF DATE:  20220428", "<ACCESSION-NUMBER>…",
# "0000018230-22-000107.txt : 20220428", "20220428063203", or a blank line
HEADER_LINE = re.compile(
    r"[ \t]*(?:[A-Z][A-Z0-9 .,&/()'-]*:.*|<.*|\S+\.(?:txt|nc|hdr\.sgml)\s*:\s*\d{8}|\d{14}|)"
)
# A header that was not stripped: its own tags
HEADER_TAGS = ("<SEC-HEADER>", "<SUBMISSION>", "<SEC-DOCUMENT>", "<IMS-HEADER>")
# The end of a blank line, just before a stripped document's first line
BLANK_BEFORE = re.compile(r"\n[ \t\r]*\n[ \t]*$")
# Attachments for machines, not readers (XBRL instances, schemas, viewer scripts and styles):
# once stripped, their tags no longer tell them apart from prose, their file names still do
MACHINE_FILE = re.compile(r"\.(?:xml|xsd|json|js|css)$", re.I)
MIN_STRIPPED_BODY = 200  # characters after a tag-less header that make it more than a header

DOC_OPEN, DOC_CLOSE = "<DOCUMENT>", "</DOCUMENT>"
TEXT_OPEN, TEXT_CLOSE = "<TEXT>", "</TEXT>"


def strip_pem(text: str) -> str:
    """Remove a privacy-enhanced-message wrapper (1993–2001 submissions), if any."""
    head = text[:4096]
    if "-----BEGIN PRIVACY-ENHANCED MESSAGE-----" not in head:
        return text
    text = PEM_BEGIN.sub("", text, count=1)
    tail_at = text.rfind("-----END PRIVACY-ENHANCED MESSAGE-----")
    text = text[:tail_at] if tail_at >= 0 else text
    return PEM_DASH_ESCAPE.sub("", text)


def looks_like_submission(text: str) -> bool:
    """Tell whether a text opens like an SGML submission or SEC header."""
    head = text[:4096]
    return SGML_OPENING.match(head) is not None or HEADER_NEAR_START.search(head) is not None


def looks_like_document(text: str) -> bool:
    """Tell whether a text is a bare <DOCUMENT> without any header."""
    return DOCUMENT_OPENING.match(text[:1024]) is not None


def split_submissions(text: str) -> list[str]:
    """Split an archive or feed file into one text per submission it holds."""
    starts, balance, last = [0], 0, 0
    for start in _submission_starts(text):
        # counted once between tags, in place: linear however many tags there are
        balance += text.count(TEXT_OPEN, last, start) - text.count(TEXT_CLOSE, last, start)
        last = start
        if balance == 0:  # not quoted inside a <TEXT>
            starts.append(start)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _submission_starts(text: str) -> Iterator[int]:
    """Yield in order where the lines after the first start that open with a submission tag.

    str.find looks for the tags themselves (a multiline regex tried every character of a
    100 MB archive). A tag opens its line when only blanks stand between it and a newline;
    the newline is looked for back to the tag before only, so each character is read once.
    """
    found = sorted(at for tag in SUBMISSION_TAGS for at in _occurrences(text, tag))
    after = 0  # just after where the tag before starts (a tag holds no newline)
    for at in found:
        line = text.rfind("\n", after, at) + 1
        if line > 0 and not text[line:at].strip(" \t"):
            yield line
        after = at + 1


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Yield where a word occurs in text, in order."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def split_submission(text: str) -> tuple[str, list[RawDocument]]:
    """Split one submission into its header text and its documents."""
    first = text.find(DOC_OPEN)
    if first < 0:
        return text, []
    header = text[:first]
    end_header = header.find("</SEC-HEADER>")
    if end_header >= 0:
        header = header[:end_header]
    return header, list(iter_documents(text, first))


def iter_documents(text: str, pos: int = 0):
    """Yield each <DOCUMENT> of a text from `pos` on; a document cut short ends the text."""
    while (start := text.find(DOC_OPEN, pos)) >= 0:
        start += len(DOC_OPEN)
        nxt = text.find(DOC_OPEN, start)
        limit = nxt if nxt >= 0 else len(text)
        end = text.find(DOC_CLOSE, start, limit)  # never past the next document: linear
        if end < 0:
            end = pos = limit
        else:
            pos = end + len(DOC_CLOSE)
        yield read_document(text[start:end])


def read_document(chunk: str) -> RawDocument:
    """Read a document's tags and the raw content of its <TEXT> section."""
    text_at = chunk.find(TEXT_OPEN)
    head = chunk if text_at < 0 else chunk[:text_at]
    tags = {k: v.strip() for k, v in DOC_TAG.findall(head)}
    body = ""
    if text_at >= 0:  # cut once: a body can be most of a 100 MB filing
        start = text_at + len(TEXT_OPEN)
        close = chunk.rfind(TEXT_CLOSE, start)
        body = chunk[start:close] if close >= 0 else chunk[start:]
    seq = tags.get("SEQUENCE", "")
    return RawDocument(
        type=tags.get("TYPE") or None,
        sequence=int(seq) if seq.isdigit() else None,
        filename=tags.get("FILENAME") or None,
        description=tags.get("DESCRIPTION") or None,
        body=body,
    )


def is_cut(text: str) -> bool:
    """Tell whether a submission ends inside its header or inside a document."""
    if DOC_OPEN not in text:
        return "<SEC-HEADER>" in text[:4096] and "</SEC-HEADER>" not in text
    last = text.rfind(DOC_OPEN)
    return text.find(DOC_CLOSE, last) < 0


def split_stripped(text: str) -> tuple[str, list[RawDocument]] | None:
    """Split a submission whose tags a text pipeline stripped: a `KEY: value` header, then
    documents each opened by what its tags left (type, sequence and file name lines).

    Returns None for a header with its own tags or with no more than a header's lines.
    """
    head = text[:4096]
    if any(tag in head for tag in HEADER_TAGS):
        return None
    starts = _stripped_starts(text)
    end = starts[0].start() if starts else _header_end(text)
    if len(text[end:].strip()) < MIN_STRIPPED_BODY:
        return None
    if not starts:
        return text[:end], [RawDocument(sequence=1, body=text[end:])]
    bounds = [m.start() for m in starts[1:]] + [len(text)]
    docs = [_stripped_document(text, m, b) for m, b in zip(starts, bounds, strict=True)]
    for doc in docs[1:]:
        if MACHINE_FILE.search(doc.filename or ""):
            doc.body = ""
    return text[:end], docs


def _stripped_starts(text: str) -> list[re.Match]:
    """Return where stripped documents start: after a blank line, numbered 1, 2, 3 … in turn
    (a line of capitals over a line holding a number is common in prose; the run of sequence
    numbers, each after the blank lines its closing tags left, is not)."""
    starts: list[re.Match] = []
    for m in STRIPPED_DOC.finditer(text):
        before = text[max(0, m.start() - 16) : m.start()]
        if int(m[2]) == len(starts) + 1 and (m.start() == 0 or BLANK_BEFORE.search(before)):
            starts.append(m)
    return starts


def _header_end(text: str) -> int:
    """Return where the lines a header is made of end."""
    at = 0
    while at < len(text):
        nl = text.find("\n", at)
        nl = len(text) if nl < 0 else nl
        if not HEADER_LINE.fullmatch(text, at, nl):
            return at
        at = nl + 1
    return len(text)


def _stripped_document(text: str, m: re.Match, end: int) -> RawDocument:
    """Read one stripped document: its type, sequence, file name, then a description line
    when a blank line (its <TEXT> tag) follows it, then the body."""
    body_at = m.end()
    nl = text.find("\n", body_at, end)
    description = None
    if nl > body_at and text[nl + 1 : nl + 2] in ("\n", "\r") and nl - body_at <= 255:
        description, body_at = text[body_at:nl].strip() or None, nl + 1
    return RawDocument(
        type=m[1].strip(),
        sequence=int(m[2]),
        filename=m[3],
        description=description,
        body=html.unescape(text[body_at:end]),  # the tags went, their entities stayed
    )
