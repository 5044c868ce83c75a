"""Per-document facet values and sort keys of one Whoosh generation, read once.

Each facet field is read from its term postings into one small tuple per document, and each
sort field from its column, so counting and sorting a result set never runs a Whoosh
`groupedby` pass.
"""

from __future__ import annotations

import threading

from indexer.backend.whoosh.schema import FACET_FIELDS

MISSING_DATE = 2**64 - 1  # what a DATETIME column holds for a filing without the date


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
