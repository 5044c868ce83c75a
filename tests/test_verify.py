"""`indexer verify`: a sound index passes; each kind of damage fails its own check (exit 5)."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from indexer.backend.whoosh import INDEX_NAME
from indexer.cli import EXIT_NO_INDEX, EXIT_VERIFY_FAILED, main
from indexer.indexing.builder import build
from indexer.indexing.verify import verify
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import EDGARTOOLS, SEED

SMALL = [
    SEED,
    EDGARTOOLS / "data/sgml/0001011438-98-000429.txt",
    EDGARTOOLS / "data/sgml/0001127602-25-004598.nc",
    EDGARTOOLS / "data/form4.snow.xml",
]
CHECK_NAMES = ["opens", "store", "counts", "ids", "manifest", "search"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("verify-src")
    for f in SMALL:
        shutil.copyfile(f, src / f.name)
    root = tmp_path_factory.mktemp("verify-index")
    build([str(src)], root, jobs=1)
    return root


@pytest.fixture
def index(pristine, tmp_path) -> Path:
    """A private copy of the small index, free to damage."""
    root = tmp_path / "index"
    shutil.copytree(pristine, root)
    return root


def serving(root: Path) -> Path:
    return indexdir.require_generation(root)


def failed_checks(root: Path) -> dict[str, str]:
    result = run("verify", "--index-dir", root, "--json")
    assert result.exit_code == EXIT_VERIFY_FAILED, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is False
    return {c["name"]: c["detail"] for c in report["checks"] if not c["ok"]}


def test_a_sound_index_passes_every_check(index):
    result = run("verify", "--index-dir", index)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "verified"
    report = json.loads(run("verify", "--index-dir", index, "--json").stdout)
    assert report["ok"] and report["filings"] == report["index_docs"] == len(SMALL)
    assert [c["name"] for c in report["checks"]] == CHECK_NAMES
    assert all(c["ok"] for c in report["checks"])
    assert report["generation"] == serving(index).name


def test_no_index_yet_is_exit_4(tmp_path):
    result = run("verify", "--index-dir", tmp_path / "nothing")
    assert result.exit_code == EXIT_NO_INDEX
    assert "no index in" in result.stderr


def test_a_document_indexed_twice_fails_ids_and_counts(index):
    ix = whoosh_index.open_dir(str(serving(index)), indexname=INDEX_NAME)
    with ix.searcher() as s:
        doc = next(iter(s.all_stored_fields()))
    with ix.writer() as w:
        w.add_document(id=doc["id"], summary=doc["summary"])
    ix.close()
    failed = failed_checks(index)
    assert f"1 in the index more than once: {doc['id']}" in failed["ids"]
    assert "5 index documents ≠ 4 filings" in failed["counts"]
    assert "search" in failed  # the empty query finds 5 documents


def test_a_filing_missing_from_the_store_fails(index):
    store = Store(serving(index))
    gone = next(store.filing_ids())
    store.delete_filing(gone)
    store.commit()
    store.close()
    failed = failed_checks(index)
    assert f"in the index but not stored: {gone}" in failed["ids"]
    assert "4 index documents ≠ 3 filings" in failed["counts"]
    assert f"named by the file manifest but not stored: {gone}" in failed["manifest"]


def test_a_filing_no_file_names_fails_the_manifest(index):
    store = Store(serving(index))
    path, entry = next(iter(store.files().items()))
    store.delete_file(path)
    store.commit()
    store.close()
    failed = failed_checks(index)
    assert set(failed) == {"manifest"}
    assert f"stored but named by no file: {entry.ids[0]}" in failed["manifest"]


def test_an_unfinished_store_fails(index):
    store = Store(serving(index))
    store.db.execute("DELETE FROM meta WHERE key = 'built_at'")
    store.commit()
    store.close()
    assert set(failed_checks(index)) == {"store"}


# Whoosh leaves the TOC file it failed to read unclosed (it raises TypeError on an empty one)
WHOOSH_TOC_LEAK = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io.FileIO name=.*_MAIN_\d+\.toc"
    ":pytest.PytestUnraisableExceptionWarning"
)


@pytest.mark.parametrize(
    "damage", [pytest.param("empty toc", marks=WHOOSH_TOC_LEAK), "missing segment file"]
)
def test_a_damaged_index_fails_to_open(index, damage):
    gen = serving(index)
    if damage == "empty toc":  # what a power cut before Whoosh's data reached the disk leaves
        next(gen.glob("_MAIN_*.toc")).write_bytes(b"")
    else:
        next(gen.glob("*.trm")).unlink()
    failed = failed_checks(index)
    assert list(failed) == ["opens"]
    gc.collect()  # Whoosh's leaked file goes now, inside this test


def test_the_library_report_names_the_generation_it_checked(index):
    report = verify(index)
    assert report.ok and report.generation == serving(index).name
    assert report.to_json()["checks"][-1]["detail"].startswith("an empty query found all 4")
