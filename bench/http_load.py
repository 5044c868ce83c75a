"""Serve the app with the production command on loopback and measure /search.json and the
EFTS endpoint (a 100-hit page without snippets, as EFTS clients ask for it).

Only 127.0.0.1 is ever contacted; every loop is bounded in count and time.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bench.measure import summary_ms

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def served(index_dir: Path, workers: int = 2):
    """Run gunicorn (the documented production command) on a free loopback port."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "-w", str(workers), "-b", f"{HOST}:{port}", "webapp:create_app()"]
    env = {**os.environ, "EDGAR_INDEX_DIR": str(index_dir)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_ready(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            status, _ = get(port, "/search.json?q=warmup")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer in time")


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None):
    """GET a path; return (status, body bytes)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        if own:
            conn.close()


def search_path(row: dict) -> str:
    """Return the /search.json URL of one benchmark query row."""
    params = [("q", row["q"])]
    params += [("form", f) for f in row["forms"]]
    if row["startdt"]:
        params.append(("filed_from", row["startdt"]))
    if row["enddt"]:
        params.append(("filed_to", row["enddt"]))
    return "/search.json?" + urlencode(params)


def efts_path(row: dict) -> str:
    """Return the `/LATEST/search-index` URL of one benchmark query row (100 hits a page)."""
    params = [("q", row["q"])]
    if row["forms"]:
        params.append(("forms", ",".join(row["forms"])))
    if row["startdt"] or row["enddt"]:
        params += [("dateRange", "custom"), ("startdt", row["startdt"]), ("enddt", row["enddt"])]
    return "/LATEST/search-index?" + urlencode(params)


def one_client(port: int, rows: list[dict], reps: int, path=search_path) -> dict:
    """Latency for one client, each query `reps` times, keep-alive connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    times, errors = [], 0
    for _ in range(reps):
        for row in rows:
            start = time.perf_counter()
            status, _ = get(port, path(row), conn)
            times.append(time.perf_counter() - start)
            errors += status != 200
    conn.close()
    return {**summary_ms(times), "errors": errors}


def machine_cpu() -> float | None:
    """Return the CPU seconds every core of the machine has spent busy since boot (Linux's
    /proc/stat: user, nice, system, irq, softirq), None where there is no such file."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    ticks = sum(int(fields[i]) for i in (1, 2, 3, 6, 7))
    return ticks / os.sysconf("SC_CLK_TCK")


def concurrent(port: int, rows: list[dict], clients: int, seconds: float) -> dict:
    """Throughput and latency of `clients` clients for a fixed duration, and where the
    machine's CPU went: the load generator's own (this process) and the rest (the server, on
    a quiet machine), per request."""
    busy, own = machine_cpu(), time.process_time()
    deadline = time.monotonic() + seconds
    results: list[tuple[list[float], int]] = []

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        times, errors, i = [], 0, offset
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                status, _ = get(port, search_path(rows[i % len(rows)]), conn)
            except OSError:
                status = 0
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            times.append(time.perf_counter() - start)
            errors += status != 200
            i += 1
        conn.close()
        results.append((times, errors))

    threads = [threading.Thread(target=client, args=(k * 7,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    own = time.process_time() - own
    busy = None if busy is None else machine_cpu() - busy
    times = [t for ts, _ in results for t in ts]
    n = max(len(times), 1)
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(times),
        "rps": round(len(times) / seconds, 1),
        "errors": sum(e for _, e in results),
        **summary_ms(times),
        "client_cpu_share": round(own / (seconds * (os.cpu_count() or 1)), 3),
        "server_cpu_ms_per_request": None if busy is None else round(1000 * (busy - own) / n, 2),
    }
