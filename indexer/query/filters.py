"""Filters as Whoosh query objects: exact-value fields, dates, and the `Filters` request part.

The query language's `cik:`, `form:`, `items:`, `filed:` and `period:` use the same helpers, so a
field typed in the search box and the same filter set from a facet link select the same filings.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, fields, replace
from datetime import datetime

from indexer.edgar.cik import CIK_PATTERN, normalize_cik
from indexer.edgar.items import normalize_item, root_form
from indexer.edgar.states import state_code
from indexer.query import nodes as N
from indexer.query.fields import FACET_ATTR
from indexer.query.formcats import category_forms
from indexer.query.tokens import query_words


class QueryError(ValueError):
    """A search request that cannot be run as given; the message says what to change."""

    def __init__(self, message: str, position: int | None = None, param: str = "q"):
        super().__init__(message)
        self.message = message
        self.position = position  # character offset in the query string, when known
        self.param = param  # the request parameter at fault: q, forms, filed_from, page, ...

    def to_json(self) -> dict:
        return {"error": self.message, "param": self.param, "position": self.position}


# "2004", "2004-03", "2004-03-31": the date shapes filters and `filed:` accept
DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# "2834": a standard industrial classification code
SIC = re.compile(r"\d{1,4}")
# "EX-99.1", "99.1", "10", "ex-101.ins": an exhibit type, its "EX-" prefix optional
EXHIBIT_TYPE = re.compile(r"(?:EX-)?(\d[\w.]*)", re.I)


def parse_date(text: str, end: bool = False, param: str = "q") -> datetime:
    """Read a year, month or day; the start of that period, or its last day when `end`."""
    m = DATE.fullmatch(text.strip())
    try:
        if m is None:
            raise ValueError
        year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
        if not month:
            return datetime(year, 12, 31) if end else datetime(year, 1, 1)
        if not day:
            last = monthrange(year, month)[1]
            return datetime(year, month, last if end else 1)
        return datetime(year, month, day)
    except ValueError:
        raise QueryError(
            f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)", param=param
        ) from None


def check_cik(text: str, param: str = "q") -> str:
    """Return a CIK as ten digits, leading zeros optional."""
    text = text.strip()
    try:
        return normalize_cik(text)
    except ValueError:
        raise QueryError(f"cik: takes a number like 320193, not {text!r}", param=param) from None


def check_form(text: str, param: str = "q") -> str:
    """Return a form type as the index holds it: upper case, single spaces."""
    form = " ".join(text.upper().split())
    if not form:
        raise QueryError("form: needs a form type like 10-K", param=param)
    return form


def check_item(text: str, param: str = "q") -> str:
    """Return an 8-K item in today's numbering: `9` → 7.01."""
    item = normalize_item(text)
    if item is None or item.normalized is None:
        raise QueryError(
            f"items: unknown 8-K item {text!r} (use a code like 2.02, or a pre-2004 one like 9)",
            param=param,
        )
    return item.normalized


def check_state(text: str, param: str) -> str:
    """Return a state's (or EDGAR location's) two-letter code, from a code or a name."""
    code = state_code(text)
    if code is None:
        raise QueryError(
            f"not a US state or EDGAR location code: {text!r} (use a code like DE or A6)",
            param=param,
        )
    return code


def check_sic(text: str, param: str = "sics") -> str:
    """Return a SIC code as four digits."""
    text = text.strip()
    if not SIC.fullmatch(text):
        raise QueryError(f"not a SIC code: {text!r} (use a number like 2834)", param=param)
    return text.zfill(4)


def check_category(category: str) -> tuple[str, ...]:
    """Return the forms of an EDGAR form group (`form-cat1`)."""
    forms = category_forms(category)
    if forms is None:
        raise QueryError(f"unknown form category {category!r} (use form-cat0 … form-cat10)",
                         param="category")  # fmt: skip
    return forms


def date_range(field: str, start: str | None, end: str | None, param: str = "q") -> N.Node:
    """Match filings whose date field falls in [start, end], either end open.

    A `param` other than "q" names a filter pair: errors name `<param>_from` or `<param>_to`.
    """
    lo_param, hi_param = (param, param) if param == "q" else (f"{param}_from", f"{param}_to")
    lo = parse_date(start, param=lo_param) if start else None
    hi = parse_date(end, end=True, param=hi_param) if end else None
    if lo is None and hi is None:
        raise QueryError(f"{field}: range needs a start or an end date", param=lo_param)
    if lo and hi and lo > hi and param == "q":  # typed by hand: say so
        raise QueryError(f"{field}: range starts after it ends ({start} > {end})", param=lo_param)
    # A filter pair that starts after it ends is an empty range: it matches nothing, as each
    # value alone is valid (and EFTS answers startdt > enddt the same way)
    return N.DateRange(field, lo, hi)


def cik_query(text: str, param: str = "q") -> N.Node:
    """Match a CIK given with or without its leading zeros."""
    return N.Term("cik", check_cik(text, param))


def form_query(text: str, param: str = "q") -> N.Node:
    """Match a form with its amendments (`8-K` → 8-K and 8-K/A); `8-K/A` only amendments."""
    form = check_form(text, param)
    if root_form(form) == form:
        return N.Term("root_form", form)
    return N.Term("form", form)


def items_query(text: str, param: str = "q") -> N.Node:
    """Match an 8-K item in either numbering: `9` and `7.01` both match normalized 7.01."""
    return N.Term("items", check_item(text, param))


def company_query(value: str) -> N.Node:
    """Match the company facet's value: a primary filer's CIK (leading zeros optional), or the
    exact name of a company known without one, or (legacy links) an exact primary name."""
    value = value.strip()
    if CIK_PATTERN.fullmatch(value):
        return N.Term("company_key", normalize_cik(value))
    return N.Or([N.Term("company_key", value), N.Term("company_name", value)])


def exhibit_type(text: str) -> str:
    """Return an exhibit type as EDGAR spells it: `99.1` → `EX-99.1`."""
    value = text.strip().upper()
    m = EXHIBIT_TYPE.fullmatch(value)
    return f"EX-{m[1]}" if m else value


def exhibit_type_query(text: str) -> N.Node:
    """Match an exhibit type and its sub-numbers: `EX-99` (or `99`) matches EX-99 and EX-99.1."""
    value = exhibit_type(text)
    return N.Or([N.Term("exhibit_type", value), N.Prefix("exhibit_type", value + ".")])


def state_query(field: str, text: str, param: str) -> N.Node:
    """Match a state by two-letter code or name."""
    return N.Term(field, check_state(text, param))


def sic_query(text: str, param: str = "sics") -> N.Node:
    """Match a four-digit SIC code."""
    return N.Term("sic", check_sic(text, param))


def words_query(field: str, text: str) -> N.Node | None:
    """Match every word of `text` in a text field (names, titles)."""
    words = query_words(text)
    if not words:
        return None
    terms = [N.Term(field, w) for w in words]
    return terms[0] if len(terms) == 1 else N.And(terms)


# The year facet's value for a filing whose filing date no file states
UNDATED = "undated"


def toggle_value(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    """Return a facet's selected values with one selected, or unselected if it was."""
    return tuple(v for v in values if v != value) if value in values else (*values, value)


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to. Values within one attribute are ORed, attributes ANDed."""

    forms: tuple[str, ...] = ()  # "8-K" includes 8-K/A; "-4" excludes form 4
    ciks: tuple[str, ...] = ()
    company: str | None = None  # words in any filer's name, former names too
    companies: tuple[str, ...] = ()  # primary filers' CIKs (the company facet's values)
    filed_from: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    filed_to: str | None = None
    period_from: str | None = None
    period_to: str | None = None
    years: tuple[str, ...] = ()  # filing years (the year facet's values)
    items: tuple[str, ...] = ()  # 8-K items in either numbering
    states: tuple[str, ...] = ()  # state of incorporation
    biz_states: tuple[str, ...] = ()  # business address state
    sics: tuple[str, ...] = ()
    signer: str | None = None  # words in signers' names or titles
    signers: tuple[str, ...] = ()  # exact signer names (the signer facet's values)
    exhibits: tuple[str, ...] = ()  # exhibit types "EX-99.1"
    include_undated: bool = False  # filing-date filters keep filings with no known date
    accessions: tuple[str, ...] = ()  # filing ids: "0000320193-24-000005" or "local-<hex16>"
    category: str | None = None  # an EDGAR form group, "form-cat1" (indexer.query.formcats)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def toggled(self, facet: str, value: str) -> Filters:
        """Return these filters with one facet value selected, or unselected if it was."""
        name = FACET_ATTR[facet]
        return replace(self, **{name: toggle_value(getattr(self, name), value)})

    def without_facet(self, facet: str) -> Filters:
        """Return these filters without a facet's selected values (a form's exclusions stay:
        no facet value selects them)."""
        name = FACET_ATTR[facet]
        kept = tuple(v for v in getattr(self, name) if name == "forms" and v.startswith("-"))
        return replace(self, **{name: kept})

    def faceted(self) -> tuple[str, ...]:
        """Return the facets with a selected value, in FACET_ATTR's order."""
        return tuple(f for f in FACET_ATTR if self.without_facet(f) != self)

    def dated(self) -> bool:
        """Tell whether a filing-date filter (dates or years) leaves out undated filings."""
        return bool(self.filed_from or self.filed_to or set(self.years) - {UNDATED})

    def without_dates(self) -> Filters:
        """Return these filters without their filing-date conditions."""
        return replace(self, filed_from=None, filed_to=None, years=(), include_undated=False)

    def selected(self, facet: str) -> tuple[str, ...]:
        """Return the values of a facet these filters select."""
        return getattr(self, FACET_ATTR[facet])

    def validate(self) -> Filters:
        """Check every value as build_filters reads it, raising its QueryError (the first value
        at fault, in the same order), without building a query; return these filters."""
        for form in self.forms:
            if not form.startswith("-"):  # a blank exclusion ("-") is ignored
                check_form(form, "forms")
        if self.category:
            check_category(self.category)
        for cik in self.ciks:
            check_cik(cik, "ciks")
        for pair in ("filed", "period"):
            start, end = getattr(self, f"{pair}_from"), getattr(self, f"{pair}_to")
            if start:
                parse_date(start, param=f"{pair}_from")
            if end:
                parse_date(end, end=True, param=f"{pair}_to")
        for item in self.items:
            check_item(item, "items")
        for attr in ("states", "biz_states"):
            for state in getattr(self, attr):
                check_state(state, attr)
        for sic in self.sics:
            check_sic(sic)
        return self

    def to_json(self) -> dict:
        """Return the filters that are set, tuples as lists."""
        out = {}
        for f in fields(self):
            if value := getattr(self, f.name):
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


def _any(queries: list[N.Node]) -> N.Node | None:
    """OR a list of queries; None for none."""
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else N.Or(queries)


def _form_clauses(forms: tuple[str, ...]) -> list[N.Node]:
    """Return the include clause and the exclusion clauses of a forms filter."""
    include = [form_query(f, "forms") for f in forms if not f.startswith("-")]
    exclude = [form_query(f[1:], "forms") for f in forms if f.startswith("-") and f[1:].strip()]
    clauses = [_any(include)] if include else []
    return clauses + [N.Not(q) for q in exclude]


def filed_clause(f: Filters) -> N.Node | None:
    """Match the filing dates and years asked for, and undated filings if they are included."""
    dated = [
        date_range("filed", f.filed_from, f.filed_to, "filed")
        if f.filed_from or f.filed_to
        else None,
        _any([N.Term("year", y.strip()) for y in f.years]),
    ]
    dated = [c for c in dated if c is not None]
    if not dated:
        return None
    clause = dated[0] if len(dated) == 1 else N.And(dated)
    return N.Or([clause, N.Term("year", UNDATED)]) if f.include_undated else clause


def _category_clauses(category: str | None) -> list[N.Node]:
    """Return the clauses of a form category: its forms, as a forms filter reads them."""
    if not category:
        return []
    clauses = _form_clauses(check_category(category))
    return [N.And(clauses)] if len(clauses) > 1 else clauses


def build_filters(filters: Filters) -> N.Node | None:
    """Turn the filters into one query for Whoosh's `filter=`; None when nothing is filtered."""
    f = filters
    clauses = _form_clauses(f.forms) + _category_clauses(f.category)
    clauses += [
        _any([cik_query(c, "ciks") for c in f.ciks]),
        words_query("company", f.company) if f.company else None,
        _any([company_query(c) for c in f.companies]),
        filed_clause(f),
        date_range("period", f.period_from, f.period_to, "period")
        if f.period_from or f.period_to
        else None,
        _any([items_query(i, "items") for i in f.items]),
        _any([state_query("inc_state", s, "states") for s in f.states]),
        _any([state_query("biz_state", s, "biz_states") for s in f.biz_states]),
        _any([sic_query(s) for s in f.sics]),
        words_query("signer", f.signer) if f.signer else None,
        _any([N.Term("signer_name", s) for s in f.signers]),
        _any([exhibit_type_query(e) for e in f.exhibits]),
        _any([N.Term("id", a) for a in f.accessions]),
    ]
    clauses = [c for c in clauses if c is not None]
    if not clauses:
        return None
    if all(isinstance(c, N.Not) for c in clauses):
        clauses.insert(0, N.Every())
    return clauses[0] if len(clauses) == 1 else N.And(clauses)
