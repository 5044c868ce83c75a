"""Facet counts and sort keys from per-document values read once per index generation.

Each facet field is read from its term postings into one small tuple per document, so counting
a result set is a Counter over those tuples (C speed), never a Whoosh `groupedby` pass. A filing
is one document, so every count is a count of filings; a filing with two values of a
multi-valued field (two filers' states, several items) counts once under each.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from indexer.filters import UNDATED, Filters
from indexer.items import MODERN_ITEMS
from indexer.schema import FACET_FIELDS

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
SORT_FIELDS = {"filed", "period", "company_name"}
MISSING_DATE = 2**64 - 1  # what a DATETIME column holds for a filing without the date


def value_label(facet: str, value: str) -> str:
    """Return how a facet value is shown: items get their title."""
    if facet == "items" and value in MODERN_ITEMS:
        return f"{value} {MODERN_ITEMS[value]}"
    if facet == "year" and value == UNDATED:
        return "no known filing date"
    return value


class DocValues:
    """Per-document facet values and sort keys of one generation; shared by all searchers."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self._reader_lock = threading.Lock()
        self._facets: dict[str, tuple[list[str], list[tuple[int, ...]]]] = {}
        self._sort: dict[str, list] = {}
        self._reader = reader

    def facet(self, name: str) -> tuple[list[str], list[tuple[int, ...]]]:
        """Return a facet's distinct values and, per document, the indexes of its values."""
        return self._cached(self._facets, name, lambda: self._read_facet(FACET_FIELDS[name]))

    def _read_facet(self, field: str) -> tuple[list[str], list[tuple[int, ...]]]:
        reader = self._reader
        per_doc: list[list[int]] = [[] for _ in range(self.size)]
        values = []
        if field not in reader.schema:  # an index built before the field: no values until rebuilt
            return values, [()] * self.size
        for i, bterm in enumerate(reader.lexicon(field)):
            values.append(bterm.decode("utf-8"))
            for docnum in reader.postings(field, bterm).all_ids():
                per_doc[docnum].append(i)
        return values, [tuple(v) for v in per_doc]

    def close(self) -> None:
        self._reader.close()

    def live(self) -> frozenset[int]:
        """Return the numbers of the documents that are not deleted."""
        return self._cached(self._sort, "<live>", lambda: frozenset(self._reader.all_doc_ids()))

    def lengths(self, field: str) -> list[int]:
        """Return each document's length in a text field (in tokens), for BM25."""
        return self._cached(self._sort, f"<len:{field}>", lambda: self._read_lengths(field))

    def _read_lengths(self, field: str) -> list[int]:
        out = [0] * self.size
        for leaf, offset in self._reader.leaf_readers():
            for i in range(leaf.doc_count_all()):
                out[offset + i] = leaf.doc_field_length(i, field) or 0
        return out

    def _cached(self, cache: dict, key: str, make):
        if key not in cache:
            with self._reader_lock:
                if key not in cache:
                    cache[key] = make()
        return cache[key]

    def sort_keys(self, field: str) -> list:
        """Return a sort key per document: an int for dates, a folded string for names;
        None where the filing has no value."""
        return self._cached(self._sort, field, lambda: self._read_sort(field))

    def _read_sort(self, field: str) -> list:
        # segment by segment: MultiReader's column skips segments without the column
        keys: list = [None] * self.size
        name = field == "company_name"
        for leaf, offset in self._reader.leaf_readers():
            if not leaf.has_column(field):
                continue
            for i, v in enumerate(leaf.column_reader(field, translate=name)):
                if name:
                    keys[offset + i] = v.casefold() if v else None
                else:
                    keys[offset + i] = None if v == MISSING_DATE else v
        return keys


def count_facets(
    values: DocValues, docs: Sequence[int], filters: Filters, size: int = FACET_SIZE
) -> dict[str, dict]:
    """Count every facet over the whole result set; keep the top `size` values of each."""
    return {name: count_facet(values, name, docs, filters, size) for name in FACET_FIELDS}


def count_facet(values: DocValues, name: str, docs, filters: Filters, size: int) -> dict:
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
