"""Load: the production server on loopback, a fixed-duration run, a rebuild swapped in mid-run.

gunicorn (`gunicorn -w 2 -b 127.0.0.1:<port> 'webapp:create_app()'`, README "Serving") serves an
index of real filings; closed-loop clients on keep-alive connections send a mix of searches
(the benchmark query mix, JSON and HTML) and filing pages for EDGAR_LOAD_SECONDS (20 s by
default) while `indexer build --rebuild` writes a new generation and swaps it in. Every request
must answer 200 (the error count is 0), p99 stays under 1 s, and requests after the swap are
answered from the new generation. EDGAR_LOAD_CLIENTS sets the concurrency (default: the highest
that kept p99 under 1 s here, see SECURITY.md).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench.http_load import HOST, free_port, search_path
from bench.measure import summary_ms
from bench.run import read_queries
from indexer.indexing.builder import build
from indexer.store import generations as indexdir
from tests.corpus import CORPUS

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("EDGAR_LOAD_SECONDS", "20"))
CLIENTS = int(os.environ.get("EDGAR_LOAD_CLIENTS", "24"))  # 48 kept p99 < 1 s for 60 s here
P99_BOUND_MS = 1000
REBUILD_AT = 0.2  # of the run: when the rebuild starts
QUERIES = CORPUS.parent / "bench" / "queries.tsv"
# The served filings: 8-Ks in EDGAR's archive layout and header-only downloader files
SOURCES = [
    CORPUS / "ryankfrench+sec_cover_page_parser" / "sec_cover_page_parser" / "test_filings",
    CORPUS / "violin788788+earnings",
    CORPUS / "dgunning+edgartools" / "data" / "sgml",
]
FILINGS = ["0000018230-22-000107", "0000320193-24-000005", "0001193125-15-410853"]


def request_paths() -> list[str]:
    """The mix: each benchmark query as JSON, every third also as a page; filing pages."""
    rows = read_queries(QUERIES)
    paths = []
    for n, row in enumerate(rows):
        paths.append(search_path(row))
        if n % 3 == 0:
            paths.append(search_path(row).replace("/search.json?", "/search?"))
    for n, fid in enumerate(FILINGS):
        paths.append(f"/filings/{fid}?" + urlencode({"q": rows[n]["q"]}))
        paths.append(f"/companies/{'320193' if n else '18230'}.json")
    return paths


@dataclass
class Client:
    """One closed-loop client: (monotonic end time, seconds, status, generation) per request."""

    port: int
    paths: list[str]
    offset: int
    samples: list[tuple[float, float, int, str | None]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def run(self, deadline: float) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        i = self.offset
        while time.monotonic() < deadline:
            path = self.paths[i % len(self.paths)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                status, body = resp.status, resp.read()
            except (OSError, http.client.HTTPException) as e:
                status, body = 0, b""
                self.failures.append(f"{path}: {type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            elapsed = time.perf_counter() - start
            if status not in (0, 200):
                self.failures.append(f"{path}: {status} {body[:200]!r}")
            self.samples.append((time.monotonic(), elapsed, status, generation(path, body)))
        conn.close()


def generation(path: str, body: bytes) -> str | None:
    """Return the generation a /search.json answer came from."""
    if not path.startswith("/search.json") or not body.startswith(b"{"):
        return None
    return json.loads(body).get("generation")


@dataclass
class Rebuild:
    """`indexer build --rebuild` in a thread: when it ran and how it ended."""

    cmd: list[str]
    start: float = 0.0
    end: float = 0.0
    result: subprocess.CompletedProcess | None = None

    def run(self, at: float) -> None:
        time.sleep(max(0.0, at - time.monotonic()))  # the moment the run planned for it
        self.start = time.monotonic()
        self.result = subprocess.run(self.cmd, capture_output=True, text=True, timeout=600)
        self.end = time.monotonic()


@contextmanager
def gunicorn(index_dir: Path, log: Path, workers: int = 2) -> Iterator[int]:
    """Serve the app with the production command on a free loopback port; yield the port."""
    port = free_port()
    exe = Path(sys.executable).with_name("gunicorn")
    cmd = [str(exe), "-w", str(workers), "-b", f"{HOST}:{port}", "webapp:create_app()"]
    env = {**os.environ, indexdir.ENV_VAR: str(index_dir)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(port, proc, log)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_ready(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"gunicorn exited: {log.read_text()[-2000:]}"
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/search.json?q=warmup")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return
        except OSError:
            pass
        time.sleep(0.1)  # polling for the server to listen, bounded by the deadline
    raise AssertionError(f"gunicorn did not answer: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("load-index")
    report = build([str(p) for p in SOURCES], root, jobs=2)
    assert report.filings_total > 150
    return root


def test_load_with_a_rebuild_mid_run(index_dir, tmp_path):
    before = indexdir.current_generation(index_dir).name
    paths = request_paths()
    indexer = Path(sys.executable).with_name("indexer")
    cmd = [str(indexer), "build", *map(str, SOURCES), "--rebuild", "--jobs", "1"]
    rebuild = Rebuild([*cmd, "--index-dir", str(index_dir)])
    with gunicorn(index_dir, tmp_path / "gunicorn.log") as port:
        for path in paths:  # every worker warm on every kind of page, untimed
            Client(port, [path], 0).run(time.monotonic() + 0.05)
        start = time.monotonic()
        deadline = start + SECONDS
        clients = [Client(port, paths, k * 7) for k in range(CLIENTS)]
        threads = [threading.Thread(target=c.run, args=(deadline,)) for c in clients]
        builder = threading.Thread(target=rebuild.run, args=(start + SECONDS * REBUILD_AT,))
        for t in [*threads, builder]:
            t.start()
        for t in [*threads, builder]:
            t.join()
    after = indexdir.current_generation(index_dir).name
    samples = sorted(s for c in clients for s in c.samples)
    failures = [f for c in clients for f in c.failures]
    stats = summary_ms([s[1] for s in samples])
    during = [s for s in samples if rebuild.start <= s[0] <= rebuild.end]
    new = [s for s in samples if s[3] == after]
    print(
        f"{CLIENTS} clients, {SECONDS:.0f} s: {len(samples)} requests "
        f"({len(samples) / SECONDS:.1f}/s), {len(failures)} errors, p50 {stats['p50']} ms, "
        f"p95 {stats['p95']} ms, p99 {stats['p99']} ms, max {stats['max']} ms; rebuild "
        f"{rebuild.start - start:.1f}-{rebuild.end - start:.1f} s, {len(during)} requests "
        f"during it, {len(new)} answered by the new generation"
    )
    assert rebuild.result is not None and rebuild.result.returncode == 0, rebuild.result
    assert after != before, "the rebuild did not swap in a new generation"
    assert rebuild.end < deadline, "the rebuild did not finish within the run"
    assert failures == [], failures[:10]
    assert stats["p99"] < P99_BOUND_MS
    assert len(during) > 10 and new, "no request was served during and after the swap"
    assert all(s[0] >= rebuild.start for s in new), "the new generation served before its build"


def test_old_generations_are_cleaned_up(index_dir):
    """After rebuilds, only the serving generation and one other remain on disk."""
    gens = sorted(p.name for p in index_dir.glob(indexdir.GEN_PREFIX + "*"))
    assert 1 <= len(gens) <= 2, gens
    assert not list(index_dir.glob("*/staging.sqlite"))
    shutil.rmtree(index_dir)
