"""The labelled peer baseline: the same parsed records in SQLite FTS5 (stdlib), same queries.

Facets are counted with GROUP BY over the matching rows, snippets with FTS5's snippet().
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from indexer.backend.whoosh.schema import to_fields
from indexer.store.sidestore import Store

FACETS = ("root_form", "company_name", "year", "items", "inc_state", "sic", "exhibit_type")
# A quoted phrase, a -term, or a bare word / operator
QUERY_TOKEN = re.compile(r'"[^"]*"|-\S+|\S+')


def build(gen: Path, db_path: Path) -> dict:
    """Index every filing of a generation's side store into FTS5; return time and size."""
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'porter unicode61');
        CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, root_form TEXT, filed TEXT);
        CREATE TABLE facet_values (rowid INTEGER, facet TEXT, value TEXT);
        """
    )
    store = Store(gen, readonly=True)
    rows = [(fid, store.filing(fid)) for fid in store.filing_ids()]
    store.close()
    start = time.perf_counter()
    for rowid, (fid, filing) in enumerate(rows, 1):
        fields = to_fields(filing)
        db.execute("INSERT INTO docs (rowid, body) VALUES (?, ?)", (rowid, fields.get("body", "")))
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?)",
            (rowid, fid, fields.get("root_form"), filing.filed),
        )
        values = [(rowid, f, v) for f in FACETS for v in str(fields.get(f, "")).split(",") if v]
        db.executemany("INSERT INTO facet_values VALUES (?, ?, ?)", values)
    db.execute("CREATE INDEX facet_rowid ON facet_values (rowid, facet, value)")
    db.commit()
    seconds = time.perf_counter() - start
    db.close()
    return {"seconds": seconds, "bytes": db_path.stat().st_size, "filings": len(rows)}


def to_match(q: str) -> str:
    """Translate a query of the mix into FTS5 MATCH syntax (-term becomes NOT term)."""
    positive, negative = [], []
    for tok in QUERY_TOKEN.findall(q):
        if tok.startswith("-") and len(tok) > 1:
            negative.append(_quote(tok[1:]))
        elif tok == "OR":
            positive.append("OR")
        else:
            positive.append(_quote(tok))
    match = " ".join(positive)
    return match + "".join(f" NOT {n}" for n in negative)


def _quote(tok: str) -> str:
    return tok if tok.startswith('"') else '"' + tok.replace('"', "") + '"'


class Fts5Searcher:
    """Run the benchmark's query modes against the FTS5 baseline."""

    def __init__(self, db_path: Path):
        self.db = sqlite3.connect(db_path)

    def search(self, q: str, forms: list[str], start: str, end: str, mode: str) -> int:
        where, args = ["docs MATCH ?"], [to_match(q)]
        if forms:
            where.append(f"meta.root_form IN ({','.join('?' * len(forms))})")
            args += forms
        if start:
            where.append("meta.filed >= ?")
            args.append(start)
        if end:
            where.append("meta.filed <= ?")
            args.append(end)
        cond = " AND ".join(where)
        base = f"FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE {cond}"
        total = self.db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        top = f"SELECT docs.rowid {base} ORDER BY rank LIMIT 10"
        if mode == "snippets":
            top = (
                "SELECT docs.rowid, snippet(docs, 0, '<mark>', '</mark>', '…', 24) "
                f"{base} ORDER BY rank LIMIT 10"
            )
        self.db.execute(top, args).fetchall()
        if mode in ("facets", "snippets"):
            self.db.execute("DROP TABLE IF EXISTS temp.hits")
            self.db.execute(f"CREATE TEMP TABLE hits AS SELECT docs.rowid AS rowid {base}", args)
            for facet in FACETS:
                self.db.execute(
                    "SELECT value, count(*) FROM facet_values WHERE facet = ? AND rowid IN "
                    "(SELECT rowid FROM temp.hits) GROUP BY value ORDER BY 2 DESC LIMIT 10",
                    (facet,),
                ).fetchall()
        return total

    def close(self) -> None:
        self.db.close()
