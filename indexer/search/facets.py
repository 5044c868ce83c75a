"""Facets as a result page shows them: labels, the top values, the rest summed.

A backend counts every facet over the whole result set (`indexer.backend.FacetCounts`). A
filing is one document, so every count is a count of filings; a filing with two values of a
multi-valued field (two filers' states, several items) counts once under each.
"""

from __future__ import annotations

import heapq
import math

from indexer.backend import FacetCounts
from indexer.edgar.items import MODERN_ITEMS
from indexer.query.fields import FACET_LABELS
from indexer.query.filters import UNDATED, Filters

FACET_SIZE = 10  # values shown per facet by default
MAX_FACET_SIZE = 1000

FACET_NAMES = tuple(FACET_LABELS)  # the facets a result counts, in the order pages show them


def value_label(facet: str, value: str) -> str:
    """Return how a facet value is shown: items get their title."""
    if facet == "items" and value in MODERN_ITEMS:
        return f"{value} {MODERN_ITEMS[value]}"
    if facet == "year" and value == UNDATED:
        return "no known filing date"
    return value


def shape_facets(counts: dict[str, FacetCounts], filters: Filters, size: int = FACET_SIZE):
    """Shape a backend's facet counts: the top `size` values of each, labelled, selected ones
    marked, the rest summed into `other_*`."""
    return {name: shape_facet(name, counts[name], filters, size) for name in counts}


def shape_facet(name: str, facet: FacetCounts, filters: Filters, size: int) -> dict:
    """Shape one facet; ties in value order."""
    ranked = top_values(facet.counts, size)
    selected = set(filters.selected(name))
    shown = [
        {"value": v, "label": value_label(name, v), "count": n, "selected": v in selected}
        for v, n in ranked
    ]
    return {
        "name": name,
        "label": FACET_LABELS[name],
        "values": shown,
        "other_values": len(facet.counts) - len(ranked),  # distinct values not shown
        "other_count": sum(facet.counts.values()) - sum(n for _, n in ranked),  # theirs, summed
        "missing": facet.missing,  # filings with no value
    }


def top_values(counts: dict[str, int], size: int) -> list[tuple[str, int]]:
    """Return the `size` values with the highest counts, highest first, ties in value order.

    The same as sorting every value, but a broad search over a million filings counts tens of
    thousands of companies: only the values at or above the size-th count are sorted.
    """
    if len(counts) <= size:
        return sorted(counts.items(), key=rank)
    floor = heapq.nlargest(size, counts.values())[-1] if size else math.inf
    return sorted(((v, n) for v, n in counts.items() if n >= floor), key=rank)[:size]


def rank(kv: tuple[str, int]) -> tuple[int, str]:
    """Order facet values by count, highest first, then by value."""
    return -kv[1], kv[0]
