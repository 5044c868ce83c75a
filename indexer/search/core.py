"""The read side: a search request → plain data (hits, snippets, facets, pages, did-you-mean).

Engine-neutral: one `SearchIndex` per process holds the serving generation open (see
indexer/search/index.py), and a search is one call of its backend's `execute` (indexer/backend):
the exact total, the page (from any offset) and the facet counts over the whole result set
(with `multiselect`, each facet with a selection is counted by one more, count-only call over
the other filters); then stored summaries, snippets and matched documents for the page's hits
only, all bounded by the request's deadline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.backend import SORTS, Execute, FacetCounts, Page, Reader
from indexer.edgar.model import as_data
from indexer.query.filters import UNDATED, Filters, QueryError, build_filters
from indexer.query.language import MAX_PER_PAGE, ParsedQuery, parse_query
from indexer.search.facetcache import FacetCache
from indexer.search.facets import FACET_NAMES, FACET_SIZE, MAX_FACET_SIZE, shape_facets
from indexer.search.index import SearchIndex, open_index
from indexer.search.snippets import snippets
from indexer.search.suggest import Sources, suggest
from indexer.store.entities import label_companies

# Seconds per search; past it, matching and ranking stop, the page's remaining hits get no
# snippets, and the result is flagged timed_out (a web answer stays within about a second)
DEFAULT_TIME_LIMIT = 0.75
MAX_TIME_LIMIT = 30.0
SUGGEST_TIME = 0.25  # seconds did-you-mean may count word pairs past a search's deadline
MAX_PAGE = 10_000  # deepest page (relevance paging keeps page × per_page hits in a heap)


@dataclass
class SearchRequest:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # relevance | newest | oldest | period | company
    page: int = 1
    per_page: int = 10
    offset: int | None = None  # the first hit's place in the ordering; else (page - 1) × per_page
    facets: bool = True
    facet_size: int = FACET_SIZE
    # count each facet with a selection as if it were not applied (OR within a facet): one more
    # backend call per such facet; off, every facet counts the result set itself (as EFTS does)
    multiselect: bool = False
    snippets: bool = True
    time_limit: float = DEFAULT_TIME_LIMIT

    @property
    def first(self) -> int:
        """Return the place of the first hit of the page in the whole ordering."""
        return self.offset if self.offset is not None else (self.page - 1) * self.per_page

    def validate(self) -> None:
        """Raise QueryError naming the parameter that is out of bounds."""
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r} (use {', '.join(SORTS)})", param="sort")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}", param="page")
        if self.offset is not None and not 0 <= self.offset < MAX_PAGE * MAX_PER_PAGE:
            raise QueryError(f"offset must be from 0 to {MAX_PAGE * MAX_PER_PAGE - 1}", "offset")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}", param="per_page")
        if not 1 <= self.facet_size <= MAX_FACET_SIZE:
            raise QueryError(
                f"facet_size must be between 1 and {MAX_FACET_SIZE}", param="facet_size"
            )
        if not 0 < self.time_limit <= MAX_TIME_LIMIT:
            raise QueryError(f"time_limit must be in (0, {MAX_TIME_LIMIT}] s", param="time_limit")


@dataclass
class Hit:
    id: str
    accession: str | None
    company: str | None
    cik: str | None
    form: str | None
    root_form: str | None
    filed: str | None
    period: str | None
    items: list[dict]  # {code, normalized, title}
    filers: list[dict]  # {name, cik, role}
    inc_states: list[str]  # states of incorporation of the filers, two-letter codes
    biz_states: list[str]  # business address states
    sics: list[str]
    primary: dict | None  # the first document: {type, filename, description}
    file_numbers: list[str]  # the filers' Commission file numbers
    signers: list[dict]  # {name, title, date}
    score: float | None  # relevance; None when sorted by a field or nothing was typed
    biz_locations: list[str] = field(default_factory=list)  # "Cupertino, CA" per filer
    snippets: list[str] = field(default_factory=list)  # escaped HTML, matches in <mark>
    # {n (1-based place among the filing's documents), sequence, type, filename, description}
    matched_documents: list[dict] = field(default_factory=list)
    text_chars: int | None = None  # characters of text indexed; 0 for a header alone
    # what was indexed: "full" (header and text), "header" (no text), "document" (a document
    # kept without its filing's header: a fragment); None when the index does not say
    coverage: str | None = None


@dataclass
class SearchResult:
    query: ParsedQuery
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, dict]
    # {"q": corrected query, "html": it with changed words in <mark>, "companies": near names}
    suggestion: dict | None
    timed_out: bool
    elapsed_ms: float
    generation: str
    # filings the filing-date filter left out for having no known date (None: no such filter)
    undated: int | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.request.per_page))

    def to_json(self) -> dict:
        r = self.request
        return {
            "query": self.query.to_json(),
            "filters": r.filters.to_json(),
            "sort": r.sort,
            "page": r.page,
            "per_page": r.per_page,
            "pages": self.pages,
            "total": self.total,
            "undated": self.undated,
            "timed_out": self.timed_out,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "hits": [as_data(h) for h in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "generation": self.generation,
        }


# ---------------------------------------------------------------- passes


def make_hit(s: dict, score: float | None) -> Hit:
    """Build a hit from the stored summary of one filing."""
    return Hit(
        id=s["id"],
        accession=s["accession"],
        company=s["company"],
        cik=s["cik"],
        form=s["form_type"],
        root_form=s["root_form"],
        filed=s["filed"],
        period=s["period"],
        items=[{"code": c, "normalized": n, "title": t} for c, n, t in s["items"]],
        filers=[{"name": n, "cik": c, "role": r} for n, c, r in s["filers"]],
        inc_states=s.get("inc_states", []),
        biz_states=s.get("biz_states", []),
        biz_locations=s.get("biz_locations", []),
        sics=s.get("sics", []),
        primary=s.get("primary"),
        file_numbers=s.get("file_numbers", []),
        signers=[{"name": n, "title": t, "date": d} for n, t, d in s.get("signers", [])],
        score=None if score is None else round(score, 4),
        text_chars=s.get("text_chars"),
    )


def add_coverage(store, hit: Hit) -> None:
    """Say what was indexed of a hit. Only a filing no header dates can be a lone document, so
    the record (which says) is read for undated hits only."""
    if hit.text_chars is None:
        return
    if hit.text_chars == 0:
        hit.coverage = "header"
    elif hit.filed is None and (store.record(hit.id) or {}).get("kind") == "document":
        hit.coverage = "document"
    else:
        hit.coverage = "full"


def add_snippets(store, hit: Hit, parsed: ParsedQuery) -> None:
    """Fill a hit's snippets and matched documents from the side store."""
    texts = store.texts(hit.id) or []
    hit.snippets, matched = snippets(texts, parsed.highlights)
    if matched:
        docs = (store.record(hit.id) or {}).get("documents", [])
        keys = ("sequence", "type", "filename", "description")
        hit.matched_documents = [
            {"n": i + 1, **{k: docs[i].get(k) for k in keys}} for i in matched if i < len(docs)
        ]


def search(index: SearchIndex | str | Path, request: SearchRequest) -> SearchResult:
    """Run one search; raise QueryError for a bad request and NoIndex when nothing is built."""
    start = time.monotonic()
    request.validate()
    if not isinstance(index, SearchIndex):
        index = open_index(index)
    with index.using() as gen:
        return run(gen, request, start, index.facets)


def execution(request: SearchRequest, parsed: ParsedQuery, start: float, **page) -> Execute:
    """Return what the backend runs for a request: its parsed query, filters, sort, deadline,
    and the slice and facets of `page`."""
    return Execute(
        query=parsed.query,
        filters=build_filters(request.filters),
        sort=request.sort,
        deadline=start + request.time_limit,
        **page,
    )


def run(
    gen: Reader, request: SearchRequest, start: float, cache: FacetCache | None = None
) -> SearchResult:
    """Run a validated request on an opened generation: one backend call for total, page and
    facets (and one per selected facet with `multiselect`; facet counts the cache kept for the
    same result set are not counted again), then summaries and snippets for the page's hits
    only."""
    parsed = parse_query(request.q, gen.lexicon())
    facets = tuple(FACET_NAMES) if request.facets else ()
    ex = execution(request, parsed, start, offset=request.first, limit=request.per_page,
                   facets=facets)  # fmt: skip
    page = counted(gen, ex, cache)
    hits = [make_hit(gen.summary(ref), score) for ref, score in page.hits]
    store = gen.store()
    for hit in hits:
        add_coverage(store, hit)
    cut = False  # snippets left out at the deadline
    if request.snippets:
        for hit in hits:
            if time.monotonic() > ex.deadline:  # past the deadline: the rest go bare
                cut = True
                break
            add_snippets(store, hit, parsed)
    shaped = {}
    if request.facets:
        counts = page.facets
        if request.multiselect:
            apart, late = counts_apart(gen, ex, request.filters, cache)
            counts, cut = {**counts, **apart}, cut or late
        shaped = shape_facets(counts, request.filters, request.facet_size)
        label_companies(store.db, shaped["company"])
    undated = count_undated(gen, ex, request.filters)
    return SearchResult(
        query=parsed,
        request=request,
        total=page.total,
        hits=hits,
        facets=shaped,
        suggestion=suggest(parsed, suggest_sources(gen, ex, store), page.total),
        timed_out=page.timed_out or cut,
        elapsed_ms=(time.monotonic() - start) * 1000,
        generation=gen.name,
        undated=undated,
    )


def suggest_sources(gen: Reader, ex: Execute, store) -> Sources:
    """Return what did-you-mean reads: the lexicon, counts of queries with this search's
    filters (limit 0; None past the deadline, which is at least SUGGEST_TIME after the first
    count, so a slow search still gets its suggestion), and the entities table."""
    deadline = []

    def count(query) -> int | None:
        if not deadline:
            deadline.append(max(ex.deadline, time.monotonic() + SUGGEST_TIME))
        page = gen.execute(
            replace(ex, query=query, offset=0, limit=0, facets=(), deadline=deadline[0])
        )
        return None if page.timed_out else page.total

    return Sources(gen.lexicon(), count, store.db)


def counted(gen: Reader, ex: Execute, cache: FacetCache | None) -> Page:
    """Run `ex` on the backend; facet counts the cache holds for its result set are taken from
    there (the backend then counts none), and those it counted in time are kept."""
    if cache is None or not ex.facets:
        return gen.execute(ex)
    key = (gen.name, ex.query, ex.filters, ex.facets)
    kept = cache.get(key)
    if kept is not None:
        return replace(gen.execute(replace(ex, facets=())), facets=kept)
    page = gen.execute(ex)
    if not page.timed_out:
        cache.put(key, page.facets)
    return page


def counts_apart(
    gen: Reader, ex: Execute, filters: Filters, cache: FacetCache | None = None
) -> tuple[dict[str, FacetCounts], bool]:
    """Count each facet with a selection over the result of the other filters alone, so its
    other values keep their counts (one total-only backend call per such facet); say whether
    one of them passed the deadline."""
    out, late = {}, False
    for facet in filters.faceted():
        others = build_filters(filters.without_facet(facet))
        apart = replace(ex, filters=others, offset=0, limit=0, facets=(facet,))
        page = counted(gen, apart, cache)
        out[facet], late = page.facets[facet], late or page.timed_out
    return out, late


def count_undated(gen: Reader, ex: Execute, filters: Filters) -> int | None:
    """Count the matches a filing-date filter leaves out because no file states their date."""
    if not filters.dated() or filters.include_undated:
        return None
    undated = build_filters(replace(filters.without_dates(), years=(UNDATED,)))
    return gen.execute(replace(ex, filters=undated, offset=0, limit=0, facets=())).total


@dataclass
class Listing:
    """Every hit of a search up to a limit, in order (for exports): ranked once, each hit's
    summary read only when it is reached."""

    total: int
    timed_out: bool  # the matching or ranking passed the deadline: rows may be missing
    hits: Iterator[Hit]


def listing(gen: Reader, request: SearchRequest, limit: int, start: float) -> Listing:
    """Rank a validated request's whole result set once, up to `limit` hits."""
    parsed = parse_query(request.q, gen.lexicon())
    ex = execution(request, parsed, start, limit=limit)
    page = gen.execute(ex)
    hits = (make_hit(gen.summary(ref), score) for ref, score in page.hits)
    return Listing(page.total, page.timed_out, hits)
