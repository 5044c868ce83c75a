"""The side store beside each index generation: filing records, their texts, and the file manifest.

The engine holds only what search needs; the full record and every document's text live here,
compressed, keyed by filing id, so views and snippets read one row instead of the index.

Filings that may link a header-less periodic report to its accession (indexer.indexing.link)
keep their (CIK, form, period) in `link_keys`, indexed, so a build finds a key's filings
without reading every record.

A filing merged from several files also keeps each file's part as parsed (`parts`), so a later
build re-merges it when one of its files changes without re-reading the others — and without
losing the part of a file that has vanished but is not pruned.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

from indexer.edgar.model import Document, Exhibit, Filer, Filing, FormerName, Item, Signer

STORE_NAME = "store.sqlite"
SCHEMA_VERSION = "1"

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha1 TEXT,
    status TEXT NOT NULL, reason TEXT, ids TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS filings (id TEXT PRIMARY KEY, record BLOB NOT NULL, texts BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    path TEXT NOT NULL, id TEXT NOT NULL, record BLOB NOT NULL, texts BLOB NOT NULL,
    PRIMARY KEY (path, id)
);
CREATE INDEX IF NOT EXISTS parts_id ON parts (id);
CREATE TABLE IF NOT EXISTS link_keys (
    id TEXT PRIMARY KEY, role TEXT NOT NULL, cik TEXT NOT NULL, form TEXT NOT NULL,
    period TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS link_keys_key ON link_keys (cik, form, period);
"""


@dataclass
class FileEntry:
    path: str
    size: int
    mtime_ns: int
    sha1: str | None
    status: str  # indexed | skipped | failed
    reason: str | None
    ids: list[str]


# How pack() compresses: Zstandard (python-zstandard, the reference library's bindings) at level
# 3. Over 2,000 bench filings' texts (62.9 MB of JSON, one core): zstd 3 made 21.04 MB in 0.33 s
# and read it back in 0.10 s; zlib level 4, used until this round, 21.09 MB in 0.96 s and 0.25
# s (level 1: 23.5 MB, 0.67 s). pack makes both the build's staging blobs and the store's rows,
# and every snippet and filing view unpacks a filing's texts. Rows an older build wrote with
# zlib are still read (a zstd frame is told apart by its magic number).
PACK_LEVEL = 3
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_codecs = threading.local()  # a compressor and a decompressor per thread (neither is thread-safe)


def _codec() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    pair = getattr(_codecs, "pair", None)
    if pair is None:
        pair = _codecs.pair = (
            zstandard.ZstdCompressor(level=PACK_LEVEL),
            zstandard.ZstdDecompressor(),
        )
    return pair


def pack(obj) -> bytes:
    """Compress a JSON-able object."""
    return _codec()[0].compress(json.dumps(obj, separators=(",", ":")).encode())


def unpack(blob: bytes):
    """Decompress what pack() made (or, from an older store, zlib's)."""
    if blob[:4] == ZSTD_MAGIC:
        return json.loads(_codec()[1].decompress(blob))
    return json.loads(zlib.decompress(blob))


def filing_from_record(rec: dict, texts: list[str]) -> Filing:
    """Rebuild a Filing from its JSON record and its documents' texts."""
    filers = [
        Filer(**{**f, "former_names": [FormerName(**n) for n in f["former_names"]]})
        for f in rec["filers"]
    ]
    docs = [
        Document(d["type"], d["sequence"], d["filename"], d["description"], text)
        for d, text in zip(rec["documents"], texts, strict=True)
    ]
    return Filing(
        source=rec["source"],
        accession=rec["accession"],
        form_type=rec["form_type"],
        root_form=rec["root_form"],
        filed=rec["filed"],
        filed_source=rec.get("filed_source"),
        period=rec["period"],
        company=rec["company"],
        cik=rec["cik"],
        filers=filers,
        items=[Item(**i) for i in rec["items"]],
        signers=[Signer(**s) for s in rec["signers"]],
        documents=docs,
        exhibits=[Exhibit(**e) for e in rec["exhibits"]],
        sources=rec.get("sources", []),
        kind=rec.get("kind", "submission"),
    )


class Store:
    """One generation's side store (SQLite); written by one build, read by many searchers."""

    def __init__(self, gen_dir: str | Path, readonly: bool = False, name: str = STORE_NAME):
        path = Path(gen_dir) / name
        if readonly:
            uri = f"file:{path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.db = sqlite3.connect(path)
            self.db.executescript(DDL)
            self.db.execute("PRAGMA journal_mode=DELETE")
            self.db.execute("PRAGMA synchronous=FULL")
            self.set_meta("schema_version", SCHEMA_VERSION)

    def close(self) -> None:
        self.db.close()

    # meta
    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # filings
    def put_filing(self, fid: str, filing: Filing) -> None:
        self.put_packed(fid, pack(filing.to_record()), pack([d.text for d in filing.documents]))

    def put_packed(self, fid: str, record: bytes, texts: bytes) -> None:
        """Store a filing already packed: its record and its documents' texts."""
        self.db.execute("INSERT OR REPLACE INTO filings VALUES (?, ?, ?)", (fid, record, texts))

    def delete_filing(self, fid: str) -> None:
        self.db.execute("DELETE FROM filings WHERE id = ?", (fid,))
        self.db.execute("DELETE FROM link_keys WHERE id = ?", (fid,))

    def existing(self, ids: Iterable[str]) -> set[str]:
        """Return which of these filing ids the store holds."""
        has = self.db.execute
        return {fid for fid in ids if has("SELECT 1 FROM filings WHERE id = ?", (fid,)).fetchone()}

    def delete_filings(self, ids: Iterable[str]) -> None:
        """Delete these filings and the parts they were merged from."""
        ids = list(ids)
        self.db.executemany("DELETE FROM filings WHERE id = ?", ((fid,) for fid in ids))
        self.db.executemany("DELETE FROM parts WHERE id = ?", ((fid,) for fid in ids))
        self.db.executemany("DELETE FROM link_keys WHERE id = ?", ((fid,) for fid in ids))

    # link keys
    def put_link_key(self, fid: str, role: str, key: tuple[str, str, str]) -> None:
        """Keep a filing's role and (CIK, form, period) in linking documents to accessions."""
        self.db.execute(
            "INSERT OR REPLACE INTO link_keys VALUES (?, ?, ?, ?, ?)", (fid, role, *key)
        )

    def link_keys_of(self, ids: Iterable[str]) -> set[tuple[str, str, str]]:
        """Return the (CIK, form, period) keys these filings have."""
        sql = "SELECT cik, form, period FROM link_keys WHERE id = ?"
        return {row for fid in ids for row in self.db.execute(sql, (fid,))}

    def ids_with_link_key(self, key: tuple[str, str, str]) -> set[str]:
        """Return the filings (accessions and documents) that have this (CIK, form, period)."""
        sql = "SELECT id FROM link_keys WHERE cik = ? AND form = ? AND period = ?"
        return {fid for (fid,) in self.db.execute(sql, key)}

    def keeps_link_keys(self) -> bool:
        """Tell whether this store keeps link keys (stores written before it did not)."""
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'link_keys'"
        return self.db.execute(sql).fetchone() is not None

    # parts
    def put_part(self, path: str, fid: str, record: bytes, texts: bytes) -> None:
        """Keep one file's packed part of a filing merged from several files."""
        sql = "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)"
        self.db.execute(sql, (path, fid, record, texts))

    def part(self, path: str, fid: str) -> tuple[bytes, bytes] | None:
        """Return a file's packed part of a filing: kept, or the filing itself when it is the
        only file the filing was made from; None when the store cannot tell."""
        if self._has_parts():
            sql = "SELECT record, texts FROM parts WHERE path = ? AND id = ?"
            row = self.db.execute(sql, (path, fid)).fetchone()
            if row:
                return row
        sql = "SELECT record, texts FROM filings WHERE id = ?"
        row = self.db.execute(sql, (fid,)).fetchone()
        if row and unpack(row[0]).get("sources") == [path]:
            return row
        return None

    def _has_parts(self) -> bool:
        """Tell whether this store keeps parts (stores written before it did not)."""
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'parts'"
        return self.db.execute(sql).fetchone() is not None

    def absorb(self, shard_path: str | Path) -> None:
        """Copy every filing of a shard written by a worker into this store, then delete it."""
        self.db.commit()
        self.db.execute("ATTACH DATABASE ? AS shard", (str(shard_path),))
        self.db.execute("INSERT OR REPLACE INTO filings SELECT * FROM shard.filings")
        self.db.execute("INSERT OR REPLACE INTO parts SELECT * FROM shard.parts")
        self.db.execute("INSERT OR REPLACE INTO link_keys SELECT * FROM shard.link_keys")
        self.db.commit()
        self.db.execute("DETACH DATABASE shard")
        Path(shard_path).unlink()

    def record(self, fid: str) -> dict | None:
        row = self.db.execute("SELECT record FROM filings WHERE id = ?", (fid,)).fetchone()
        return unpack(row[0]) if row else None

    def filing(self, fid: str) -> Filing | None:
        row = self.db.execute("SELECT record, texts FROM filings WHERE id = ?", (fid,)).fetchone()
        return filing_from_record(unpack(row[0]), unpack(row[1])) if row else None

    def texts(self, fid: str) -> list[str] | None:
        row = self.db.execute("SELECT texts FROM filings WHERE id = ?", (fid,)).fetchone()
        return unpack(row[0]) if row else None

    def filing_ids(self) -> Iterator[str]:
        for (fid,) in self.db.execute("SELECT id FROM filings ORDER BY id"):
            yield fid

    def records(self) -> Iterator[dict]:
        for (blob,) in self.db.execute("SELECT record FROM filings ORDER BY id"):
            yield unpack(blob)

    def count_filings(self) -> int:
        return self.db.execute("SELECT count(*) FROM filings").fetchone()[0]

    # files
    def put_file(self, e: FileEntry) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.path, e.size, e.mtime_ns, e.sha1, e.status, e.reason, json.dumps(e.ids)),
        )

    def delete_file(self, path: str) -> None:
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))

    def files(self) -> dict[str, FileEntry]:
        rows = self.db.execute("SELECT path, size, mtime_ns, sha1, status, reason, ids FROM files")
        return {r[0]: FileEntry(*r[:6], json.loads(r[6])) for r in rows}

    def files_with_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = set(ids)
        return {p for p, e in self.files().items() if wanted.intersection(e.ids)}

    def commit(self) -> None:
        self.db.commit()
