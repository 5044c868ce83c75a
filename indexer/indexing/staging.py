"""The build's staging database: parsed filing parts keyed by filing id, before merging.

Besides each part's packed record and texts, a row keeps the part's role and (CIK, form,
period) in linking header-less periodic documents to their accession (indexing.link), so the
build links without unpacking records; linking re-keys rows from one filing id to another.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.edgar.model import filing_id
from indexer.edgar.parse import merge
from indexer.indexing.link import DOCUMENT, link_of
from indexer.store.sidestore import filing_from_record, unpack


class Staging:
    """Parsed filing parts of this build, keyed by filing id, before merging (on disk)."""

    def __init__(self, path: Path):
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE parts (id TEXT, path TEXT, record BLOB, texts BLOB,"
            " role TEXT, cik TEXT, form TEXT, period TEXT)"
        )

    def add(self, path: str, parts: Iterable[tuple[str, bytes, bytes, tuple | None]]) -> None:
        rows = ((i, path, r, t, *_flat(link)) for i, r, t, link in parts)
        self.db.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def index_ids(self) -> None:
        """Index the parts by filing id and make them visible to the segment writers."""
        self.db.execute("CREATE INDEX IF NOT EXISTS parts_id ON parts (id)")
        self.db.commit()

    def links_of(self, ids: Iterable[str]) -> Iterator[tuple[str, str, tuple]]:
        """Yield (id, role, key) of each filing that takes part in linking, as merged."""
        sql = "SELECT role, cik, form, period, record FROM parts WHERE id = ?"
        for fid in ids:
            rows = self.db.execute(sql, (fid,)).fetchall()
            if len(rows) > 1:  # several files: the merge decides which fields win
                recs = [unpack(r[-1]) for r in rows]
                merged = merge([filing_from_record(r, [""] * len(r["documents"])) for r in recs])
                merged.accession = merged.accession or (None if local(fid) else fid)
                link = link_of(vars(merged))
            else:
                link = _unflat(rows[0][:4]) if rows else None
            if link:
                yield fid, *link

    def linked_parts(self, ids: Iterable[str]) -> list[tuple[int, str, bytes, bytes]]:
        """Return (rowid, path, record, texts) of the header-less documents a previous build
        linked into these accessions."""
        sql = "SELECT rowid, path, record, texts FROM parts WHERE id = ? AND role = ?"
        return [
            row for fid in ids if not local(fid) for row in self.db.execute(sql, (fid, DOCUMENT))
        ]

    def rekey_row(self, rowid: int, fid: str) -> None:
        self.db.execute("UPDATE parts SET id = ? WHERE rowid = ?", (fid, rowid))

    def rekey(self, old: str, new: str) -> set[str]:
        """Give the parts of filing `old` to filing `new`; return the paths they came from."""
        paths = {p for (p,) in self.db.execute("SELECT path FROM parts WHERE id = ?", (old,))}
        self.db.execute("UPDATE parts SET id = ? WHERE id = ?", (new, old))
        return paths

    def ids_of(self, path: str) -> list[str]:
        sql = "SELECT DISTINCT id FROM parts WHERE path = ? ORDER BY rowid"
        return [fid for (fid,) in self.db.execute(sql, (path,))]

    def close(self) -> None:
        self.db.close()


def _flat(link: tuple | None) -> tuple:
    """Return a part's link as staging columns: role, CIK, form, period."""
    return (link[0], *link[1]) if link else (None, None, None, None)


def _unflat(columns: tuple) -> tuple | None:
    """Return a part's link from its staging columns (role, CIK, form, period)."""
    return (columns[0], tuple(columns[1:])) if columns[0] else None


def local(fid: str) -> bool:
    """Tell whether a filing id is a hash of a header-less filing's text (no accession)."""
    return fid.startswith("local-")


def unlink(staging: Staging, ids: set[str], affected: set[str]) -> set[str]:
    """Give the documents a previous build linked into these accessions their own ids back
    (adding them to `ids` and `affected`); return the files they came from."""
    paths = set()
    for rowid, path, rec, texts in staging.linked_parts(list(ids)):
        own = filing_id(filing_from_record(unpack(rec), unpack(texts)))
        staging.rekey_row(rowid, own)
        ids.add(own)
        affected.add(own)
        paths.add(path)
    return paths
