"""Views pooled per search, for any backend's `Reader`.

A search holds a view (whatever per-thread state an engine needs: a searcher, a lexicon, a
side-store connection) from a pool, so there are as many views as concurrent searches, however
many threads come and go. A replaced generation is closed as soon as no search is using it.
"""

from __future__ import annotations

import threading
from typing import Any


class ViewPool:
    """Acquire/release/retire of the Reader contract; subclasses make and close the views."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._views: list = []
        self._idle: list = []
        self._lock = threading.Lock()
        self._active = 0  # searches using this generation now
        self._retired = False  # replaced: close when no search uses it
        self.closed = False

    def make_view(self) -> Any:
        """Return a new view for one search."""
        raise NotImplementedError

    def close_engine(self) -> None:
        """Let go of what the views share (called once, after every view is closed)."""

    def view(self) -> Any:
        """Return the view this thread holds during a search, taking one from the pool."""
        v = getattr(self._local, "view", None)
        if v is None:
            with self._lock:
                v = self._idle.pop() if self._idle else None
            if v is None:
                v = self.make_view()
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
        self.close_engine()
