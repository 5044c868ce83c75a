"""Schemathesis against a live server: the OpenAPI description and the server agree exactly.

The app serves the session index on a free loopback port; `schemathesis run --checks all`
(seeded, a bounded number of cases per operation) sends what the description allows and what it
forbids, and fails on any answer that disagrees: a 5xx, a valid request refused, an invalid one
accepted, a body or header unlike the description, a 405 without `Allow`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.webapp_browser import serve
from tests.webapp_pages import close_index
from webapp import create_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240601  # the same cases on every run, so a failure reproduces
MAX_EXAMPLES = 50  # cases per operation and phase: about a minute on two cores
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_the_server_does_what_the_description_says(some_index, tmp_path):
    app = create_app({"INDEX_DIR": str(some_index)})
    with serve(app) as base_url:
        run = subprocess.run(
            [
                str(SCHEMATHESIS), "run", f"{base_url}/openapi.json",
                "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
                "--workers", "1", "--generation-database", "none", "--no-color",
            ],
            cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
                 "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
    close_index(app)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failure" not in run.stdout
