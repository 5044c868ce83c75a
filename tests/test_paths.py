"""Paths: filing ids and CIKs are checked by pattern; traversal attempts on every route answer
404 (400 for a structured query parameter); and no request value ever names a file.

Every file the app opens while it answers the attempts is recorded through Python's audit hooks
(`open`, `sqlite3.connect`, directory listings): each must lie inside the index directory, the
source files the index recorded, or the app's own templates and static files. The same
attempts are also sent raw over a socket to a real server, so nothing normalizes them first.
"""

from __future__ import annotations

import http.client
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from indexer.edgar.cik import CIK_PATTERN as CIK
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.webapp_browser import serve
from webapp import TEMPLATES
from webapp.params import FILING_ID

CAT = "0000018230-22-000107"  # an 8-K whose originals are read back from its source files
STATIC = Path(__file__).resolve().parents[1] / "webapp" / "static"
# What stands in a path segment: dot-dot in every spelling, encoded slashes and backslashes,
# absolute paths, NULs, overlong UTF-8, index file names
SEGMENTS = [
    "..",
    ".",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e.",
    "%252e%252e",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2fetc%2fpasswd",
    "%2Fetc%2Fpasswd",
    "..%5c..%5cwindows%5cwin.ini",
    "....%2f%2f....%2f%2fetc",
    "%c0%ae%c0%ae%c0%af",
    "%e2%80%a5",  # "‥", a two-dot leader
    "%00",
    "..%00",
    f"{CAT}%00",
    f"{CAT}%2f..%2f..",
    "~root",
    "CURRENT",
    "store.sqlite",
    "build.lock",
    "..%2fCURRENT",
    "..;",
    "0000018230-22-000107.txt",
    "local-..%2f..%2f..%2f..",
    "99999999999",
    "-320193",
    "320193%2f..",
]
# Every route with a path value, the value's place marked {}
ROUTES = [
    "/filings/{}",
    "/filings/{}.json",
    "/filings/{}/documents/1/original",
    f"/filings/{CAT}/documents/{{}}/original",
    "/companies/{}",
    "/companies/{}.json",
    "/static/{}",
    "/{}",
    "/search/{}",
    "/LATEST/{}",
    "/LATEST/search-index/{}",
]
# Whole paths: absolute paths, doubled slashes, dot segments a client did not resolve
RAW_PATHS = [
    "//etc/passwd",
    "/filings//etc/passwd",
    "/filings/../../../../etc/passwd",
    "/filings/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static//etc/passwd",
    "/static/..%2f..%2f..%2fpyproject.toml",
    "/companies/../../../etc/passwd",
    f"/filings/{CAT}/documents/1/../../../../../etc/passwd",
    f"/filings/{CAT}/documents/-1/original",
    f"/filings/{CAT}/documents/0/original",
    f"/filings/{CAT}/documents/99999999999999999999/original",
    "/filings/..\\..\\..\\windows\\win.ini",
    "/./filings/./..",
    "/%2e/filings",
]
# Structured query parameters with traversal values: each answers 400
PARAM_ATTEMPTS = [
    f"/filings/{CAT}?doc=..%2f..%2fetc%2fpasswd",
    f"/filings/{CAT}?doc=%2fetc%2fpasswd",
    f"/filings/{CAT}?view=..%2f..%2fetc%2fpasswd",
    f"/filings/{CAT}.json?view=%2fetc%2fpasswd",
    "/search?sort=..%2f..%2fetc%2fpasswd",
    "/search?page=..%2f",
    "/search?cik=..%2f..%2fetc",
    "/search?filed_from=%2fetc%2fpasswd",
    "/search?item=..%2f..",
    "/search.csv?per_page=%2fetc",
    "/LATEST/search-index?ciks=..%2f..%2fetc",
    "/LATEST/search-index?startdt=%2fetc%2fpasswd",
    "/LATEST/search-index?from=..%2f",
]
# Free-text query parameters: the value is words to search for, so a 200 is right; but no file
TEXT_ATTEMPTS = [
    "/search?q=..%2f..%2f..%2fetc%2fpasswd",
    "/search?q=%2fetc%2fpasswd",
    "/search?company=..%2f..%2fetc",
    "/search?form=..%2f..%2fetc%2fpasswd",
    "/search?signer=%2fetc%2fshadow",
    "/search?exhibit=..%2f..",
    f"/filings/{CAT}?q=..%2f..%2fetc%2fpasswd",
    "/LATEST/search-index?q=%2fetc%2fpasswd&entityName=..%2f..%2fetc",
    "/search.jsonl?q=..%2f..%2fstore.sqlite",
]
# Audit events that name a file or directory the app touches
FILE_EVENTS = {"open", "sqlite3.connect", "os.listdir", "os.scandir", "glob.glob", "os.chdir"}


class FileSpy:
    """Record the paths of file events while switched on (audit hooks cannot be removed, so the
    one hook stays, idle, for the rest of the session)."""

    def __init__(self):
        self.on, self.paths = False, []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if self.on and event in FILE_EVENTS and args and isinstance(args[0], (str, bytes, Path)):
            self.paths.append((event, str(args[0])))


@pytest.fixture(scope="module")
def spy() -> FileSpy:
    return FileSpy()


@pytest.fixture(scope="module")
def client(app):
    client = app.test_client()
    warm = ("/search?q=revenue", f"/filings/{CAT}", f"/filings/{CAT}/documents/1/original")
    for url in (*warm, "/static/app.css"):  # templates, views, the index, mimetypes' tables
        resp = client.get(url)
        assert resp.status_code == 200
        resp.close()
    return client


@pytest.fixture(scope="module")
def allowed_roots(corpus_index) -> list[Path]:
    """Where the app may open files: the index, the recorded sources, its own files."""
    store = Store(indexdir.require_generation(corpus_index), readonly=True)
    try:
        sources = {Path(s) for r in store.records() for s in r["sources"] or [r["source"]]}
    finally:
        store.close()
    python = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix)}  # lazy imports
    own = [Path(corpus_index).resolve(), Path(TEMPLATES).resolve(), STATIC.resolve()]
    return [*own, *sources, *python]


def follow(client, url: str) -> int:
    """GET a URL; a redirect (Werkzeug merges doubled slashes with a 308) is followed once, and
    must stay on this site."""
    resp = client.get(url)
    status, location = resp.status_code, resp.headers.get("Location", "")
    resp.close()
    if status in (301, 302, 307, 308):
        target = urlsplit(location)
        assert target.netloc in ("", "localhost"), (url, location)  # the test client's host
        resp = client.get(target.path)
        status = resp.status_code
        resp.close()
    return status


def opened_outside(spy: FileSpy, client, url: str, roots: list[Path]) -> tuple[int, list[str]]:
    """GET a URL watching file events; return its status and the paths outside the roots."""
    spy.paths.clear()
    spy.on = True
    try:
        status = follow(client, url)
    finally:
        spy.on = False
    outside = []
    for event, name in spy.paths:
        path = Path(name).resolve()
        if not any(path == r or path.is_relative_to(r) for r in roots):
            outside.append(f"{event} {name}")
    return status, outside


def attempts() -> list[str]:
    return [route.format(seg) for route in ROUTES for seg in SEGMENTS] + RAW_PATHS


def assert_answers(spy, client, allowed_roots, urls, statuses: tuple[int, ...]) -> None:
    """Each URL answers one of `statuses` and opens nothing outside the allowed roots."""
    problems = []
    for url in urls:
        status, outside = opened_outside(spy, client, url, allowed_roots)
        problems += [f"{url}: {status}"] if status not in statuses else []
        problems += [f"{url}: opened {p}" for p in outside]
    assert problems == [], "\n".join(problems)


def test_every_traversal_attempt_is_404_and_opens_nothing_outside(spy, client, allowed_roots):
    assert_answers(spy, client, allowed_roots, attempts(), (404,))


def test_structured_parameters_with_paths_are_400(spy, client, allowed_roots):
    assert_answers(spy, client, allowed_roots, PARAM_ATTEMPTS, (400,))


def test_text_parameters_are_words_not_paths(spy, client, allowed_roots):
    assert_answers(spy, client, allowed_roots, TEXT_ATTEMPTS, (200, 400))


def test_the_spy_sees_what_a_real_view_opens(spy, client, allowed_roots):
    """A sanitized original is read from its recorded source file, and the spy sees that."""
    status, outside = opened_outside(spy, client, f"/filings/{CAT}/documents/1/original", [])
    assert status == 200
    assert any(CAT in p and p.startswith("open") for p in outside), outside
    assert opened_outside(spy, client, "/static/app.css", allowed_roots) == (200, [])


def test_raw_paths_over_a_socket_are_404(app):
    """The same attempts byte for byte to a real server: no client normalized them."""
    problems = []
    with serve(app) as base:
        port = int(base.rsplit(":", 1)[1])
        for path in attempts():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            status, location = resp.status, resp.getheader("Location") or ""
            conn.close()
            if status == 308 and location.startswith(base + "/"):  # merged slashes, same site
                continue  # (where it leads is checked through the test client above)
            if status not in (400, 404):  # 400: the server refused the request line itself
                problems.append(f"{path}: {status}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (CAT, True),
        ("local-0123456789abcdef", True),
        ("0000018230-22-00010", False),
        ("0000018230-22-0001077", False),
        ("000001823a-22-000107", False),
        ("local-0123456789ABCDEF", False),
        ("local-0123456789abcde", False),
        (f"{CAT}\n", False),
        (f"../{CAT}", False),
        (f"{CAT}/..", False),
        ("", False),
    ],
)
def test_filing_id_pattern(value, ok):
    assert (FILING_ID.fullmatch(value) is not None) == ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("320193", True),
        ("0000320193", True),
        ("1", True),
        ("00000320193", False),
        ("-320193", False),
        ("320193\n", False),
        ("３２０１９３", False),  # fullwidth digits are not a CIK
        ("", False),
    ],
)
def test_cik_pattern(value, ok):
    assert (CIK.fullmatch(value, 0, len(value)) is not None and value.isascii()) == ok


def test_unicode_digits_are_not_a_cik(client):
    assert client.get("/companies/%EF%BC%93%EF%BC%92%EF%BC%90").status_code == 404
    assert client.get("/companies/%D9%A3%D9%A2%D9%A0.json").status_code == 404
