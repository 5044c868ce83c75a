"""`/search.csv` and `/search.jsonl`: every filing a search matches, one row each, streamed.

The search is matched and ranked once, up to EXPORT_MAX_ROWS; rows are then streamed from one
index generation, held open until the response is closed, so a build swapping in a new
generation mid-download cannot duplicate or drop rows. The X-Export-* headers say how many rows
match, how many are sent and whether that is all of them. A search that cannot be ranked within
EXPORT_TIME_LIMIT answers 503 rather than an export with rows missing.

The CSV opens right in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads it as
UTF-8), the CIK as `="0000320193"` (text, its leading zeros kept), lists joined with `; `.
Errors answer in the export's own format (see webapp/errors.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace

from flask import Blueprint, Response, current_app, request, url_for

from indexer.query.language import MAX_PER_PAGE, ParsedQuery, parse_query
from indexer.search.core import (
    DEFAULT_TIME_LIMIT,
    MAX_PAGE,
    Hit,
    SearchRequest,
    add_snippets,
    listing,
)
from indexer.search.snippets import plain_text
from webapp import params, urls
from webapp.errors import ApiError
from webapp.index import get_index

bp = Blueprint("export", __name__)

EXPORT_MAX_ROWS = 100_000  # rows in one export (app config EXPORT_MAX_ROWS overrides, lower)
EXPORT_TIME_LIMIT = 10.0  # seconds to match and rank the whole result set
# Snippets and matched documents go to the first rows only, and stop, as a web page's do, at
# the search deadline: 0.75 s after the request began (app config EXPORT_SNIPPET_ROWS /
# EXPORT_SNIPPET_SECONDS override). Each reads and scans the filing's whole text, 1-13 ms a row
# on the corpus (a 10-K is megabytes; `re*` searches 200 words): with them all, the 143 rows of
# `re*` took 822 ms instead of 12. Past either bound both are empty; an export that took the
# deadline to rank (`re*` over 10,000 filings, SECURITY.md) gets none, and stays as fast.
EXPORT_SNIPPET_ROWS = 1_000
EXPORT_SNIPPET_SECONDS = DEFAULT_TIME_LIMIT
# The columns of a row, in order; the OpenAPI description's ExportRow lists the same
COLUMNS = (
    "accession", "form", "company", "cik", "filed", "period", "items", "items_normalized",
    "signers", "matched_documents", "snippet", "url", "sec_url",
)  # fmt: skip
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ITEM_SEPARATOR = ";"  # between a CSV row's item codes
LIST_SEPARATOR = {"signers": "; ", "matched_documents": "; "}  # names hold commas; else ";"
PAGE_ARGS = ("page", "per_page", "facet_size")  # what an export ignores: it sends every row
BOM = "\ufeff"  # opens a CSV, so that spreadsheets read it as UTF-8
# "0000320193": a CIK, which a spreadsheet would read as the number 320193
CIK_CELL = re.compile(r"[0-9]{10}")


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


def signer_label(signer: dict) -> str:
    """Return `Tim Cook (Chief Executive Officer)`."""
    return f"{signer['name']} ({signer['title']})" if signer.get("title") else signer["name"]


def document_label(doc: dict) -> str:
    """Return `EX-31.1 (ex311.htm)`."""
    kind = doc.get("type") or "document"
    return f"{kind} ({doc['filename']})" if doc.get("filename") else kind


def row(hit: Hit, filing_url: Callable[[str], str]) -> dict:
    """Return one filing as an export row."""
    return {
        "accession": hit.accession,
        "form": hit.form,
        "company": hit.company,
        "cik": hit.cik,
        "filed": hit.filed,
        "period": hit.period,
        "items": [i["code"] for i in hit.items],
        "items_normalized": [i["normalized"] or i["code"] for i in hit.items],
        "signers": [signer_label(s) for s in hit.signers],
        "matched_documents": [document_label(d) for d in hit.matched_documents],
        "snippet": plain_text(hit.snippets[0]) if hit.snippets else None,
        "url": filing_url(hit.id),
        "sec_url": urls.sec_url(hit.accession, hit.cik),
    }


def safe_cell(value, column: str = "") -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_SEPARATOR.get(column, ITEM_SEPARATOR).join(value)
    text = str(value)
    if column == "cik" and CIK_CELL.fullmatch(text):
        return f'="{text}"'  # a text constant: the one formula a cell may hold
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(hits: Iterator[Hit], filing_url: Callable[[str], str]) -> Iterator[str]:
    """Yield the byte-order mark and the CSV header, then rows in chunks of a page."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for n, hit in enumerate(hits, 1):
        r = row(hit, filing_url)
        writer.writerow([safe_cell(r[c], c) for c in COLUMNS])
        if n % MAX_PER_PAGE == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def jsonl_chunks(hits: Iterator[Hit], filing_url: Callable[[str], str]) -> Iterator[str]:
    """Yield one JSON object per line."""
    for hit in hits:
        yield json.dumps(row(hit, filing_url), ensure_ascii=False) + "\n"


def snippet_bounds() -> tuple[int, float]:
    """Return the rows of an export that may get snippets, and the seconds after the request
    began that snippets stop."""
    config = current_app.config
    rows = int(config.get("EXPORT_SNIPPET_ROWS", EXPORT_SNIPPET_ROWS))
    seconds = float(config.get("EXPORT_SNIPPET_SECONDS", EXPORT_SNIPPET_SECONDS))
    return max(0, rows), max(0.0, seconds)


def with_snippets(hits: Iterator[Hit], store, parsed: ParsedQuery, rows: int, deadline: float):
    """Give the first hits their snippets and matched documents as they are reached, up to
    `rows` of them and until the deadline (a time.monotonic()); the rest go without."""
    for n, hit in enumerate(hits):
        if n < rows and time.monotonic() < deadline:
            add_snippets(store, hit, parsed)
        yield hit


def export(chunks: Callable, mimetype: str, extension: str) -> Response:
    """Match and rank now (so bad parameters answer 400), stream the rows."""
    req = search_request()
    limit = max_rows()
    stack = ExitStack()
    try:
        gen = stack.enter_context(get_index().using())
        start = time.monotonic()
        found = listing(gen, req, limit, start)
        if found.timed_out:
            raise ApiError(503, "the search took too long to export", "narrow the search")
        parsed = parse_query(req.q, gen.lexicon())
        rows, seconds = snippet_bounds()
        hits = with_snippets(found.hits, gen.store(), parsed, rows, start + seconds)
        body = chunks(hits, urls.filing_url_maker(_external=True))
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
            "X-Export-Snippet-Rows": str(rows),
            "X-Export-Snippet-Seconds": str(seconds),
            "Cache-Control": "no-store",
        }
    )
    return response


def export_links(req: SearchRequest, total: int, cik: str | None = None) -> dict:
    """Return the links that export a page's whole result set (with the company page's fixed
    CIK), and how many rows they hold."""
    if cik:
        req = replace(req, filters=replace(req.filters, ciks=(cik,)))
    args = {k: v for k, v in urls.request_args(req).items() if k not in PAGE_ARGS}
    limit = max_rows()
    return {
        "csv": url_for("export.search_csv", **args),
        "jsonl": url_for("export.search_jsonl", **args),
        "rows": min(total, limit),
        "truncated": total > limit,
    }


@bp.get("/search.csv")
def search_csv():
    """Export a search's filings as CSV."""
    return export(csv_chunks, "text/csv", "csv")


@bp.get("/search.jsonl")
def search_jsonl():
    """Export a search's filings as JSON lines."""
    return export(jsonl_chunks, "application/x-ndjson", "jsonl")
