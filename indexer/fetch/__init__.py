"""`indexer fetch`: download EDGAR filings into sec-edgar-downloader's layout, resumably.

Never imports Whoosh or Flask: fetching is only HTTP and files; `--build` hands the folder to
`indexer.indexing.builder` from the command line.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from tqdm import tqdm

from indexer.fetch.client import USER_AGENT_VAR, BadUserAgent, Client, FetchError
from indexer.fetch.sources import (
    Filing,
    Selection,
    SelectionError,
    index_paths,
    normalize_cik,
    older_pages,
    parse_index,
    parse_json,
    recent_filings,
    submissions_url,
    ticker_ciks,
)
from indexer.fetch.store import Store, atomic_write, commit, discard, temp_path

__all__ = ["BadUserAgent", "FetchOptions", "FetchReport", "SelectionError", "fetch"]

SAVE_EVERY = 20  # completed files between state-file writes (a kill loses no file, only records)


@dataclass
class FetchOptions:
    into: str
    user_agent: str | None = None
    ciks: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    filed_from: str | None = None
    filed_to: str | None = None
    since_last: bool = False
    rate: float = 10.0
    workers: int = 4
    progress: bool = False


@dataclass
class FetchReport:
    into: str
    listed: int = 0  # filings the selection matched
    fetched: int = 0
    skipped: int = 0  # already complete on disk: no request made
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, reason)
    bytes: int = 0
    requests: int = 0
    retries: int = 0
    not_modified: int = 0  # index files answered 304 to If-Modified-Since
    elapsed_s: float = 0.0

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def to_json(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "failed"}
        out["failed"] = [{"what": w, "reason": r} for w, r in self.failed]
        out["requests_per_s"] = round(self.requests_per_s, 2)
        return out


@dataclass(frozen=True)
class Target:
    filing: Filing
    path: Path
    url: str


def fetch(opts: FetchOptions) -> FetchReport:
    """Fetch the filings the options select into `opts.into`; return what was done."""
    ua = opts.user_agent or os.environ.get(USER_AGENT_VAR)
    client = Client(ua, opts.rate)
    store = Store(opts.into)
    sel = selection(opts, store)
    started, today = time.monotonic(), date.today()
    report = FetchReport(into=str(store.root))
    try:
        targets = plan(client, store, sel, opts, report)
        todo = [t for t in targets if not store.is_complete(t.path)]
        report.listed, report.skipped = len(targets), len(targets) - len(todo)
        download_all(client, store, todo, opts, report)
        if not report.failed:
            store.state["last_fetch"] = today.isoformat()
    finally:
        client.close()
        store.save()
        c = client.counters
        report.requests, report.retries, report.not_modified = c.requests, c.retries, c.not_mod
        report.elapsed_s = time.monotonic() - started
    return report


def selection(opts: FetchOptions, store: Store) -> Selection:
    """Read the selection flags; `--since-last` starts the day before the previous fetch."""
    sel = Selection.from_flags(opts.forms, opts.filed_from, opts.filed_to)
    last = store.state.get("last_fetch") if opts.since_last else None
    if last:
        # a day of overlap: EDGAR dates are Eastern, and complete files cost no request anyway
        since = date.fromisoformat(last) - timedelta(days=1)
        if sel.filed_from is None or since > sel.filed_from:
            sel = replace(sel, filed_from=since)
    return sel


def plan(client: Client, store: Store, sel: Selection, opts, report) -> list[Target]:
    """List the filings to have on disk, once per accession, with their paths and URLs."""
    folders = {normalize_cik(c): normalize_cik(c) for c in opts.ciks}
    if opts.tickers:
        body = cached_get(client, store, "files/company_tickers.json")
        folders |= {cik: t for t, cik in ticker_ciks(body, list(opts.tickers)).items()}
    if folders:
        found = [(f, folders[cik]) for cik in folders for f in company(client, cik, sel, report)]
    elif sel.forms:
        found = [(f, f.cik) for f in index_filings(client, store, sel)]
    else:
        raise SelectionError("select filings with --cik, --ticker or --form")
    targets, seen = [], set()
    for f, folder in found:
        form = sel.matching_form(f.form)
        if form and sel.wants_date(f.filed) and f.accession not in seen:
            seen.add(f.accession)
            targets.append(
                Target(f, store.filing_path(folder, form, f.accession), filing_url(client, f))
            )
    return targets


def filing_url(client: Client, f: Filing) -> str:
    """Return the full submission's URL in the filing's archive folder."""
    folder = f.accession.replace("-", "")
    return f"{client.sec_url}/Archives/edgar/data/{int(f.cik)}/{folder}/{f.accession}.txt"


def company(client: Client, cik: str, sel: Selection, report: FetchReport) -> list[Filing]:
    """List a company's filings from its submissions JSON and the older pages the dates need."""
    try:
        data = parse_json(client.get(submissions_url(client.data_url, cik)).body, f"CIK {cik}")
        found = list(recent_filings(cik, data.get("name", ""), data["filings"]["recent"]))
        for name in older_pages(data, sel):
            page = parse_json(client.get(f"{client.data_url}/submissions/{name}").body, name)
            found += recent_filings(cik, data.get("name", ""), page)
    except (FetchError, SelectionError, KeyError, TypeError) as e:
        report.failed.append((f"submissions of CIK {cik}", str(e) or type(e).__name__))
        return []
    return found


def index_filings(client: Client, store: Store, sel: Selection) -> Iterator[Filing]:
    """Yield the filings EDGAR's form indexes list for the dates asked, across all companies."""
    if sel.filed_from is None:
        raise SelectionError(
            "--form without --cik or --ticker reads EDGAR's indexes: give --filed-from "
            "(or --since-last after a first fetch)"
        )
    for path in index_paths(sel.filed_from, sel.filed_to or date.today()):
        try:
            body = cached_get(client, store, f"Archives/edgar/{path}")
        except FetchError as e:
            if e.status in (403, 404):  # no index that day: a holiday, or not published yet
                continue
            raise
        yield from parse_index(body.decode("latin-1"))


def cached_get(client: Client, store: Store, path: str) -> bytes:
    """GET a www.sec.gov file that changes seldom, asking If-Modified-Since for a cached copy."""
    cache = store.cache_path(path)
    known = store.state["indexes"].get(path)
    headers = {"If-Modified-Since": known} if known and cache.exists() else None
    reply = client.get(f"{client.sec_url}/{path}", headers)
    if reply.status == 304:
        client.counters.add(not_mod=1)
        return cache.read_bytes()
    atomic_write(cache, reply.body)
    if reply.headers.get("Last-Modified"):
        store.state["indexes"][path] = reply.headers["Last-Modified"]
    return reply.body


def download_all(client: Client, store: Store, todo: list[Target], opts, report) -> None:
    """Download the targets on `opts.workers` threads, recording each one as it completes."""
    bar = tqdm(total=len(todo), unit="filing", file=sys.stderr, disable=not opts.progress)
    with bar, ThreadPoolExecutor(max(1, opts.workers)) as pool:
        futures = {pool.submit(download_one, client, t): t for t in todo}
        try:
            for n, fut in enumerate(as_completed(futures), 1):
                finish(store, futures[fut], fut, report)
                bar.update(1)
                bar.set_postfix_str(f"{report.bytes / 2**20:.1f} MB, {len(report.failed)} failed")
                if n % SAVE_EVERY == 0:
                    store.save()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


def finish(store: Store, t: Target, fut, report: FetchReport) -> None:
    """Record one finished download, or its failure."""
    try:
        size, etag = fut.result()
    except (FetchError, OSError) as e:
        report.failed.append((f"{t.filing.accession} ({t.filing.form})", str(e)))
        return
    store.record(t.path, size, etag)
    report.fetched += 1
    report.bytes += size


def download_one(client: Client, t: Target) -> tuple[int, str | None]:
    """Fetch one full submission into place atomically; return its size and ETag."""
    t.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(t.path)
    try:
        reply = client.download(t.url, lambda: open(tmp, "wb"))  # noqa: SIM115 (closed by caller)
        commit(tmp, t.path)
    except BaseException:
        discard(tmp)
        raise
    return t.path.stat().st_size, reply.headers.get("ETag")
