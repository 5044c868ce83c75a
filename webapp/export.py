"""`/search.csv` and `/search.jsonl`: every filing a search matches, one row each, streamed.

The search is matched and ranked once, up to EXPORT_MAX_ROWS; rows are then streamed from one
index generation, held open until the response is closed, so a build swapping in a new
generation mid-download cannot duplicate or drop rows. The X-Export-* headers say how many rows
match, how many are sent and whether that is all of them. A search that cannot be ranked within
EXPORT_TIME_LIMIT answers 503 rather than an export with rows missing.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace

from flask import Blueprint, Response, current_app, request

from indexer.query.language import MAX_PER_PAGE
from indexer.search.core import MAX_PAGE, Hit, SearchRequest, listing
from webapp import params, urls
from webapp.errors import ApiError
from webapp.index import get_index

bp = Blueprint("export", __name__)

EXPORT_MAX_ROWS = 100_000  # rows in one export (app config EXPORT_MAX_ROWS overrides, lower)
EXPORT_TIME_LIMIT = 10.0  # seconds to match and rank the whole result set
# The columns of a row, in order; the OpenAPI description's ExportRow lists the same
COLUMNS = ("accession", "form", "company", "cik", "filed", "period", "items", "url")
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ITEM_SEPARATOR = ";"  # between a CSV row's item codes


def max_rows() -> int:
    """Return the export bound: the configured one, never past what paging can reach."""
    configured = current_app.config.get("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS)
    return max(1, min(int(configured), MAX_PAGE * MAX_PER_PAGE))


def search_request() -> SearchRequest:
    """Read /search's parameters; the whole result set, without facets or snippets."""
    req = params.parse_search(request.args)
    req = replace(req, page=1, facets=False, snippets=False, time_limit=EXPORT_TIME_LIMIT)
    req.validate()
    return req


def row(hit: Hit, filing_url: Callable[[str], str]) -> dict:
    """Return one filing as an export row."""
    return {
        "accession": hit.accession,
        "form": hit.form,
        "company": hit.company,
        "cik": hit.cik,
        "filed": hit.filed,
        "period": hit.period,
        "items": [i["normalized"] or i["code"] for i in hit.items],
        "url": filing_url(hit.id),
    }


def safe_cell(value) -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ITEM_SEPARATOR.join(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(hits: Iterator[Hit], filing_url: Callable[[str], str]) -> Iterator[str]:
    """Yield the CSV header, then rows in chunks of a page."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for n, hit in enumerate(hits, 1):
        r = row(hit, filing_url)
        writer.writerow([safe_cell(r[c]) for c in COLUMNS])
        if n % MAX_PER_PAGE == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def jsonl_chunks(hits: Iterator[Hit], filing_url: Callable[[str], str]) -> Iterator[str]:
    """Yield one JSON object per line."""
    for hit in hits:
        yield json.dumps(row(hit, filing_url), ensure_ascii=False) + "\n"


def export(chunks: Callable, mimetype: str, extension: str) -> Response:
    """Match and rank now (so bad parameters answer 400), stream the rows."""
    req = search_request()
    limit = max_rows()
    stack = ExitStack()
    try:
        gen = stack.enter_context(get_index().using())
        found = listing(gen, req, limit, time.monotonic())
        if found.timed_out:
            raise ApiError(503, "the search took too long to export", "narrow the search")
        body = chunks(found.hits, urls.filing_url_maker(_external=True))
        response = Response(body, mimetype=mimetype)
    except BaseException:
        stack.close()
        raise
    response.call_on_close(stack.close)  # releases the generation, even if never iterated
    count = min(found.total, limit)
    response.headers.update(
        {
            "Content-Disposition": f'attachment; filename="edgar-search.{extension}"',
            "X-Export-Total": str(found.total),
            "X-Export-Rows": str(count),
            "X-Export-Limit": str(limit),
            "X-Export-Truncated": "true" if found.total > limit else "false",
            "Cache-Control": "no-store",
        }
    )
    return response


@bp.get("/search.csv")
def search_csv():
    """Export a search's filings as CSV."""
    return export(csv_chunks, "text/csv", "csv")


@bp.get("/search.jsonl")
def search_jsonl():
    """Export a search's filings as JSON lines."""
    return export(jsonl_chunks, "application/x-ndjson", "jsonl")
