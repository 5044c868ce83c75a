"""A body's terms and their encoded positions, computed with numpy rather than a token loop.

What `schema.BodyText.index` yields for a text: per term its bytes, frequency, weight and
`CompactPositions` value (the code of the narrowest unsigned type, then the deltas between
positions, little-endian). A Python loop appending each token's position to its term's list
costs a dict look-up and an append per token; here each token becomes a number once (a C-level
`map`), and grouping, deltas, widths and bytes are whole-array operations: Python work is left
per distinct term only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import filterfalse

import numpy as np

CODES = np.frombuffer(b"BHI", dtype=np.uint8)  # type codes of 1-, 2- and 4-byte deltas
WIDTHS = np.array([1, 2, 4], dtype=np.int64)


def term_ids(pieces: Iterator[list[str]]) -> tuple[dict[str, int], np.ndarray]:
    """Number the distinct tokens in order of first appearance; return them and the text as
    numbers (one uint32 per token)."""
    vocab: dict[str, int] = {}
    chunks = []
    for tokens in pieces:
        new = [t for t in dict.fromkeys(tokens) if t not in vocab]
        vocab.update(zip(new, range(len(vocab), len(vocab) + len(new)), strict=True))
        chunks.append(np.fromiter(map(vocab.__getitem__, tokens), np.uint32, len(tokens)))
    ids = np.concatenate(chunks) if chunks else np.zeros(0, np.uint32)
    return vocab, ids


def group_positions(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions grouped by term number (increasing within a term) and each
    term's count."""
    order = np.argsort(ids, kind="stable").astype(np.uint32)
    return order, np.bincount(ids)


def add_parts(
    vocab: dict[str, int],
    positions: np.ndarray,
    counts: np.ndarray,
    parts_of: Callable[[str], list[str]],
) -> tuple[np.ndarray, np.ndarray]:
    """Give the parts of compound terms their compound's positions too ("0-17999" → "0",
    "17999"); return the positions (sorted by term, then position) and counts."""
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    part_ids, whole_ids = [], []
    for word in filterfalse(str.isalnum, list(vocab)):  # compounds hold a non-alphanumeric
        for part in parts_of(word):
            part_ids.append(vocab.setdefault(part, len(vocab)))
            whole_ids.append(vocab[word])
    if not part_ids:
        return positions, counts
    # each part gets its compound's run of positions, all runs gathered at once
    run_len = counts[whole_ids]
    run_at = np.repeat(starts[whole_ids] - (np.cumsum(run_len) - run_len), run_len)
    extra = positions[run_at + np.arange(len(run_at))]
    ids = np.repeat(np.arange(len(counts), dtype=np.uint64), counts)
    keys = np.concatenate((ids, np.repeat(np.array(part_ids, np.uint64), run_len)))
    keys <<= np.uint64(32)
    keys |= np.concatenate((positions, extra)).astype(np.uint64)
    keys.sort()
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), np.bincount(keys >> np.uint64(32))


def encode_groups(positions: np.ndarray, counts: np.ndarray) -> list[bytes]:
    """Encode each term's positions as `CompactPositions` does, all (one or more) at once."""
    n_terms = len(counts)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    deltas = positions.astype(np.int64)
    deltas[1:] -= deltas[:-1].copy()
    deltas[starts] = positions[starts]  # the first delta of a term is from position 0
    top = np.maximum.reduceat(deltas, starts)
    kind = (top >= 1 << 8).astype(np.int64) + (top >= 1 << 16)
    width = WIDTHS[kind]
    sizes = 1 + counts * width
    ends = np.cumsum(sizes)
    offsets = ends - sizes
    buf = np.zeros(int(ends[-1]), np.uint8)
    buf[offsets] = CODES[kind]
    term_of = np.repeat(np.arange(n_terms), counts)
    elem_width = width[term_of]
    at = offsets[term_of] + 1 + (np.arange(len(positions)) - starts[term_of]) * elem_width
    for k in range(4):  # byte k of each delta that is wider than k bytes
        wide = elem_width > k
        buf[at[wide] + k] = (deltas[wide] >> (8 * k)) & 0xFF
    raw = buf.tobytes()
    return [raw[a:b] for a, b in zip(offsets.tolist(), ends.tolist(), strict=True)]


def body_columns(
    pieces: Iterator[list[str]], parts_of: Callable[[str], list[str]], boost: float
) -> tuple[list[str], list[int], list[float], list[bytes]]:
    """Return a text's distinct terms (each compound's parts at its positions too), given
    piece by piece, with their frequencies, weights and encoded positions, as four lists."""
    vocab, ids = term_ids(pieces)
    if not vocab:
        return [], [], [], []
    positions, counts = group_positions(ids)
    del ids
    positions, counts = add_parts(vocab, positions, counts, parts_of)
    return list(vocab), counts.tolist(), (counts * boost).tolist(), encode_groups(positions, counts)


def decode_groups(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Decode many `CompactPositions` values at once (the inverse of `encode_groups`): return
    each value's count of positions and all the positions, value after value (int64)."""
    lens = np.fromiter(map(len, values), np.int64, len(values))
    buf = np.frombuffer(b"".join(values), np.uint8)
    ends = np.cumsum(lens)
    offsets = ends - lens
    kind = np.searchsorted(CODES, buf[offsets])  # "B", "H", "I" → 0, 1, 2
    if len(values) and (kind.max() > 2 or (CODES[kind] != buf[offsets]).any()):
        raise ValueError("not a CompactPositions value")
    width = WIDTHS[kind]
    counts = (lens - 1) // width
    starts = np.cumsum(counts) - counts
    value_of = np.repeat(np.arange(len(values)), counts)
    elem_width = width[value_of]
    at = offsets[value_of] + 1 + (np.arange(int(counts.sum())) - starts[value_of]) * elem_width
    deltas = buf[at].astype(np.int64)
    for k in range(1, 4):  # byte k of each delta that is wider than k bytes
        wide = elem_width > k
        deltas[wide] |= buf[at[wide] + k].astype(np.int64) << (8 * k)
    total = np.cumsum(deltas)
    nonempty = counts > 0
    base = np.zeros(len(values), np.int64)
    base[nonempty] = total[starts[nonempty]] - deltas[starts[nonempty]]
    return counts, total - np.repeat(base, counts)
