"""The one resource the app owns: the search index of its index directory, opened once."""

from __future__ import annotations

from flask import Flask, current_app

from indexer.search.core import SearchIndex, open_index

EXTENSION = "edgar_index"


def init_app(app: Flask) -> None:
    """Attach the index of INDEX_DIR to the app (opened lazily on the first request)."""
    app.extensions[EXTENSION] = open_index(app.config["INDEX_DIR"])


def get_index() -> SearchIndex:
    """Return the app's SearchIndex; it reopens itself when a build swaps in a generation."""
    return current_app.extensions[EXTENSION]
