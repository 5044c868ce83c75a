"""The raw engine peer: the same parsed records in tantivy (PyPI `tantivy`), same queries.

No layer of ours between the benchmark and the engine: the overhead of the project over
tantivy is `ours / raw tantivy` per query mode. Words are stemmed (`en_stem`), phrases too, as
FTS5's porter tokenizer does; facets are terms aggregations on fast fields, with counts made
exact; snippets come from tantivy's SnippetGenerator over the stored body.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import tantivy

from bench.fts5 import QUERY_TOKEN
from indexer.backend.whoosh.schema import FACET_FIELDS, to_fields
from indexer.store.sidestore import Store

FACETS = tuple(dict.fromkeys(FACET_FIELDS.values()))  # the fields our facets count
HEAP_BYTES = 256 << 20  # the writer's indexing memory, split between its threads
THREADS = 2
# Terms kept per segment before merging: past any facet's number of values, so counts are exact
SEGMENT_SIZE = 1 << 20
SNIPPET_CHARS = 150


def schema() -> tantivy.Schema:
    """Return the peer's schema: stemmed body with positions, facet fields raw and fast."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem", index_option="position")
    for name in FACETS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_date_field("filed", indexed=True, fast=True)
    return sb.build()


def document(fid: str, fields: dict) -> tantivy.Document:
    """Map one filing's index fields (to_fields) to a tantivy document."""
    doc = tantivy.Document(id=fid, body=fields.get("body", ""))
    for name in FACETS:
        for value in str(fields.get(name, "")).split(","):
            if value:
                doc.add_text(name, value)
    if "filed" in fields:
        doc.add_date("filed", fields["filed"])
    return doc


def build(gen: Path, index_path: Path) -> dict:
    """Index every filing of a generation's side store into tantivy; return time and size."""
    index_path.mkdir(parents=True, exist_ok=True)
    for old in index_path.iterdir():
        old.unlink()
    store = Store(gen, readonly=True)
    rows = [(fid, store.filing(fid)) for fid in store.filing_ids()]
    store.close()
    index = tantivy.Index(schema(), path=str(index_path), reuse=False)
    start = time.perf_counter()
    writer = index.writer(heap_size=HEAP_BYTES, num_threads=THREADS)
    for fid, filing in rows:
        writer.add_document(document(fid, to_fields(filing, fid)))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - start
    size = sum(f.stat().st_size for f in index_path.iterdir() if f.is_file())
    return {"seconds": seconds, "bytes": size, "filings": len(rows)}


def to_query_string(q: str) -> str:
    """Translate a query of the mix for tantivy's parser: every word or phrase required, words
    joined by OR one alternative, -term excluded (what fts5.to_match says to FTS5)."""
    clauses: list[list[str]] = []
    negative, join = [], False
    for tok in QUERY_TOKEN.findall(q):
        if tok.startswith("-") and len(tok) > 1:
            negative.append(_quote(tok[1:]))
        elif tok == "OR":
            join = bool(clauses)
        elif join:
            clauses[-1].append(_quote(tok))
            join = False
        else:
            clauses.append([_quote(tok)])
    required = [f"+{c[0]}" if len(c) == 1 else f"+({' OR '.join(c)})" for c in clauses]
    return " ".join(required + [f"-{n}" for n in negative])


def _quote(tok: str) -> str:
    return tok if tok.startswith('"') else '"' + tok.replace('"', "") + '"'


def _date(iso: str, end: bool) -> datetime:
    """Return the first (or last) second of an ISO day."""
    day = datetime.strptime(iso, "%Y-%m-%d")
    return day.replace(hour=23, minute=59, second=59) if end else day


class TantivySearcher:
    """Run the benchmark's query modes against the raw tantivy peer."""

    def __init__(self, index_path: Path):
        self.index = tantivy.Index.open(str(index_path))
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def query(self, q: str, forms: list[str], start: str, end: str) -> tantivy.Query:
        """Return the words' query with the form and filed-date filters as required clauses."""
        must = [self.index.parse_query(to_query_string(q), ["body"])]
        if forms:
            terms = [tantivy.Query.term_query(self.schema, "root_form", f) for f in forms]
            must.append(tantivy.Query.boolean_query([(tantivy.Occur.Should, t) for t in terms]))
        if start or end:
            low = _date(start, False) if start else None  # None: no bound on that side
            high = _date(end, True) if end else None
            date = tantivy.FieldType.Date
            must.append(tantivy.Query.range_query(self.schema, "filed", date, low, high))
        if len(must) == 1:
            return must[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, m) for m in must])

    def search(self, q: str, forms: list[str], start: str, end: str, mode: str) -> int:
        query = self.query(q, forms, start, end)
        found = self.searcher.search(query, 10, count=True)
        if mode == "snippets":
            gen = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "body")
            gen.set_max_num_chars(SNIPPET_CHARS)
            for _score, addr in found.hits:
                gen.snippet_from_doc(self.searcher.doc(addr)).to_html()
        if mode in ("facets", "snippets"):
            self.searcher.aggregate(query, AGGREGATIONS)
        return found.count

    def close(self) -> None:
        self.searcher = self.index = None


AGGREGATIONS = {
    name: {"terms": {"field": name, "size": 10, "segment_size": SEGMENT_SIZE}} for name in FACETS
}
