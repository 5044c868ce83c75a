"""Search engines behind one contract; only this package touches an engine.

The search core and the build speak to an engine through the types below (docs/backends.md
says what each promises, and how an OpenSearch backend would map onto them):

- `open_generation(path)` opens one index generation for reading: a `Reader`, shared by the
  threads of a process. Its `execute(Execute)` runs a parsed query with filters, a sort, an
  offset and a page size, and answers total, page and facet counts in one call, as a remote
  engine answers one request. `summary(ref)` reads a hit's stored summary, `lexicon()` the
  indexed words (stem expansion, wildcards, did-you-mean), `store()` the side store.
- Writing goes through the same backend (`indexer.indexing.builder` calls `writing(name)`):
  `whoosh` (the default) or `tantivy`.

Every generation records its backend in a file `BACKEND` (absent: Whoosh, which wrote the
generations made before the file existed), so readers never need another setting.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

BACKEND_FILE = "BACKEND"  # in a generation: the name of the backend that wrote it
DEFAULT_BACKEND = "whoosh"
BACKENDS = ("whoosh", "tantivy")  # what `indexer build --backend` offers
SORTS = ("relevance", "newest", "oldest", "period", "company")


class UnknownBackend(Exception):
    """A generation names a backend this installation does not have."""


@dataclass(frozen=True)
class Execute:
    """One search as a backend runs it: what matches, in which order, which slice, which facets.

    `query` is the parsed query (None: every filing), `filters` the compiled filters (None:
    none); `limit` 0 asks for the total (and facets) only. Relevance without words to rank by
    (nothing typed, only fields) is newest first.
    """

    query: Any = None
    filters: Any = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 10
    facets: tuple[str, ...] = ()  # facet names to count over the whole result set
    deadline: float = math.inf  # time.monotonic() past which matching and ranking stop


@dataclass
class FacetCounts:
    """One facet over a result set: filings per value (exact), and filings with no value."""

    counts: Counter = field(default_factory=Counter)
    missing: int = 0


@dataclass
class Page:
    """What `Reader.execute` answers."""

    total: int  # every match (exact unless timed_out)
    hits: list[tuple[Any, float | None]]  # (ref for `summary`, score or None), in order
    facets: dict[str, FacetCounts]
    timed_out: bool


class Lexicon(Protocol):
    """The indexed words of a generation, as the query language and did-you-mean read them."""

    def variants(self, word: str) -> list[str]: ...
    def expand(self, field: str, prefix: str) -> tuple[list[str], bool]: ...
    def doc_frequency(self, field: str, term: str) -> int: ...
    def suggest(self, word: str) -> tuple[str, int] | None: ...


class Reader(Protocol):
    """An opened generation: shared by threads, closed when replaced and no search uses it."""

    name: str
    path: Path

    def execute(self, ex: Execute) -> Page: ...
    def summary(self, ref: Any) -> dict: ...
    def lexicon(self) -> Lexicon: ...
    def store(self) -> Any: ...  # the calling thread's side-store connection (store.Store)
    def doc_count(self) -> int: ...
    def doc_ids(self) -> Counter: ...  # filing id → live documents carrying it (verify)
    def acquire(self) -> None: ...
    def release(self) -> None: ...
    def retire(self) -> None: ...
    def close(self) -> None: ...


class Writing(Protocol):
    """How a backend writes a generation (a module: indexer/backend/whoosh/writer.py).

    `MainWriter(gen, fresh)` is the one writer of a new generation (`delete(ids)`,
    `commit(segments)`, `cancel()`); `SegmentSink(gen)` is filled by one build worker
    (`add(id, filing)`, `finish()` → a segment for `commit`, `cancel()`); `compatible(gen)`
    tells whether an earlier generation can be extended, else the build starts anew.
    """

    NAME: str

    def compatible(self, gen: Path) -> bool: ...


def writing(name: str = DEFAULT_BACKEND) -> Writing:
    """Return how the named backend writes generations."""
    if name == "whoosh":
        from indexer.backend.whoosh import writer

        return writer
    if name == "tantivy":
        from indexer.backend.tantivy import writer

        return writer
    raise UnknownBackend(f"no backend {name!r} (this installation has: {', '.join(BACKENDS)})")


def backend_name(gen: Path) -> str:
    """Return the name of the backend that wrote a generation."""
    try:
        return (gen / BACKEND_FILE).read_text().strip() or DEFAULT_BACKEND
    except FileNotFoundError:
        return DEFAULT_BACKEND


def open_generation(gen: Path) -> Reader:
    """Open a generation for reading with the backend that wrote it."""
    name = backend_name(gen)
    if name == "whoosh":
        from indexer.backend.whoosh.generation import Generation

        return Generation(gen)
    if name == "tantivy":
        from indexer.backend.tantivy.generation import Generation as TantivyGeneration

        return TantivyGeneration(gen)
    raise UnknownBackend(f"{gen.name} was written by backend {name!r}, which is not installed")
