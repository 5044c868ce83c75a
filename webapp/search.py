"""`/` and `/search` (+ `/search.json`): the search form, facets, results and pages."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from indexer.search.core import MAX_PAGE, search
from webapp import params
from webapp.index import get_index
from webapp.render import respond
from webapp.results import results_data
from webapp.urls import Links

bp = Blueprint("search", __name__)


def page_title(q: str) -> str:
    return f"{q} — EDGAR search" if q else "EDGAR full-text search"


def search_page():
    """Parse the request, search, render; with no query, every filing, newest first."""
    req = params.parse_search(request.args)
    result = search(get_index(), req)
    links = Links("search.search", req)
    data = results_data(result, links, url_for("search.search"), MAX_PAGE)
    data["title"] = page_title(req.q)
    return respond("search.html", data)


bp.add_url_rule("/", "home", search_page)
bp.add_url_rule("/search", "search", search_page)
bp.add_url_rule("/search.json", "search_json", search_page)
