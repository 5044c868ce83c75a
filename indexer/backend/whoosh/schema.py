"""The Whoosh schema: the one place index field names are spelled."""

from __future__ import annotations

import sys
from array import array
from itertools import accumulate, chain
from operator import sub

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, SchemaClass
from whoosh.formats import Positions

from indexer.backend.document import (  # noqa: F401 (re-exported: the mapping moved there)
    FACET_FIELDS,
    Filing,
    biz_locations,
    filing_id,
    summary,
    summary_states,
    to_fields,
)
from indexer.backend.whoosh import check_whoosh
from indexer.backend.whoosh.positions import body_columns
from indexer.query.tokens import PIECE_CHARS, TOKEN, TOKEN_RE, compound_parts, has_parts, pieces

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


# Longest body indexed with arrays: ~60 bytes of arrays per token, ~100 MB at this size
ARRAY_MAX_CHARS = 8 << 20


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


# Indexes written before the code moved into layer packages pickled their schema's classes
# as `indexer.schema.*`: that name stays this module, so those indexes still open
sys.modules.setdefault("indexer.schema", sys.modules[__name__])
