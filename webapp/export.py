"""`/search.csv` and `/search.jsonl`: every filing a search matches, one row each, streamed.

The rows come page by page from one index generation, held open until the response is closed,
so a build swapping in a new generation mid-download cannot duplicate or drop rows. An export
stops at EXPORT_MAX_ROWS; the X-Export-* headers say how many rows match, how many are sent and
whether that is all of them.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace

from flask import Blueprint, Response, current_app, request, stream_with_context

from indexer.query import MAX_PER_PAGE
from indexer.search import MAX_PAGE, MAX_TIME_LIMIT, Hit, SearchRequest, SearchResult, run
from indexer.searcher import Generation
from webapp import params, urls
from webapp.errors import ApiError
from webapp.index import get_index

bp = Blueprint("export", __name__)

EXPORT_MAX_ROWS = 100_000  # rows in one export (app config EXPORT_MAX_ROWS overrides, lower)
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
    """Read /search's parameters; ask for whole pages without facets or snippets."""
    req = params.parse_search(request.args)
    return replace(
        req,
        page=1,
        per_page=MAX_PER_PAGE,
        facets=False,
        snippets=False,
        time_limit=MAX_TIME_LIMIT,  # per page; a page past it may miss rows
    )


def row(hit: Hit) -> dict:
    """Return one filing as an export row."""
    return {
        "accession": hit.accession,
        "form": hit.form,
        "company": hit.company,
        "cik": hit.cik,
        "filed": hit.filed,
        "period": hit.period,
        "items": [i["normalized"] or i["code"] for i in hit.items],
        "url": urls.filing_url(hit.id, _external=True),
    }


def rows(gen: Generation, req: SearchRequest, first: SearchResult, limit: int) -> Iterator[Hit]:
    """Yield the hits of every page up to `limit`, starting with the page already run."""
    result, sent = first, 0
    while True:
        for hit in result.hits[: limit - sent]:
            yield hit
            sent += 1
        if sent >= limit or len(result.hits) < req.per_page:
            return
        if result.timed_out:  # a page past its time limit may miss rows: stop, do not skip
            current_app.logger.warning("export stopped after %d rows: search timed out", sent)
            return
        req.page += 1
        result = run(gen, req, time.monotonic())


def safe_cell(value) -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ITEM_SEPARATOR.join(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(hits: Iterator[Hit]) -> Iterator[str]:
    """Yield the CSV header, then rows in chunks of a page."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for n, hit in enumerate(hits, 1):
        r = row(hit)
        writer.writerow([safe_cell(r[c]) for c in COLUMNS])
        if n % MAX_PER_PAGE == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def jsonl_chunks(hits: Iterator[Hit]) -> Iterator[str]:
    """Yield one JSON object per line."""
    for hit in hits:
        yield json.dumps(row(hit), ensure_ascii=False) + "\n"


def export(chunks: Callable, mimetype: str, extension: str) -> Response:
    """Run the first page now (so bad parameters answer 400), stream the rest."""
    req = search_request()
    limit = max_rows()
    stack = ExitStack()
    try:
        gen = stack.enter_context(get_index().using())
        first = run(gen, req, time.monotonic())
        if first.timed_out:
            raise ApiError(503, "the search took too long to export", "narrow the search")
        hits = rows(gen, req, first, limit)
        # the request context stays for url_for while the body streams
        response = Response(stream_with_context(chunks(hits)), mimetype=mimetype)
    except BaseException:
        stack.close()
        raise
    response.call_on_close(stack.close)  # releases the generation, even if never iterated
    count = min(first.total, limit)
    response.headers.update(
        {
            "Content-Disposition": f'attachment; filename="edgar-search.{extension}"',
            "X-Export-Total": str(first.total),
            "X-Export-Rows": str(count),
            "X-Export-Limit": str(limit),
            "X-Export-Truncated": "true" if first.total > limit else "false",
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
