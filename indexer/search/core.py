"""The read side: a search request → plain data (hits, snippets, facets, pages, did-you-mean).

One `SearchIndex` per process holds the serving generation open and reopens it when `CURRENT`
names a new one (see indexer.backend.whoosh.generation); no index is opened per request. A search
runs in passes, bounded by the request's deadline (see indexer.backend.whoosh.engine):

1. the matching set: query AND filters as one set of document numbers (the exact total, the
   facets and the field sorts all use it);
2. the page: the top page × per_page by BM25F for relevance, or the set sorted by
   per-document keys for the other orders;
3. stored summaries, snippets and matched documents for the page's hits only.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from whoosh import query as Q

from indexer.backend.whoosh.docvalues import DocValues
from indexer.backend.whoosh.generation import Generation, SearchIndex, View, open_index
from indexer.query.filters import UNDATED, Filters, QueryError, build_filters
from indexer.query.language import MAX_PER_PAGE, ParsedQuery, parse_query
from indexer.search.facets import FACET_SIZE, MAX_FACET_SIZE, count_facets
from indexer.search.snippets import snippets
from indexer.search.suggest import suggest
from indexer.store.entities import label_companies

# Seconds per search; past it, matching and ranking stop, the page's remaining hits get no
# snippets, and the result is flagged timed_out (a web answer stays within about a second)
DEFAULT_TIME_LIMIT = 0.75
MAX_TIME_LIMIT = 30.0
MAX_PAGE = 10_000  # deepest page (relevance paging keeps page × per_page hits in a heap)
# name → (sort key field, newest first?)
SORTS = {
    "relevance": (None, True),
    "newest": ("filed", True),
    "oldest": ("filed", False),
    "period": ("period", True),
    "company": ("company_name", False),
}


@dataclass
class SearchRequest:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # relevance | newest | oldest | period | company
    page: int = 1
    per_page: int = 10
    facets: bool = True
    facet_size: int = FACET_SIZE
    snippets: bool = True
    time_limit: float = DEFAULT_TIME_LIMIT

    def validate(self) -> None:
        """Raise QueryError naming the parameter that is out of bounds."""
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r} (use {', '.join(SORTS)})", param="sort")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}", param="page")
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
    matched_documents: list[dict] = field(default_factory=list)  # {sequence, type, filename, ...}


@dataclass
class SearchResult:
    query: ParsedQuery
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, dict]
    suggestion: dict | None  # {"q": corrected query, "html": it with changed words in <mark>}
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
            "hits": [asdict(h) for h in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "generation": self.generation,
        }


# ---------------------------------------------------------------- passes


def sorted_docs(values: DocValues, docs: set[int], sort: str, limit: int) -> list[int]:
    """Return the first `limit` docs in a field order; filings without the value go last."""
    fieldname, descending = SORTS[sort]
    keys = values.sort_keys(fieldname)
    present = [d for d in docs if keys[d] is not None]
    if descending:  # ties in document order either way
        best = heapq.nlargest(limit, present, key=lambda d: (keys[d], -d))
    else:
        best = heapq.nsmallest(limit, present, key=lambda d: (keys[d], d))
    if len(best) < limit:
        best += sorted(d for d in docs if keys[d] is None)[: limit - len(best)]
    return best


def make_hit(view: View, docnum: int, score: float | None) -> Hit:
    """Build a hit from the stored summary of one filing."""
    s = view.searcher.stored_fields(docnum)["summary"]
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
    )


def add_snippets(view: View, hit: Hit, parsed: ParsedQuery) -> None:
    """Fill a hit's snippets and matched documents from the side store."""
    texts = view.store.texts(hit.id) or []
    hit.snippets, matched = snippets(texts, parsed.highlights)
    if matched:
        docs = (view.store.record(hit.id) or {}).get("documents", [])
        hit.matched_documents = [
            {k: docs[i].get(k) for k in ("sequence", "type", "filename", "description")}
            for i in matched
            if i < len(docs)
        ]


def search(index: SearchIndex | str | Path, request: SearchRequest) -> SearchResult:
    """Run one search; raise QueryError for a bad request and NoIndex when nothing is built."""
    start = time.monotonic()
    request.validate()
    if not isinstance(index, SearchIndex):
        index = open_index(index)
    with index.using() as gen:
        return run(gen, request, start)


def run(gen: Generation, request: SearchRequest, start: float) -> SearchResult:
    """Run a validated request on an opened generation."""
    view, parsed, docs = match(gen, request, start)
    page_end = request.page * request.per_page
    top = ranked(gen, view, parsed, docs, request.sort, page_end)
    hits = [make_hit(view, d, s) for d, s in top[page_end - request.per_page :]]
    if request.snippets:
        for hit in hits:
            if view.engine.expired():  # past the deadline: the rest of the page goes bare
                break
            add_snippets(view, hit, parsed)
    facets = {}
    if request.facets:
        facets = count_facets(gen.values, docs, request.filters, request.facet_size)
        label_companies(view.store.db, facets["company"])
    return SearchResult(
        query=parsed,
        request=request,
        total=len(docs),
        hits=hits,
        facets=facets,
        suggestion=suggest(parsed, view.lexicon, len(docs)),
        timed_out=view.engine.timed_out,
        elapsed_ms=(time.monotonic() - start) * 1000,
        generation=gen.name,
        undated=count_undated(view, parsed, request.filters),
    )


def count_undated(view: View, parsed: ParsedQuery, filters: Filters) -> int | None:
    """Count the matches a filing-date filter leaves out because no file states their date."""
    if not filters.dated() or filters.include_undated:
        return None
    undated = replace(filters.without_dates(), years=(UNDATED,))
    parts = [q for q in (parsed.query, build_filters(undated)) if q is not None]
    return len(view.engine.docs(Q.And(parts) if len(parts) > 1 else parts[0]))


def match(gen: Generation, request: SearchRequest, start: float):
    """Pass 1: return the thread's view, the parsed query and the set of matching documents."""
    view = gen.view()
    parsed = parse_query(request.q, view.lexicon)
    fq = build_filters(request.filters)
    parts = [q for q in (parsed.query, fq) if q is not None]
    view.engine.start(start + request.time_limit)
    docs = view.engine.docs(Q.And(parts) if len(parts) > 1 else (parts[0] if parts else None))
    return view, parsed, docs


def ranked(gen: Generation, view: View, parsed: ParsedQuery, docs: set[int], sort: str, limit):
    """Pass 2: return the first `limit` (docnum, score) in the request's order."""
    if sort == "relevance" and view.engine.ranks(parsed.query):
        return view.engine.top(parsed.query, docs, limit)
    # by relevance without words to rank by (nothing typed, only fields): newest first
    sort = "newest" if sort == "relevance" else sort
    return [(d, None) for d in sorted_docs(gen.values, docs, sort, limit)]


@dataclass
class Listing:
    """Every hit of a search up to a limit, in order (for exports): ranked once, each hit's
    summary read only when it is reached."""

    total: int
    timed_out: bool  # the matching or ranking passed the deadline: rows may be missing
    hits: Iterator[Hit]


def listing(gen: Generation, request: SearchRequest, limit: int, start: float) -> Listing:
    """Rank a validated request's whole result set once, up to `limit` hits."""
    view, parsed, docs = match(gen, request, start)
    top = ranked(gen, view, parsed, docs, request.sort, limit)
    return Listing(len(docs), view.engine.timed_out, (make_hit(view, d, s) for d, s in top))
