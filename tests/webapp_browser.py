"""What the browser tests need besides the app: Debian's chromium, a real server, and axe-core.

axe-core comes from a package registry through its ordinary client, once, into a cache directory
outside the repository: `npm pack axe-core@AXE_VERSION`, else (no npm) the PyPI wheel that
bundles the same script.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# Flags for a headless chromium that never phones home
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_VERSION = "4.10.3"
AXE_WHEEL = "axe-playwright-python==0.1.8"  # bundles axe.min.js, for machines without npm
AXE_BLOCKING = ("serious", "critical")  # violation impacts that fail a test


def unavailable(reason: str):
    """Fail on CI, where everything must be there; skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing: apt-get install chromium (make test does)")
    return CHROMIUM


@contextmanager
def chromium() -> Iterator:
    """Launch Debian's chromium through Playwright (skip when it is not installed)."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve a WSGI app on a free port of 127.0.0.1 in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "edgar-search"


def _from_npm(tmp: Path) -> bytes:
    subprocess.run(
        ["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(tmp), "--silent"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (tarball,) = tmp.glob("axe-core-*.tgz")
    with tarfile.open(tarball) as tar:
        return tar.extractfile("package/axe.min.js").read()


def _from_pypi(tmp: Path) -> bytes:
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"]
    subprocess.run(
        [*pip, "-d", str(tmp), AXE_WHEEL],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp.glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        return z.read("axe_playwright_python/axe.min.js")


def axe_script() -> str:
    """Return axe.min.js, fetched once into the cache directory."""
    if shutil.which("npm"):
        fetch, name = _from_npm, f"axe-core-{AXE_VERSION}"
    else:
        fetch, name = _from_pypi, AXE_WHEEL.replace("==", "-")
    cached = cache_dir() / f"{name}.min.js"
    if not cached.exists():
        with tempfile.TemporaryDirectory() as tmp:
            try:
                script = fetch(Path(tmp))
            except (subprocess.SubprocessError, OSError, KeyError, ValueError) as e:
                unavailable(f"could not fetch axe-core: {e}")
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(script)
        partial.replace(cached)
    return cached.read_text(encoding="utf-8")


def blocking_violations(results: dict) -> list[str]:
    """Describe the serious and critical violations of an axe run."""
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in AXE_BLOCKING
    ]


# ---------------------------------------------------------------- what the browser tests share

TIMEOUT_MS = 15_000  # per Playwright step: generous, the machine may be busy


@contextmanager
def served_corpus(corpus_index: Path, **config) -> Iterator[str]:
    """Serve the app over the corpus index on 127.0.0.1, warmed by one search (a cold first
    search can pass its 0.75 s deadline on a busy machine); close the index after."""
    from tests.webapp_pages import close_index
    from webapp import create_app

    app = create_app({"INDEX_DIR": str(corpus_index), **config})
    with serve(app) as url:
        urlopen(f"{url}/search.json?q=revenue", timeout=60).read()
        yield url
    close_index(app)


def new_context(browser, base_url: str, width: int = 1280, height: int = 900, **options):
    """Return a browser context on the app at a window size, with the tests' step timeout."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def search_for(page, q: str) -> None:
    """Type a query in the search box of the home page and press Enter, as a person would."""
    page.goto("/")
    page.fill("#q", q)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def total(page) -> int:
    """Return the result count the page shows."""
    return int(page.locator("#result-count").get_attribute("data-total"))
