"""`/LATEST/search-index`: the SEC's EDGAR full-text search API (EFTS), over our index.

Clients of efts.sec.gov (edgartools' `search_filings`, bellingcat's edgar-tool) work unchanged
against this server: the same parameters, and an Elasticsearch-shaped answer with the
`_source` fields they read. Parameters become `Filters` (never text spliced into `q`); `q` is
parsed by our query language, which reads EFTS queries (words, "phrases", OR, -word) the same.

One difference in kind: EFTS has a hit per matching *document*, we have one per *filing*; a
hit's `_id` names the first document whose text matched when snippets are asked for
(`snippets=1`; EFTS hits carry none, and 100 of them cost several times the search), else the
primary document.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, request

from indexer.edgar.cik import CIK_DIGITS, CIK_PATTERN, normalize_cik
from indexer.edgar.states import LOCATION_PATTERN, state_code
from indexer.query.fields import AGGREGATIONS, EFTS_PARAM_OF
from indexer.query.filters import Filters, QueryError
from indexer.query.formcats import FORM_CATEGORIES, category_forms
from indexer.search import lookups
from indexer.search.core import Hit, SearchRequest, SearchResult, search
from indexer.store.entities import MAX_SUGGEST_CHARS
from webapp.errors import ApiError
from webapp.index import get_index
from webapp.params import MAX_ARGS, MAX_VALUE_CHARS, MAX_VALUES, bad, int_arg

bp = Blueprint("efts", __name__)

PAGE_SIZE = 100  # hits per page, as EFTS
MAX_WINDOW = 10_000  # deepest hit reachable by `from`, as EFTS (Elasticsearch's result window)
BUCKETS = 30  # values per aggregation, as EFTS
INDEX_NAME = "edgar_file"
# dateRange presets: how far back from today each reaches
DATE_RANGES = {"all": None, "10y": (10, 0), "5y": (5, 0), "1y": (1, 0), "30d": (0, 30)}
LOCATION_TYPES = {"located": "biz_states", "incorporated": "states"}
# category values that mean "no category"; the others are EFTS' form groups (form-cat0 ...)
NO_CATEGORY = {"", "all", "custom"}
# "0000320193-24-000005", "000032019324000005", quoted or not: an accession number as q
ACCESSION = re.compile(r'"?\s*(\d{10})-?(\d{2})-?(\d{6})\s*"?')
# values of `snippets` that turn snippets on (EFTS sends none; computing 100 is costly)
TRUE = {"1", "true", "yes", "on"}
# "2004-03-31": the date shape startdt and enddt take
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# "320193, 1018724": the comma list `ciks` takes, spaces around each CIK, blanks ignored
CIK_LIST = re.compile(rf" *(?:{CIK_DIGITS} *)?(?:, *(?:{CIK_DIGITS} *)?)*")
# "CA", "de": a two-letter location code
LOCATION_CODE = re.compile(LOCATION_PATTERN)
MAX_CIKS_CHARS = 240  # the length of `ciks`: room for 20 CIKs of 10 digits and their commas
# "APPLE INC  (AAPL)  (CIK 0000320193)": the CIK at the end of an EFTS display name
DISPLAY_CIK = re.compile(rf"\(CIK\s*({CIK_DIGITS})\)\s*$")


def today() -> date:
    """Return the date dateRange presets count back from (a function, so tests can pin it)."""
    return date.today()


# ---------------------------------------------------------------- parameters


def comma_list(name: str) -> list[str]:
    """Return the comma-separated values of a parameter (every occurrence), blanks dropped."""
    values = [v for raw in request.args.getlist(name) for v in raw.split(",")]
    if len(values) > MAX_VALUES:  # blanks counted too, as the OpenAPI pattern counts them
        raise bad(name, f"at most {MAX_VALUES} values")
    if any(len(v) > MAX_VALUE_CHARS for v in values):
        raise bad(name, f"values are at most {MAX_VALUE_CHARS} characters")
    return [v.strip() for v in values if v.strip()]


def parse_forms() -> tuple[str, ...]:
    """Return the forms filter: `forms=10-K,8-K` includes, `-4` excludes; without forms, the
    forms of a `category` (EFTS sends `category=custom` along with explicit forms)."""
    forms = tuple(" ".join(f.upper().split()) for f in comma_list("forms"))  # a bare - is ignored
    category = request.args.get("category", "").strip()
    if category in NO_CATEGORY or forms:
        return forms
    grouped = category_forms(category)
    if grouped is None:
        keys = f"{next(iter(FORM_CATEGORIES))} … {next(reversed(FORM_CATEGORIES))}"
        raise bad("category", f"unknown form category {category!r} (use {keys}, all or custom)")
    return grouped


def parse_ciks() -> list[str]:
    """Return the CIKs of `ciks`, zero-padded to 10 digits."""
    ciks = []
    for raw in request.args.getlist("ciks"):
        if len(raw) > MAX_CIKS_CHARS or not CIK_LIST.fullmatch(raw):
            raise bad("ciks", f"use CIKs like 320193,1018724 (at most {MAX_CIKS_CHARS} characters)")
        ciks += [normalize_cik(c.strip()) for c in raw.split(",") if c.strip()]
    return ciks


def parse_entity(ciks: list[str]) -> str | None:
    """Read `entityName`: a CIK or a display name ending in `(CIK …)` adds to `ciks`;
    anything else is words of a filer's name (current or former)."""
    raw = request.args.get("entityName", "")
    if len(raw) > MAX_VALUE_CHARS:
        raise bad("entityName", f"at most {MAX_VALUE_CHARS} characters")
    name = " ".join(raw.split())
    if not name:
        return None
    if CIK_PATTERN.fullmatch(name):
        ciks.append(normalize_cik(name))
        return None
    if m := DISPLAY_CIK.search(name):
        ciks.append(normalize_cik(m[1]))
        return None
    return name


def parse_locations() -> dict[str, tuple[str, ...]]:
    """Return the location filter: `locationCodes` (or `locationCode`) by `locationType`."""
    kind = request.args.get("locationType", "") or "located"
    if kind not in LOCATION_TYPES:
        raise bad("locationType", f"use {' or '.join(LOCATION_TYPES)}, not {kind!r}")
    codes = dict.fromkeys(comma_list("locationCodes") + comma_list("locationCode"))
    states = []
    for code in codes:
        state = state_code(code) if LOCATION_CODE.fullmatch(code) else None
        if state is None:
            raise bad(
                "locationCodes",
                f"{code!r} is not a US state or an EDGAR country or province code (as A6)",
            )
        states.append(state)
    return {LOCATION_TYPES[kind]: tuple(states)} if states else {}


def parse_day(name: str) -> str | None:
    """Return an ISO date parameter (YYYY-MM-DD), checked; None when absent or empty."""
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise bad(name, f"not a date: {value!r} (use YYYY-MM-DD)") from None
    return value


def years_back(day: date, years: int) -> date:
    """Return the same day `years` earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def parse_dates() -> tuple[str | None, str | None]:
    """Return the filing-date bounds: explicit startdt / enddt, else the dateRange preset.

    A preset counts back from today; `all` (or no parameter) is every filing. Explicit dates win
    because clients send them along with the preset they computed them from.
    """
    preset = request.args.get("dateRange", "")
    if preset and preset != "custom" and preset not in DATE_RANGES:
        raise bad("dateRange", f"use one of {', '.join([*DATE_RANGES, 'custom'])}")
    start, end = parse_day("startdt"), parse_day("enddt")  # start > end matches nothing
    if start or end or not DATE_RANGES.get(preset):
        return start, end
    years, days = DATE_RANGES[preset]
    return (years_back(today(), years) - timedelta(days=days)).isoformat(), None


def parse_offset() -> int:
    """Return the offset of the first hit: `from`, else `(page - 1) × 100`."""
    offset = int_arg(request.args, "from", 0, MAX_WINDOW - 1, None)
    if offset is not None:
        return offset
    page = int_arg(request.args, "page", 1, MAX_WINDOW // PAGE_SIZE, None)
    return (page - 1) * PAGE_SIZE if page else 0


def parse_query(q: str) -> tuple[str, tuple[str, ...]]:
    """Return the words to search and the accessions to select: a `q` that is an accession
    number (how edgartools resolves one) selects that filing."""
    m = ACCESSION.fullmatch(q.strip())
    return ("", (f"{m[1]}-{m[2]}-{m[3]}",)) if m else (q, ())


def parse_filters(accessions: tuple[str, ...] = ()) -> Filters:
    """Map the EFTS parameters onto search filters, each value checked."""
    if sum(len(v) for v in request.args.listvalues()) > MAX_ARGS:
        raise ApiError(400, f"too many parameters (at most {MAX_ARGS})")
    ciks = parse_ciks()
    company = parse_entity(ciks)
    filed_from, filed_to = parse_dates()
    filters = Filters(
        forms=parse_forms(),
        ciks=tuple(dict.fromkeys(ciks)),
        company=company,
        filed_from=filed_from,
        filed_to=filed_to,
        items=tuple(comma_list("items")),
        accessions=accessions,
        **parse_locations(),
    )
    try:
        return filters.validate()
    except QueryError as e:
        param = EFTS_PARAM_OF.get(e.param, e.param)
        raise bad(param, e.message.removeprefix(f"{param}: ")) from None


def wants_snippets() -> bool:
    """Tell whether the client asked for snippets (`snippets=1`); EFTS hits carry none."""
    return request.args.get("snippets", "").strip().lower() in TRUE


# ---------------------------------------------------------------- searching


def run_page(q: str, filters: Filters, offset: int, snippets: bool = False) -> SearchResult:
    """Search and return the 100 hits from `offset` on, with the aggregations (one backend call:
    the core pages from any offset)."""
    req = SearchRequest(
        q=q, filters=filters, offset=offset, per_page=PAGE_SIZE, snippets=snippets,
        facet_size=BUCKETS,
    )  # fmt: skip
    return search(get_index(), req)


# ---------------------------------------------------------------- the response


def display_name(name: str | None, cik: str | None) -> str:
    """Return an entity as EFTS shows it: `NAME  (CIK 0000320193)`, two spaces before."""
    return f"{name or ''}  (CIK {cik})" if cik else name or ""


def entities(hit: Hit) -> list[tuple[str | None, str | None]]:
    """Return (name, CIK) of each filer, once per CIK; the company when no filer is known."""
    seen: dict[str, tuple[str | None, str | None]] = {}
    for f in hit.filers:
        seen.setdefault(f["cik"] or f"name:{f['name']}", (f["name"], f["cik"]))
    return list(seen.values()) or ([(hit.company, hit.cik)] if hit.company or hit.cik else [])


def document(hit: Hit) -> dict:
    """Return the document a hit stands for: the first whose text matched, else the primary
    one, else the whole submission (`<accession>.txt`, as on EDGAR)."""
    docs = [*hit.matched_documents, hit.primary or {}]
    doc = next((d for d in docs if d.get("filename")), docs[0])
    return {
        "filename": doc.get("filename") or f"{hit.accession or hit.id}.txt",
        "type": doc.get("type") or hit.form,
        "description": doc.get("description"),
        "sequence": doc.get("sequence"),
    }


def source(hit: Hit, doc: dict) -> dict:
    """Return a hit's `_source`: EFTS' fields, then ours (snippets, signers, filers, items)."""
    filers = entities(hit)
    return {
        "ciks": [c for _, c in filers if c],
        "display_names": [display_name(n, c) for n, c in filers],
        # strings where EFTS always sends them: clients compare and print them unchecked
        "form": hit.form or "",
        "root_forms": [hit.root_form] if hit.root_form else [],
        "file_date": hit.filed or "",
        "period_ending": hit.period,
        # clients strip the dashes of an adsh; a filing without an accession has none (its
        # `local-…` id stays in `_id`)
        "adsh": hit.accession or "",
        "file_type": doc["type"] or "",
        "file_description": doc["description"],
        "sequence": doc["sequence"],
        "xsl": None,
        "items": [i["code"] for i in hit.items],
        "biz_states": hit.biz_states,
        "biz_locations": hit.biz_locations,
        "inc_states": hit.inc_states,
        "sics": hit.sics,
        # file numbers and signers: read once the core's Hit carries them
        "file_num": list(getattr(hit, "file_numbers", None) or []),
        # ours
        "items_normalized": [i["normalized"] for i in hit.items],
        "item_titles": [i["title"] for i in hit.items],
        "filers": hit.filers,
        "signers": list(getattr(hit, "signers", None) or []),
        "snippets": hit.snippets,
    }


def es_hit(hit: Hit) -> dict:
    doc = document(hit)
    return {
        "_index": INDEX_NAME,
        "_id": f"{hit.accession or hit.id}:{doc['filename']}",
        "_score": hit.score,
        "_source": source(hit, doc),
    }


def buckets(facet: dict, key) -> dict:
    """Return one facet as an Elasticsearch terms aggregation."""
    return {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": facet["other_count"],
        "buckets": [{"key": key(v), "doc_count": v["count"]} for v in facet["values"]],
    }


def entity_key(value: dict) -> str:
    """Return a company facet value as EFTS keys an entity: `NAME  (CIK 0000320193)` with the
    latest name (the facet counts CIKs; a company known without one is its name)."""
    if not value["value"].isdigit():
        return value["value"]
    return display_name(value["label"].rsplit(" (CIK ", 1)[0], value["value"])


def aggregations(result: SearchResult) -> dict:
    """Return the four EFTS aggregations."""
    out = {}
    for name, facet in AGGREGATIONS.items():
        values = result.facets[facet]
        key = entity_key if facet == "company" else (lambda v: v["value"])
        out[name] = buckets(values, key)
    return out


def response(result: SearchResult, hits: list[Hit], offset: int) -> dict:
    scores = [h.score for h in hits if h.score is not None]
    return {
        "took": round(result.elapsed_ms),
        "timed_out": result.timed_out,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            # a search past its time limit counted only part of the matches
            "total": {"value": result.total, "relation": "gte" if result.timed_out else "eq"},
            "max_score": max(scores, default=None),
            "hits": [es_hit(h) for h in hits],
        },
        "aggregations": aggregations(result),
        "query": {
            **result.query.to_json(),
            "filters": result.request.filters.to_json(),
            "from": offset,
            "size": PAGE_SIZE,
        },
    }


def entity_hints(text: str) -> dict:
    """Answer EFTS' company autocomplete (`keysTyped=app`): hits whose `_id` is a CIK and whose
    `_source.entity` is the company's latest name, as efts.sec.gov answers its search page."""
    if len(text) > MAX_SUGGEST_CHARS:
        raise bad("keysTyped", f"at most {MAX_SUGGEST_CHARS} characters")
    found = lookups.companies_like(get_index(), text)
    hits = [
        {"_index": "edgar_entity", "_id": e.cik, "_score": None,
         "_source": {"entity": e.name, "tickers": ",".join(e.tickers), "cik": e.cik,
                     "former_names": [n["name"] for n in e.former_names]}}
        for e in found
    ]  # fmt: skip
    return {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits}}


@bp.get("/LATEST/search-index")
def search_index():
    """Answer an EFTS full-text search request, or its company autocomplete (`keysTyped`)."""
    q, accessions = parse_query(request.args.get("q", ""))
    filters = parse_filters(accessions)  # checked even for an autocomplete: bad input is a 400
    offset = parse_offset()
    if "keysTyped" in request.args:
        return entity_hints(request.args.get("keysTyped", ""))
    result = run_page(q, filters, offset, wants_snippets())
    hits = result.hits[: max(0, min(MAX_WINDOW, result.total) - offset)]
    return response(result, hits, offset)
