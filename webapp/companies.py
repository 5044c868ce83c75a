"""`/companies/<cik>` (+ `.json`): a company's filings — a search with its CIK as a fixed filter —
with facets and the number of filings per year as a histogram."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, request

from indexer.query.filters import UNDATED, Filters
from indexer.search import lookups
from indexer.search.core import MAX_PAGE, SearchRequest, search
from indexer.store.entities import MAX_SUGGEST_CHARS, entity_json
from webapp import params, urls
from webapp.errors import ApiError
from webapp.index import get_index
from webapp.records import load_record
from webapp.render import respond
from webapp.results import results_data, trim_facet
from webapp.urls import Links

bp = Blueprint("companies", __name__)

HISTOGRAM_YEARS = 200  # filing years counted for the histogram (EDGAR starts in 1993)
BAR_STEPS = 20  # bar heights are drawn in steps of 5 % (CSS classes h0 … h20)
# What the company panel shows of the filer entry
COMPANY_FIELDS = (
    "name", "cik", "sic", "state_of_incorporation", "business_state", "fiscal_year_end",
    "file_number", "former_names",
)  # fmt: skip


def company_info(cik: str) -> dict:
    """Describe a company from its newest filing; 404 when no filing names the CIK."""
    newest = search(
        get_index(),
        SearchRequest(filters=Filters(ciks=(cik,)), sort="newest", per_page=1, facets=False,
                      snippets=False),
    )  # fmt: skip
    if newest.total == 0:
        raise ApiError(404, "no such company", f"no filing in the index names CIK {cik}")
    hit = newest.hits[0]
    record = load_record(hit.id) or {"filers": []}
    filer = next((f for f in record["filers"] if f["cik"] == cik), None)
    info = {k: (filer or {}).get(k) for k in COMPANY_FIELDS}
    info["name"] = info["name"] or (hit.company if hit.cik == cik else None) or f"CIK {cik}"
    info["cik"] = cik
    info["former_names"] = info["former_names"] or []
    info["filings"] = newest.total
    info["names"] = []  # every name it filed under, newest first, with first and last dates
    if entity := entity_of(cik):
        info["name"], info["names"] = entity.name, entity.names
    return info


def entity_of(cik: str):
    """Return the side store's entity for a CIK, None when it has none."""
    return lookups.company(get_index(), cik)


def suggest_page():
    """Answer the company lookup: names, former names and CIK digits → at most 10 companies."""
    text = params.text_arg(request.args, "q", MAX_SUGGEST_CHARS) or ""
    found = lookups.companies_like(get_index(), text)
    return {"ok": True, "q": text, "companies": [entity_json(e) for e in found]}


def histogram(year_facet: dict, links: Links) -> dict:
    """Count filings per year over the whole span, empty years included, each bar a link."""
    counts = {int(v["value"]): v for v in year_facet["values"] if v["value"].isdigit()}
    top = max((v["count"] for v in counts.values()), default=0)
    bars = []
    for year in range(min(counts, default=0), max(counts, default=-1) + 1):
        v = counts.get(year)
        n = v["count"] if v else 0
        bars.append(
            {
                "year": str(year),
                "count": n,
                "level": max(1, round(BAR_STEPS * n / top)) if n else 0,
                "selected": bool(v and v["selected"]),
                "url": links.toggle("year", str(year)) if n else None,
            }
        )
    undated = sum(v["count"] for v in year_facet["values"] if v["value"] == UNDATED)
    return {"bars": bars, "missing": year_facet["missing"] + undated}


def company_page(cik: str):
    """Parse the request, search the company's filings, render."""
    cik = params.cik(cik)
    req = params.parse_search(request.args, exclude=("cik",))
    info = company_info(cik)
    wide = max(req.facet_size, HISTOGRAM_YEARS)  # every year for the histogram, trimmed below
    run = replace(req, filters=replace(req.filters, ciks=(cik,)), facet_size=wide)
    result = search(get_index(), run)
    years = result.facets.get("year")
    facets = {k: trim_facet(f, req.facet_size) for k, f in result.facets.items()}
    # the page shows (and links) the request without its fixed CIK
    result = replace(result, request=req, facets=facets)
    links = Links("companies.company", req, cik=cik.lstrip("0") or "0")
    data = results_data(result, links, urls.company_url(cik), MAX_PAGE)
    data["company"] = info
    data["histogram"] = histogram(years, links) if years else {"bars": [], "missing": 0}
    data["title"] = f"{info['name']} (CIK {cik}) — EDGAR search"
    return respond("company.html", data)


bp.add_url_rule("/companies/suggest.json", "suggest_json", suggest_page)
bp.add_url_rule("/companies/<cik>", "company", company_page)
bp.add_url_rule("/companies/<cik>.json", "company_json", company_page)
