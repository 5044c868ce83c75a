"""Server-side link building: facet toggles, pages, sorts, filings and companies.

A page's search state lives in its URL; every link a template prints is built here, so
templates only loop and print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote, urlencode

from flask import g, url_for

from indexer.query.fields import FACET_ATTR, FILTER_PARAMS, PARAM_OF
from indexer.query.filters import Filters, toggle_value
from indexer.search.core import SearchRequest
from indexer.search.facets import FACET_SIZE
from webapp.params import DEFAULT_PER_PAGE, DEFAULT_SORT

SEC_ARCHIVES = "https://www.sec.gov/Archives/edgar/data"
ID_SLOT = "0000000000-00-000000"  # a filing id in a URL that is cut there
CIK_SLOT = "9999999999"  # a CIK in a URL that is cut there


# the request fields a URL holds (request_args)
URL_FIELDS = ("q", "filters", "sort", "page", "per_page", "facet_size")
# the first arguments of a URL, in the order _args puts them (where a facet toggle's stands)
LEADING_ARGS = {name: i for i, name in enumerate(("q", *FILTER_PARAMS))}


def request_args(req: SearchRequest) -> dict:
    """Return the query-string arguments that reproduce a request; defaults are left out."""
    return _args({name: getattr(req, name) for name in URL_FIELDS}, filter_args(req.filters))


def filter_args(filters: Filters) -> dict:
    """Return the query-string arguments of a request's filters, unset ones included (None)."""
    return {param: url_value(getattr(filters, attr)) for param, attr in FILTER_PARAMS.items()}


def _args(fields: dict, filtered: dict) -> dict:
    """Return the arguments of a request's URL fields, with its filters' arguments given."""
    args: dict = {"q": fields["q"] or None, **filtered}
    args["sort"] = fields["sort"] if fields["sort"] != DEFAULT_SORT else None
    args["page"] = fields["page"] if fields["page"] != 1 else None
    args["per_page"] = fields["per_page"] if fields["per_page"] != DEFAULT_PER_PAGE else None
    args["facet_size"] = fields["facet_size"] if fields["facet_size"] != FACET_SIZE else None
    return {k: v for k, v in args.items() if v not in (None, [], "")}


def url_value(value):
    """Return a filter value as a URL holds it: tuples as lists, a set flag as "include"."""
    if isinstance(value, bool):
        return "include" if value else None
    return list(value) if isinstance(value, tuple) else value


class Links:
    """The links of one search page: its endpoint, path values and the request it shows."""

    def __init__(
        self, endpoint: str, req: SearchRequest, more: str | None = None, find: str | None = None,
        **path_values,
    ):  # fmt: skip
        self.endpoint, self.req, self.path_values = endpoint, req, path_values
        self.more = more  # the facet listed in full (`more=`), kept by every link of the page
        self.find = find if more else None  # the words narrowing that list (`find=`)
        # url_for once per page, not per link: a page prints hundreds of facet links; and the
        # parts every link shares are worked out once (the request's fields and filters, each
        # argument's encoding)
        self.base = url_for(endpoint, **path_values)
        self.fields = {name: getattr(req, name) for name in URL_FIELDS}
        self.filtered = filter_args(req.filters)
        self.encoded: dict = {}

    def args(self, **changes) -> dict:
        """Return this page's query-string arguments with some request fields changed."""
        more = changes.pop("more", self.more)
        find = changes.pop("find", self.find) if more == self.more else None
        kept = {"more": more, "find": find if more else None}
        unknown = set(changes) - set(URL_FIELDS)
        if unknown:
            raise TypeError(f"a link cannot change {', '.join(sorted(unknown))}")
        return {
            **_args({**self.fields, **changes}, self._filter_args(changes)),
            **{k: v for k, v in kept.items() if v},
        }

    def _filter_args(self, changes: dict) -> dict:
        """Return the filter arguments with the changed filters, recomputing only those changed
        (a facet toggle changes one)."""
        new = changes.get("filters")
        if new is None or new is self.req.filters:
            return self.filtered
        old = self.req.filters
        return {
            param: self.filtered[param]
            if getattr(new, attr) is getattr(old, attr)
            else url_value(getattr(new, attr))
            for param, attr in FILTER_PARAMS.items()
        }

    def pairs(self, **changes) -> list[list[str]]:
        """Return this page's arguments, some changed, as (name, value) pairs for a form."""
        args = self.args(**changes)
        return [
            [k, str(v)] for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])
        ]

    def url(self, **changes) -> str:
        """Return this page's URL with some request fields changed."""
        args = self.args(**changes)
        return f"{self.base}?{self._encode(args)}" if args else self.base

    def _encode(self, args: dict) -> str:
        """Return arguments as a query string, as urlencode(args, doseq=True) does, each
        (name, value) encoded once per page."""
        pieces = []
        for name, value in args.items():
            key = (name, tuple(value) if isinstance(value, list) else value)
            piece = self.encoded.get(key)
            if piece is None:
                piece = self.encoded[key] = urlencode({name: value}, doseq=True)
            pieces.append(piece)
        return "&".join(pieces)

    def json_url(self) -> str:
        """Return the URL of this page's JSON twin."""
        return url_for(self.endpoint + "_json", **self.path_values, **self.args())

    def expand(self, facet: str | None) -> str:
        """Return this page's URL with one facet listed in full (None: none)."""
        return self.url(more=facet) + (f"#facet-{facet}" if facet else "")

    def per_page(self, n: int) -> str:
        """Return the URL showing n hits a page, from the page holding the current first hit."""
        return self.url(per_page=n, page=self.req.first // n + 1)

    def state(self) -> str | None:
        """Return the whole search but its query text, for a filing page's way back (`back=`)."""
        return search_state(self.req)

    def toggle(self, facet: str, value: str) -> str:
        """Return the URL that selects a facet value, or unselects it; back to page 1."""
        return self.toggles(facet, [value])[0]

    def toggles(self, facet: str, values: list[str]) -> list[str]:
        """Return the toggle URLs of a facet's values (`toggle` of each): the arguments around
        the facet's own are encoded once for them all (a page prints a hundred of these)."""
        attr = FACET_ATTR[facet]
        param = PARAM_OF[attr]
        args = self.args(page=1, filters=replace(self.req.filters, **{attr: ()}))
        before = [k for k in args if LEADING_ARGS.get(k, len(LEADING_ARGS)) < LEADING_ARGS[param]]
        head = self._encode({k: args.pop(k) for k in before})
        tail = self._encode(args)
        selected = getattr(self.req.filters, attr)
        urls = []
        for value in values:
            new = toggle_value(selected, value)
            pieces = [head, self._encode({param: list(new)}) if new else "", tail]
            query = "&".join(p for p in pieces if p)
            urls.append(f"{self.base}?{query}" if query else self.base)
        return urls

    def remove(self, name: str, value: str | None = None) -> str:
        """Return the URL without one filter value (or without a single-valued filter)."""
        current = getattr(self.req.filters, name)
        new = tuple(v for v in current if v != value) if isinstance(current, tuple) else None
        new = False if isinstance(current, bool) else new
        return self.url(filters=replace(self.req.filters, **{name: new}), page=1)

    def clear(self) -> str:
        """Return the URL of the same query without any filter."""
        return self.url(filters=Filters(), page=1)

    def page(self, n: int) -> str:
        return self.url(page=n)

    def sort(self, name: str) -> str:
        return self.url(sort=name, page=1)

    def query(self, q: str) -> str:
        """Return the URL of another query with the same filters (did you mean)."""
        return self.url(q=q, page=1)


def filing_url(
    fid: str, q: str | None = None, doc: int | None = None, back: str | None = None, **extra
) -> str:
    """Return the URL of a filing's page; `q` carries the search terms to highlight, `back` the
    rest of the search it was opened from (see Links.state)."""
    options = {"q": q or None, "doc": doc, "back": back or None, **extra}
    return _maker(filing_url_maker, tuple(options.items()))(fid)


def filing_url_maker(**options) -> Callable[[str], str]:
    """Return a function that makes the URL of a filing's page from its id, with one url_for
    for all of them (an export builds thousands)."""
    before, _, after = url_for("filings.filing", fid=ID_SLOT, **options).partition(ID_SLOT)
    return lambda fid: before + quote(fid, safe="") + after


def filing_json_url(fid: str) -> str:
    return url_for("filings.filing_json", fid=fid)


def original_url(fid: str, n: int) -> str:
    """Return the URL of the sanitized original markup of a filing's n-th document (1-based)."""
    return url_for("filings.original", fid=fid, n=n)


def company_url(cik: str | None) -> str | None:
    """Return the URL of a company's page, None without a CIK."""
    if not cik or not cik.isdigit():
        return None
    return _maker(company_url_maker, ())(cik.lstrip("0") or "0")


def company_url_maker() -> Callable[[str], str]:
    """Return a function that makes the URL of a company's page from its CIK (digits, no
    leading zeros), with one url_for for all of them."""
    before, _, after = url_for("companies.company", cik=CIK_SLOT).partition(CIK_SLOT)
    return lambda cik: before + cik + after


def _maker(make: Callable, options: tuple) -> Callable[[str], str]:
    """Return a URL maker made once per request for these options: a results page links tens
    of filings and companies, and url_for is the slow part of each link."""
    makers = g.setdefault("url_makers", {})
    key = (make, options)
    if key not in makers:
        makers[key] = make(**dict(options))
    return makers[key]


def search_state(req: SearchRequest) -> str | None:
    """Return a search's arguments but its query text as a query string (None: nothing but the
    query), which a filing page carries as `back=` to link the search it was opened from."""
    args = {k: v for k, v in request_args(req).items() if k != "q"}
    return urlencode(args, doseq=True) or None


def back_url(q: str, state: str | None) -> str:
    """Return the URL of the search a filing page was opened from: its query and its state."""
    query = "&".join(x for x in (urlencode({"q": q}) if q else "", state or "") if x)
    return url_for("search.search") + (f"?{query}" if query else "")


def search_url(**args) -> str:
    """Return the URL of a search (e.g. the query a filing page was opened from)."""
    return url_for("search.search", **{k: v for k, v in args.items() if v})


def sec_url(accession: str | None, cik: str | None) -> str | None:
    """Return the filing's index page on sec.gov, when it has an accession and a CIK."""
    if not accession or not cik or not cik.isdigit():
        return None
    return f"{SEC_ARCHIVES}/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"
