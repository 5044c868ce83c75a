"""The Flask front end: parse the request, call the indexer's search core, render.

create_app(test_config=None) is the only wiring. Configuration comes from environment
variables prefixed EDGAR_ (EDGAR_INDEX_DIR, ...) and from test_config.
"""

from __future__ import annotations

import os
from importlib import import_module

from flask import Flask

from indexer.store.generations import DEFAULT_DIR, ENV_VAR

TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
# The blueprints, each in its own module of this package (module name → attribute `bp`)
BLUEPRINTS = ("search", "filings", "companies", "export", "efts", "openapi")


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app; `test_config` overrides the environment's settings."""
    app = Flask(__name__, template_folder=TEMPLATES)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get(ENV_VAR) or DEFAULT_DIR,
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # JSON keys in the order pages build them
    app.config.from_prefixed_env("EDGAR")
    if test_config:
        app.config.from_mapping(test_config)
    from webapp import errors, index, security

    index.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    for name in BLUEPRINTS:
        module = import_module(f"webapp.{name}")
        app.register_blueprint(module.bp)
    return app
