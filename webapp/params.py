"""The HTTP edge: request arguments → bounded values and a SearchRequest.

Every input is bounded here (lengths, counts, numeric ranges) before the search core sees it; a
bad value is an ApiError(400) whose message starts with the parameter's name. Path values
(filing ids, CIKs) are checked by pattern and answer 404 when they cannot name anything.
"""

from __future__ import annotations

import re
from datetime import date

from werkzeug.datastructures import MultiDict

from indexer.edgar.cik import CIK_PATTERN, normalize_cik
from indexer.edgar.items import LEGACY_ITEMS, MODERN_ITEMS, normalize_item
from indexer.edgar.states import LOCATION_PATTERN
from indexer.query.fields import CHOICE, DATE, FIELDS, LIST, PARAM_OF
from indexer.query.filters import Filters, QueryError
from indexer.query.language import MAX_PER_PAGE, MAX_QUERY_CHARS
from indexer.search.core import MAX_PAGE, SORTS, SearchRequest
from indexer.search.facets import FACET_SIZE
from webapp.errors import ApiError

# Query-string values in one request: above the sum of every parameter's own bound (MAX_VALUES
# per repeatable filter), so a request the OpenAPI description allows is never refused by it
MAX_ARGS = 400
MAX_VALUE_CHARS = 200  # one filter value ("Apple Inc.", "2004-03-31", "EX-99.1")
MAX_VALUES = 20  # values of one repeated filter (forms=8-K&forms=10-K...), blanks included
MAX_WEB_FACET_SIZE = 100  # facet values shown per facet
DEFAULT_PER_PAGE = 10
DEFAULT_SORT = "relevance"

# "0000320193-24-000005" (an accession) or "local-5f0c1e2a9b3d4c6e" (a filing without one)
FILING_ID = re.compile(r"[0-9]{10}-[0-9]{2}-[0-9]{6}|local-[0-9a-f]{16}")
# "12", "0012": a whole number in ASCII digits (str.isdigit also takes "²" and "٣")
WHOLE = re.compile(r"[0-9]{1,12}")
# "1", "2004": a year from 1 to 9999, four digits (datetime has no year 0)
YEAR_PART = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
# "2004", "2004-03": a year or a month; a whole day is checked by date.fromisoformat
YEAR_OR_MONTH = re.compile(YEAR_PART + r"(?:-(?:0[1-9]|1[0-2]))?")
# "2004-03-31": a day, its shape (its validity is date.fromisoformat's)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A free-text value: anything but NUL (the OpenAPI description states the same pattern)
FREE_TEXT = re.compile(r"[^\x00]*")
# The exact shape each structured filter's values take, the OpenAPI description's patterns
SHAPES = {
    "cik": CIK_PATTERN,
    "year": re.compile(r"[0-9]{4}|undated"),  # a filing year as the year facet shows it
    "state": re.compile(LOCATION_PATTERN),  # "DE", "A6": a state, country or province code
    "biz_state": re.compile(LOCATION_PATTERN),
    "sic": re.compile(r"[0-9]{1,4}"),  # "2834"
}
# 8-K item codes a filter takes, either numbering ("9" = "7.01"); legacy 10-12 have no successor
ITEM_CODES = tuple(
    c for c in (*LEGACY_ITEMS, *MODERN_ITEMS) if (i := normalize_item(c)) and i.normalized
)


def bad(param: str, message: str) -> ApiError:
    """Return the 400 error for one parameter."""
    return ApiError(400, f"{param}: {message}", f"fix or remove the {param!r} parameter")


def raw_values(args: MultiDict, name: str, limit: int = MAX_VALUE_CHARS) -> list[str]:
    """Return a parameter's values as sent, each bounded and free of NUL."""
    values = args.getlist(name)
    for v in values:
        if len(v) > limit:
            raise bad(name, f"at most {limit} characters")
        if not FREE_TEXT.fullmatch(v):
            raise bad(name, "contains a NUL character")
    return values


def text_arg(args: MultiDict, name: str, limit: int = MAX_VALUE_CHARS) -> str | None:
    """Return one stripped text value, None when absent or blank."""
    values = raw_values(args, name, limit)
    if len(values) > 1:
        raise bad(name, "give it once")
    return (values[0].strip() if values else "") or None


def exact_arg(args: MultiDict, name: str, limit: int = MAX_VALUE_CHARS) -> str | None:
    """Return one value exactly as sent, None when absent or empty (as an HTML form sends it)."""
    values = raw_values(args, name, limit)
    if len(values) > 1:
        raise bad(name, "give it once")
    return values[0] if values and values[0] else None


def list_arg(args: MultiDict, name: str) -> tuple[str, ...]:
    """Return the non-blank values of a repeated parameter, each bounded, duplicates dropped."""
    values = raw_values(args, name)
    if len(values) > MAX_VALUES:
        raise bad(name, f"at most {MAX_VALUES} values")
    shape = SHAPES.get(name)
    for v in values:
        if v and shape and not shape.fullmatch(v):
            raise bad(name, f"not a valid value: {v!r}")
        if v and name == "item" and v not in ITEM_CODES:
            raise bad(name, f"unknown 8-K item {v!r} (use a code like 2.02, or 9 before 2004)")
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def date_arg(args: MultiDict, name: str) -> str | None:
    """Return a date parameter (YYYY, YYYY-MM or YYYY-MM-DD), None when absent or empty."""
    value = exact_arg(args, name, 10)
    if value is None or YEAR_OR_MONTH.fullmatch(value):
        return value
    try:
        if not DAY.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise bad(name, f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


def int_arg(args: MultiDict, name: str, lo: int, hi: int, default: int | None) -> int | None:
    """Return an integer parameter within [lo, hi], `default` when absent or empty."""
    text = exact_arg(args, name, 12)
    if text is None:
        return default
    if not WHOLE.fullmatch(text) or not lo <= int(text) <= hi:
        raise bad(name, f"must be a whole number from {lo} to {hi}")
    return int(text)


def choice_arg(args: MultiDict, name: str, choices, default: str) -> str:
    """Return one of `choices` exactly, `default` when absent or empty."""
    value = exact_arg(args, name, 40) or default
    if value not in choices:
        raise bad(name, f"unknown value {value!r} (use {', '.join(choices)})")
    return value


def query_arg(args: MultiDict) -> str:
    """Return the query text `q` (empty when absent)."""
    return text_arg(args, "q", MAX_QUERY_CHARS) or ""


def parse_filters(args: MultiDict, exclude: tuple[str, ...] = ()) -> Filters:
    """Read the filters a URL sets (see FIELDS); `exclude` names parameters ignored."""
    values: dict = {}
    for f in FIELDS:
        if f.param is None or f.param in exclude:
            continue
        if f.kind == CHOICE:
            values[f.attr] = choice_arg(args, f.param, f.choices, f.choices[-1]) == f.choices[0]
        else:
            read = {LIST: list_arg, DATE: date_arg}.get(f.kind, text_arg)
            values[f.attr] = read(args, f.param)
    try:  # the core checks every value (dates, CIKs, items, states) as a search reads it
        return Filters(**values).validate()
    except QueryError as e:
        raise bad(PARAM_OF.get(e.param, e.param), e.message) from None


def parse_search(args: MultiDict, exclude: tuple[str, ...] = ()) -> SearchRequest:
    """Read a search request from a URL's arguments; `exclude` names filters the page fixes."""
    if len(args) > MAX_ARGS or sum(len(v) for v in args.listvalues()) > MAX_ARGS:
        raise ApiError(400, f"too many parameters (at most {MAX_ARGS})")
    req = SearchRequest(
        q=query_arg(args),
        filters=parse_filters(args, exclude),
        sort=choice_arg(args, "sort", tuple(SORTS), DEFAULT_SORT),
        page=int_arg(args, "page", 1, MAX_PAGE, 1),
        per_page=int_arg(args, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
        facet_size=int_arg(args, "facet_size", 1, MAX_WEB_FACET_SIZE, FACET_SIZE),
        multiselect=True,  # a page's facets offer every value of a facet with a selection
    )
    try:
        req.validate()
    except QueryError as e:
        raise bad(e.param, e.message) from None
    return req


def filing_id(value: str) -> str:
    """Return a filing id from a path, or 404 when it cannot be one."""
    if not FILING_ID.fullmatch(value):
        raise ApiError(404, "no such filing", "an id is an accession like 0000320193-24-000005")
    return value


def cik(value: str) -> str:
    """Return a path's CIK as 10 digits, or 404 when it cannot be one."""
    try:
        return normalize_cik(value)
    except ValueError:
        raise ApiError(404, "no such company", "a CIK is a number like 320193") from None
