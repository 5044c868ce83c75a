"""The tantivy schema: fields, analyzers and the filing → document mapping (docs/backends.md).

Each text field is indexed twice: as whole tokens with positions (phrases, compounds such as
"10-k/a"), cut by `query/tokens.py` itself and handed to tantivy one space apart (its
whitespace tokenizer then reads them, lower-cased, at the positions the query language counts),
and as its `_parts` twin, every alphanumeric run of the text by tantivy's simple tokenizer with
frequencies only (a plain word matches where it stands alone or inside a compound, as Whoosh's
compound parts do; a number's digits also inside a plain number, "7" in "7.01", which Whoosh
does not split). Exact values are raw terms, the facet ones fast fields; dates are days since
1970 (ranges and sorts); the stored summary is JSON bytes. No text is stored: the side store
holds it.
"""

from __future__ import annotations

import json
from datetime import datetime

import tantivy

from indexer.backend.document import FACET_FIELDS, to_fields
from indexer.backend.tantivy import check_tantivy
from indexer.edgar.model import Filing
from indexer.query.tokens import PIECE_CHARS, TOKEN_RE, pieces

check_tantivy()

TOKENS, PARTS_TOKENIZER = "edgar_tokens", "edgar_parts"  # the analyzers' registered names

TEXT_FIELDS = ("body", "company", "signer", "exhibit")
PARTS = "_parts"  # a text field's twin of alphanumeric words
KEYWORDS = (
    *("form", "root_form", "cik", "company_name", "company_key", "items", "items_legacy"),
    *("inc_state", "biz_state", "sic", "file_number", "exhibit_type", "signer_name", "year"),
)
FAST = frozenset(FACET_FIELDS.values())
DATES = ("filed", "period")  # i64 days since 1970-01-01
COMPANY_SORT = "company_sort"  # the primary filer's name, case-folded: the company sort
EPOCH = datetime(1970, 1, 1)


def analyzer(tokenizer: tantivy.Tokenizer):
    """Return a tantivy analyzer: the tokenizer's tokens, lower case."""
    return tantivy.TextAnalyzerBuilder(tokenizer).filter(tantivy.Filter.lowercase()).build()


def analyzers() -> dict:
    """Return the analyzers by registered name: the positional fields' whitespace tokenizer (over
    `spaced` text) and the `_parts` fields' simple tokenizer (each alphanumeric run: "10-k/a" →
    "10", "k", "a")."""
    return {
        TOKENS: analyzer(tantivy.Tokenizer.whitespace()),
        PARTS_TOKENIZER: analyzer(tantivy.Tokenizer.simple()),
    }


def register(index: tantivy.Index) -> None:
    """Register the analyzers on an opened index (needed on every open, to read or write)."""
    for name, registered in analyzers().items():
        index.register_tokenizer(name, registered)


KEPT_CHARS = 64  # the longest chunk kept (words are shorter; blobs would fill memory)


class Chunks(dict):
    """The tokens of whitespace-free chunks of text, one space apart, kept as they are cut.

    Filings repeat their words: over 1,500 bench filings, 99.8 % of the chunks had been cut
    before. A chunk found here costs a dict lookup (C speed) instead of a regex scan; one not
    found is cut by `TOKEN_RE` and kept, if it is short, while fewer than `limit` are (then the
    cache starts anew): memory stays bounded, whatever a hostile text holds.
    """

    def __init__(self, limit: int, longest: int = KEPT_CHARS):
        super().__init__()
        self.limit = limit
        self.longest = longest

    def __missing__(self, chunk: str) -> str:
        cut = " ".join(TOKEN_RE.findall(chunk))
        if len(chunk) > self.longest:  # a blob without spaces: cut, never kept
            return cut
        if cut == chunk:
            cut = chunk  # a plain word: kept once, not twice
        if len(self) >= self.limit:
            self.clear()
        self[chunk] = cut
        return cut


CHUNK_LIMIT = 1 << 17  # chunks kept per process: 33 MB when all are 64 characters long
_chunks = Chunks(CHUNK_LIMIT)


def spaced(text: str, size: int = PIECE_CHARS) -> str:
    """Return the tokens of text (query/tokens.py) one space apart, as a positional field gets
    them. No token holds whitespace, so the text's tokens are those of its whitespace-free
    chunks in turn, and each distinct chunk is cut once (`Chunks`): over 45 MB of bench text,
    one core, 0.92 s against 1.46 s for a regex scan of the whole text, which itself cost half
    the CPU of tantivy's regex tokenizer with the same pattern. A long text is cut a piece at a
    time (at whitespace): a list of all of a 100 MB body's chunks would take a gigabyte."""
    get = _chunks.__getitem__
    return " ".join(" ".join(map(get, piece.split())) for piece in pieces(text, size))


def build_schema() -> tantivy.Schema:
    """Return the schema of a filing index."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("summary", stored=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name=TOKENS, index_option="position")
        sb.add_text_field(name + PARTS, tokenizer_name=PARTS_TOKENIZER, index_option="freq")
    for name in KEYWORDS:
        sb.add_text_field(name, fast=name in FAST, tokenizer_name="raw", index_option="basic")
    sb.add_text_field(COMPANY_SORT, fast=True, tokenizer_name="raw", index_option="basic")
    for name in DATES:
        sb.add_integer_field(name, indexed=True, fast=True)
    return sb.build()


def days(value: datetime) -> int:
    """Return a date as days since 1970-01-01 (how date fields hold it)."""
    return (value - EPOCH).days


def to_document(filing: Filing, fid: str) -> tantivy.Document:
    """Map a filing to one tantivy document (the fields of `document.to_fields`)."""
    fields = to_fields(filing, fid)
    doc = tantivy.Document()
    doc.add_text("id", fid)
    doc.add_bytes("summary", json.dumps(fields["summary"], separators=(",", ":")).encode())
    for name in TEXT_FIELDS:
        if text := fields.get(name):
            doc.add_text(name, spaced(text))
            doc.add_text(name + PARTS, text)
    for name in KEYWORDS:
        for value in keyword_values(name, fields.get(name, "")):
            doc.add_text(name, value)
    if filing.company:
        doc.add_text(COMPANY_SORT, filing.company.casefold())
    for name in DATES:
        if name in fields:
            doc.add_integer(name, days(fields[name]))
    return doc


def keyword_values(name: str, joined: str) -> list[str]:
    """Return the values of an exact-value field as Whoosh's KEYWORD/ID fields index them."""
    if not joined:
        return []
    if name in ("form", "root_form", "company_name", "company_key", "year"):
        return [joined]  # a whole ID value
    values = [v.strip() for v in joined.split(",") if v.strip()]
    return [v.lower() for v in values] if name == "file_number" else values
