"""The word prefilter of label searches: lines_with finds exactly the lines holding a word."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from indexer.edgar.lines import fold, lines_with

NEEDLES = (b"item", b"exhibit", re.compile(rb"file\s+n"))
PIECES = ["Item", "ITEM 7", "exhibit", "Exhib", "it", "file  No.", "file\tn", "İtem", "ſ", " ", "x"]


def holds(line: str, needle) -> bool:
    low = line.replace("İ", "i").lower().encode("utf-8")
    return needle in low if isinstance(needle, bytes) else bool(needle.search(low))


@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), max_size=30))
def test_lines_with_yields_each_line_holding_a_needle_once_in_order(lines):
    found = list(lines_with(lines, fold(lines), NEEDLES))
    assert found == [i for i, line in enumerate(lines) if any(holds(line, n) for n in NEEDLES)]


def test_lines_holding_a_newline_are_all_searched():
    lines = ["a\nitem", "b"]
    assert fold(lines) is None
    assert list(lines_with(lines, None, NEEDLES)) == [0, 1]
