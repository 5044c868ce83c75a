"""A search result → the data dict a results page renders and its `.json` twin returns.

The dict is the core's `SearchResult.to_json()` plus what a page needs to link and label:
each hit's links and item labels, each facet value's toggle link, the active filters with their
remove links, sort links, pagination and the search form's state. Nothing in it needs logic in
a template.
"""

from __future__ import annotations

from dataclasses import replace

from indexer.query.fields import FILTER_LABELS, PARAM_OF
from indexer.query.filters import Filters
from indexer.query.formcats import category_choices
from indexer.search.core import SORTS, SearchResult
from webapp import urls
from webapp.dates import date_presets
from webapp.export import export_links
from webapp.params import DEFAULT_PER_PAGE
from webapp.urls import Links, url_value

# How each sort is offered
SORT_LABELS = {
    "relevance": "Relevance",
    "newest": "Newest",
    "oldest": "Oldest",
    "period": "Period",
    "company": "Company",
}
PER_PAGE_CHOICES = (10, 25, 50, 100)  # hits per page offered (EFTS shows 100)
# Facets whose full list gets a box to search it (they run to hundreds of values)
SEARCHABLE_FACETS = ("company", "sic", "state", "biz_state", "signer", "exhibit")
PAGE_WINDOW = 2  # page links shown on each side of the current page
# What a hit says about what was indexed of it (see Hit.coverage); a full filing says nothing
COVERAGE_NOTES = {
    "header": "header only — text not indexed",
    "document": "fragment — one document, without the filing's SEC header",
}
# Filters the search form edits itself (so it does not repeat them as hidden inputs)
FORM_FIELDS = ("filed_from", "filed_to", "category")


def item_label(item: dict) -> str:
    """Label an 8-K item with both numberings: `Item 9 (now 7.01) Regulation FD Disclosure`."""
    code, normalized, title = item.get("code"), item.get("normalized"), item.get("title")
    number = f"Item {code}"
    if normalized and normalized != code:
        number += f" (now {normalized})"
    return f"{number} {title}" if title else number


def hit_data(hit: dict, q: str, back: str | None = None) -> dict:
    """Add a hit's links (the filing's carries the search, `back`) and its items' labels."""
    return {
        **hit,
        "url": urls.filing_url(hit["id"], q=q, back=back),
        "company_url": urls.company_url(hit["cik"]),
        "items": [{**i, "label": item_label(i)} for i in hit["items"]],
        "filers": [{**f, "url": urls.company_url(f["cik"])} for f in hit["filers"]],
        "matched_documents": [
            {
                **d,
                "url": urls.filing_url(
                    hit["id"], q=q, doc=d["n"], back=back, _anchor="first-match"
                ),
            }
            for d in hit["matched_documents"]
        ],
    }


def facet_data(facet: dict, links: Links, expandable: bool = False) -> dict:
    """Add each facet value's toggle link, and the links listing the facet in full or not."""
    name = facet["name"]
    toggles = links.toggles(name, [v["value"] for v in facet["values"]])
    values = [{**v, "toggle_url": url} for v, url in zip(facet["values"], toggles, strict=True)]
    expanded = links.more == name
    return {
        **facet,
        "values": values,
        "expanded": expanded,
        "searchable": name in SEARCHABLE_FACETS,
        "more_url": links.expand(name) if expandable and facet["other_values"] else None,
        "less_url": links.expand(None) if expanded else None,
        "find_hidden": links.pairs(find=None, page=1) if expanded else [],
    }


def narrow_facet(facet: dict, find: str) -> dict:
    """Keep the values of a facet whose label or value holds `find` (any case)."""
    words = find.casefold()
    values = [v for v in facet["values"] if words in f"{v['label']} {v['value']}".casefold()]
    return {**facet, "values": values}


def trim_facet(facet: dict, size: int) -> dict:
    """Keep a facet's top `size` values; sum the rest into its `other_*` counts."""
    rest = facet["values"][size:]
    return {
        **facet,
        "values": facet["values"][:size],
        "other_values": facet["other_values"] + len(rest),
        "other_count": facet["other_count"] + sum(v["count"] for v in rest),
    }


def active_filters(filters: Filters, links: Links) -> list[dict]:
    """List every filter value set, each with the link that removes it."""
    out = []
    for name, value in filters.to_json().items():
        for v in value if isinstance(value, list) else [value]:
            remove = links.remove(name, v if isinstance(value, list) else None)
            out.append(
                {
                    "name": name,
                    "param": PARAM_OF[name],
                    "label": FILTER_LABELS[name],
                    "value": "included" if v is True else v,
                    "remove_url": remove,
                }
            )
    return out


def pagination(page: int, pages: int, links: Links, max_page: int) -> dict:
    """Return previous / next links and a window of page links around the current page."""
    last = min(pages, max_page)
    window = range(max(1, page - PAGE_WINDOW), min(last, page + PAGE_WINDOW) + 1)
    numbers = sorted({1, last, *window})
    return {
        "page": page,
        "pages": pages,
        "prev_url": links.page(page - 1) if page > 1 else None,
        "next_url": links.page(page + 1) if page < last else None,
        "links": [{"page": n, "url": links.page(n), "current": n == page} for n in numbers],
    }


def count_text(total: int, page: int, per_page: int, shown: int) -> str:
    """Say how many filings match and which are shown: `21 filings (11–20 shown)`."""
    if total == 0:
        return "No filings match"
    noun = "filing" if total == 1 else "filings"
    if shown == 0:
        return f"{total:,} {noun} (none on page {page})"
    first = (page - 1) * per_page + 1
    return f"{total:,} {noun} ({first:,}–{first + shown - 1:,} shown)"


def undated_note(undated: int | None, links: Links) -> dict | None:
    """Say how many filings a date filter left out for having no known date, with the link
    that includes them."""
    if not undated:
        return None
    noun = "filing has" if undated == 1 else "filings have"
    return {
        "text": f"{undated:,} matching {noun} no known filing date and the date filter left "
        f"{'it' if undated == 1 else 'them'} out.",
        "url": links.url(filters=replace(links.req.filters, include_undated=True), page=1),
    }


def form_state(result: SearchResult, action: str) -> dict:
    """Return what the search form shows and the filters it carries along as hidden inputs."""
    req = result.request
    hidden = [
        [PARAM_OF[name], url_value(v)]
        for name, value in req.filters.to_json().items()
        if name not in FORM_FIELDS
        for v in (value if isinstance(value, list) else [value])
    ]
    if req.sort != "relevance":
        hidden.append(["sort", req.sort])
    if req.per_page != DEFAULT_PER_PAGE:
        hidden.append(["per_page", str(req.per_page)])
    return {
        "action": action,
        "q": req.q,
        "filed_from": req.filters.filed_from or "",
        "filed_to": req.filters.filed_to or "",
        "category": req.filters.category or "",
        "categories": category_choices(),
        "hidden": hidden,
    }


def suggestion_data(suggestion: dict, links: Links) -> dict:
    """Add the link of the corrected query (same filters) and each suggested company's page."""
    q = suggestion["q"]
    companies = [{**c, "url": urls.company_url(c["cik"])} for c in suggestion["companies"]]
    return {**suggestion, "url": links.query(q) if q else None, "companies": companies}


def applied_sort(result: SearchResult) -> str:
    """Return the order the hits are in: relevance with nothing to rank by is newest first."""
    unranked = result.query.query is None or all(h.score is None for h in result.hits)
    return "newest" if result.request.sort == "relevance" and unranked else result.request.sort


def sort_choices(result: SearchResult, links: Links) -> list[dict]:
    """Offer every sort, the applied one selected (no relevance when nothing ranks)."""
    applied = applied_sort(result)
    return [
        {"name": s, "label": SORT_LABELS[s], "url": links.sort(s), "selected": s == applied}
        for s in SORTS
        if s != "relevance" or applied == result.request.sort
    ]


def per_page_choices(per_page: int, links: Links) -> list[dict]:
    """Offer the numbers of hits a page shows."""
    return [{"n": n, "url": links.per_page(n), "selected": n == per_page} for n in PER_PAGE_CHOICES]


def results_data(
    result: SearchResult, links: Links, action: str, max_page: int, expandable: bool = False
) -> dict:
    """Return the data dict of a results page; `expandable`: facets link their full lists."""
    data = result.to_json()
    req = result.request
    back = links.state() if links.endpoint == "search.search" else None
    data["hits"] = [hit_data(h, req.q, back) for h in data["hits"]]
    data["facets"] = {n: facet_data(f, links, expandable) for n, f in data["facets"].items()}
    data["more"], data["find"] = links.more, links.find
    data["active_filters"] = active_filters(req.filters, links)
    data["clear_filters_url"] = links.clear() if not req.filters.is_empty() else None
    data["sort_applied"] = applied_sort(result)
    data["sorts"] = sort_choices(result, links)
    data["per_page_choices"] = per_page_choices(req.per_page, links)
    data["pagination"] = pagination(req.page, result.pages, links, max_page)
    data["count_text"] = count_text(result.total, req.page, req.per_page, len(result.hits))
    data["undated_note"] = undated_note(result.undated, links)
    if data["suggestion"]:
        data["suggestion"] = suggestion_data(data["suggestion"], links)
    data["form"] = form_state(result, action)
    data["json_url"] = links.json_url()
    for hit in data["hits"]:
        hit["coverage_note"] = COVERAGE_NOTES.get(hit["coverage"])
    data["exports"] = export_links(req, result.total, links.path_values.get("cik"))
    data["date_presets"] = date_presets(links)
    return data
