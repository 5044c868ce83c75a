"""A query that does not parse: the search page again, with the error where it is and a fix.

The HTML answer is still a 400, but it is the search form with the query in the box, every
filter kept, the place of the error marked and, when one edit surely repairs the query, a link
to the repaired search. The `.json` twin answers the same data in the error shape.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template, request, url_for

from indexer.query.filters import QueryError
from indexer.query.repair import suggest_fix
from webapp import params, urls
from webapp.dates import date_presets
from webapp.errors import ApiError, error_response, wants_json
from webapp.results import form_state
from webapp.urls import Links

SEARCH_ENDPOINTS = ("search.search", "search.home")
COMPANY_ENDPOINT = "companies.company"


def page_state():
    """Return the request, links and form action of the search page that was asked for, or
    None when the URL is no search page (or its other parameters are wrong too)."""
    endpoint = (request.endpoint or "").removesuffix("_json")
    if endpoint in SEARCH_ENDPOINTS:
        req = params.parse_search(request.args)
        return req, Links("search.search", req), url_for("search.search")
    if endpoint == COMPANY_ENDPOINT:
        cik = params.cik((request.view_args or {}).get("cik", ""))
        req = params.parse_search(request.args, exclude=("cik",))
        links = Links(COMPANY_ENDPOINT, req, cik=cik.lstrip("0") or "0")
        return req, links, urls.company_url(cik)
    return None


def marked(q: str, position: int, reason: str) -> dict:
    """Split the query around the character at `position`, which the page marks."""
    at = q[position : position + 1]
    return {
        "reason": reason,
        "before": q[:position],
        "at": at,
        "after": q[position + 1 :],
        "at_end": not at,
    }


def args_query() -> str:
    """Return the query of a URL that is no search page (an export's, say), "" if unreadable."""
    try:
        return params.query_arg(request.args)
    except ApiError:
        return ""


def error_data(e: QueryError, state) -> dict:
    """Return the error's data: message, parameter, position and the repaired query."""
    q = state[0].q if state else args_query()
    fix = suggest_fix(q) if e.param == "q" and e.position is not None and q else None
    data = {"ok": False, "error": f"{e.param}: {e}", "status": 400, "param": e.param}
    if e.position is not None:
        data["position"] = e.position
    if fix and fix != q:
        data["suggestion"] = fix
        if state:
            data["suggestion_url"] = state[1].query(fix)
    return data


def query_error(e: QueryError):
    """Answer a query error: the search page with the error shown, or its JSON data."""
    try:
        state = page_state()
    except ApiError:  # another parameter is wrong too: the plain error page says so
        state = None
    data = error_data(e, state)
    if state is None or wants_json():
        extra = {k: v for k, v in data.items() if k not in ("ok", "error", "status")}
        return error_response(400, data["error"], **extra)
    req, _links, action = state
    form = form_state(SimpleNamespace(request=req), action)  # form_state reads only .request
    if data["param"] == "q" and "position" in data:
        form["error_at"] = position = min(data["position"], len(req.q))
        data["marked"] = marked(req.q, position, getattr(e, "reason", e.message))
    title = f"Query error: {req.q} — EDGAR search"
    presets = date_presets(state[1])
    html = render_template(
        "error.html", status=400, message=data["error"], query_error=data, form=form,
        title=title, date_presets=presets,
    )  # fmt: skip
    return html, 400
