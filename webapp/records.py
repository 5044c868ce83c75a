"""A filing's record and texts, read through the app's one SearchIndex by the search core's
lookups (no index is opened per request)."""

from __future__ import annotations

from indexer.search import lookups
from indexer.search.lookups import Loaded
from webapp.index import get_index

__all__ = ["Loaded", "load_filing", "load_record"]


def load_filing(fid: str, q: str = "") -> Loaded | None:
    """Return a filing's record, its documents' texts and the query's terms; None if unknown."""
    return lookups.load_filing(get_index(), fid, q)


def load_record(fid: str) -> dict | None:
    """Return a filing's record, None if the serving generation does not hold it."""
    return lookups.load_record(get_index(), fid)
