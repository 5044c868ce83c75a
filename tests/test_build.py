"""`indexer build`: counts, incremental re-runs, merge by accession, locking, crash safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.backend import BACKENDS, DEFAULT_BACKEND, open_generation
from indexer.backend.whoosh.schema import filing_id
from indexer.cli import main
from indexer.edgar.parse import merge, parse_path
from indexer.indexing.builder import build as build_index
from indexer.indexing.verify import verify
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import CORPUS, COVER, EDGARTOOLS, SEED, needs_corpus

# An 8-K in EDGAR's archive layout: full submission, header and primary document of one accession
CAT = COVER / "18230" / "0000018230-22-000107"
SMALL = [
    SEED,
    EDGARTOOLS / "data/sgml/0001011438-98-000429.txt",
    EDGARTOOLS / "data/sgml/0001127602-25-004598.nc",
    EDGARTOOLS / "data/form4.snow.xml",
]


def copy_into(dest: Path, files: list[Path]) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        target = dest / f.name
        shutil.copyfile(f, target)
        out.append(target)
    return out


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request, monkeypatch) -> str:
    """Run every test of this module with builds of each backend (see `build` below)."""
    monkeypatch.setattr(sys.modules[__name__], "BACKEND", request.param)
    return request.param


BACKEND = DEFAULT_BACKEND  # the backend `build` writes: set per test by the fixture above


def build(paths, root, **kw):
    """Build with the backend of the running test."""
    return build_index(paths, root, backend=BACKEND, **kw)


def serving_ids(root: Path) -> list[str]:
    gen = open_generation(indexdir.require_generation(root))
    store = Store(gen.path, readonly=True)
    try:
        counts = gen.doc_ids()
        ids = sorted(counts)
        assert set(counts.values()) <= {1}, "a filing indexed twice"
        assert ids == sorted(store.filing_ids()), "index and side store disagree"
        return ids
    finally:
        store.close()
        gen.close()


def search_ids(root: Path, text: str) -> list[str]:
    index = SearchIndex(root)
    try:
        req = SearchRequest(q=text, per_page=100, facets=False, snippets=False, time_limit=30.0)
        found = search(index, req)
        assert found.total <= 100
        return sorted(h.id for h in found.hits)
    finally:
        index.close()


def test_build_counts_and_idempotent_rerun(tmp_path):
    src = tmp_path / "src"
    copy_into(src, SMALL)
    root = tmp_path / "index"
    first = build([str(src)], root, jobs=2)
    assert (first.files_seen, first.files_parsed) == (4, 4)
    assert first.filings_added == first.filings_total == 4
    assert not first.failed and not first.skipped
    assert len(serving_ids(root)) == 4
    again = build([str(src)], root, jobs=2)
    assert (again.files_unchanged, again.files_parsed, again.filings_added) == (4, 0, 0)
    assert again.generation is None  # nothing changed: the serving generation stays
    assert again.filings_total == 4


def test_touched_file_is_hashed_not_reparsed(tmp_path):
    src = tmp_path / "src"
    (seed,) = copy_into(src, [SEED])
    root = tmp_path / "index"
    build([str(src)], root, jobs=1)
    os.utime(seed, ns=(time.time_ns(), time.time_ns() + 10**9))
    report = build([str(src)], root, jobs=1)
    assert (report.files_parsed, report.filings_added, report.filings_updated) == (0, 0, 0)
    assert build([str(src)], root, jobs=1).files_unchanged == 1  # the new mtime was recorded


def test_changed_file_replaces_its_filing(tmp_path):
    src = tmp_path / "src"
    (aames,) = copy_into(src, [EDGARTOOLS / "data/sgml/0001011438-98-000429.txt"])
    root = tmp_path / "index"
    build([str(src)], root, jobs=1)
    assert search_ids(root, "zanzibarian") == []
    aames.write_bytes(aames.read_bytes().replace(b"CURRENT REPORT", b"zanzibarian REPORT"))
    report = build([str(src)], root, jobs=1)
    assert (report.filings_added, report.filings_updated) == (0, 1)
    assert search_ids(root, "zanzibarian") == ["0001011438-98-000429"]
    assert len(serving_ids(root)) == 1


def test_changed_headerless_file_is_replaced_under_its_new_content_key(tmp_path):
    src = tmp_path / "src"
    (seed,) = copy_into(src, [SEED])
    root = tmp_path / "index"
    build([str(src)], root, jobs=1)
    seed.write_bytes(seed.read_bytes().replace(b"Sidney Street", b"zanzibarian Street"))
    report = build([str(src)], root, jobs=1)
    assert (report.filings_added, report.filings_removed, report.filings_total) == (1, 1, 1)
    assert len(search_ids(root, "zanzibarian")) == 1


def test_prune_drops_filings_of_vanished_files(tmp_path):
    src = tmp_path / "src"
    files = copy_into(src, SMALL)
    root = tmp_path / "index"
    build([str(src)], root, jobs=1)
    files[1].unlink()
    kept = build([str(src)], root, jobs=1)
    assert kept.filings_removed == 0 and kept.filings_total == 4
    pruned = build([str(src)], root, jobs=1, prune=True)
    assert pruned.filings_removed == 1 and pruned.filings_total == 3
    assert "0001011438-98-000429" not in serving_ids(root)


def records(root: Path) -> list[dict]:
    store = Store(indexdir.require_generation(root), readonly=True)
    try:
        return list(store.records())
    finally:
        store.close()


def test_a_vanished_unpruned_document_stays_merged_when_its_header_changes(tmp_path):
    """Found by test_build_property: re-merging a filing re-read its other files, and one that
    had vanished (not pruned) lost its part: the primary document's text left the filing."""
    src = tmp_path / "18230" / CAT.name
    header, primary = copy_into(src, [CAT / f"{CAT.name}.hdr.sgml", CAT / "cat-20220428.htm"])
    root = tmp_path / "index"
    build([str(tmp_path / "18230")], root, jobs=1)
    before = records(root)
    primary.unlink()
    header.write_bytes(header.read_bytes() + b"\n")  # changed bytes, same header
    report = build([str(tmp_path / "18230")], root, jobs=1)
    assert report.filings_updated == 1 and verify(root).ok
    assert records(root) == before  # the header's part re-read, the document's part kept


def test_a_vanished_unpruned_copy_keeps_its_filing_when_the_other_copy_changes(tmp_path):
    """Found by test_build_property: two copies of a header-less filing, one deleted without
    --prune, the other changed: the deleted copy's filing was dropped while the manifest still
    named it, so the build failed verification."""
    (gone,) = copy_into(tmp_path / "a", [SEED])
    (kept,) = copy_into(tmp_path / "b", [SEED])
    root, paths = tmp_path / "index", [str(tmp_path / "a"), str(tmp_path / "b")]
    build(paths, root, jobs=1)
    old_id = serving_ids(root)[0]
    gone.unlink()
    kept.write_bytes(kept.read_bytes().replace(b"Sidney Street", b"zanzibarian Street"))
    build(paths, root, jobs=1)
    assert verify(root).ok
    ids = serving_ids(root)
    assert old_id in ids and len(ids) == 2
    assert build(paths, root, jobs=1, prune=True).filings_total == 1


def test_a_touched_unchanged_document_stays_merged_when_its_header_changes(tmp_path):
    """Found by test_build_property: a file touched but unchanged staged no part, and was not
    taken as a partner either, so re-merging its filing dropped its document."""
    src = tmp_path / "18230" / CAT.name
    header, primary = copy_into(src, [CAT / f"{CAT.name}.hdr.sgml", CAT / "cat-20220428.htm"])
    root = tmp_path / "index"
    build([str(tmp_path / "18230")], root, jobs=1)
    before = records(root)
    os.utime(primary, ns=(time.time_ns(), time.time_ns() + 10**9))
    header.write_bytes(header.read_bytes() + b"\n")
    report = build([str(tmp_path / "18230")], root, jobs=1)
    assert (report.files_parsed, report.filings_updated) == (1, 1) and verify(root).ok
    assert records(root) == before


def test_one_filing_per_accession_across_files(tmp_path):
    root = tmp_path / "index"
    report = build([str(CAT)], root, jobs=2)
    assert report.files_seen == 3
    assert report.filings_total == 1 and report.duplicates_merged == 2
    store = Store(indexdir.require_generation(root), readonly=True)
    rec = store.record("0000018230-22-000107")
    store.close()
    assert rec["company"] == "CATERPILLAR INC"
    assert len(rec["sources"]) == 3
    names = [d["filename"] for d in rec["documents"]]
    assert len(names) == len(set(names)), "the standalone primary document was added twice"


def test_change_to_one_file_of_a_merged_accession_keeps_the_merge(tmp_path):
    src = tmp_path / "18230" / CAT.name  # the accession folder names the standalone document
    files = copy_into(src, [CAT / p.name for p in sorted(CAT.iterdir())])
    root = tmp_path / "index"
    build([str(src)], root, jobs=1)
    htm = next(f for f in files if f.suffix == ".htm")
    htm.write_bytes(htm.read_bytes() + b"<p>quixotically appended</p>")
    report = build([str(src)], root, jobs=1)
    assert report.filings_total == 1 and report.filings_updated == 1
    store = Store(indexdir.require_generation(root), readonly=True)
    rec = store.record("0000018230-22-000107")
    store.close()
    assert len(rec["sources"]) == 3 and rec["company"] == "CATERPILLAR INC"


def test_bad_files_get_reasons_and_the_rest_builds(tmp_path):
    src = tmp_path / "src"
    copy_into(src, [SEED])
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b"\n \r\n\t")
    (src / "random.bin.txt").write_bytes(bytes(range(256)) * 64)
    (src / "nul-laden.txt").write_bytes(SEED.read_bytes().replace(b"\n", b"\x00\n"))
    (src / "cut.txt").write_bytes(b"<SEC-DOCUMENT>\n<SEC-HEADER>\n")
    report = build([str(src)], tmp_path / "index", jobs=2)
    reasons = dict(report.skipped + report.failed)
    assert "empty file" in reasons[str(src / "empty.txt")]
    assert "empty file" in reasons[str(src / "blank.txt")]
    assert "binary" in reasons[str(src / "random.bin.txt")]
    assert str(src / "cut.txt") in reasons
    assert str(src / "nul-laden.txt") not in reasons  # NULs are removed, the text is indexed:
    assert (report.filings_total, report.duplicates_merged) == (1, 1)  # the seed's very text


def _hold_lock(root: Path) -> subprocess.Popen:
    code = (
        "import sys; from pathlib import Path; from indexer.store.generations import BuildLock\n"
        f"with BuildLock(Path({str(root)!r})):\n"
        "    print('locked', flush=True); sys.stdin.readline()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


@needs_corpus
def test_second_concurrent_build_is_refused(tmp_path):
    root = tmp_path / "index"
    holder = _hold_lock(root)
    try:
        started = time.monotonic()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "indexer.cli",
                "build",
                str(SEED),
                "--index-dir",
                str(root),
                "--backend",
                BACKEND,
            ],
            capture_output=True,
            text=True,
        )
        assert time.monotonic() - started < 10
        assert run.returncode == 3
        assert "another build is running" in run.stderr
        assert f"pid {holder.pid}" in run.stderr
    finally:
        holder.communicate("\n")
    # the lock dies with its holder: the next build proceeds
    assert build([str(SEED)], root, jobs=1).filings_total == 1


def test_killed_build_leaves_previous_index_serving(tmp_path):
    root = tmp_path / "index"
    build([str(SEED)], root, jobs=1)
    before = indexdir.current_generation(root)
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "build", str(CORPUS), "--index-dir", str(root),
         "--jobs", "1", "--backend", BACKEND],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        staging = None
        deadline = time.monotonic() + 60
        while staging is None and time.monotonic() < deadline and proc.poll() is None:
            staging = next(root.glob("gen-*/staging.sqlite"), None)
            time.sleep(0.01)  # polling for the stage, not waiting for luck
        assert staging is not None, "the build never reached its parse stage"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert indexdir.current_generation(root) == before
    assert len(serving_ids(root)) == 1
    assert len(search_ids(root, "immunogen")) == 1
    report = build([str(SEED)], root, jobs=1)
    assert report.filings_total == 1


def test_parallel_segments_hold_the_same_filings_as_one_writer(tmp_path, monkeypatch):
    import indexer.indexing.builder

    src = COVER / "320193"  # 7 Apple 8-Ks of 1996-2024, some with a standalone primary document
    one = build([str(src)], tmp_path / "one", jobs=1)
    monkeypatch.setattr(indexer.indexing.builder, "MIN_IDS_PER_SEGMENT", 2)
    two = build([str(src)], tmp_path / "two", jobs=2)
    assert (two.filings_total, two.duplicates_merged) == (one.filings_total, one.duplicates_merged)
    assert serving_ids(tmp_path / "two") == serving_ids(tmp_path / "one")
    gen = indexdir.require_generation(tmp_path / "two")
    term_files = {"whoosh": "*.trm", "tantivy": "*.term"}[BACKEND]
    assert len(list(gen.glob(term_files))) == 2  # one segment (its term file) per worker
    assert not list(gen.glob("tantivy-sink-*"))  # tantivy sinks' segments were moved in
    assert not list(gen.glob("shard-*"))  # worker shards were absorbed into the store
    for word in ("iphone", "dividend", "cupertino"):
        assert search_ids(tmp_path / "two", word) == search_ids(tmp_path / "one", word)
    # an incremental run over the parallel segments replaces filings in place
    again = build([str(src)], tmp_path / "two", jobs=2, rebuild=False)
    assert again.generation is None and again.filings_total == one.filings_total


def test_copies_of_a_headerless_filing_are_one_filing(tmp_path):
    copy_into(tmp_path / "a", [SEED])
    copy_into(tmp_path / "b", [SEED])
    report = build([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "index", jobs=1)
    assert (report.filings_total, report.duplicates_merged) == (1, 1)
    assert verify(tmp_path / "index").ok
    (hit,) = search_ids(tmp_path / "index", "immunogen")
    store = Store(indexdir.require_generation(tmp_path / "index"), readonly=True)
    filing = store.filing(hit)  # the hit's link opens: the store holds the searched id
    store.close()
    assert filing is not None and filing.text_chars == parse_path(str(SEED))[0].text_chars


def test_copies_added_one_build_at_a_time_equal_one_clean_build(tmp_path):
    """The README's own first build, incrementally: the bundled example, then the seed."""
    copy_into(tmp_path / "a", [SEED])
    copy_into(tmp_path / "b", [SEED])
    build([str(tmp_path / "a")], tmp_path / "index", jobs=1)
    build([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "index", jobs=1)
    build([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "clean", jobs=1)
    assert verify(tmp_path / "index").ok
    assert serving_ids(tmp_path / "index") == serving_ids(tmp_path / "clean")


def test_a_generation_failing_verify_is_never_swapped_in(tmp_path):
    """Damage the serving store; the next build clones it, fails its checks and is refused."""
    copy_into(tmp_path / "src", SMALL[:3])
    root = tmp_path / "index"
    build([str(tmp_path / "src")], root, jobs=1)
    serving_before = indexdir.require_generation(root)
    store = Store(serving_before)
    store.delete_filing(next(store.filing_ids()))
    store.commit()
    store.close()
    copy_into(tmp_path / "src", SMALL[3:])
    result = CliRunner().invoke(
        main, ["build", str(tmp_path / "src"), "--index-dir", str(root), "--backend", BACKEND]
    )
    assert result.exit_code == 1, result.output
    assert "failed verification and was not swapped in" in result.output
    assert "ids:" in result.output
    assert indexdir.require_generation(root) == serving_before
    assert [g for g in root.glob("gen-*") if g != serving_before] == []


@needs_corpus
def test_a_build_whose_workers_are_replaced_ends(tmp_path):
    """Parse workers are replaced every TASKS_PER_WORKER files; with 2 here, 52 files replace
    them many times, and the build must still end. (Workers tied to the pool thread that forked
    them by PR_SET_PDEATHSIG died with it holding the pool's lock: the build hung at its end.)"""
    code = (
        "import sys; import indexer.indexing.builder as b; b.TASKS_PER_WORKER = 2; "
        "print(b.build([sys.argv[1]], sys.argv[2], jobs=2).filings_total)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(COVER), str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout.split()[-1]) == 26  # 52 files: filings with their headers


def test_store_holds_each_filing_as_parsed(tmp_path):
    """Single-file filings are stored as their parse worker packed them; merged ones re-packed:
    both must read back as the parse (and merge) of their files."""
    files = [*SMALL, *sorted(CAT.iterdir())]
    build([str(f) for f in files], tmp_path / "index", jobs=2)
    by_id: dict[str, list] = {}
    for f in files:
        for filing in parse_path(str(f)):
            by_id.setdefault(filing_id(filing), []).append(filing)
    store = Store(indexdir.require_generation(tmp_path / "index"), readonly=True)
    try:
        assert sorted(store.filing_ids()) == sorted(by_id)
        assert any(len(group) > 1 for group in by_id.values())  # the merged accession
        for fid, group in by_id.items():
            want = merge(group)
            assert store.record(fid) == want.to_record()
            assert [d.text for d in store.filing(fid).documents] == [d.text for d in want.documents]
    finally:
        store.close()


# Apple's 2024 10-K twice over: the 1,000-byte header of its full submission (accession, filing
# date, no text) and its primary document kept without any header (text, no accession)
AAPL_10K = "0000320193-24-000123"
AAPL_HEADER = CORPUS / f"violin788788+earnings/sec-edgar-filings/AAPL/10-K/{AAPL_10K}"
AAPL_DOC = EDGARTOOLS / "data/html/Apple.10-K.html"


def place(tmp_path: Path, rel: str, data: bytes) -> str:
    """Write a file at tmp_path/src/<rel>; return its path."""
    target = tmp_path / "src" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(target)


def place_apple(tmp_path: Path, which: str) -> str:
    """Place Apple's 10-K header ("header") or its header-less primary document ("document")."""
    if which == "header":
        data = (AAPL_HEADER / "full-submission.txt").read_bytes()
        return place(tmp_path, f"AAPL/10-K/{AAPL_10K}/full-submission.txt", data)
    return place(tmp_path, "html/Apple.10-K.html", AAPL_DOC.read_bytes())


def index_state(root: Path) -> tuple[list[dict], dict[str, list[str]]]:
    """Return an index's records and every file's filing ids (the manifest)."""
    store = Store(indexdir.require_generation(root), readonly=True)
    try:
        return list(store.records()), {p: e.ids for p, e in store.files().items()}
    finally:
        store.close()


def build_src(tmp_path: Path, root: Path, **kwargs):
    """Build tmp_path/src into `root`, and check that it verifies and equals a clean build."""
    report = build([str(tmp_path / "src")], root, jobs=1, **kwargs)
    assert verify(root).ok
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build([str(tmp_path / "src")], clean, jobs=1)
    assert index_state(root) == index_state(clean)
    return report


@needs_corpus
@pytest.mark.parametrize("order", [("header", "document"), ("document", "header"), ("both",)])
def test_a_headerless_periodic_report_is_listed_once_under_its_accession(tmp_path, order):
    root = tmp_path / "index"
    for step in order:
        paths = [place_apple(tmp_path, w) for w in ("header", "document") if step in (w, "both")]
        build_src(tmp_path, root)
    records, manifest = index_state(root)
    (rec,) = records  # one filing, with the header's accession and date and the document's text
    assert (rec["accession"], rec["filed"], rec["period"]) == (AAPL_10K, "2024-11-01", "2024-09-28")
    assert rec["filed_source"].endswith(f"{AAPL_10K}/full-submission.txt")
    assert rec["text_chars"] == parse_path(str(AAPL_DOC))[0].text_chars > 100_000
    assert len(rec["sources"]) == 2 and paths
    assert set(map(tuple, manifest.values())) == {(AAPL_10K,)}  # both files name the accession
    assert search_ids(root, "iphone") == [AAPL_10K]


@needs_corpus
def test_a_linked_document_is_unlinked_when_its_header_goes_or_another_accession_comes(tmp_path):
    """Two accessions of one (CIK, form, period) are ambiguous: the document stays apart."""
    root = tmp_path / "index"
    header = place_apple(tmp_path, "header")
    place_apple(tmp_path, "document")
    build_src(tmp_path, root)
    refiled = Path(header).read_bytes().replace(AAPL_10K.encode(), b"0000320193-24-000999")
    place(tmp_path, "refiled/full-submission.txt", refiled)
    build_src(tmp_path, root)
    ids = [r["accession"] or "local" for r in index_state(root)[0]]
    assert sorted(ids) == ["0000320193-24-000123", "0000320193-24-000999", "local"]
    (tmp_path / "src/refiled/full-submission.txt").unlink()
    assert build_src(tmp_path, root, prune=True).filings_total == 1  # linked again
    Path(header).unlink()
    assert build_src(tmp_path, root, prune=True).filings_total == 1  # the document alone
    assert index_state(root)[0][0]["accession"] is None


@needs_corpus
def test_an_8k_document_is_not_linked_to_its_header(tmp_path):
    """8-Ks are not periodic: a company may file several for one date of report."""
    root = tmp_path / "index"
    place(tmp_path, "cat-20220428.htm", (CAT / "cat-20220428.htm").read_bytes())
    place(tmp_path, "hdr/header.txt", (CAT / f"{CAT.name}.hdr.sgml").read_bytes())
    assert build_src(tmp_path, root).filings_total == 2
