"""One error shape: JSON `{"ok": false, "error", "status"}` for JSON URLs, the same fields in
the export's own format for exports (a CSV row, a JSON line), error.html otherwise."""

from __future__ import annotations

import csv
import io
import json

from flask import Flask, Response, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.query.filters import QueryError
from indexer.store.generations import NoIndex

# URLs that answer JSON: every `.json` twin, the EFTS-compatible API, the OpenAPI description
JSON_PREFIXES = ("/LATEST/",)
# Export URLs by ending: their errors answer in the export's own format
EXPORT_MIMETYPES = {".csv": "text/csv", ".jsonl": "application/x-ndjson"}


class ApiError(Exception):
    """An error a view reports to the user with an HTTP status."""

    def __init__(self, status: int, message: str, hint: str | None = None):
        super().__init__(message)
        self.status, self.message, self.hint = status, message, hint


def wants_json() -> bool:
    """Tell whether the current URL is one that answers JSON."""
    path = request.path
    return path.endswith(".json") or path.startswith(JSON_PREFIXES)


def export_format() -> str | None:
    """Return the ending of the export the current URL asks for, None for any other URL."""
    return next((end for end in EXPORT_MIMETYPES if request.path.endswith(end)), None)


def export_error(body: dict, status: int, ending: str) -> Response:
    """Answer an export's error in its format: a one-row CSV, or one JSON line."""
    if ending == ".jsonl":
        text = json.dumps(body, ensure_ascii=False) + "\n"
    else:
        buf = io.StringIO()
        buf.write("\ufeff")  # as the export itself: spreadsheets read it as UTF-8
        writer = csv.writer(buf)
        writer.writerow(body)
        writer.writerow(json.dumps(v) if isinstance(v, bool) else v for v in body.values())
        text = buf.getvalue()
    return Response(text, status, mimetype=EXPORT_MIMETYPES[ending])


def error_response(status: int, message: str, hint: str | None = None, **extra):
    """Answer an error in the shape the URL calls for; `extra` adds fields (a query error's
    position and repair)."""
    body = {"ok": False, "error": message, "status": status, **extra}
    if hint:
        body["hint"] = hint
    if ending := export_format():
        return export_error(body, status, ending), status
    if wants_json():
        return body, status
    return render_template("error.html", status=status, message=message, hint=hint), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        return error_response(e.status, e.message, e.hint)

    from webapp import query_errors  # imports this module's ApiError

    @app.errorhandler(QueryError)
    def query_error(e: QueryError):
        return query_errors.query_error(e)  # the search page again, the error marked

    @app.errorhandler(NoIndex)
    def no_index(e: NoIndex):
        return error_response(503, "no index has been built yet", str(e))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        body, status = error_response(e.code or 500, e.description or e.name)
        response = make_response(body, status)
        # the exception's own headers say what to do next: a 405's Allow lists the methods
        for name, value in e.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def internal_error(e: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "internal error")
