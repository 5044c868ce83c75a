"""Incremental builds equal clean builds: a stateful property test over a changing tree.

A `RuleBasedStateMachine` keeps a tree of two folders (`a/`, `b/`) filled from a small pool of
real filings (cut from ../shared/corpus to keep each step well under a second), among them a
periodic report's header and its header-less primary document, which the build links. Every rule
changes the tree — add a file to either folder, modify one (append a word to its body or change
a word), delete one, copy one into the other folder, put a `.hdr.sgml` beside its primary
document, add a periodic report's header and its header-less document, split a
multi-submission archive into one file per submission or merge submissions
into one archive — and ends with an incremental build of both folders (random `prune`,
`rebuild`, `jobs` 1 or 2, and a checkpoint after every file or none: each checkpoint is an
incremental build over the files parsed so far, so one accession's files may land in different
checkpoints). After every build:

- `indexer.indexing.verify.verify(root).ok`;
- a clean build (fresh index directory, `jobs=1`) of the *expected tree* holds the same ids, the
  same records (`store.records()`, every field: both builds read the very same paths, so `source`
  and `sources` compare as they are), the same stored texts, and answers a fixed query set with
  the same totals, the same sets of ids and the same facet counts.

The expected tree is what the incremental index is meant to hold:

- every file now in the tree, as it is now, plus
- every *ghost*: a file deleted since the last build run with `--prune` or `--rebuild`, with the
  bytes it had when it was deleted (the build after each change read them). Without `--prune` a
  build keeps the filings of vanished files (README: "with `--prune` drops filings whose files
  are gone"); `--rebuild` starts from an empty manifest, so it forgets them too. Writing a file at
  a ghost's path again makes it a present file.

For the clean build the ghosts are written back at their own paths, built, and removed again.

Each write sets a fresh, strictly increasing mtime: the build skips files whose size and mtime
are unchanged (documented), and a rewrite within one coarse kernel clock tick must not look like
an untouched file.

`EDGAR_PROPERTY_EXAMPLES=N` runs N examples instead of the default (derandomized, so CI sees the
same sequences every run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from indexer.backend.whoosh import open_whoosh
from indexer.indexing import checkpoints
from indexer.indexing.builder import build
from indexer.indexing.verify import verify
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.store import generations as indexdir
from tests.corpus import CORPUS, COVER, EDGARTOOLS, SEED

SECSGML = CORPUS / "john-friedman+secsgml" / "sgml"
CAT = COVER / "18230" / "0000018230-22-000107"
CAT_DIR = "18230/0000018230-22-000107"  # EDGAR's archive layout: <CIK>/<accession>/<file>
CUT = CORPUS / "violin788788+earnings/sec-edgar-filings/ADSK/10-K/0000769397-25-000019"
AAPL_10Q = "AAPL/10-Q/0000320193-24-000081/full-submission.txt"  # its 1,000-byte header

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")

EXAMPLES = int(os.environ.get("EDGAR_PROPERTY_EXAMPLES", "8"))
STEPS = 8
FOLDERS = ("a", "b")
# The fixed query set both indexes must answer alike ("" lists every filing)
QUERIES = (
    "",
    "immunogen",
    "caterpillar",
    "mortgage distribution",
    "zanzibar*",
    "form:4",
    "form:8-K",
    "company:autodesk",
    "form:10-Q",
    '"current report"',
    "report -caterpillar",
)
WORD = b"zanzibar"  # what `modify` writes into a body; no pool file holds it


def cut_lines(path: Path, last: int, tail: str = "") -> bytes:
    """Return the first `last` lines of a file, and `tail` after them."""
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join(lines[:last]) + tail.encode()


@cache
def pool() -> dict[str, bytes]:
    """Return the pool of small real filings by their path under a folder."""
    archive = cut_lines(SECSGML / "archive.txt", 222, "</SUBMISSION>\n")  # header + 1st document
    nc = (EDGARTOOLS / "data/sgml/0001127602-25-004598.nc").read_bytes()
    return {
        "seed.txt": SEED.read_bytes(),  # header-less 8-K
        f"{CAT_DIR}/0000018230-22-000107.txt": cut_lines(
            CAT / "0000018230-22-000107.txt", 62, "</SEC-DOCUMENT>\n"
        ),  # full submission: header and the primary 8-K
        f"{CAT_DIR}/cat-20220428.htm": (CAT / "cat-20220428.htm").read_bytes(),
        f"{CAT_DIR}/0000018230-22-000107.hdr.sgml": (
            CAT / "0000018230-22-000107.hdr.sgml"
        ).read_bytes(),
        "rfmsi-8k-2001.txt": archive,  # a daily-feed <SUBMISSION>
        "snow-form4.nc": nc,
        "form4.snow.xml": (EDGARTOOLS / "data/form4.snow.xml").read_bytes(),
        "adsk-10k-header.txt": (CUT / "full-submission.txt").read_bytes(),  # cut mid-header
        "archive.txt": archive + nc,  # two submissions in one file
        # Apple's 10-Q of 2024-06-29: its header only, and its primary document without a header
        # (cut after the cover, which names CIK, form and period): one filing, linked by those
        AAPL_10Q: (CORPUS / "violin788788+earnings/sec-edgar-filings" / AAPL_10Q).read_bytes(),
        "aapl-10q.html": (EDGARTOOLS / "data/html/Apple.10-Q.html").read_bytes()[:200_000]
        + b"</div></body></html>",
    }


HEADER = f"{CAT_DIR}/0000018230-22-000107.hdr.sgml"
PRIMARY = f"{CAT_DIR}/cat-20220428.htm"
ARCHIVE = "archive.txt"
PARTS = ("rfmsi-8k-2001.txt", "snow-form4.nc")  # the archive's submissions, one file each
PERIODIC = (AAPL_10Q, "aapl-10q.html")  # a periodic report's header, its header-less document
ADDABLE = sorted(set(pool()) - {ARCHIVE}) if CORPUS.is_dir() else []


def modified(data: bytes, how: str, k: int) -> bytes:
    """Change a filing's body and keep it a filing: append a word to its text or change one."""
    word = WORD + str(k).encode()
    if how == "change" and b" the " in data:
        return data.replace(b" the ", b" " + word + b" ", 1)
    for end in (b"</TEXT>", b"</body>", b"</footnote>"):
        at = data.rfind(end)
        if at >= 0:
            return data[:at] + b" " + word + b" " + data[at:]
    return data + b"\n" + word + b"\n"


def index_state(root: Path) -> dict:
    """Return what an index holds: ids, records, texts, and its answers to the query set."""
    gen = indexdir.require_generation(root)
    _ix, store = open_whoosh(gen)
    try:
        ids = list(store.filing_ids())
        state = {"ids": ids, "records": list(store.records())}
        state["texts"] = [store.texts(fid) for fid in ids]
    finally:
        store.close()
        _ix.close()
    state["answers"] = answers(root)
    return state


def answers(root: Path) -> dict[str, tuple]:
    """Return each query's total, set of ids and facet counts."""
    index = SearchIndex(root)
    try:
        out = {}
        for q in QUERIES:
            res = search(index, SearchRequest(q=q, per_page=100, snippets=False, time_limit=30))
            facets = res.to_json().get("facets")
            out[q] = (res.total, sorted(h.id for h in res.hits), facets)
        return out
    finally:
        index.close()


class IncrementalBuilds(RuleBasedStateMachine):
    """A tree of filings that changes between incremental builds."""

    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="edgar-property-"))
        self.tree_dir = self.tmp / "tree"
        for folder in FOLDERS:
            (self.tree_dir / folder).mkdir(parents=True)
        self.tree: dict[str, bytes] = {}  # "a/seed.txt" → bytes now on disk
        self.ghosts: dict[str, bytes] = {}  # deleted, not yet pruned → bytes when deleted
        self.mtime = 1_700_000_000 * 10**9
        self.builds = 0

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------ the tree

    def write(self, rel: str, data: bytes) -> None:
        path = self.tree_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.mtime += 10**9
        os.utime(path, ns=(self.mtime, self.mtime))
        self.tree[rel] = data
        self.ghosts.pop(rel, None)

    def remove(self, rel: str) -> None:
        (self.tree_dir / rel).unlink()
        self.ghosts[rel] = self.tree.pop(rel)

    def build(self, options: tuple[bool, bool, int, float | None]) -> None:
        prune, rebuild, jobs, every = options
        paths = [str(self.tree_dir / f) for f in FOLDERS]
        batch, checkpoints.TEST_BATCH_FILES = checkpoints.TEST_BATCH_FILES, 1
        try:
            root = self.tmp / "index"
            build(paths, root, jobs=jobs, prune=prune, rebuild=rebuild, checkpoint=every)
        finally:
            checkpoints.TEST_BATCH_FILES = batch
        self.builds += 1
        if prune or rebuild:
            self.ghosts.clear()
        self.check()

    def check(self) -> None:
        report = verify(self.tmp / "index")
        assert report.ok, [(c.name, c.detail) for c in report.checks if not c.ok]
        clean = self.tmp / f"clean-{self.builds}"
        for rel, data in self.ghosts.items():
            (self.tree_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.tree_dir / rel).write_bytes(data)
        try:
            build([str(self.tree_dir / f) for f in FOLDERS], clean, jobs=1)
        finally:
            for rel in self.ghosts:
                (self.tree_dir / rel).unlink()
        expected, got = index_state(clean), index_state(self.tmp / "index")
        shutil.rmtree(clean)
        assert got["ids"] == expected["ids"]
        assert got["records"] == expected["records"]
        assert got["texts"] == expected["texts"]
        assert got["answers"] == expected["answers"]

    # ------------------------------------------------------------ the rules

    options = st.tuples(
        st.booleans(),
        st.sampled_from([False, False, False, True]),
        st.sampled_from([1, 2]),
        st.sampled_from([None, 0]),  # 0: a checkpoint after every file (TEST_BATCH_FILES)
    )

    @rule(name=st.sampled_from(ADDABLE), folder=st.sampled_from(FOLDERS), options=options)
    def add(self, name, folder, options):
        self.write(f"{folder}/{name}", pool()[name])
        self.build(options)

    @precondition(lambda self: self.tree)
    @rule(data=st.data(), how=st.sampled_from(["append", "change"]), options=options)
    def modify(self, data, how, options):
        """Change one file; maybe touch another first (same bytes, new mtime) in the same step."""
        rel = data.draw(st.sampled_from(sorted(self.tree)), label="file")
        if data.draw(st.booleans(), label="touch another"):
            touched = data.draw(st.sampled_from(sorted(self.tree)), label="touched")
            self.write(touched, self.tree[touched])
        self.write(rel, modified(self.tree[rel], how, self.mtime))
        self.build(options)

    @precondition(lambda self: self.tree)
    @rule(data=st.data(), options=options)
    def delete(self, data, options):
        self.remove(data.draw(st.sampled_from(sorted(self.tree)), label="file"))
        self.build(options)

    @precondition(lambda self: self.tree)
    @rule(data=st.data(), options=options)
    def copy(self, data, options):
        rel = data.draw(st.sampled_from(sorted(self.tree)), label="file")
        folder, name = rel.split("/", 1)
        other = FOLDERS[1 - FOLDERS.index(folder)]
        self.write(f"{other}/{name}", self.tree[rel])
        self.build(options)

    @precondition(lambda self: any(rel.endswith(PRIMARY) for rel in self.tree))
    @rule(data=st.data(), options=options)
    def add_header_beside_primary(self, data, options):
        primaries = sorted(rel for rel in self.tree if rel.endswith(PRIMARY))
        folder = data.draw(st.sampled_from(primaries), label="primary").split("/", 1)[0]
        self.write(f"{folder}/{HEADER}", pool()[HEADER])
        self.build(options)

    @rule(folders=st.tuples(st.sampled_from(FOLDERS), st.sampled_from(FOLDERS)), options=options)
    def add_periodic_report(self, folders, options):
        """Add a periodic report's header and its header-less document (either folder each): the
        build links them into one filing, and later steps change, copy or delete either half."""
        for folder, half in zip(folders, PERIODIC, strict=True):
            self.write(f"{folder}/{half}", pool()[half])
        self.build(options)

    @precondition(lambda self: any(rel.endswith(ARCHIVE) for rel in self.tree))
    @rule(data=st.data(), options=options)
    def split_archive(self, data, options):
        """Replace an archive of two submissions by one file per submission."""
        archives = sorted(rel for rel in self.tree if rel.endswith(ARCHIVE))
        rel = data.draw(st.sampled_from(archives), label="archive")
        folder = rel.split("/", 1)[0]
        self.remove(rel)
        for part in PARTS:
            self.write(f"{folder}/{part}", pool()[part])
        self.build(options)

    @precondition(lambda self: any(all(f"{f}/{p}" in self.tree for p in PARTS) for f in FOLDERS))
    @rule(data=st.data(), options=options)
    def merge_submissions(self, data, options):
        """Replace a folder's one-submission files by one archive holding both (as they are)."""
        folders = [f for f in FOLDERS if all(f"{f}/{p}" in self.tree for p in PARTS)]
        folder = data.draw(st.sampled_from(folders), label="folder")
        merged = b"".join(self.tree[f"{folder}/{p}"] for p in PARTS)
        for part in PARTS:
            self.remove(f"{folder}/{part}")
        self.write(f"{folder}/{ARCHIVE}", merged)
        self.build(options)


IncrementalBuilds.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
test_incremental_builds_equal_clean_builds = IncrementalBuilds.TestCase
