"""One way to answer a page: its template for HTML, `{"ok": true, **data}` for its `.json` twin."""

from __future__ import annotations

from flask import jsonify, render_template

from webapp.errors import wants_json


def respond(template: str, data: dict):
    """Render `data` with `template`, or as JSON when the URL is a `.json` twin."""
    if wants_json():
        return jsonify({"ok": True, **data})
    return render_template(template, **data)
