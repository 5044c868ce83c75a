"""The long-lived side of searching: one `SearchIndex` per process and index directory.

It holds the serving generation open (no index is opened per request) and notices when
`CURRENT` names a new one. A search holds a `View` (Whoosh searcher, lexicon, engine and
side-store connection) from a pool, so there are as many views as concurrent searches, however
many threads come and go; what does not depend on a thread (per-document facet values, sort keys,
field lengths) is read once per generation. A replaced generation is closed as soon as no
search is using it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.backend.whoosh.docvalues import DocValues
from indexer.backend.whoosh.engine import Engine
from indexer.backend.whoosh.lexicon import ReaderLexicon
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store


class View:
    """A searcher, lexicon, engine and side-store connection on a generation, for one search."""

    def __init__(self, gen: Generation):
        self.searcher = gen.ix.searcher()
        self.lexicon = ReaderLexicon(self.searcher.reader())
        self.engine = Engine(self.searcher, gen.values)
        self.store = Store(gen.path, readonly=True)

    def close(self) -> None:
        self.searcher.close()
        self.store.close()


class Generation:
    """An opened index generation: the Whoosh index, per-document values, pooled views."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        self.ix, store = indexdir.open_generation(path)
        store.close()
        self.values = DocValues(self.ix.reader())
        self._local = threading.local()
        self._views: list[View] = []
        self._idle: list[View] = []
        self._lock = threading.Lock()
        self._active = 0  # searches using this generation now
        self._retired = False  # replaced: close when no search uses it
        self.closed = False

    def view(self) -> View:
        """Return the view this thread holds during a search, taking one from the pool."""
        v = getattr(self._local, "view", None)
        if v is None:
            with self._lock:
                v = self._idle.pop() if self._idle else None
            if v is None:
                v = View(self)
                with self._lock:
                    self._views.append(v)
            self._local.view = v
        return v

    def acquire(self) -> None:
        with self._lock:
            self._active += 1
        self._local.depth = getattr(self._local, "depth", 0) + 1

    def release(self) -> None:
        self._local.depth -= 1
        view = getattr(self._local, "view", None)
        with self._lock:
            if self._local.depth == 0 and view is not None:
                self._local.view = None
                self._idle.append(view)  # views are pooled: as many as concurrent searches
            self._active -= 1
            idle = self._retired and self._active == 0
        if idle:
            self.close()

    def retire(self) -> None:
        """Mark as replaced; close now if idle, else when the last search releases it."""
        with self._lock:
            self._retired = True
            idle = self._active == 0
        if idle:
            self.close()

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            views, self._views = self._views, []
        for v in views:
            v.close()
        self.values.close()
        self.ix.close()


class SearchIndex:
    """The serving generation of an index directory, reopened when `CURRENT` changes."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._gen: Generation | None = None
        self._lock = threading.Lock()

    @contextmanager
    def using(self) -> Iterator[Generation]:
        """Yield the serving generation, kept open until the block ends; raise NoIndex when
        nothing is built yet."""
        path = indexdir.require_generation(self.root)
        with self._lock:
            if self._gen is None or self._gen.path != path:
                old, self._gen = self._gen, Generation(path)
                if old is not None:
                    old.retire()
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
