"""Long builds commit checkpoints, and a killed one resumes from its last checkpoint.

The builds are the real CLI in a subprocess with `--checkpoint 0` (a checkpoint every
TEST_BATCH_FILES files, set by BOOT), stopped at a named point (EDGAR_BUILD_STOP_AT, `name:N`
for the N-th time) and SIGKILLed. The re-run's report says how many files it read; it must be
exactly the files the last checkpoint lacks, and the index must equal a clean build's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.indexing import checkpoints
from indexer.indexing.builder import build
from indexer.indexing.checkpoints import Schedule
from indexer.indexing.verify import verify
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.store import generations as indexdir
from indexer.store.entities import get_entities
from indexer.store.sidestore import Store
from tests.corpus import needs_corpus
from tests.test_crash import (
    TIMEOUT,
    kill,
    make_final_state,
    make_initial_state,
    records,
    start,
    wait_stopped,
)

pytestmark = [pytest.mark.slow, needs_corpus]

BATCH = 25  # files per checkpoint of the killed builds
BOOT = (
    "import sys, indexer.indexing.checkpoints as c; c.TEST_BATCH_FILES = {batch}; "
    "from indexer.cli import main; sys.argv[0] = 'indexer'; main()"
)


def cmd(src: Path, root: Path, *flags: str, batch: int = BATCH) -> list[str]:
    boot = BOOT.format(batch=batch)
    args = ["build", str(src), "--index-dir", str(root), "--jobs", "2", "--checkpoint", "0"]
    return [sys.executable, "-c", boot, *args, "--json", *flags]


def run(command: list[str]) -> dict:
    """Run a build to its end; return its JSON report."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def killed_at(command: list[str], stop_at: str) -> None:
    """Start a build, let it reach `stop_at`, SIGKILL it."""
    proc = start(command, stop_at=stop_at)
    wait_stopped(proc, stop_at.split(":")[0])
    kill(proc)


def manifest(gen: Path) -> dict:
    store = Store(gen, readonly=True)
    try:
        return store.files()
    finally:
        store.close()


def assert_companies(gen: Path) -> None:
    """A served generation knows every company of its filings (checkpoints leave them out)."""
    store = Store(gen, readonly=True)
    try:
        ciks = {r["cik"] for r in store.records() if r.get("cik")}
        assert ciks and set(get_entities(store.db, ciks)) == ciks
    finally:
        store.close()


def checkpoint_gen(root: Path) -> Path:
    found = indexdir.checkpoint_generation(root)
    assert found is not None, "no checkpoint recorded"
    return found[0]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A source tree (earlier and final state), the index of its earlier state, and a clean
    build's records of the final state."""
    base = tmp_path_factory.mktemp("checkpoints")
    src = base / "src"
    make_initial_state(src)
    before = base / "before"
    build([str(src)], before, jobs=2, checkpoint=None)
    make_final_state(src)
    reference = base / "reference"
    files = build([str(src)], reference, jobs=2, checkpoint=None).files_seen
    return {"src": src, "before": before, "ref": records(reference), "files": files}


def index_from(scene: dict, tmp_path: Path, before: bool) -> Path:
    root = tmp_path / "index"
    if before:
        shutil.copytree(scene["before"], root)
    return root


def test_a_checkpointed_build_equals_a_clean_one(scene, tmp_path):
    report = build([str(scene["src"])], tmp_path / "index", jobs=2, checkpoint=0)
    assert report.checkpoints == -(-scene["files"] // 25) - 1  # TEST_BATCH_FILES
    assert report.files_parsed == scene["files"]
    assert records(tmp_path / "index") == scene["ref"]
    assert indexdir.checkpoint_generation(tmp_path / "index") is None
    assert len(list((tmp_path / "index").glob("gen-*"))) <= 2, "old checkpoints were left"


def test_checkpoints_come_by_the_clock(scene, tmp_path):
    """A fraction of a minute: the batches end by time (each takes at least one file)."""
    report = build([str(scene["src"])], tmp_path / "index", jobs=2, checkpoint=0.0001)
    assert report.checkpoints >= 1
    assert records(tmp_path / "index") == scene["ref"]


# (where the first build is stopped, files its checkpoints hold by then)
KILLS = [
    ("checkpointed:1", BATCH),
    ("checkpointed:3", 3 * BATCH),
    ("parsing:40", BATCH),  # between checkpoints: parsing the second batch
    ("writing:2", BATCH),  # writing the second batch
    ("fsynced", None),  # the final swap: every checkpoint but the last batch is committed
]


@pytest.mark.parametrize(("stop_at", "held"), KILLS)
def test_a_killed_first_build_resumes_reading_only_what_its_checkpoint_lacks(
    scene, tmp_path, stop_at, held
):
    root = index_from(scene, tmp_path, before=False)
    n = scene["files"]
    held = held if held is not None else (n - 1) // BATCH * BATCH
    killed_at(cmd(scene["src"], root), stop_at)
    with pytest.raises(indexdir.NoIndex):  # checkpoints are not served
        verify(root)
    ckpt = checkpoint_gen(root)
    assert len(manifest(ckpt)) == held
    report = run(cmd(scene["src"], root))
    assert report["resumed_from"] == ckpt.name
    assert report["files_parsed"] == n - held
    assert report["files_unchanged"] == held
    assert verify(root).ok
    assert records(root) == scene["ref"]
    assert indexdir.checkpoint_generation(root) is None


def test_an_incremental_prune_checkpoint_prunes_nothing_until_the_end(scene, tmp_path):
    root = index_from(scene, tmp_path, before=True)
    before = indexdir.current_generation(root)
    gone = set(manifest(before)) - {str(p) for p in scene["src"].rglob("*") if p.is_file()}
    assert gone, "the final state removes a file"
    killed_at(cmd(scene["src"], root, "--prune", batch=2), "checkpointed:1")
    assert indexdir.current_generation(root) == before, "a checkpoint was served"
    checkpoint_gen_name = checkpoint_gen(root).name
    assert gone <= set(manifest(checkpoint_gen(root))), "a checkpoint pruned"
    uninterrupted = run(cmd(scene["src"], index_from(scene, tmp_path / "u", True), "--prune"))
    report = run(cmd(scene["src"], root, "--prune", batch=2))
    assert report["resumed_from"] == checkpoint_gen_name
    full = uninterrupted["files_parsed"]
    assert full - 2 <= report["files_parsed"] < full  # less the checkpoint's two files
    assert records(root) == scene["ref"]


def test_a_rebuild_resumes_only_as_a_rebuild(scene, tmp_path):
    root = index_from(scene, tmp_path, before=True)
    before = indexdir.current_generation(root)
    killed_at(cmd(scene["src"], root, "--rebuild"), "checkpointed:2")
    assert indexdir.current_generation(root) == before
    # an incremental build extends the serving generation, not a rebuild's part
    again = tmp_path / "again"
    shutil.copytree(root, again)
    report = run(cmd(scene["src"], again, "--prune"))
    assert report["resumed_from"] is None
    assert records(again) == scene["ref"]
    report = run(cmd(scene["src"], root, "--rebuild"))
    assert report["resumed_from"] is not None
    assert report["files_parsed"] == scene["files"] - 2 * BATCH
    assert records(root) == scene["ref"]


def test_served_checkpoints_answer_searches_and_resume(scene, tmp_path):
    root = index_from(scene, tmp_path, before=False)
    killed_at(cmd(scene["src"], root, "--serve-checkpoints"), "checkpointed:2")
    assert indexdir.current_generation(root) == checkpoint_gen(root)
    assert verify(root).ok
    assert_companies(checkpoint_gen(root))
    index = SearchIndex(root)
    try:
        total = search(index, SearchRequest()).total
    finally:
        index.close()
    assert 0 < total < len(scene["ref"])
    report = run(cmd(scene["src"], root, "--serve-checkpoints"))
    assert report["files_parsed"] == scene["files"] - 2 * BATCH
    assert records(root) == scene["ref"]


def test_a_checkpoint_failing_verify_is_dropped(scene, tmp_path):
    """Damage the recorded checkpoint: the batch cloned from it fails its checks, the build
    exits 1 and forgets the checkpoint, and the next build starts over and succeeds."""
    root = index_from(scene, tmp_path, before=False)
    killed_at(cmd(scene["src"], root), "checkpointed:1")
    store = Store(checkpoint_gen(root))
    store.delete_filing(next(store.filing_ids()))
    store.commit()
    store.close()
    done = subprocess.run(cmd(scene["src"], root), capture_output=True, text=True)
    assert done.returncode == 1
    assert "failed verification" in done.stderr and "next build starts from it" in done.stderr
    assert indexdir.checkpoint_generation(root) is None
    report = run(cmd(scene["src"], root))
    assert report["resumed_from"] is None and report["files_parsed"] == scene["files"]
    assert records(root) == scene["ref"]


def test_a_checkpoint_holding_everything_asked_for_is_served(scene, tmp_path):
    """Resume over just the files the checkpoint holds: nothing to read, it is swapped in."""
    root = index_from(scene, tmp_path, before=False)
    killed_at(cmd(scene["src"], root), "checkpointed:1")
    ckpt = checkpoint_gen(root)
    paths = sorted(manifest(ckpt))
    boot = BOOT.format(batch=BATCH)
    report = run([sys.executable, "-c", boot, "build", *paths, "--index-dir", str(root), "--json"])
    assert report["files_parsed"] == 0 and report["generation"] == ckpt.name
    assert indexdir.current_generation(root) == ckpt
    assert indexdir.checkpoint_generation(root) is None
    assert verify(root).ok
    assert_companies(ckpt)


def test_a_batch_parses_for_the_interval_less_what_committing_it_should_cost():
    schedule = Schedule(1.0)
    schedule.measured(parse_s=10.0, write_s=20.0, fixed_s=6.0)
    until, most = schedule.batch()
    assert most is None and 17.9 < until - time.monotonic() <= 18.0  # (60 - 6) / (1 + 20 / 10)
    schedule.measured(parse_s=1.0, write_s=100.0, fixed_s=50.0)  # committing dwarfs parsing
    assert 49.9 < schedule.batch()[0] - time.monotonic() <= 50.0  # never less than it costs
    assert Schedule(None).batch() == (float("inf"), None)
    assert Schedule(0).batch() == (float("inf"), checkpoints.TEST_BATCH_FILES)
