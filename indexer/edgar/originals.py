"""The original markup of a filing's documents, read back from the files the index recorded.

Only paths stored in the index's own records are opened — never a path from a request. A
source read from an archive (`archive!member`) is read back from that archive's member.
Binary documents (uuencoded GRAPHIC images, PDFs, ZIPs) are decoded with the stdlib and told
apart by their magic bytes.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.edgar import sgml
from indexer.edgar.archives import read_member
from indexer.edgar.parse import MAX_FILE_BYTES
from indexer.edgar.sources import location, split_member
from indexer.edgar.text import decode_bytes, detect_markup, is_uuencoded

# "begin 644 logo.gif": the line that opens a uuencoded file (after a <PDF> wrapper, if any)
UU_BEGIN = re.compile(r"^begin [0-7]{3,4} [^\n]*$", re.M)
# Magic bytes at the start of a decoded file → its media type and what to call it
MAGIC = (
    (b"GIF87a", "image/gif", "GIF image"),
    (b"GIF89a", "image/gif", "GIF image"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG image"),
    (b"%PDF-", "application/pdf", "PDF document"),
    (b"PK\x03\x04", "application/zip", "ZIP archive (or an Office file: XLSX, DOCX)"),
)
IMAGE_TYPES = ("image/gif", "image/jpeg", "image/png")  # shown inline; never SVG (it can script)


@dataclass
class Original:
    markup: str  # html | xml | text
    body: str
    source: str


@dataclass
class Binary:
    media_type: str  # from the magic bytes; application/octet-stream when unknown
    kind: str  # "GIF image", "PDF document", "binary file"
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.media_type in IMAGE_TYPES


def _bodies(record: dict, index: int):
    """Yield (body, source) of document `index` from each source file that still has it."""
    docs = record.get("documents") or []
    if not 0 <= index < len(docs):
        return
    for source in record.get("sources") or [record.get("source")]:
        body = _find_in_file(source, docs[index], index) if source else None
        if body is not None:
            yield body, source


def load_original(record: dict, index: int) -> Original | None:
    """Return the original body of document `index` of a filing, if a source file still has it."""
    for body, source in _bodies(record, index):
        if not is_uuencoded(body):
            return Original(detect_markup(body), body, source)
    return None


def load_binary(record: dict, index: int) -> Binary | None:
    """Return the decoded bytes of a binary document `index` and what they are, if found."""
    for body, _source in _bodies(record, index):
        data = uudecode(body) if is_uuencoded(body) else None
        if data:
            media_type, kind = sniff(data)
            return Binary(media_type, kind, data)
    return None


def sniff(data: bytes) -> tuple[str, str]:
    """Return the media type and name of a file from its magic bytes."""
    for magic, media_type, kind in MAGIC:
        if data.startswith(magic):
            return media_type, kind
    return "application/octet-stream", "binary file"


def uudecode(body: str) -> bytes | None:
    """Decode the uuencoded file in a document body, line by line; None when there is none."""
    begin = UU_BEGIN.search(body, 0, 4000)
    if begin is None:
        return None
    out = bytearray()
    for line in body[begin.end() :].splitlines():
        if line.strip() in ("end", "</PDF>", "</TEXT>"):
            break
        if line:
            out += _uu_line(line)
    return bytes(out)


def _uu_line(line: str) -> bytes:
    """Decode one uuencoded line; a line some encoders padded past its length is cut to it."""
    try:
        return binascii.a2b_uu(line)
    except (binascii.Error, ValueError):
        wanted = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3  # the characters its count needs
        try:
            return binascii.a2b_uu(line[:wanted])
        except (binascii.Error, ValueError):
            return b""  # a damaged line: its bytes are lost, the rest still decodes


def _read(source: str) -> bytes | None:
    """Return the bytes of a source file or archive member, None when gone or too large."""
    split = split_member(source)
    if split:
        return read_member(*split)
    path = Path(source)
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _find_in_file(source: str, want: dict, index: int) -> str | None:
    """Return the body of the wanted document from one file (or member), or None."""
    data = _read(source)
    if data is None:
        return None
    text = sgml.strip_pem(decode_bytes(data))
    if sgml.looks_like_submission(text):
        raws = [d for s in sgml.split_submissions(text) for d in sgml.split_submission(s)[1]]
    elif sgml.looks_like_document(text):
        raws = list(sgml.iter_documents(text))
    else:
        name = location(source).name
        return text if want.get("filename") in (None, name) and index == 0 else None
    return _pick(raws, want, index)


def _pick(raws: list, want: dict, index: int) -> str | None:
    """Pick the raw document matching a recorded one by filename, else by sequence or position."""
    name, seq = want.get("filename"), want.get("sequence")
    for raw in raws:
        if name and raw.filename == name:
            return raw.body
    for raw in raws:
        if seq is not None and raw.sequence == seq and raw.type == want.get("type"):
            return raw.body
    if not name and index < len(raws):
        return raws[index].body
    return None


MAX_SIZED_FILE = 32 * 1024 * 1024  # bytes of a source file read to size its documents


def document_sizes(record: dict) -> list[int | None]:
    """Return each document's size in bytes (a uuencoded file decoded) as its first source
    file holds it; None where no file holds it or the file is too large to read for this."""
    docs = record.get("documents") or []
    wanted = tuple((d.get("filename"), d.get("sequence"), d.get("type")) for d in docs)
    for source in record.get("sources") or [record.get("source")]:
        try:
            stat = Path(source).stat() if source else None
        except OSError:
            continue
        if stat is not None and stat.st_size <= MAX_SIZED_FILE:
            sizes = _sizes(source, stat.st_mtime_ns, stat.st_size, wanted)
            if any(s is not None for s in sizes):
                return list(sizes)
    return [None] * len(docs)


@lru_cache(maxsize=256)
def _sizes(path: str, _mtime_ns: int, _size: int, wanted: tuple) -> tuple:
    """Return the sizes of the wanted documents of one file (cached while its mtime and size
    hold: a filing page is opened again and again, and its file does not change)."""
    try:
        text = sgml.strip_pem(decode_bytes(Path(path).read_bytes()))
    except OSError:
        return (None,) * len(wanted)
    if sgml.looks_like_submission(text):
        raws = [d for s in sgml.split_submissions(text) for d in sgml.split_submission(s)[1]]
    elif sgml.looks_like_document(text):
        raws = list(sgml.iter_documents(text))
    else:  # a document kept alone (an .htm, an .xml): the file is the document
        return (_size,) if len(wanted) == 1 else (None,) * len(wanted)
    keys = ("filename", "sequence", "type")
    found = (_pick(raws, dict(zip(keys, w, strict=True)), i) for i, w in enumerate(wanted))
    return tuple(None if body is None else _body_size(body) for body in found)


def _body_size(body: str) -> int:
    """Return a document's size in bytes: a uuencoded file's decoded, else its text's."""
    data = uudecode(body) if is_uuencoded(body) else None
    return len(data) if data else len(body.encode("utf-8", "replace"))
