"""Facet counts kept for the result sets searched last: the next page of a search, another sort
or page size, and a page's `.json` twin count the same result set's facets again, which over a
million filings is most of a search's time (Elasticsearch keeps aggregations in its shard
request cache for the same reason).

A count is kept under the generation's name and what decides the result set and its counts:
the query, the filters and the facets asked for (not the sort, page or page size). A
generation never changes, so a kept count stays exact; `SearchIndex` empties the cache when it
opens a new one. The cache is bounded by the facet values it holds (a broad search over a
million filings counts tens of thousands of companies) and by its entries; the least recently
used go first. Counts of a search that passed its deadline are not kept.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

from indexer.backend import FacetCounts

ENV_VAR = "EDGAR_FACET_CACHE"  # "0": keep nothing (the benchmark measures every count)
MAX_VALUES = 500_000  # facet values held in all, about 50 MB
MAX_ENTRIES = 256


def enabled() -> bool:
    """Tell whether the environment leaves the cache on (the default)."""
    return os.environ.get(ENV_VAR, "1") != "0"


class FacetCache:
    """A bounded, thread-safe LRU map of (generation, query, filters, facets) → facet counts."""

    def __init__(self, max_values: int = MAX_VALUES, max_entries: int = MAX_ENTRIES):
        self.max_values, self.max_entries = max_values, max_entries
        self._kept: OrderedDict[tuple, tuple[dict[str, FacetCounts], int]] = OrderedDict()
        self._values = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple) -> dict[str, FacetCounts] | None:
        """Return the counts kept under a key (None: none kept)."""
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: tuple, facets: dict[str, FacetCounts]) -> None:
        """Keep a result set's counts; the oldest go while over a bound (counts larger than
        the whole bound are not kept)."""
        size = 1 + sum(len(f.counts) for f in facets.values())
        if size > self.max_values:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = (facets, size)
            self._values += size
            while self._values > self.max_values or len(self._kept) > self.max_entries:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._values -= dropped

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._values = 0
