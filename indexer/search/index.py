"""The long-lived side of searching: one `SearchIndex` per process and index directory.

It holds the serving generation open with the backend that wrote it (no index is opened per
request) and notices when `CURRENT` names a new one; a replaced generation is closed by its
backend as soon as no search uses it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.backend import Reader, open_generation
from indexer.search import facetcache
from indexer.store import generations as indexdir


class SearchIndex:
    """The serving generation of an index directory, reopened when `CURRENT` changes."""

    def __init__(self, root: str | Path, facet_cache: bool | None = None):
        self.root = Path(root)
        self._gen: Reader | None = None
        self._lock = threading.Lock()
        # facet counts of the serving generation's last result sets (None: keep none); on
        # unless EDGAR_FACET_CACHE=0
        keep = facetcache.enabled() if facet_cache is None else facet_cache
        self.facets = facetcache.FacetCache() if keep else None

    @contextmanager
    def using(self) -> Iterator[Reader]:
        """Yield the serving generation, kept open until the block ends; raise NoIndex when
        nothing is built yet."""
        path = indexdir.require_generation(self.root)
        with self._lock:
            if self._gen is None or self._gen.path != path:
                old, self._gen = self._gen, open_generation(path)
                if old is not None:
                    old.retire()
                if self.facets is not None:
                    self.facets.clear()  # its keys name the old generation: none would match
            gen = self._gen
            gen.acquire()
        try:
            yield gen
        finally:
            gen.release()

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.retire()
                self._gen = None


_OPEN: dict[Path, SearchIndex] = {}
_OPEN_LOCK = threading.Lock()


def open_index(root: str | Path) -> SearchIndex:
    """Return the process's SearchIndex for an index directory."""
    key = Path(root).resolve()
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = SearchIndex(key)
        return _OPEN[key]
