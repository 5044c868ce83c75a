"""Evaluate query objects as sets of document numbers and rank them, reading posting blocks
directly instead of walking Whoosh's per-document matcher trees (pure Python per posting).

Terms, AND, OR, NOT, Every and prefixes are set operations on whole posting lists; date ranges
read the per-document date keys; a phrase reads positions only in the documents that hold all
its words. Past the deadline, evaluation stops and what was found so far is
returned (the engine's `timed_out` says so). Ranking is BM25F with Whoosh's defaults over the
positive terms, computed only for the matching set; ties go to the lower document number, so
every page is a slice of one total order.
"""

from __future__ import annotations

import heapq
import math
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from itertools import accumulate
from pickle import loads
from typing import ClassVar

import numpy as np
from whoosh.formats import Positions
from whoosh.util.times import datetime_to_long

from indexer.backend.whoosh.compile import to_whoosh
from indexer.backend.whoosh.docvalues import DocValues
from indexer.backend.whoosh.positions import decode_groups
from indexer.backend.whoosh.schema import CompactPositions
from indexer.query import nodes as N

K1, B = 1.2, 0.75  # BM25F parameters (Whoosh's defaults)
MAX_PREFIX_TERMS = 1_000  # terms a Prefix query (exhibit types, no-lexicon wildcards) expands to
CACHED_POSTINGS = 2_000_000  # postings kept in one view's cache (~16 MB)


Postings = tuple[array, array]  # global document numbers, term frequencies
# What a Whoosh 3 posting-list matcher has for reading a block of 128 postings at once
BLOCK_API = ("_read_ids", "_read_weights", "_next_block", "_ids", "_weights")


def read_postings(reader, field: str, term: str) -> Postings:
    """Return a term's live postings over every segment, with global document numbers."""
    ids, weights = array("i"), array("f")
    for leaf, offset in reader.leaf_readers():
        if (field, term) not in leaf:
            continue
        m = leaf.postings(field, term)
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else None
        if deleted and hasattr(m, "child"):
            m = m.child  # the FilterMatcher hiding deletions: filter below instead
        seg_ids, seg_weights = _drain(m)
        if deleted:
            pairs = [(i, w) for i, w in zip(seg_ids, seg_weights, strict=True) if i not in deleted]
            seg_ids, seg_weights = [i for i, _ in pairs], [w for _, w in pairs]
        ids.extend(i + offset for i in seg_ids)
        weights.extend(seg_weights)
    return ids, weights


def _drain(m) -> tuple[list, list]:
    """Read all (id, weight) of a leaf matcher: block by block when it is Whoosh 3's.

    The block methods are private, but stepping posting by posting costs a Python call per
    document; any other matcher (inlined short lists, another codec) takes the public path.
    """
    ids: list = []
    weights: list = []
    if all(hasattr(m, a) for a in BLOCK_API):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
        return ids, weights
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def decode_positions(value: bytes) -> list[int]:
    """Decode a Whoosh `Positions` value (a count, then pickled deltas) as Whoosh does, with the
    running sum in C: a third of a phrase query's time was Whoosh's Python loop."""
    return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


def _wanted_matchers(reader, field: str, term: str, wanted: set[int]):
    """Yield (matcher, offset, local wanted document numbers) for each segment holding the term
    and some wanted (live) documents."""
    for leaf, offset in reader.leaf_readers():
        end = offset + leaf.doc_count_all()
        local = {d - offset for d in wanted if offset <= d < end}
        if not local or (field, term) not in leaf:
            continue
        m = leaf.postings(field, term)
        if leaf.has_deletions() and hasattr(m, "child"):
            m = m.child  # wanted documents are live: no need to filter deletions
        yield m, offset, local


def _wanted_values(m, offset: int, local: set[int]) -> Iterator[tuple[int, bytes]]:
    """Yield (global document number, posting value) of the wanted documents of a Whoosh 3
    matcher, reading the values only of the blocks that hold one."""
    while m.is_active():
        m._read_ids()
        found = [k for k, i in enumerate(m._ids) if i in local]
        if found:
            m._read_values()
            for k in found:
                yield m._ids[k] + offset, m._values[k]
        m._next_block()


def _has_blocks(m) -> bool:
    return all(hasattr(m, a) for a in (*BLOCK_API, "_read_values", "_values"))


def read_positions(reader, field: str, term: str, wanted: set[int]) -> dict[int, list[int]]:
    """Return a term's positions in each wanted (live) document that has it."""
    fmt = reader.schema[field].format
    decode = decode_positions if type(fmt) is Positions else fmt.decode_positions
    out: dict[int, list[int]] = {}
    for m, offset, local in _wanted_matchers(reader, field, term, wanted):
        if _has_blocks(m):
            out.update((d, decode(v)) for d, v in _wanted_values(m, offset, local))
            continue
        while m.is_active():
            if m.id() in local:
                out[m.id() + offset] = m.value_as("positions")
            m.next()
    return out


def position_keys(reader, field: str, term: str, wanted: set[int]) -> np.ndarray:
    """Return a term's positions in the wanted (live) documents that have it, as sorted keys
    `document << 32 | position` (int64): phrases then line up by whole-array operations."""
    if isinstance(reader.schema[field].format, CompactPositions):
        matchers = list(_wanted_matchers(reader, field, term, wanted))
        if all(_has_blocks(m) for m, _, _ in matchers):  # all decoded at once
            found = [dv for m, offset, local in matchers for dv in _wanted_values(m, offset, local)]
            docs = np.array([d for d, _ in found], np.int64)
            counts, positions = decode_groups([v for _, v in found])
            return np.repeat(docs, counts) << 32 | positions
    by_doc = read_positions(reader, field, term, wanted)
    return np.array([d << 32 | p for d in sorted(by_doc) for p in by_doc[d]], np.int64)


def advance(ends: set[int], positions: list[int], slop: int) -> set[int]:
    """Return the positions of the next word that continue a phrase ending at `ends`: each
    1 to `slop` positions later (Whoosh's phrase rule)."""
    reach = {p + d for p in ends for d in range(1, slop + 1)} if slop > 1 else {p + 1 for p in ends}
    return reach.intersection(positions)


class Engine:
    """Set evaluation and ranking on one thread's searcher (not thread-safe)."""

    def __init__(self, searcher, values: DocValues):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.values = values
        self._cache: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._cached = 0
        self.deadline = math.inf
        self.timed_out = False  # set once the deadline passed: results so far are partial

    def start(self, deadline: float) -> None:
        """Begin a request that must finish by `deadline` (time.monotonic())."""
        self.deadline, self.timed_out = deadline, False

    def postings(self, field: str, term: str) -> Postings:
        """Return a term's postings, cached (least recently used out first)."""
        key = (field, term)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        found = read_postings(self.reader, field, term)
        self._cache[key] = found
        self._cached += len(found[0])
        while self._cached > CACHED_POSTINGS and len(self._cache) > 1:
            _, (old, _w) = self._cache.popitem(last=False)
            self._cached -= len(old)
        return found

    def expired(self) -> bool:
        """Return whether the deadline has passed; remember it."""
        if not self.timed_out and time.monotonic() > self.deadline:
            self.timed_out = True
        return self.timed_out

    # ------------------------------------------------------------ matching

    def docs(self, q: N.Node | None) -> set[int]:
        """Return the live documents matching q (all of them for None)."""
        if q is None:
            return set(self.values.live())
        if self.expired():
            return set()
        handler: Callable = self._handlers.get(type(q), Engine._fallback)
        return handler(self, q)

    def _term(self, q: N.Term) -> set[int]:
        return set(self.postings(q.fieldname, q.text)[0])

    def _and(self, q: N.And) -> set[int]:
        subs = q.subqueries
        nots = [s.query for s in subs if isinstance(s, N.Not)]
        # phrases last: they cost the most, and an empty part before them makes them moot
        musts = sorted((s for s in subs if not isinstance(s, N.Not)), key=_cost)
        sets: list[set[int]] = []
        for sub in musts:
            sets.append(self.docs(sub))
            if not sets[-1]:
                return set()
        sets.sort(key=len)
        result = sets[0].intersection(*sets[1:]) if sets else set(self.values.live())
        for n in nots:
            if not result:
                break
            result -= self.docs(n)
        return result

    def _or(self, q: N.Or) -> set[int]:
        result: set[int] = set()
        for s in q.subqueries:
            result |= self.docs(s)
        return result

    def _not(self, q: N.Not) -> set[int]:
        return set(self.values.live()) - self.docs(q.query)

    def _every(self, q: N.Every) -> set[int]:
        return set(self.values.live())

    def _null(self, q) -> set[int]:
        return set()

    def _prefix(self, q: N.Prefix) -> set[int]:
        result: set[int] = set()
        for i, bterm in enumerate(self.reader.expand_prefix(q.fieldname, q.text)):
            if i >= MAX_PREFIX_TERMS:
                break
            result.update(self.postings(q.fieldname, bterm.decode("utf-8"))[0])
        return result

    def _dates(self, q: N.DateRange) -> set[int]:
        keys = self.values.sort_keys(q.fieldname)
        lo = datetime_to_long(q.startdate) if q.startdate else -1
        hi = datetime_to_long(q.enddate) if q.enddate else math.inf
        found = {d for d, v in enumerate(keys) if v is not None and lo <= v <= hi}
        return found & self.values.live()  # the keys cover deleted documents too

    def _phrase(self, q: N.Phrase) -> set[int]:
        """The documents with all the words, then those where their positions line up."""
        sets = sorted((self._term(N.Term(q.fieldname, w)) for w in q.words), key=len)
        candidates = sets[0].intersection(*sets[1:]) if sets else set()
        if len(q.words) < 2 or not candidates:
            return candidates
        if q.slop <= 1:
            return self._exact_phrase(q, candidates)
        # word by word, reading positions only where the phrase so far still holds
        slop = q.slop
        ends: dict[int, set[int]] = {}
        for i, word in enumerate(q.words):
            if self.expired():
                return set()
            found = read_positions(self.reader, q.fieldname, word, candidates)
            if i == 0:
                ends = {d: set(p) for d, p in found.items()}
            else:
                ends = {d: e for d, p in found.items() if (e := advance(ends[d], p, slop))}
            candidates = set(ends)
            if not candidates:
                break
        return candidates

    def _exact_phrase(self, q: N.Phrase, candidates: set[int]) -> set[int]:
        """Word i of an exact phrase starting at p sits at p + i: keep the (document, start)
        keys every word read so far allows, one sorted array intersected with the next.
        Rarest words first, so the most frequent word ("in" of "change in control") has its
        positions read in the fewest documents."""
        freq = {w: len(self.postings(q.fieldname, w)[0]) for w in q.words}
        order = sorted(range(len(q.words)), key=lambda i: (freq[q.words[i]], i))
        starts = np.zeros(0, np.int64)
        for n, i in enumerate(order):
            if self.expired():
                return set()
            keys = position_keys(self.reader, q.fieldname, q.words[i], candidates)
            keys = keys[(keys & 0xFFFFFFFF) >= i] - i  # where the phrase would start
            starts = keys if n == 0 else np.intersect1d(starts, keys, assume_unique=True)
            candidates = set(np.unique(starts >> 32).tolist())
            if not candidates:
                break
        return candidates

    def _fallback(self, q: N.Node) -> set[int]:
        """Any other query type: Whoosh's own matchers."""
        found: set[int] = set()
        wq = to_whoosh(q)
        for sub, offset in self.searcher.leaf_searchers():
            for n, d in enumerate(wq.docs(sub)):
                if n % 256 == 0 and self.expired():
                    return found
                found.add(offset + d)
        return found

    _handlers: ClassVar[dict[type, Callable]] = {
        N.Term: _term,
        N.And: _and,
        N.Or: _or,
        N.Not: _not,
        N.Every: _every,
        N.Nothing: _null,
        N.Prefix: _prefix,
        N.DateRange: _dates,
        N.Phrase: _phrase,
    }

    # ------------------------------------------------------------ ranking

    def ranks(self, q: N.Node | None) -> bool:
        """Return whether q has a term that scores (a word of a text field), so relevance
        means something."""
        schema = self.reader.schema
        return q is not None and any(schema[f].scorable for f, _, _ in scoring_terms(q))

    def top(self, q: N.Node, docs: set[int], limit: int) -> list[tuple[int, float]]:
        """Return the best `limit` of docs by BM25F over q's positive terms, best first."""
        scores = dict.fromkeys(docs, 0.0)
        for field, text, boost in scoring_terms(q):
            if self.expired():
                break
            self._add_scores(scores, field, text, boost)
        best = heapq.nlargest(limit, scores, key=lambda d: (scores[d], -d))
        return [(d, scores[d]) for d in best]

    def _add_scores(self, scores: dict, field: str, text: str, boost: float) -> None:
        if not self.reader.schema[field].scorable:
            return
        ids, tfs = self.postings(field, text)
        if not ids:
            return
        n = self.reader.doc_count() or 1
        idf = math.log(n / (len(ids) + 1)) + 1.0
        lengths = self.values.lengths(field)
        # The field's total length counts deleted documents too (Whoosh keeps no live total),
        # so it is averaged over all documents, as Whoosh does, not over the live ones
        avg = (self.reader.field_length(field) / (self.reader.doc_count_all() or 1)) or 1.0
        k = boost * idf * (K1 + 1)
        for d, tf in zip(ids, tfs, strict=True):
            if d in scores:
                scores[d] += k * tf / (tf + K1 * ((1 - B) + B * lengths[d] / avg))


def _cost(q: N.Node) -> int:
    """Rank a query part by how costly it is to evaluate: set operations before positions."""
    return 1 if isinstance(q, N.Phrase) or type(q) not in Engine._handlers else 0


def scoring_terms(q: N.Node) -> list[tuple[str, str, float]]:
    """Return (field, term, boost) of every term that counts towards a document's score."""
    if isinstance(q, N.Not):
        return []
    if isinstance(q, N.Term):
        return [(q.fieldname, q.text, q.boost)]
    if isinstance(q, N.Phrase):
        return [(q.fieldname, w, q.boost) for w in q.words]
    out = []
    for sub in getattr(q, "subqueries", ()):
        out += scoring_terms(sub)
    return out
