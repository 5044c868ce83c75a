"""The grouping segment writer writes the very files Whoosh's own writer writes."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.plaintext import PlainTextCodec
from whoosh.writing import SegmentWriter

from indexer.backend.whoosh.schema import FilingCodec, FilingSchema, to_fields
from indexer.backend.whoosh.segment import GroupingSegmentWriter
from indexer.edgar.parse import parse_path
from tests.corpus import CORPUS, SEED, require_corpus


def sample_documents(limit: int = 40) -> list[dict]:
    """Index documents of corpus filings of every kind: SGML, headers, HTML, XML, plain text."""
    paths = [SEED, *sorted(p for p in CORPUS.rglob("*") if p.is_file())[::5]]
    docs = []
    for path in paths:
        try:
            docs += [to_fields(f) for f in parse_path(str(path))]
        except Exception:  # not a filing: skipped, as the build skips it
            continue
        if len(docs) >= limit:
            break
    return docs


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    require_corpus()
    docs = sample_documents()
    assert len(docs) >= 40  # and they span formats: see sample_documents
    return docs


def write(writer_class, folder: Path, docs: list[dict], **kwargs) -> dict[str, str]:
    """Write one segment of the documents; return a digest of each of its files by suffix."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), FilingSchema(), indexname="t")
    writer = writer_class(ix, _lk=False, compound=False, codec=FilingCodec(), **kwargs)
    for doc in docs:
        writer.add_document(**doc)
    segment = writer._finalize_segment()
    writer._commit_toc([segment])
    writer._finish()
    prefix = segment.segment_id()
    return {
        p.name[len(prefix) :]: hashlib.sha1(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.name.startswith(prefix)
    }


@pytest.mark.parametrize("limitmb", [256, 0], ids=["in-memory", "spilling-after-each-document"])
def test_segment_files_equal_whoosh_writers(tmp_path, documents, limitmb):
    theirs = write(SegmentWriter, tmp_path / "whoosh", documents, limitmb=256)
    ours = write(GroupingSegmentWriter, tmp_path / "ours", documents, limitmb=limitmb)
    assert {".pst", ".trm", "._stored.col", "._body_len.col", ".filed.col"} <= set(theirs)
    assert ours == theirs


def test_index_reads_back_and_leaves_no_run_files(tmp_path, documents):
    folder = tmp_path / "ix"
    write(GroupingSegmentWriter, folder, documents, limitmb=0)
    assert not list(folder.rglob("*.run"))
    with whoosh_index.open_dir(str(folder), indexname="t").searcher() as s:
        assert s.doc_count() == len(documents)
        for doc in documents:
            assert s.document(id=doc["id"])["summary"] == doc["summary"]


def test_cancel_removes_spilled_runs(tmp_path, documents):
    ix = whoosh_index.create_in(str(tmp_path), FilingSchema(), indexname="t")
    writer = GroupingSegmentWriter(ix, _lk=False, compound=False, codec=FilingCodec(), limitmb=0)
    for doc in documents[:5]:
        writer.add_document(**doc)
    assert len(writer._runs) == 5
    writer.cancel()
    assert not list(tmp_path.rglob("*.run"))


def test_unsupported_uses_are_refused(tmp_path, documents):
    ix = whoosh_index.create_in(str(tmp_path), FilingSchema(), indexname="t")
    with pytest.raises(TypeError, match="Whoosh 3"):
        GroupingSegmentWriter(ix, _lk=False, codec=PlainTextCodec())
    writer = GroupingSegmentWriter(ix, _lk=False, compound=False, codec=FilingCodec())
    with pytest.raises(ValueError, match="boosts"):
        writer.add_document(**documents[0], _boost=2.0)
    writer.cancel()


def test_merging_spilled_runs_holds_a_few_terms_at_a_time(tmp_path, documents):
    """Reading runs back must not keep what was read: an Unpickler kept for a whole run file
    remembered every object it loaded, and the 50,000-filing build peaked at 3.3 GB a worker."""
    ix = whoosh_index.create_in(str(tmp_path), FilingSchema(), indexname="t")
    writer = GroupingSegmentWriter(ix, _lk=False, compound=False, codec=FilingCodec(), limitmb=0)
    for doc in documents:
        writer.add_document(**doc)
    spilled = sum(p.stat().st_size for p in tmp_path.rglob("*.run"))
    assert len(writer._runs) == len(documents) and spilled > 1_000_000
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        grew = 0
        for _term in writer._all_terms():
            grew = max(grew, tracemalloc.get_traced_memory()[0] - base)
    finally:
        tracemalloc.stop()
    assert grew < spilled / 4  # 0.3 MB of 2.5; with the kept Unpickler 13 MB
    writer.cancel()
