"""The Whoosh schema: the one place index field names are spelled."""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterator
from datetime import datetime
from itertools import accumulate, chain
from operator import sub

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, SchemaClass
from whoosh.formats import Positions

from indexer.backend.whoosh import check_whoosh
from indexer.backend.whoosh.positions import body_columns
from indexer.edgar.model import Filing, filing_id
from indexer.edgar.states import state_code
from indexer.query.filters import UNDATED
from indexer.query.tokens import TOKEN, TOKEN_RE, compound_parts, has_parts

check_whoosh()  # before any Whoosh internals are relied on


class CompoundPartsFilter(Filter):
    """At index time, also emit the parts of a compound token at the same position."""

    def __call__(self, tokens):
        for t in tokens:
            yield t
            if t.mode == "query":
                continue
            whole = t.text
            for part in compound_parts(whole):
                t.text = part
                yield t
            t.text = whole


def body_analyzer():
    """Return the analyzer for filing text: compound-aware tokens, lower case, no stemming."""
    return RegexTokenizer(TOKEN) | LowercaseFilter() | CompoundPartsFilter()


def name_analyzer():
    """Return the analyzer for names and titles (companies, signers, exhibits)."""
    return RegexTokenizer(TOKEN) | LowercaseFilter() | CompoundPartsFilter()


PIECE_CHARS = 1 << 20  # text tokenized at once by BodyText
# Longest body indexed with arrays: ~60 bytes of arrays per token, ~100 MB at this size
ARRAY_MAX_CHARS = 8 << 20
# Where a piece may end: a token never holds whitespace
WHITESPACE = re.compile(r"\s")


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """Cut text into pieces of about `size` characters at whitespace, so no token is cut."""
    start, n = 0, len(text)
    while start < n:
        end = start + size
        if end < n:
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            if cut > start:
                end = cut
            else:  # no space or line break in the window: go on to the next whitespace
                m = WHITESPACE.search(text, end)
                end = m.start() if m else n
        yield text[start:end]
        start = end


class CompactPositions(Positions):
    """Whoosh's Positions format with a smaller, faster value: the deltas between positions as
    an array of the narrowest unsigned type ("B", "H" or "I", its code first, little-endian)
    instead of a length and a pickled list. About a byte per position less before compression,
    and decoded without a Python loop (positions are most of the index)."""

    def encode(self, poslist) -> bytes:
        deltas = list(map(sub, poslist, chain((0,), poslist)))
        top = max(deltas, default=0)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        packed = array(code, deltas)
        if sys.byteorder == "big":
            packed.byteswap()
        return code.encode("ascii") + packed.tobytes()

    def _deltas(self, value: bytes) -> array:
        packed = array(chr(value[0]))
        packed.frombytes(value[1:])
        if sys.byteorder == "big":
            packed.byteswap()
        return packed

    def decode_positions(self, value: bytes) -> list[int]:
        return list(accumulate(self._deltas(value)))

    def decode_frequency(self, value: bytes) -> int:
        return (len(value) - 1) // array(chr(value[0])).itemsize

    def decode_weight(self, value: bytes) -> float:
        return self.decode_frequency(value) * self.field_boost


class BodyText(TEXT):
    """A TEXT field whose indexing skips Whoosh's per-token objects (same terms and positions).

    Tokenizing the body is most of indexing time; this does it with one regex pass and whole-
    array operations (`positions.py`), producing exactly what `body_analyzer()` produces,
    which still analyzes queries. Bodies too long for that to stay small in memory take a
    loop over the tokens instead.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.format = CompactPositions(field_boost=self.format.field_boost)

    def index(self, value, **kwargs):
        words, freqs, weights, values = self.index_columns(value)
        return zip([w.encode("utf-8") for w in words], freqs, weights, values, strict=True)

    def index_columns(self, value) -> tuple[list, list[int], list[float], list[bytes]]:
        """Return what `index` yields as four lists (terms, frequencies, weights, values); the
        terms as str, which segment.py encodes once per segment, not once per document."""
        if len(value) > ARRAY_MAX_CHARS:
            postings = list(self.index_by_loop(value))
            return tuple(map(list, zip(*postings, strict=True))) if postings else ([], [], [], [])
        tokens = (TOKEN_RE.findall(piece.lower()) for piece in pieces(value, PIECE_CHARS))
        return body_columns(tokens, compound_parts, self.format.field_boost)

    def index_by_loop(self, value):
        """Yield (term as str, frequency, weight, value) of a text of any length: positions as
        4-byte arrays, tokens listed a piece of text at a time (a 20 MB body peaked at 325 MB
        of Python objects as one token list and lists of ints, 37 MB so)."""
        positions: dict[str, array] = {}
        pos = 0
        for piece in pieces(value, PIECE_CHARS):
            for tok in TOKEN_RE.findall(piece.lower()):
                found = positions.get(tok)
                if found is None:
                    positions[tok] = found = array("I")
                found.append(pos)
                pos += 1
        compounds = [tok for tok in positions if has_parts(tok)]
        for tok in compounds:  # once per distinct compound, not per occurrence
            for part in compound_parts(tok):
                merged = sorted([*positions.get(part, ()), *positions[tok]])
                positions[part] = array("I", merged)
        encode, boost = self.format.encode, self.format.field_boost
        for word, poslist in positions.items():
            yield word, len(poslist), len(poslist) * boost, encode(poslist)


class FilingCodec(W3Codec):
    """Whoosh's codec without per-block length statistics.

    Those serve only Whoosh's own top-k pruning, which engine.py does not use; writing them
    costs a column look-up per posting (about a quarter of commit time, measured). Blocks keep
    Whoosh's zlib level 3: level 6 made postings 1.1% smaller for 40% more compression time
    (1,000 bench filings: 1.5 vs 2.1 s).
    """

    length_stats = False


class FilingSchema(SchemaClass):
    # identity
    id = ID(unique=True, stored=True)
    accession = ID(stored=True)
    # what a hit shows, as one small dict (see model_fields.summary)
    summary = STORED()
    # searchable fields
    body = BodyText(analyzer=body_analyzer(), phrase=True, stored=False)
    company = TEXT(analyzer=name_analyzer(), phrase=True)  # every filer name, former names too
    signer = TEXT(analyzer=name_analyzer(), phrase=True)  # signer names and titles
    exhibit = TEXT(analyzer=name_analyzer(), phrase=True)  # exhibit types and descriptions
    # exact-value fields, also the facets (sortable columns make grouping fast)
    form = ID(sortable=True)  # as filed: "8-K/A"
    root_form = ID(sortable=True)  # "8-K"
    cik = KEYWORD(commas=True, sortable=True)  # every filer's 10-digit CIK
    company_name = ID(sortable=True)  # the primary filer's name, for the sort
    company_key = ID(sortable=True)  # the primary filer's CIK, else its name: the company facet
    items = KEYWORD(commas=True, sortable=True)  # normalized 8-K item codes "7.01,9.01"
    items_legacy = KEYWORD(commas=True)  # legacy codes as filed "9,7"
    inc_state = KEYWORD(commas=True, sortable=True)
    biz_state = KEYWORD(commas=True, sortable=True)
    sic = KEYWORD(commas=True, sortable=True)
    file_number = KEYWORD(commas=True, lowercase=True)
    exhibit_type = KEYWORD(commas=True, sortable=True)  # "EX-99.1"
    signer_name = KEYWORD(commas=True, sortable=True)  # names, commas removed
    filed = DATETIME(sortable=True)
    period = DATETIME(sortable=True)
    year = ID(sortable=True)  # filing year "2002"


FACET_FIELDS = {
    "form": "root_form",
    "company": "company_key",
    "year": "year",
    "items": "items",
    "state": "inc_state",
    "biz_state": "biz_state",
    "sic": "sic",
    "exhibit": "exhibit_type",
    "signer": "signer_name",
}


def _keywords(values) -> str:
    """Join exact values for a KEYWORD field; commas inside a value would split it."""
    seen = dict.fromkeys(v.replace(",", " ").strip() for v in values if v)
    return ",".join(v for v in seen if v)


def summary(filing: Filing, fid: str) -> dict:
    """Return the small dict a search hit shows, stored with each indexed filing."""
    return {
        "id": fid,
        "accession": filing.accession,
        "form_type": filing.form_type,
        "root_form": filing.root_form,
        "company": filing.company,
        "cik": filing.cik,
        "filed": filing.filed,
        "period": filing.period,
        "items": [[i.code, i.normalized, i.title] for i in filing.items],
        "filers": [[f.name, f.cik, f.role] for f in filing.filers],
        "inc_states": sorted(set(summary_states(filing, "state_of_incorporation"))),
        "biz_states": sorted(set(summary_states(filing, "business_state"))),
        "biz_locations": biz_locations(filing),
        "sics": sorted({f.sic for f in filing.filers if f.sic}),
        "file_numbers": sorted({f.file_number for f in filing.filers if f.file_number}),
        "signers": [[g.name, g.title, g.date] for g in filing.signers],
        "primary": _primary_doc(filing),
        "text_chars": filing.text_chars,
    }


def _primary_doc(filing: Filing) -> dict | None:
    """Return type, filename and description of a filing's first document."""
    if not filing.documents:
        return None
    d = filing.documents[0]
    return {"type": d.type, "filename": d.filename, "description": d.description}


def _date(iso: str | None) -> datetime | None:
    """Parse an ISO date for a DATETIME field."""
    try:
        return datetime.strptime(iso, "%Y-%m-%d") if iso else None
    except ValueError:
        return None


def to_fields(filing: Filing, fid: str | None = None) -> dict:
    """Map a filing to the fields of one index document: the one row → document mapping.

    `fid` is the key the filing was staged and stored under (the build passes it, so the index
    and the side store can never disagree); without it, the key is computed from the filing.
    """
    fid = fid or filing_id(filing)
    names = [f.name for f in filing.filers]
    names += [n.name for f in filing.filers for n in f.former_names]
    fields = {
        "id": fid,
        "accession": filing.accession or "",
        "summary": summary(filing, fid),
        "body": filing.text,
        "company": "\n".join(n for n in [filing.company, *names] if n),
        "signer": "\n".join(f"{s.name} {s.title or ''}" for s in filing.signers),
        "exhibit": "\n".join(f"{e.type} {e.description or ''}" for e in filing.exhibits),
        "form": filing.form_type or "",
        "root_form": filing.root_form or "",
        "cik": _keywords([filing.cik, *(f.cik for f in filing.filers)]),
        "company_name": filing.company or "",
        "company_key": filing.cik or filing.company or "",
        "items": _keywords(i.normalized for i in filing.items),
        "items_legacy": _keywords(i.code for i in filing.items),
        "inc_state": _keywords(summary_states(filing, "state_of_incorporation")),
        "biz_state": _keywords(summary_states(filing, "business_state")),
        "sic": _keywords(f.sic for f in filing.filers),
        "file_number": _keywords(f.file_number for f in filing.filers),
        "exhibit_type": _keywords(e.type for e in filing.exhibits),
        "signer_name": _keywords(s.name for s in filing.signers),
        # the same date the filed-date filters read, so the two always agree
        "year": filing.filed[:4] if filing.filed else UNDATED,
    }
    for name in ("filed", "period"):
        if (value := _date(getattr(filing, name))) is not None:
            fields[name] = value
    return {k: v for k, v in fields.items() if v != ""}


def biz_locations(filing: Filing) -> list[str]:
    """Return each filer's business address as EFTS shows it: "Cupertino, CA" ("City, code")."""
    out = {}
    for f in filing.filers:
        city = (f.business_address or {}).get("city")
        code = state_code(f.business_state)
        if city:
            out[f"{city.title()}, {code}" if code else city.title()] = None
    return list(out)


def summary_states(filing: Filing, attr: str) -> list[str]:
    """Return the two-letter codes of one state attribute over all filers."""
    return [c for f in filing.filers if (c := state_code(getattr(f, attr)))]


# Indexes written before the code moved into layer packages pickled their schema's classes
# as `indexer.schema.*`: that name stays this module, so those indexes still open
sys.modules.setdefault("indexer.schema", sys.modules[__name__])
