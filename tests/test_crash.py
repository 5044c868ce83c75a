"""Crash safety and concurrency of `indexer build`, tested by killing it.

A build subprocess is SIGKILLed at seeded-random moments and at each named checkpoint
(EDGAR_BUILD_STOP_AT), in three modes: the first build of an empty directory, `--rebuild` over a
serving index, and an incremental `--prune` run that adds, changes and removes files. After every
kill the serving index opens, `indexer verify` passes, a search works, the serving generation is
the old one unless the kill came after the swap, and a re-run ends with exactly the filings (and
records) of a clean build. Also: generations are fsynced before the swap, searches run through
rebuilds without an error, and a second writer is refused at once.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer.backend import BACKENDS, DEFAULT_BACKEND
from indexer.cli import EXIT_BUSY
from indexer.indexing.verify import verify
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import CORPUS, EDGARTOOLS, SEED, needs_corpus

pytestmark = [pytest.mark.slow, needs_corpus]  # every scene is built from real filings

ARCHIVE = CORPUS / "ryankfrench+sec_cover_page_parser" / "sec_cover_page_parser" / "test_filings"
DOWNLOADER = CORPUS / "violin788788+earnings" / "sec-edgar-filings"
SEED_VALUE = 20240601  # the random kill moments are drawn from this seed
RANDOM_KILLS = {"first": 10, "rebuild": 10, "incremental": 10}
CHECKPOINTS = ("parsing", "writing", "committed", "fsynced", "swap", "swapped")
AFTER_SWAP = {"swapped"}  # checkpoints past os.replace of CURRENT
MODES = ("first", "rebuild", "incremental")
TIMEOUT = 120  # seconds any one build may take before the test gives up on it
# The subset is small, so the build's parallel segment writers only run when the per-worker
# minimum is lowered too: the killed builds are the real CLI with that one constant changed.
BOOT = (
    "import sys, indexer.indexing.builder as b; b.MIN_IDS_PER_SEGMENT = 16; "
    "from indexer.cli import main; sys.argv[0] = 'indexer'; main()"
)
QUERIES = ["revenue", "company:apple", "form:8-K", '"press release"', "acqui*", ""]


# ---------------------------------------------------------------- the scene


@dataclass
class Scene:
    """A source folder in its final state, the index of its earlier state, and references."""

    src: Path
    before: Path  # index built from the earlier state (what the incremental run updates)
    before_ids: list[str]
    reference: dict[str, dict]  # a clean build of the final state: filing id → record
    seconds: dict[str, float]  # uninterrupted build time per mode
    backend: str  # the backend every build of the scene writes


def copy_tree(src: Path, dest: Path, keep=lambda p: True) -> None:
    for f in sorted(p for p in src.rglob("*") if p.is_file() and keep(p)):
        target = dest / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)


def make_initial_state(src: Path) -> None:
    """Archive-layout 8-Ks (merged accessions) and downloader-layout header-only files."""
    copy_tree(ARCHIVE, src / "archive", keep=lambda p: "1341439" not in p.parts)
    copy_tree(DOWNLOADER, src / "sec-edgar-filings")
    shutil.copyfile(SEED, src / "seed.txt")


def make_final_state(src: Path) -> None:
    """Add filings, change some (one of a merged accession), touch one, remove one."""
    oracle = "1341439/0001193125-19-191922"
    copy_tree(ARCHIVE / oracle, src / "archive" / oracle)
    for name in ("0001011438-98-000429.txt", "0001127602-25-004598.nc"):
        shutil.copyfile(EDGARTOOLS / "data/sgml" / name, src / name)
    htm = src / "archive/18230/0000018230-22-000107/cat-20220428.htm"
    htm.write_bytes(htm.read_bytes() + b"<p>quixotically appended</p>")
    seed = src / "seed.txt"
    seed.write_bytes(seed.read_bytes().replace(b"Sidney Street", b"Zanzibarian Street"))
    touched = next((src / "archive/320193").rglob("*.txt"))
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 10**9))
    next((src / "sec-edgar-filings").rglob("*.txt")).unlink()


def build_cmd(src: Path, root: Path, mode: str, backend: str = DEFAULT_BACKEND) -> list[str]:
    cmd = [sys.executable, "-c", BOOT, "build", str(src), "--index-dir", str(root), "--jobs", "2"]
    cmd += ["--backend", backend]
    return cmd + {"first": [], "rebuild": ["--rebuild"], "incremental": ["--prune"]}[mode]


def run_build(src: Path, root: Path, mode: str, backend: str = DEFAULT_BACKEND) -> float:
    """Run one uninterrupted build; return its wall time."""
    start = time.monotonic()
    done = subprocess.run(
        build_cmd(src, root, mode, backend), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return time.monotonic() - start


def records(root: Path) -> dict[str, dict]:
    gen = indexdir.require_generation(root)
    store = Store(gen, readonly=True)
    try:
        return dict(zip(store.filing_ids(), store.records(), strict=True))
    finally:
        store.close()


def fresh_copy(index: Path | None, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    if index is None:
        dest.mkdir(parents=True)
    else:
        shutil.copytree(index, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module", params=BACKENDS)
def scene(request, tmp_path_factory) -> Scene:
    backend = request.param
    base = tmp_path_factory.mktemp(f"crash-{backend}")
    src = base / "src"
    make_initial_state(src)
    before = base / "before"
    run_build(src, before, "first", backend)
    before_ids = sorted(records(before))
    make_final_state(src)
    reference = base / "reference"
    seconds = {"first": run_build(src, reference, "first", backend)}
    for mode in ("rebuild", "incremental"):
        seconds[mode] = run_build(src, fresh_copy(before, base / "timing"), mode, backend)
    ref = records(reference)
    assert len(ref) > 150 and set(ref) != set(before_ids)
    return Scene(src, before, before_ids, ref, seconds, backend)


def start_state(scene: Scene, mode: str, dest: Path) -> Path:
    """Return a fresh index directory in the state a build of `mode` starts from."""
    return fresh_copy(None if mode == "first" else scene.before, dest)


# ---------------------------------------------------------------- killing


def start(cmd: list[str], stop_at: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != indexdir.STOP_AT_ENV}
    if stop_at:
        env[indexdir.STOP_AT_ENV] = stop_at
    return subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if stop_at else subprocess.DEVNULL,
        start_new_session=True,  # its own process group: its workers can be found afterwards
        text=True,
    )


def wait_stopped(proc: subprocess.Popen, name: str) -> None:
    """Read the build's stderr until it says it stopped at `name` (no sleeping and hoping)."""
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        for line in proc.stderr:
            if line.strip() == f"stopped at {name}":
                return
        raise AssertionError(f"the build ended (exit {proc.wait()}) without reaching {name}")
    finally:
        watchdog.cancel()


def live_members(pgid: int) -> list[int]:
    """Return the processes of a process group that are not zombies."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(stat.parent.name))
    return pids


def kill(proc: subprocess.Popen) -> float:
    """SIGKILL the build (its main process only, as a crash would); return how long its orphaned
    worker processes lived on after it."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stderr:
        proc.stderr.close()
    start_t = time.monotonic()
    while live_members(proc.pid):
        if time.monotonic() - start_t > TIMEOUT:
            for pid in live_members(proc.pid):
                os.kill(pid, signal.SIGKILL)
            raise AssertionError("the killed build's workers did not exit")
        time.sleep(0.02)  # polling for their exit, bounded above
    return time.monotonic() - start_t


# ---------------------------------------------------------------- what must hold after a kill


def serving_name(root: Path) -> str | None:
    gen = indexdir.current_generation(root)
    return gen.name if gen else None


def assert_serves(root: Path, ids: list[str]) -> None:
    """The serving index opens, passes verify, answers searches and holds exactly `ids`."""
    report = verify(root)
    assert report.ok, report.to_json()
    assert sorted(records(root)) == ids
    index = SearchIndex(root)
    try:
        for q in QUERIES:
            result = search(index, SearchRequest(q=q, per_page=5))
            assert result.generation == serving_name(root)
        assert search(index, SearchRequest()).total == len(ids)
    finally:
        index.close()


def assert_after_kill(scene: Scene, root: Path, before: str | None, swapped: bool | None):
    """`swapped`: whether the kill came after the swap (None: unknown, a random moment)."""
    now = serving_name(root)
    if swapped is False:
        assert now == before, "a build killed before its swap changed the serving generation"
    if swapped is True:
        assert now is not None and now != before
    if now is None:  # a first build killed before its swap: still nothing built
        with pytest.raises(indexdir.NoIndex):
            verify(root)
    elif now == before:
        assert_serves(root, scene.before_ids)
    else:  # the swap happened: the new generation is complete
        assert_serves(root, sorted(scene.reference))


def assert_rerun_completes(scene: Scene, root: Path, mode: str) -> None:
    """Re-running the build is not refused and ends with exactly a clean build's filings."""
    proc = subprocess.run(
        build_cmd(scene.src, root, mode, scene.backend),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, f"re-run failed ({proc.returncode}): {proc.stderr[-2000:]}"
    assert_serves(root, sorted(scene.reference))
    assert records(root) == scene.reference, "a re-run's records differ from a clean build's"


# ---------------------------------------------------------------- the kills


def kill_moments() -> list[tuple[str, int]]:
    return [(mode, k) for mode, n in RANDOM_KILLS.items() for k in range(n)]


ORPHAN_LINGER: list[float] = []  # seconds workers outlived their killed build, for the report


@pytest.mark.parametrize(("mode", "k"), kill_moments())
def test_kill_at_a_random_moment(scene, tmp_path, mode, k):
    rng = random.Random(f"{SEED_VALUE}-{mode}-{k}")
    delay = rng.uniform(0.02, 0.98) * scene.seconds[mode]
    root = start_state(scene, mode, tmp_path / "index")
    before = serving_name(root)
    proc = start(build_cmd(scene.src, root, mode, scene.backend))
    time.sleep(delay)  # the random moment itself: what this test draws, not a wait for a state
    finished = proc.poll() is not None
    ORPHAN_LINGER.append(kill(proc))
    if finished:
        assert proc.returncode == 0
    assert_after_kill(scene, root, before, None)
    assert_rerun_completes(scene, root, mode)


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
@pytest.mark.parametrize("mode", MODES)
def test_kill_at_a_named_checkpoint(scene, tmp_path, mode, checkpoint):
    root = start_state(scene, mode, tmp_path / "index")
    before = serving_name(root)
    proc = start(build_cmd(scene.src, root, mode, scene.backend), stop_at=checkpoint)
    wait_stopped(proc, checkpoint)
    ORPHAN_LINGER.append(kill(proc))
    assert_after_kill(scene, root, before, checkpoint in AFTER_SWAP)
    assert_rerun_completes(scene, root, mode)


def test_orphaned_workers_were_short_lived():
    """Workers of a killed build exit soon after it (they finish the file in hand)."""
    if ORPHAN_LINGER:
        print(f"orphaned workers outlived their build by at most {max(ORPHAN_LINGER):.2f} s")
        assert max(ORPHAN_LINGER) < 30


def big_text_file(path: Path, mb: int) -> Path:
    """Write a plain-text filing of `mb` MB made of real filing text."""
    text = SEED.read_bytes()
    with open(path, "wb") as f:
        for _ in range(mb * 2**20 // len(text)):
            f.write(text)
    return path


def test_lock_of_a_killed_build_never_blocks_the_next(tmp_path):
    """Kill a build while a worker is deep in a large file; the next build starts at once."""
    src = tmp_path / "src"
    src.mkdir()
    big_text_file(src / "aaa-large.txt", 24)  # the first worker takes it
    for n in range(3):
        shutil.copyfile(SEED, src / f"zzz-{n}.txt")
    root = tmp_path / "index"
    cmd = [sys.executable, "-m", "indexer.cli", "build", str(src), "--index-dir", str(root)]
    proc = start([*cmd, "--jobs", "2"], stop_at="parsing")
    try:
        wait_stopped(proc, "parsing")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        again = subprocess.run(
            [sys.executable, "-m", "indexer.cli", "build", str(SEED), "--index-dir", str(root)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert again.returncode == 0, again.stderr
    finally:
        for pid in live_members(proc.pid):
            os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- fsync before the swap


class FsyncSpy:
    """Record which paths os.fsync flushed, and when CURRENT was replaced."""

    def __init__(self, monkeypatch, root: Path):
        self.root, self.events = root, []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd):
            self.events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
            return real_fsync(fd)

        def replace(src, dst, **kw):
            self.events.append(("replace", str(dst)))
            return real_replace(src, dst, **kw)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)

    def split(self) -> tuple[set[str], set[str]]:
        """Return the paths fsynced before and after the replace of CURRENT."""
        current = str(self.root / indexdir.POINTER)
        at = self.events.index(("replace", current))
        before = {p for kind, p in self.events[:at] if kind == "fsync"}
        after = {p for kind, p in self.events[at:] if kind == "fsync"}
        return before, after


@pytest.mark.parametrize("mode", ["first", "incremental"])
def test_new_generation_is_fsynced_before_the_swap(tmp_path, monkeypatch, mode):
    from indexer.indexing.builder import build

    src = tmp_path / "src"
    copy_tree(ARCHIVE / "320193", src / "320193")
    root = tmp_path / "index"
    if mode == "incremental":
        build([str(src)], root, jobs=1)
        shutil.copyfile(SEED, src / "seed.txt")
    spy = FsyncSpy(monkeypatch, root.resolve())
    report = build([str(src)], root, jobs=1)
    gen = indexdir.require_generation(root).resolve()
    assert report.generation == gen.name
    before, after = spy.split()
    files = {str(p) for p in gen.iterdir()}
    assert files, "an empty generation"
    assert files <= before, f"not fsynced before the swap: {sorted(files - before)}"
    assert str(gen) in before, "the generation's directory entries were not fsynced"
    assert str(root.resolve()) in after, "the rename of CURRENT was not made durable"


# ---------------------------------------------------------------- concurrency


def searcher_thread(index: SearchIndex, stop: threading.Event, seen: list, errors: list):
    n = 0
    while not stop.is_set():
        q = QUERIES[n % len(QUERIES)]
        try:
            result = search(index, SearchRequest(q=q, per_page=10, page=1 + n % 3))
            seen.append((time.monotonic(), result.generation))
        except Exception as e:  # every kind of failure is what this test counts
            errors.append(f"{q!r}: {type(e).__name__}: {e}")
        n += 1


def test_searches_run_through_rebuilds_without_errors(scene, tmp_path):
    root = fresh_copy(scene.before, tmp_path / "index")
    index = SearchIndex(root)
    stop, seen, errors = threading.Event(), [], []
    threads = [
        threading.Thread(target=searcher_thread, args=(index, stop, seen, errors)) for _ in range(4)
    ]
    for t in threads:
        t.start()
    spans = []
    try:
        for mode in ("rebuild", "rebuild", "incremental", "rebuild"):
            start_t = time.monotonic()
            run_build(scene.src, root, mode, scene.backend)
            spans.append((start_t, time.monotonic()))
            time.sleep(0.3)  # let searches reach the new generation before the next swap
    finally:
        stop.set()
        for t in threads:
            t.join()
        index.close()
    assert errors == [], errors[:5]
    during = [g for t, g in seen if any(a <= t <= b for a, b in spans)]
    generations = {g for _, g in seen}
    print(f"{len(seen)} searches, {len(during)} during builds, {len(generations)} generations")
    assert len(during) > 20 and len(generations) >= 4


def test_second_writer_is_refused_within_2_seconds(scene, tmp_path):
    root = fresh_copy(scene.before, tmp_path / "index")
    first = start(build_cmd(scene.src, root, "rebuild", scene.backend), stop_at="parsing")
    try:
        wait_stopped(first, "parsing")  # it holds the lock now
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "indexer.cli", "build", str(SEED), "--index-dir", str(root)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        elapsed = time.monotonic() - started
    finally:
        kill(first)
    print(f"second writer refused after {elapsed:.2f} s")
    assert second.returncode == EXIT_BUSY
    assert elapsed < 2
    assert f"another build is running on {root} (pid {first.pid})" in second.stderr
    assert "wait for it to finish" in second.stderr
