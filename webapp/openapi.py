"""`/openapi.json`: the OpenAPI 3.1 description of the JSON endpoints and the exports.

The document is the file beside this module; tests/test_openapi.py validates it and checks real
responses of every endpoint against its schemas, so it cannot drift from the code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint

bp = Blueprint("openapi", __name__)

DOCUMENT = Path(__file__).with_name("openapi.json")


@cache
def document() -> dict:
    """Return the OpenAPI document (read once)."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi_json():
    """Serve the OpenAPI document."""
    return document()
