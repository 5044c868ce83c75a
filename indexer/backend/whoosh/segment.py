"""Write a Whoosh segment with postings grouped per term, not sorted posting by posting.

Whoosh's SegmentWriter puts every posting (field, term, document, weight, value) in a pool,
sorts the pool (spilling runs to disk past its memory limit) and hands the sorted postings
one at a time to the codec, which buffers them into blocks of 128. In pure Python that is
several calls and tuples per posting: most of the time of `indexer build`.

`GroupingSegmentWriter` keeps each field's postings as columns (term number, document,
weight, value) filled by C-level extends as documents are added, groups them by term with one
stable sort, and writes each term's posting blocks with slices: Python work per term and per
block, C work per posting. The files it writes are the Whoosh 3
codec's, byte for byte the same as Whoosh's own writer makes from the same documents
(tests/test_segment.py), so every reader, merge and tool of Whoosh reads them unchanged.

Memory is bounded as Whoosh's pool bounds it: past `limitmb`, the postings so far are
written to a sorted run file and dropped; at the end the runs and what is left are merged
term by term (a term's documents are concatenated, never re-sorted: runs hold increasing
document numbers).
"""

from __future__ import annotations

import heapq
import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain, groupby, repeat
from operator import itemgetter, sub
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

# Bytes a posting holds in memory, for the spill limit: term number, document number and
# weight in arrays (16), a list slot (8), a small bytes value (~36), and as much again for a
# while when sorted
POSTING_BYTES = 120
NO_LENGTH = length_to_byte(None), length_to_byte(0)  # block length bytes without length stats

# One term's postings: field name, term bytes, document numbers, weights, values
Term = tuple[str, bytes, array, array, list]


class FieldPostings:
    """One field's postings as documents are added, as columns: term number, document,
    weight, value; the terms are numbered in order of first appearance."""

    __slots__ = ("docs", "terms", "tids", "values", "weights")

    def __init__(self):
        self.terms: dict[bytes | str, int] = {}
        self.tids = array("I")
        self.docs = array("I")
        self.weights = array("d")
        self.values: list[bytes] = []

    def add(self, docnum: int, words: tuple, weights: tuple, values: tuple) -> None:
        """Add one document's postings (its distinct terms, their weights and values)."""
        terms = self.terms
        new = set(words).difference(terms)  # numbered in any order: terms are sorted later
        terms.update(zip(new, range(len(terms), len(terms) + len(new)), strict=True))
        self.tids.extend(map(terms.__getitem__, words))
        self.docs.extend(repeat(docnum, len(words)))
        self.weights.extend(weights)
        self.values.extend(values)

    def sorted_terms(self) -> Iterator[tuple[bytes, array, array, list]]:
        """Yield each term's documents, weights and values, terms in byte order."""
        tids = np.frombuffer(self.tids, np.uint32)
        order = np.argsort(tids, kind="stable")  # a term's postings stay in document order
        ends = np.cumsum(np.bincount(tids, minlength=len(self.terms))).tolist()
        docs = array("I", np.frombuffer(self.docs, np.uint32)[order].tobytes())
        weights = array("d", np.frombuffer(self.weights, np.float64)[order].tobytes())
        values = list(map(self.values.__getitem__, order.tolist()))
        # terms are bytes, or str (a field's index_columns): encoded here, once per segment
        encoded = (
            (w.encode("utf-8") if isinstance(w, str) else w, t) for w, t in self.terms.items()
        )
        for word, tid in sorted(encoded):
            lo, hi = (ends[tid - 1] if tid else 0), ends[tid]
            yield word, docs[lo:hi], weights[lo:hi], values[lo:hi]


class GroupingSegmentWriter(SegmentWriter):
    """A SegmentWriter that groups postings per term as it goes (see the module docstring).

    Only the codec's files are written differently; stored fields, lengths and columns go
    through Whoosh's per-document writer as they always do.
    """

    def __init__(self, ix, codec: W3Codec, limitmb: int = 256, **kwargs):
        if not isinstance(codec, W3Codec):
            raise TypeError("GroupingSegmentWriter writes the Whoosh 3 codec's files only")
        super().__init__(ix, codec=codec, limitmb=limitmb, **kwargs)
        self._fields: dict[str, FieldPostings] = {}
        self._held = 0  # postings in memory
        self._limit = max(1, limitmb * (1 << 20) // POSTING_BYTES)
        self._runs: list[str] = []

    def add_document(self, **fields):
        self._check_state()
        if any(name.startswith("_") for name in fields):
            raise ValueError("boosts and custom stored values (_ fields) are not supported")
        self._check_fields(self.schema, fields)
        docnum = self.docnum
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = self._index_field(name, field, value, docnum) if field.indexed else 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1
        if self._held >= self._limit:
            self._spill()

    def _index_field(self, name: str, field, value, docnum: int) -> int:
        """Add one field's postings of a document; return its length in tokens (if scored)."""
        if field.separate_spelling() or field.vector:
            raise ValueError(f"field {name!r}: spelling fields and vectors are not supported")
        if hasattr(field, "index_columns"):  # the body: four lists at once
            words, freqs, weights, values = field.index_columns(value)
        else:
            postings = list(field.index(value))
            words, freqs, weights, values = zip(*postings, strict=True) if postings else [()] * 4
        if not words:
            return 0
        columns = self._fields.get(name)
        if columns is None:
            columns = self._fields[name] = FieldPostings()
        columns.add(docnum, words, weights, values)
        self._held += len(words)
        return sum(freqs) if field.scorable else 0

    # ------------------------------------------------------------------ spilling

    def _in_memory(self) -> Iterator[Term]:
        """Yield the postings held in memory, sorted by field and term."""
        for name in sorted(self._fields):
            for word, docs, weights, values in self._fields[name].sorted_terms():
                yield name, word, docs, weights, values

    def _spill(self) -> None:
        """Write the postings held to a sorted run file and drop them from memory."""
        name = f"{self.newsegment.segment_id()}_{len(self._runs)}.run"
        # one pickle per term, each with its own memo: a Pickler or Unpickler kept for the
        # whole file would remember (and keep alive) every object it ever saw
        with self._tempstorage.create_file(name) as f:
            for fname, tbytes, ids, weights, values in self._in_memory():
                record = (fname, tbytes, ids.tobytes(), weights.tobytes(), values)
                pickle.dump(record, f, protocol=pickle.HIGHEST_PROTOCOL)
        self._runs.append(name)
        self._fields = {}
        self._held = 0

    def _read_run(self, name: str) -> Iterator[Term]:
        with self._tempstorage.open_file(name) as f:
            while True:
                try:
                    fname, tbytes, ids, weights, values = pickle.load(f)
                except EOFError:
                    return
                yield fname, tbytes, array("I", ids), array("d", weights), values

    def _all_terms(self) -> Iterator[Term]:
        """Yield every term's postings in order, the runs' and memory's merged."""
        if not self._runs:
            yield from self._in_memory()
            return
        sources = [self._read_run(r) for r in self._runs] + [self._in_memory()]
        merged = heapq.merge(*sources, key=itemgetter(0, 1))
        for (fname, tbytes), group in groupby(merged, key=itemgetter(0, 1)):
            parts = list(group)
            if len(parts) == 1:
                yield parts[0]
                continue
            ids, weights, values = array("I"), array("d"), []
            for _, _, i, w, v in parts:  # runs were written in document order
                ids.extend(i)
                weights.extend(w)
                values.extend(v)
            yield fname, tbytes, ids, weights, values

    # ------------------------------------------------------------------ flushing

    def _flush_segment(self):
        self.perdocwriter.close()
        write_terms(self.fieldwriter, self.schema, self._all_terms())
        self.fieldwriter.close()
        self._fields = {}

    def _close_segment(self):
        for name in self._runs:
            if self._tempstorage.file_exists(name):
                self._tempstorage.delete_file(name)
        self._runs = []
        super()._close_segment()


def write_terms(fieldwriter: W3FieldWriter, schema, terms: Iterable[Term]) -> None:
    """Write sorted terms' postings to a Whoosh 3 field writer's files, block by block."""
    codec = fieldwriter._codec
    blocklimit, level = codec._blocklimit, codec._compression
    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    current = None
    for fname, tbytes, ids, weights, values in terms:
        if fname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fname, schema[fname])
            current = fname
            fixed = schema[fname].format.fixed_value_size()
            key_prefix = pack_ushort(fieldwriter._fieldid)
        info = write_postings(postfile, ids, weights, values, fixed, blocklimit, level)
        tindex.add(key_prefix + tbytes, info.to_bytes())
    if current is not None:
        fieldwriter.finish_field()


def write_postings(
    postfile, ids: array, weights: array, values: list, fixed, blocklimit: int, level: int
) -> W3TermInfo:
    """Write one term's posting blocks as W3PostingsWriter would; return its term info."""
    info = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    n = len(ids)
    for lo in range(0, n, blocklimit):
        hi = min(lo + blocklimit, n)
        block_ids = ids[lo:hi]
        # weights as the codec keeps them (32-bit floats); the block's maximum as added
        as_stored = array("f", weights[lo:hi])
        top = max(weights[lo:hi])
        top = top if top > 0 else 0
        info._weight += sum(as_stored)
        info._df += hi - lo
        info._maxweight = max(info._maxweight, top)
        if info._minid is None:
            info._minid = block_ids[0]
        info._maxid = block_ids[-1]
        data = (
            tuple(map(sub, block_ids, chain((0,), block_ids))),
            _mini_weights(as_stored),
            _mini_values(values[lo:hi], fixed),
        )
        databytes = zlib.compress(dumps(data, 2), level)
        infobytes = dumps((hi - lo, block_ids[-1], top, level, *NO_LENGTH), 2)
        size = len(infobytes) + len(databytes)
        postfile.write_int(-size if hi == n else size)
        postfile.write(infobytes)
        postfile.write(databytes)
    info.set_extent(start, postfile.tell() - start)
    return info


def _mini_weights(weights: array):
    """None when every weight is 1, the weight when all are equal, else all of them."""
    n = len(weights)
    if weights.count(1.0) == n:
        return None
    if weights.count(weights[0]) == n:
        return weights[0]
    return tuple(weights)


def _mini_values(values: list, fixed):
    """A block's values: none for a format without values, joined when of fixed size."""
    if fixed == 0:
        return None
    if b"" in values:
        values = [v for v in values if v]
    if fixed is None or fixed < 0:
        return tuple(values)
    return b"".join(values)
