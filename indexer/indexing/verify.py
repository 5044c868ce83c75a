"""`indexer verify`: check that the serving generation opens and agrees with its own records.

Read-only and safe beside a running build or server. Each check is a small function of the
opened generation that returns what it found; a failed check never stops the others.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.backend import Reader, open_generation
from indexer.search.core import SearchRequest, run
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store

SHOWN_IDS = 5  # ids named in a failed check's detail
WORD_SCAN = 50  # filings looked at for a word to search
# "Revenue": a plain word of a filing's text, to search for
PLAIN_WORD = re.compile(r"\b[A-Za-z]{4,12}\b")
SEARCH_TIME_LIMIT = 30.0  # seconds; verification is not latency-bound


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class VerifyReport:
    index_dir: str
    generation: str | None = None
    filings: int | None = None  # in the side store
    index_docs: int | None = None  # live documents in the engine
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "index_dir": self.index_dir,
            "generation": self.generation,
            "filings": self.filings,
            "index_docs": self.index_docs,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }


@dataclass
class Opened:
    """What the checks read: the generation opened once, and its contents listed once."""

    gen: Reader
    store: Store
    index_ids: Counter  # id → live engine documents carrying it
    store_ids: set[str]


def verify(index_dir: str | Path) -> VerifyReport:
    """Verify the serving generation of `index_dir`; raise NoIndex when nothing is built."""
    root = Path(index_dir)
    return verify_generation(root, indexdir.require_generation(root), CHECKS)


def verify_generation(root: Path, path: Path, checks) -> VerifyReport:
    """Run `checks` on the generation at `path` (serving or not yet swapped in)."""
    report = VerifyReport(index_dir=str(root), generation=path.name)
    try:
        opened = open_checked(path)
    except Exception as e:  # whatever stops it opening is the finding
        report.checks.append(Check("opens", False, f"{type(e).__name__}: {e}"))
        return report
    try:
        report.filings, report.index_docs = len(opened.store_ids), opened.gen.doc_count()
        report.checks.append(Check("opens", True, "index and side store open"))
        for check in checks:
            report.checks.append(run_check(check, opened))
    finally:
        opened.store.close()
        opened.gen.close()
    return report


def open_checked(path: Path) -> Opened:
    """Open a generation and list the ids its index and its store hold."""
    gen = open_generation(path)
    try:
        store = Store(path, readonly=True)
        index_ids = gen.doc_ids()
        return Opened(gen, store, index_ids, set(store.filing_ids()))
    except BaseException:
        gen.close()
        raise


def run_check(check: Callable[[Opened], Check], opened: Opened) -> Check:
    """Run one check; an exception inside it is its failure."""
    try:
        return check(opened)
    except Exception as e:
        return Check(check.__name__.removeprefix("check_"), False, f"{type(e).__name__}: {e}")


def some(ids) -> str:
    """Name the first few of a collection of ids."""
    ids = sorted(ids)
    more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
    return ", ".join(ids[:SHOWN_IDS]) + more


# ---------------------------------------------------------------- the checks


def id_check(name: str, findings, ok: str) -> Check:
    """A check that fails on any non-empty set of ids: findings are (ids, what is wrong)."""
    problems = [f"{len(ids)} {what}: {some(ids)}" for ids, what in findings if ids]
    return Check(name, False, "; ".join(problems)) if problems else Check(name, True, ok)


def check_store(o: Opened) -> Check:
    """The side store is a sound SQLite database written by a finished build."""
    result = o.store.db.execute("PRAGMA quick_check").fetchone()[0]
    built = o.store.meta("built_at")
    if result != "ok":
        return Check("store", False, f"SQLite quick_check: {result}")
    if not built:
        return Check("store", False, "no built_at: the build that wrote it did not finish")
    return Check("store", True, f"SQLite quick_check ok, built {built}")


def check_counts(o: Opened) -> Check:
    """The index holds as many live documents as the store holds filings."""
    docs, filings = o.gen.doc_count(), len(o.store_ids)
    sign = "=" if docs == filings else "≠"
    return Check("counts", docs == filings, f"{docs} index documents {sign} {filings} filings")


def check_ids(o: Opened) -> Check:
    """Every stored filing is in the index exactly once, and the index holds nothing else."""
    doubled = {i for i, n in o.index_ids.items() if n > 1}
    missing = o.store_ids - o.index_ids.keys()
    extra = o.index_ids.keys() - o.store_ids
    findings = (
        (doubled, "in the index more than once"),
        (missing, "stored but not in the index"),
        (extra, "in the index but not stored"),
    )
    return id_check("ids", findings, f"each of {len(o.store_ids)} filings in the index once")


def check_manifest(o: Opened) -> Check:
    """The file manifest names only stored filings, and every filing has a file."""
    files = o.store.files()
    named = {fid for e in files.values() for fid in e.ids}
    dangling = named - o.store_ids
    orphans = o.store_ids - named
    findings = (
        (dangling, "named by the file manifest but not stored"),
        (orphans, "stored but named by no file"),
    )
    ok = f"{len(files)} files name {len(named)} filings, all stored"
    return id_check("manifest", findings, ok)


def check_search(o: Opened) -> Check:
    """A search without words finds every filing; a word of a stored filing is found."""
    everything = search_total(o.gen, "")
    if everything != len(o.store_ids):
        return Check("search", False, f"an empty query found {everything} of {len(o.store_ids)}")
    word = a_plain_word(o)
    if word is None:
        return Check("search", True, f"an empty query found all {everything} filings")
    found = search_total(o.gen, word)
    detail = f"an empty query found all {everything}; {word!r} found {found}"
    return Check("search", found > 0, detail)


CHECKS: tuple[Callable[[Opened], Check], ...] = (
    check_store,
    check_counts,
    check_ids,
    check_manifest,
    check_search,
)


# What a build checks of its new generation before it swaps it in: the bookkeeping that a
# search hit's link depends on (a hit whose id the store lacks answers 404)
BUILD_CHECKS: tuple[Callable[[Opened], Check], ...] = (check_counts, check_ids, check_manifest)


def search_total(gen: Reader, q: str) -> int:
    """Run one search on this very generation; return its total."""
    request = SearchRequest(q=q, per_page=1, facets=False, time_limit=SEARCH_TIME_LIMIT)
    request.validate()
    gen.acquire()
    try:
        result = run(gen, request, time.monotonic())
    finally:
        gen.release()
    if result.timed_out:
        raise TimeoutError(f"the search for {q!r} timed out")
    return result.total


def a_plain_word(o: Opened) -> str | None:
    """Return a word of some stored filing's text, None when no filing has one."""
    for fid in sorted(o.store_ids)[:WORD_SCAN]:
        for text in o.store.texts(fid) or []:
            if m := PLAIN_WORD.search(text):
                return m.group().lower()
    return None
