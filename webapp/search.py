"""`/` and `/search` (+ `/search.json`): the search form, facets, results and pages."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, request, url_for

from indexer.search.core import MAX_PAGE, search
from indexer.search.facets import FACET_NAMES, MAX_FACET_SIZE
from webapp import params
from webapp.index import get_index
from webapp.render import respond
from webapp.results import narrow_facet, results_data, trim_facet
from webapp.urls import Links

bp = Blueprint("search", __name__)

MAX_FIND = 100  # characters of the words narrowing a facet's full list


def page_title(q: str) -> str:
    return f"{q} — EDGAR search" if q else "EDGAR full-text search"


def more_arg() -> str | None:
    """Return the facet to list in full (`more=company`), None when absent or empty."""
    more = params.exact_arg(request.args, "more", 40)
    if more is not None and more not in FACET_NAMES:
        raise params.bad("more", f"unknown facet {more!r} (use {', '.join(FACET_NAMES)})")
    return more


def find_arg(more: str | None) -> str | None:
    """Return the words narrowing the facet listed in full (`find=`), None without one."""
    find = params.text_arg(request.args, "find", MAX_FIND)
    return find if more else None


def search_page():
    """Parse the request, search, render; with no query, every filing, newest first. With
    `more=<facet>`, that facet lists every value (up to MAX_FACET_SIZE) or those holding
    `find=`, the others their top values."""
    req = params.parse_search(request.args)
    more = more_arg()
    find = find_arg(more)
    run = replace(req, facet_size=MAX_FACET_SIZE) if more else req
    result = search(get_index(), run)
    if more:
        facets = {k: trim_facet(f, req.facet_size) for k, f in result.facets.items()}
        facets[more] = narrow_facet(result.facets[more], find) if find else result.facets[more]
        result = replace(result, request=req, facets=facets)
    links = Links("search.search", req, more=more, find=find)
    data = results_data(result, links, url_for("search.search"), MAX_PAGE, expandable=True)
    data["title"] = page_title(req.q)
    return respond("search.html", data)


bp.add_url_rule("/", "home", search_page)
bp.add_url_rule("/search", "search", search_page)
bp.add_url_rule("/search.json", "search_json", search_page)
