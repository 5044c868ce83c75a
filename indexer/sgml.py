"""Split EDGAR SGML text into submissions, each a header and its documents."""

from __future__ import annotations

import re
from collections.abc import Iterator

from indexer.model import RawDocument

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
