"""The original markup of a filing's documents, read back from the files the index recorded.

Only paths stored in the index's own records are opened — never a path from a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer import sgml
from indexer.parse import MAX_FILE_BYTES
from indexer.text import decode_bytes, detect_markup, is_uuencoded


@dataclass
class Original:
    markup: str  # html | xml | text
    body: str
    source: str


def load_original(record: dict, index: int) -> Original | None:
    """Return the original body of document `index` of a filing, if a source file still has it."""
    docs = record.get("documents") or []
    if not 0 <= index < len(docs):
        return None
    want = docs[index]
    for source in record.get("sources") or [record.get("source")]:
        body = _find_in_file(Path(source), want, index) if source else None
        if body is not None and not is_uuencoded(body):
            return Original(detect_markup(body), body, source)
    return None


def _find_in_file(path: Path, want: dict, index: int) -> str | None:
    """Return the body of the wanted document from one file, or None."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        text = sgml.strip_pem(decode_bytes(path.read_bytes()))
    except OSError:
        return None
    if sgml.looks_like_submission(text):
        raws = [d for s in sgml.split_submissions(text) for d in sgml.split_submission(s)[1]]
    elif sgml.looks_like_document(text):
        raws = list(sgml.iter_documents(text))
    else:
        return text if want.get("filename") in (None, path.name) and index == 0 else None
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
