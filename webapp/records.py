"""Adapter to the serving generation's side store: a filing's record and texts, and the terms a
query highlights, read through the app's one SearchIndex (no index is opened per request).

The search core offers `search()` only; until it offers record / text / highlight look-ups of its
own, this module reaches them through `SearchIndex.using()` and the thread's `View`.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.query.language import parse_query
from webapp.index import get_index


@dataclass
class Loaded:
    record: dict
    texts: list[str]
    highlights: list[tuple[str, ...]]  # body terms and phrases of the query, stem variants too


def load_filing(fid: str, q: str = "") -> Loaded | None:
    """Return a filing's record, its documents' texts and the query's terms; None if unknown.

    Raises QueryError for a query that does not parse, NoIndex when nothing is built.
    """
    with get_index().using() as gen:
        view = gen.view()
        record = view.store.record(fid)
        if record is None:
            return None
        texts = view.store.texts(fid) or []
        highlights = parse_query(q, view.lexicon).highlights if q else []
    return Loaded(record, texts, [h for h in highlights if h])


def load_record(fid: str) -> dict | None:
    """Return a filing's record, None if the serving generation does not hold it."""
    with get_index().using() as gen:
        return gen.view().store.record(fid)
