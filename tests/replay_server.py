"""A local stand-in for www.sec.gov and data.sec.gov: recorded responses, a request log, faults.

Serves ../shared/edgar-replay (read in place, never copied) on 127.0.0.1. The first path segment
names the host, so `EDGAR_SEC_URL=<base>/www.sec.gov` and `EDGAR_DATA_URL=<base>/data.sec.gov`.
Every request is logged (monotonic time, path, headers). A fault plan maps a path to the faults
its next requests meet, one per request: 429 (Retry-After: 1), 503, reset, truncate, corrupt, slow.
"""

from __future__ import annotations

import csv
import email.utils
import json
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.corpus import SHARED

REPLAY = SHARED / "edgar-replay"
# Index files and the tickers file were saved without headers; SEC sends a Last-Modified for
# them, so the replay gives one to make If-Modified-Since testable
SYNTH_LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"
KEPT_HEADERS = ("content-type", "last-modified", "etag")


@dataclass(frozen=True)
class Hit:
    t: float
    path: str
    headers: dict[str, str]


@dataclass
class Route:
    status: int
    headers: dict[str, str]
    file: Path


@dataclass
class Replay:
    root: Path = REPLAY
    routes: dict[str, Route] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def load(self) -> Replay:
        """Read responses.tsv and headers.json into routes keyed by `/<host><path>`."""
        recorded = json.loads((self.root / "headers.json").read_text())
        with open(self.root / "responses.tsv", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                u = urlsplit(row["url"])
                key = f"/{u.netloc}{u.path}" + (f"?{u.query}" if u.query else "")
                hdrs = recorded.get(row["url"], {}).get("headers", {})
                kept = {k: v for k, v in hdrs.items() if k in KEPT_HEADERS}
                if int(row["status"]) == 200:
                    kept.setdefault("last-modified", SYNTH_LAST_MODIFIED)
                self.routes[key] = Route(int(row["status"]), kept, self.root / row["file"])
        return self

    def start(self) -> Replay:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        handler = type("Handler", (ReplayHandler,), {"replay": self})
        self.server = QuietServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        """Return the environment that points a fetch at this server."""
        return {
            "EDGAR_SEC_URL": f"{self.base}/www.sec.gov",
            "EDGAR_DATA_URL": self.base + "/data.sec.gov",
        }

    def next_fault(self, path: str) -> str | None:
        with self.lock:
            plan = self.faults.get(path)
            return plan.pop(0) if plan else None

    def record(self, path: str, headers) -> None:
        with self.lock:
            self.log.append(Hit(time.monotonic(), path, dict(headers.items())))

    def hits(self, part: str = "") -> list[Hit]:
        """Return the logged requests whose path contains `part`."""
        with self.lock:
            return [h for h in self.log if part in h.path]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Ignore clients that hang up (as fetch's pooled connections do at exit)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real hosts do
    replay: Replay

    def log_message(self, *args) -> None:  # the replay's own log is enough
        pass

    def do_GET(self) -> None:
        r = self.replay
        r.record(self.path, self.headers)
        route = r.routes.get(self.path)
        if route is None:
            return self.answer(
                404, {"content-type": "application/xml"}, b"<Error>NoSuchKey</Error>"
            )
        fault = r.next_fault(self.path)
        body = route.file.read_bytes()
        if fault == "429":
            return self.answer(429, {"retry-after": "1"}, b"Too Many Requests")
        if fault == "503":
            return self.answer(503, {"content-type": "text/html"}, b"<html>busy</html>")
        if fault == "reset":
            return self.reset()
        if self.not_modified(route):
            return self.answer(304, {k: v for k, v in route.headers.items() if k != "content-type"})
        self.answer(route.status, route.headers, body, fault)

    def not_modified(self, route: Route) -> bool:
        """Tell whether If-Modified-Since is at or after the recorded Last-Modified."""
        since, modified = self.headers.get("If-Modified-Since"), route.headers.get("last-modified")
        if not since or not modified or route.status != 200:
            return False
        return email.utils.parsedate_to_datetime(modified) <= email.utils.parsedate_to_datetime(
            since
        )

    def answer(self, status: int, headers: dict, body: bytes = b"", fault=None) -> None:
        """Send a response; `truncate`, `corrupt` and `slow` spoil or slow its body."""
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if fault == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            return self.reset()
        if fault == "corrupt" and body:
            mid = len(body) // 2
            body = body[:mid] + bytes([body[mid] ^ 0xFF]) + body[mid + 1 :]
        if fault == "slow":
            step = max(1, len(body) // 10)
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                self.wfile.flush()
                time.sleep(0.15)
            return None
        self.wfile.write(body)
        return None

    def reset(self) -> None:
        """Drop the connection with a TCP reset, as a failing proxy does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()
