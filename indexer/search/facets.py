"""Facet counts over a result set, with their labels.

A backend hands each document's facet values (see backend/whoosh/docvalues.py); counting a
result set is a Counter over them (C speed). A filing is one document, so every count is a
count of filings; a filing with two values of a multi-valued field (two filers' states, several
items) counts once under each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

from indexer.backend.whoosh.schema import FACET_FIELDS
from indexer.edgar.items import MODERN_ITEMS
from indexer.query.filters import UNDATED, Filters

FACET_SIZE = 10  # values shown per facet by default
MAX_FACET_SIZE = 1000

FACET_LABELS = {
    "form": "Form",
    "company": "Company",
    "year": "Year",
    "items": "8-K item",
    "state": "State of incorporation",
    "biz_state": "Business state",
    "sic": "SIC code",
    "exhibit": "Exhibit type",
    "signer": "Signer",
}


def value_label(facet: str, value: str) -> str:
    """Return how a facet value is shown: items get their title."""
    if facet == "items" and value in MODERN_ITEMS:
        return f"{value} {MODERN_ITEMS[value]}"
    if facet == "year" and value == UNDATED:
        return "no known filing date"
    return value


def count_facets(
    values, docs: Sequence[int], filters: Filters, size: int = FACET_SIZE
) -> dict[str, dict]:
    """Count every facet over the whole result set; keep the top `size` values of each."""
    return {name: count_facet(values, name, docs, filters, size) for name in FACET_FIELDS}


def count_facet(values, name: str, docs, filters: Filters, size: int) -> dict:
    """Count one facet; the values past the top `size` are summed into `other_*`."""
    names, per_doc = values.facet(name)
    rows = [per_doc[d] for d in docs]
    counts = Counter(chain.from_iterable(rows))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]]))
    selected = set(filters.selected(name))
    shown = [
        {
            "value": names[i],
            "label": value_label(name, names[i]),
            "count": n,
            "selected": names[i] in selected,
        }
        for i, n in ranked[:size]
    ]
    rest = ranked[size:]
    return {
        "name": name,
        "label": FACET_LABELS[name],
        "values": shown,
        "other_values": len(rest),  # distinct values not shown
        "other_count": sum(n for _, n in rest),  # their counts, summed
        "missing": sum(1 for r in rows if not r),  # filings with no value
    }
