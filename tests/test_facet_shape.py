"""Facets as pages show them: the top values of a count, chosen without sorting them all."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from indexer.backend import FacetCounts
from indexer.query.filters import Filters
from indexer.search.facets import shape_facet, top_values

COUNTS = st.dictionaries(st.text(max_size=3), st.integers(1, 6), max_size=40)


def by_sorting_all(counts: dict, size: int) -> list:
    """The definition: every value sorted by count (highest first), then by value."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]


@given(COUNTS, st.integers(0, 45))
def test_the_top_values_are_those_of_sorting_every_value(counts, size):
    assert top_values(counts, size) == by_sorting_all(counts, size)


@given(COUNTS, st.integers(1, 45), st.integers(0, 3))
def test_a_shaped_facet_shows_the_top_and_sums_the_rest(counts, size, missing):
    shaped = shape_facet("company", FacetCounts(Counter(counts), missing), Filters(), size)
    top = by_sorting_all(counts, size)
    assert [(v["value"], v["count"]) for v in shaped["values"]] == top
    rest = by_sorting_all(counts, len(counts))[size:]
    assert shaped["other_values"] == len(rest)
    assert shaped["other_count"] == sum(n for _, n in rest)
    assert shaped["missing"] == missing


def test_ties_at_the_last_place_shown_go_in_value_order():
    counts = {"b": 2, "a": 2, "c": 2, "z": 9}
    assert top_values(counts, 2) == [("z", 9), ("a", 2)]
