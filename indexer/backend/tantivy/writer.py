"""Writing a tantivy generation: a sink per build worker, each a small tantivy index of its own
(tantivy allows one writer per index directory), whose segments the main writer adds to the
generation's index after committing its deletions.

The generation's index files sit in the generation directory. An incremental build starts from
hard links of the previous generation's files: segment files are immutable, but tantivy
rewrites meta.json, .managed.json and its lock files, so those are copied first, never written
through a link into the serving generation. After the commit, merges finish and files no
segment uses any more are deleted (old segments never pile up).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import tantivy

from indexer.backend.tantivy.schema import build_schema, register, to_document
from indexer.edgar.model import Filing

NAME = "tantivy"
META, MANAGED = "meta.json", ".managed.json"
# tantivy's own small files, rewritten in place: never shared by a hard link
MUTABLE = (META, MANAGED, ".tantivy-writer.lock", ".tantivy-meta.lock")
SINK_PREFIX = "tantivy-sink-"
SINK_HEAP = 128_000_000  # indexing memory of one sink's writer (one thread) before a segment
# tantivy queues up to 10,000 added documents for its indexing thread, each held whole (about 3
# bytes a character of text): a sink commits after this much text, so the queue stays bounded
# (measured over 5,000 bench filings: 487 MB over the start without it, 235 MB with it)
SINK_PENDING_CHARS = 32_000_000
MAIN_HEAP = 50_000_000  # the main writer only deletes


def compatible(gen: Path) -> bool:
    """Tell whether a generation's index has every field of today's schema (else: build anew)."""
    try:
        fields = {f["name"] for f in json.loads((gen / META).read_text())["schema"]}
    except (FileNotFoundError, KeyError, ValueError):
        return False
    return set(field_names()) <= fields


def field_names() -> list[str]:
    """Return the names of today's schema's fields (from a schema written to a scratch index)."""
    with tempfile.TemporaryDirectory() as d:
        tantivy.Index(build_schema(), path=d)
        return [f["name"] for f in json.loads((Path(d) / META).read_text())["schema"]]


def open_index(path: Path, fresh: bool = False) -> tantivy.Index:
    """Open (or create) the tantivy index in a directory, with the analyzers registered."""
    index = (
        tantivy.Index(build_schema(), path=str(path)) if fresh else tantivy.Index.open(str(path))
    )
    register(index)
    return index


def unshare(gen: Path) -> None:
    """Replace tantivy's rewritable files that are hard links (to the previous generation) by
    copies, so nothing is written through them."""
    for name in MUTABLE:
        f = gen / name
        if f.exists() and f.stat().st_nlink > 1:
            data = f.read_bytes()
            f.unlink()
            f.write_bytes(data)


class MainWriter:
    """The one writer of a new generation: deletes replaced filings and commits the segments."""

    def __init__(self, gen: Path, fresh: bool):
        self.gen = Path(gen)
        if not fresh:
            unshare(self.gen)
        self.index = open_index(self.gen, fresh)
        self.writer = self.index.writer(MAIN_HEAP, 1)

    def delete(self, fids) -> None:
        for fid in fids:
            self.writer.delete_documents_by_term("id", fid)

    def commit(self, segments: list) -> None:
        """Commit the deletions, add the sinks' segments, then merge and collect old files."""
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.writer = None
        adopt(self.gen, [Path(s) for s in segments if s])
        settle(self.gen)

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.rollback()
            self.writer = None


def adopt(gen: Path, sinks: list[Path]) -> None:
    """Move the sinks' segment files into the generation's index and list them in its meta.json
    and .managed.json (written atomically), then remove the sinks' directories."""
    meta = json.loads((gen / META).read_text())
    managed = json.loads((gen / MANAGED).read_text())
    for sink in sinks:
        for seg in json.loads((sink / META).read_text())["segments"]:
            stem = seg["segment_id"].replace("-", "")
            for f in sink.glob(stem + ".*"):
                os.replace(f, gen / f.name)
                managed.append(f.name)
            meta["segments"].append(seg)
        shutil.rmtree(sink)
    write_json(gen / MANAGED, sorted(set(managed)))
    write_json(gen / META, meta)


def write_json(path: Path, value) -> None:
    """Write JSON to a file atomically (a new file renamed over the old one)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value))
    os.replace(tmp, path)


def settle(gen: Path) -> None:
    """Let tantivy merge the segments it would merge, then delete the files nothing uses."""
    writer = open_index(gen).writer(MAIN_HEAP, 1)
    writer.commit()  # a commit runs the merge policy over every segment, the adopted ones too
    writer.wait_merging_threads()
    writer = open_index(gen).writer(MAIN_HEAP, 1)
    writer.garbage_collect_files()
    writer.rollback()


class SegmentSink:
    """A small tantivy index of its own, filled by a worker process: add filings, then `finish`."""

    def __init__(self, gen: str | Path):
        self.path = Path(tempfile.mkdtemp(prefix=SINK_PREFIX, dir=gen))
        self.writer = open_index(self.path, fresh=True).writer(SINK_HEAP, 1)
        self.added = self.pending = 0

    def add(self, fid: str, filing: Filing) -> None:
        self.writer.add_document(to_document(filing, fid))
        self.added += 1
        self.pending += filing.text_chars
        if self.pending >= SINK_PENDING_CHARS:  # waits for the queued documents to be indexed
            self.writer.commit()
            self.pending = 0

    def finish(self) -> str | None:
        """Commit; return the sink's directory for `MainWriter.commit` (None when empty)."""
        self.writer.commit()
        self.writer.wait_merging_threads()
        if not self.added:
            shutil.rmtree(self.path)
            return None
        return str(self.path)

    def cancel(self) -> None:
        self.writer.rollback()
        shutil.rmtree(self.path, ignore_errors=True)
