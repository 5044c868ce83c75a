"""`indexer build` straight from archives: tar, tar.gz and zip read member by member.

Real archives are written in tmp_path with tarfile and zipfile: of ../shared/corpus files (those
tests skip without it), and small synthetic ones for hostile members and incremental builds.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from indexer.edgar.archives import read_member
from indexer.edgar.originals import load_original
from indexer.edgar.parse import MAX_FILE_BYTES
from indexer.edgar.sources import (
    accession_from_path,
    form_from_path,
    is_candidate,
    location,
    split_member,
    walk,
)
from indexer.indexing.builder import build
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import CORPUS, COVER, EDGARTOOLS, needs_corpus
from webapp import create_app

# Corpus folders of every layout: sec-edgar-downloader's, EDGAR's archive layout (a submission,
# its header and its primary document merged into one filing), SGML files and a daily feed's .nc
REAL = [
    CORPUS / "violin788788+earnings/sec-edgar-filings/AAPL",
    CORPUS / "violin788788+earnings/sec-edgar-filings/ABT",
    COVER / "18230",
    EDGARTOOLS / "data/sgml",
    EDGARTOOLS / "data/localstorage",
]
MTIME = 1_700_000_000  # 2023-11-14, for members whose mtime a test sets


def corpus_files(folders: list[Path]) -> list[Path]:
    """Return the files a build reads under these folders."""
    return [Path(s.path) for s in walk(folders)]


def write_tar(path: Path, members: dict[str, bytes], mode: str = "w:gz", mtime=MTIME) -> Path:
    """Write a tar of these names and bytes."""
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), mtime
            tar.addfile(info, io.BytesIO(data))
    return path


def write_zip(path: Path, members: dict[str, bytes], dates: dict | None = None) -> Path:
    """Write a deflated zip of these names and bytes (dated 2024-01-02 unless `dates` says)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            when = (dates or {}).get(name, (2024, 1, 2, 3, 4, 6))
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data, zipfile.ZIP_DEFLATED)
    return path


def doc(words: str) -> bytes:
    """Return a plain-text filing document (its accession comes from its folder's name)."""
    return f"QUARTERLY NOTE\n\n{words} revenue grew in the quarter.\n".encode()


def acc(n: int) -> str:
    return f"0000000042-24-{n:06d}"


def records(root: Path) -> dict[str, tuple[dict, list[str]]]:
    """Return every stored filing's record and texts by id."""
    store = Store(indexdir.require_generation(root), readonly=True)
    try:
        return {fid: (store.record(fid), store.texts(fid)) for fid in store.filing_ids()}
    finally:
        store.close()


def manifest(root: Path) -> dict:
    store = Store(indexdir.require_generation(root), readonly=True)
    try:
        return store.files()
    finally:
        store.close()


# ---------------------------------------------------------------- real filings


@needs_corpus
@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_an_archive_gives_the_filings_its_files_give(tmp_path, kind):
    files = corpus_files(REAL)
    members = {str(f.relative_to(CORPUS)): f.read_bytes() for f in files}
    archive = tmp_path / f"filings.{kind}"
    (write_zip if kind == "zip" else write_tar)(archive, members)
    folder = build([str(f) for f in REAL], tmp_path / "from-folder", jobs=2)
    packed = build([str(archive)], tmp_path / "from-archive", jobs=2)
    assert packed.files_parsed == folder.files_parsed == len(files)
    assert (packed.filings_total, packed.duplicates_merged) == (
        folder.filings_total,
        folder.duplicates_merged,
    )
    want, got = records(tmp_path / "from-folder"), records(tmp_path / "from-archive")
    assert sorted(got) == sorted(want)
    for fid, (rec, texts) in got.items():
        # the one difference: a member is named archive!member where the file had its path
        as_files = json.loads(json.dumps(rec).replace(f"{archive}!", f"{CORPUS}/"))
        assert (as_files, texts) == want[fid], fid
    assert [p for p, _ in packed.skipped] == [
        p.replace(f"{CORPUS}/", f"{archive}!") for p, _ in folder.skipped
    ]


@needs_corpus
def test_a_daily_feed_archive_is_keyed_by_its_members_accessions(tmp_path):
    day = EDGARTOOLS / "data/localstorage/filings/20250108"
    feed = write_tar(
        tmp_path / "20250108.nc.tar.gz", {f.name: f.read_bytes() for f in day.iterdir()}
    )
    report = build([str(feed)], tmp_path / "ix", jobs=1)
    assert report.failed == []
    assert sorted(records(tmp_path / "ix")) == sorted(f.stem for f in day.iterdir())
    entries = manifest(tmp_path / "ix")
    assert entries[str(feed)].status == "archive"
    assert {e.ids[0] for p, e in entries.items() if p.startswith(f"{feed}!")} == {
        f.stem for f in day.iterdir()
    }


@needs_corpus
def test_originals_are_read_back_from_the_member(tmp_path):
    src = COVER / "18230/0000018230-22-000107"
    archive = write_zip(
        tmp_path / "cat.zip",
        {f"18230/0000018230-22-000107/{f.name}": f.read_bytes() for f in src.iterdir()},
    )
    build([str(archive)], tmp_path / "ix", jobs=1)
    rec, _texts = records(tmp_path / "ix")["0000018230-22-000107"]
    assert all(s.startswith(f"{archive}!") for s in rec["sources"])
    original = load_original(rec, 0)
    assert original is not None and original.source.startswith(f"{archive}!")
    name = original.source.split("!", 1)[1]
    assert original.body.strip() and original.body[:200] in (src / Path(name).name).read_text(
        errors="replace"
    )
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    url = "/filings/0000018230-22-000107/documents/1/original"
    page = client.get(url)
    assert page.status_code == 200 and b"Caterpillar" in page.data
    archive.unlink()  # the archive gone: no original, and no error
    assert load_original(rec, 0) is None
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- synthetic archives


def test_members_in_nested_folders_are_named_archive_bang_member(tmp_path):
    names = [f"a/b/{acc(1)}/note.txt", f"a/{acc(2)}/note.txt", f"{acc(3)}.txt", "a/logo.png"]
    archive = write_tar(tmp_path / "nested.tgz", {n: doc(n) for n in names})
    report = build([str(archive)], tmp_path / "ix", jobs=2)
    assert (report.files_seen, report.files_parsed) == (4, 3)  # the archive and 3 candidates
    assert sorted(records(tmp_path / "ix")) == [acc(1), acc(2), acc(3)]
    assert sorted(manifest(tmp_path / "ix")) == sorted(
        [str(archive)] + [f"{archive}!{n}" for n in names[:3]]
    )
    assert read_member(str(archive), names[0]) == doc(names[0])


def test_hostile_members_are_labels_skipped_or_refused_not_fatal(tmp_path):
    archive = tmp_path / "hostile.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in {
            f"../../{acc(1)}/escape.txt": doc("up"),
            f"/{acc(2)}.txt": doc("abs"),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo(f"{acc(3)}/passwd.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
        dev = tarfile.TarInfo(f"{acc(4)}/zero.txt")
        dev.type, dev.devmajor, dev.devminor = tarfile.CHRTYPE, 1, 5
        tar.addfile(dev)
    before = set(tmp_path.parent.rglob("*"))
    report = build([str(archive)], tmp_path / "ix", jobs=1)
    assert sorted(records(tmp_path / "ix")) == [acc(1), acc(2)]
    skipped = dict(report.skipped)
    assert "link member skipped" in skipped[f"{archive}!{acc(3)}/passwd.txt"]
    assert "device member skipped" in skipped[f"{archive}!{acc(4)}/zero.txt"]
    created = {p for p in set(tmp_path.parent.rglob("*")) - before if "ix" not in p.parts}
    assert created == set(), "nothing is extracted"


def test_a_zip_bomb_member_is_refused_unread(tmp_path):
    archive = write_zip(
        tmp_path / "bomb.zip",
        {f"{acc(1)}/ok.txt": doc("ok"), f"{acc(2)}/zeros.txt": bytes(64 * 2**20)},
    )
    info = zipfile.ZipFile(archive).getinfo(f"{acc(2)}/zeros.txt")
    assert info.file_size > 1000 * info.compress_size, "deflate packs zeros past 1,000:1"
    report = build([str(archive)], tmp_path / "ix", jobs=1)
    assert sorted(records(tmp_path / "ix")) == [acc(1)]
    assert "zip bomb" in dict(report.skipped)[f"{archive}!{acc(2)}/zeros.txt"]
    assert report.bytes_read < 2**20, "the bomb was never inflated"


def test_a_member_over_the_size_limit_is_reported_not_fatal(tmp_path):
    # A plain tar whose first member is one byte over the limit: written sparse (a hole), so
    # the test neither writes nor holds 256 MB
    archive = tmp_path / "big.tar"
    big = tarfile.TarInfo(f"{acc(1)}/huge.txt")
    big.size = MAX_FILE_BYTES + 1
    with open(archive, "wb") as f:
        f.write(big.tobuf())
        f.seek(-(-big.size // 512) * 512, os.SEEK_CUR)
        data = doc("small")
        small = tarfile.TarInfo(f"{acc(2)}/small.txt")
        small.size = len(data)
        f.write(small.tobuf() + data + bytes(-len(data) % 512) + bytes(1024))
    report = build([str(archive)], tmp_path / "ix", jobs=2)
    assert "file too large" in dict(report.skipped)[f"{archive}!{acc(1)}/huge.txt"]
    assert sorted(records(tmp_path / "ix")) == [acc(2)]
    assert report.failed == []


def test_a_damaged_archive_keeps_the_members_before_the_damage(tmp_path):
    archive = write_tar(
        tmp_path / "cut.tar", {f"{acc(n)}/a.txt": doc(str(n)) * 200 for n in (1, 2, 3)}, mode="w"
    )
    with tarfile.open(archive) as tar:
        cut = tar.getmember(f"{acc(2)}/a.txt").offset_data + 100
    archive.write_bytes(archive.read_bytes()[:cut])  # cut inside the second member
    report = build([str(archive)], tmp_path / "ix", jobs=2)
    assert acc(1) in records(tmp_path / "ix")
    assert [p for p, _ in report.failed] == [str(archive)]
    assert "cannot read the archive" in report.failed[0][1]


def test_a_repeated_member_name_is_read_once_and_reported(tmp_path):
    archive = tmp_path / "twice.tar"
    with tarfile.open(archive, "w") as tar:
        for words in ("first", "second"):
            data = doc(words)
            info = tarfile.TarInfo(f"{acc(1)}/a.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    report = build([str(archive)], tmp_path / "ix", jobs=1)
    ((_rec, texts),) = records(tmp_path / "ix").values()
    assert "first" in texts[0] and "second" not in texts[0]
    assert report.text_lost == [
        (str(archive), f"{acc(1)}/a.txt: a second member of this name, not read")
    ]


def test_an_unchanged_archive_is_not_opened(tmp_path):
    archive = write_tar(tmp_path / "feed.tar.gz", {f"{acc(n)}.txt": doc(str(n)) for n in (1, 2)})
    build([str(archive)], tmp_path / "ix", jobs=1)
    st = archive.stat()
    archive.write_bytes(b"\0" * st.st_size)  # garbage of the same size and mtime
    os.utime(archive, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = build([str(archive)], tmp_path / "ix", jobs=1)
    assert (report.files_seen, report.files_unchanged, report.generation) == (1, 1, None)
    assert report.failed == []


def test_a_changed_archive_re_reads_only_its_changed_members(tmp_path):
    path = tmp_path / "feed.zip"
    write_zip(path, {f"{acc(n)}/a.txt": doc(f"v1 {n}") for n in (1, 2, 3)})
    build([str(path)], tmp_path / "ix", jobs=2)
    # member 1 as it was, member 2 rewritten (a day later), member 3 gone, member 4 new
    changed = {f"{acc(2)}/a.txt": doc("v2 2"), f"{acc(4)}/a.txt": doc("v2 4")}
    later = dict.fromkeys(changed, (2024, 1, 3, 0, 0, 0))
    write_zip(path, {f"{acc(1)}/a.txt": doc("v1 1"), **changed}, later)
    report = build([str(path)], tmp_path / "ix", jobs=2, prune=True)
    assert (report.files_seen, report.files_unchanged, report.files_parsed) == (4, 1, 2)
    assert report.bytes_read == sum(map(len, changed.values())), "member 1 was not read"
    assert (report.filings_added, report.filings_updated, report.filings_removed) == (1, 1, 1)
    got = records(tmp_path / "ix")
    assert sorted(got) == [acc(1), acc(2), acc(4)]
    assert "v2 2" in got[acc(2)][1][0]
    assert f"{path}!{acc(3)}/a.txt" not in manifest(tmp_path / "ix")


def test_walk_names_archives_beside_files(tmp_path):
    (tmp_path / "a.txt").write_bytes(doc("a"))
    for name in ("b.zip", "c.tar.gz", "d.tgz", "e.tar", "20250108.nc.tar.gz", "f.gz", "g.7z"):
        (tmp_path / name).write_bytes(b"x")
    assert [Path(s.path).name for s in walk([tmp_path])] == [
        "20250108.nc.tar.gz",
        "a.txt",
        "b.zip",
        "c.tar.gz",
        "d.tgz",
        "e.tar",
    ]
    assert not is_candidate(Path("logo.png"))


def test_a_member_is_parsed_as_if_extracted_under_its_archive():
    path = f"/data/feed.tar.gz!sec-edgar-filings/320193/8-K/{acc(1)}/full-submission.txt"
    assert split_member(path) == ("/data/feed.tar.gz", path.split("!", 1)[1])
    assert location(path).parts[-6:] == (
        "feed.tar.gz",
        "sec-edgar-filings",
        "320193",
        "8-K",
        acc(1),
        "full-submission.txt",
    )
    assert (accession_from_path(path), form_from_path(path)) == (acc(1), "8-K")
    assert location("/data/x.zip!/etc/passwd").parts == ("/", "data", "x.zip", "etc", "passwd")
    assert split_member("/data/wow!/a.txt") is None  # a "!" after no archive name is a file's


def test_an_archive_gone_drops_its_members_with_prune_only(tmp_path):
    (tmp_path / "in").mkdir()
    archive = write_tar(tmp_path / "in/feed.tar", {f"{acc(n)}.txt": doc(str(n)) for n in (1, 2)})
    (tmp_path / "in" / f"{acc(3)}.txt").write_bytes(doc("beside"))
    assert build([str(tmp_path / "in")], tmp_path / "ix", jobs=1).filings_total == 3
    archive.unlink()
    kept = build([str(tmp_path / "in")], tmp_path / "ix", jobs=1)
    assert (kept.filings_total, kept.filings_removed) == (3, 0)
    pruned = build([str(tmp_path / "in")], tmp_path / "ix", jobs=1, prune=True)
    assert (pruned.filings_total, pruned.filings_removed) == (1, 2)
    assert sorted(manifest(tmp_path / "ix")) == [str(tmp_path / "in" / f"{acc(3)}.txt")]


# ---------------------------------------------------------------- checkpoints between archives


def quarters(folder: Path, version: str = "v1", gone: int | None = None) -> list[Path]:
    """Write three archives of three filings each (a collection kept one archive a quarter);
    `gone`: the number of a filing left out of the second."""
    folder.mkdir(exist_ok=True)
    out = []
    for q in range(3):
        ns = [n for n in range(3 * q + 1, 3 * q + 4) if n != gone]
        out.append(write_zip(folder / f"q{q + 1}.zip", {acc(n): doc(f"{version} {n}") for n in ns}))
    return out


def test_a_checkpointed_build_of_archives_commits_one_between_archives(tmp_path, monkeypatch):
    from indexer.indexing import checkpoints

    monkeypatch.setattr(checkpoints, "TEST_BATCH_FILES", 1)  # a batch ends after each task
    quarters(tmp_path / "in")
    clean = build([str(tmp_path / "in")], tmp_path / "clean", jobs=2, checkpoint=None)
    report = build([str(tmp_path / "in")], tmp_path / "ix", jobs=2, checkpoint=0)
    assert (clean.checkpoints, report.checkpoints) == (0, 2)  # three archives, three batches
    assert report.files_parsed == clean.files_parsed == 9
    assert records(tmp_path / "ix") == records(tmp_path / "clean")
    assert manifest(tmp_path / "ix") == manifest(tmp_path / "clean")
    assert indexdir.checkpoint_generation(tmp_path / "ix") is None


def test_a_checkpoint_prunes_the_members_gone_from_an_archive_it_read(tmp_path, monkeypatch):
    """The archive is read whole in one batch: the next batches skip it unread, so what left
    it is pruned there or never."""
    from indexer.indexing import checkpoints

    monkeypatch.setattr(checkpoints, "TEST_BATCH_FILES", 1)
    quarters(tmp_path / "in")
    build([str(tmp_path / "in")], tmp_path / "ix", jobs=1)
    quarters(tmp_path / "in", "v2.0", gone=5)  # every member rewritten; 5 left the second
    pruned = build([str(tmp_path / "in")], tmp_path / "ix", jobs=1, checkpoint=0, prune=True)
    assert (pruned.checkpoints, pruned.files_parsed, pruned.filings_removed) == (2, 8, 1)
    build([str(tmp_path / "in")], tmp_path / "clean", jobs=1)
    assert records(tmp_path / "ix") == records(tmp_path / "clean")
    assert acc(5) not in records(tmp_path / "ix")
