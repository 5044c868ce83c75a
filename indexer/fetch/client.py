"""HTTP for EDGAR under SEC fair access: a declared User-Agent, a shared rate cap, retries.

requests (over urllib3) gives pooled keep-alive connections and strict Content-Length checks;
retries live here rather than in urllib3's `Retry` so that every attempt, retried or not, passes
through the one rate limiter, and so that a body cut short or corrupted is retried like a 503.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import requests
from requests.adapters import HTTPAdapter

SEC_URL_VAR = "EDGAR_SEC_URL"  # www.sec.gov: Archives, indexes, company_tickers.json
DATA_URL_VAR = "EDGAR_DATA_URL"  # data.sec.gov: submissions JSON
USER_AGENT_VAR = "EDGAR_USER_AGENT"
SEC_URL = "https://www.sec.gov"
DATA_URL = "https://data.sec.gov"
MAX_RATE = 10.0  # requests per second, SEC's fair-access ceiling
# "Jane Doe jane@example.com": SEC asks for a name and a contact e-mail address
CONTACT = re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")
# '"df6d8fa2c4cdfacb7189adb522c498fe"' or '"…-gzip"': an ETag that is the MD5 of the decoded body
MD5_ETAG = re.compile(r'^(?:W/)?"([0-9a-f]{32})(?:-gzip)?"$')
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Space requests 10% wider than 1/rate (10/s gives 9.1/s), so a server that sees them up to
# ~90 ms early or late (a new connection, a loaded machine: 66 ms measured on a busy 2-core box)
# still never counts more than the cap in any one second
SPACING_MARGIN = 1.10
MAX_WAIT_S = 300.0  # the longest Retry-After honoured; longer ones wait this long
CHUNK = 1 << 16


class FetchError(Exception):
    """A URL that could not be fetched after every retry, or that answered a final error."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class BadUserAgent(ValueError):
    """A User-Agent that does not name a contact, which SEC requires."""


def check_user_agent(user_agent: str | None) -> str:
    """Return the User-Agent if it names a contact e-mail address; raise BadUserAgent if not."""
    ua = " ".join((user_agent or "").split())
    if not CONTACT.search(ua) or len(ua) > 200:
        raise BadUserAgent(
            "SEC fair access requires a User-Agent naming you and a contact e-mail address: "
            f'pass --user-agent "Your Name you@example.com" or set {USER_AGENT_VAR}'
        )
    return ua


class RateLimiter:
    """Space request starts evenly so that no second holds more than `rate` of them."""

    def __init__(self, rate: float = MAX_RATE):
        self.interval = SPACING_MARGIN / rate
        self.last = -1e9
        self.lock = threading.Lock()

    def set_rate(self, rate: float) -> RateLimiter:
        """Change the cap; the spacing from the last start carries over."""
        with self.lock:
            self.interval = SPACING_MARGIN / rate
        return self

    def wait(self) -> None:
        """Block until `interval` after the previous start; callers go one at a time.

        The lock is held while sleeping and the start is taken after the sleep, so a thread
        that wakes late pushes the next one back rather than letting two starts bunch up.
        """
        with self.lock:
            delay = self.last + self.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.last = time.monotonic()


@dataclass
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes = b""


@dataclass
class Counters:
    requests: int = 0
    retries: int = 0
    not_mod: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **kw: int) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


# One limiter per process: clients made one after another (or side by side) share the cap
LIMITER = RateLimiter()


class Incomplete(Exception):
    """A body that ended early or does not match its ETag: retried, never kept."""


class Client:
    """GET EDGAR URLs with one User-Agent, one rate cap, pooled connections and retries."""

    def __init__(self, user_agent: str, rate: float = MAX_RATE, tries: int = 6, backoff=1.0):
        self.user_agent = check_user_agent(user_agent)
        self.limiter = LIMITER.set_rate(min(rate, MAX_RATE))
        self.tries = tries
        self.backoff = backoff
        self.counters = Counters()
        self.local = threading.local()
        self.sessions: list[requests.Session] = []
        self.sec_url = os.environ.get(SEC_URL_VAR, SEC_URL).rstrip("/")
        self.data_url = os.environ.get(DATA_URL_VAR, DATA_URL).rstrip("/")

    def session(self) -> requests.Session:
        """Return this thread's session: its own keep-alive connections, no hidden retries."""
        s = getattr(self.local, "session", None)
        if s is None:
            s = self.local.session = requests.Session()
            self.sessions.append(s)  # list.append is atomic: no lock needed
            s.mount("http://", HTTPAdapter(pool_maxsize=2, max_retries=0))
            s.mount("https://", HTTPAdapter(pool_maxsize=2, max_retries=0))
            s.headers.update({"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"})
        return s

    def close(self) -> None:
        """Close every thread's pooled connections."""
        for s in self.sessions:
            s.close()

    def get(self, url: str, headers: dict | None = None) -> Reply:
        """Return a verified reply held in memory (JSON, index files); 304 has no body."""
        chunks: list[bytes] = []

        def sink(resp: requests.Response) -> None:
            chunks.clear()
            read_verified(resp, chunks.append)

        reply = self.request(url, sink, headers)
        reply.body = b"".join(chunks)
        return reply

    def download(self, url: str, open_sink: Callable[[], object]) -> Reply:
        """Stream a verified body into the file `open_sink()` opens afresh for each attempt."""

        def sink(resp: requests.Response) -> None:
            with open_sink() as f:
                read_verified(resp, f.write)

        return self.request(url, sink)

    def request(self, url: str, sink: Callable, headers: dict | None = None) -> Reply:
        """GET `url` until it answers for good, retrying 429/5xx, resets and bad bodies."""
        last = "no attempt"
        for attempt in range(self.tries):
            if attempt:
                self.counters.add(retries=1)
            self.limiter.wait()
            self.counters.add(requests=1)
            try:
                with self.session().get(url, headers=headers, stream=True, timeout=(10, 60)) as r:
                    if r.status_code in RETRY_STATUSES:
                        last = f"HTTP {r.status_code}"
                        time.sleep(self.delay(attempt, r.headers.get("Retry-After")))
                        continue
                    if r.status_code >= 400:
                        raise FetchError(f"HTTP {r.status_code}", r.status_code)
                    if r.status_code == 200:
                        sink(r)
                    return Reply(r.status_code, r.headers)  # case-insensitive
            except (requests.ConnectionError, requests.Timeout, Incomplete) as e:
                last = short_reason(e)
                time.sleep(self.delay(attempt, None))
        raise FetchError(f"gave up after {self.tries} tries: {last}")

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Return how long to wait: the server's Retry-After, else exponential backoff."""
        wait = retry_after_seconds(retry_after)
        if wait is None:
            wait = self.backoff * 2**attempt
        return min(wait, MAX_WAIT_S)


def read_verified(resp: requests.Response, write: Callable[[bytes], object]) -> int:
    """Pass the decoded body to `write`; raise Incomplete if it is short or fails its ETag."""
    md5 = hashlib.md5(usedforsecurity=False)
    n = 0
    try:
        for chunk in resp.iter_content(CHUNK):
            md5.update(chunk)
            write(chunk)
            n += len(chunk)
    # urllib3 raises when fewer bytes arrive than Content-Length promised, or gzip is cut
    except (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    ) as e:
        raise Incomplete(f"body cut short after {n} bytes") from e
    length = resp.headers.get("Content-Length")
    if length and not resp.headers.get("Content-Encoding") and n != int(length):
        raise Incomplete(f"body has {n} of {length} bytes")
    m = MD5_ETAG.match(resp.headers.get("ETag", ""))
    if m and md5.hexdigest() != m[1]:
        raise Incomplete("body does not match its ETag")
    return n


def retry_after_seconds(value: str | None) -> float | None:
    """Read a Retry-After header: seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def short_reason(e: Exception) -> str:
    """Name a transport failure in a few words."""
    if isinstance(e, Incomplete):
        return str(e)
    if isinstance(e, requests.Timeout):
        return "timed out"
    return "connection failed: " + type(e).__name__
