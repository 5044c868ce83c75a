"""Writing a Whoosh generation: the build's main writer, and the segment sinks its worker
processes fill in parallel (each a segment of its own, committed together by the main writer
in one table of contents)."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from indexer.backend.whoosh import INDEX_NAME
from indexer.backend.whoosh.schema import FilingCodec, FilingSchema, to_fields
from indexer.backend.whoosh.segment import GroupingSegmentWriter
from indexer.edgar.model import Filing

NAME = "whoosh"
WRITER_MB = 256  # posting pool memory per Whoosh writer before it spills to disk


def compatible(gen: Path) -> bool:
    """Tell whether a generation's index has every field of today's schema (else: build anew)."""
    ix = whoosh_index.open_dir(str(gen), indexname=INDEX_NAME)
    try:
        return set(FilingSchema().names()) <= set(ix.schema.names())
    finally:
        ix.close()


class MainWriter:
    """The one writer of a new generation: deletes replaced filings and commits the segments."""

    def __init__(self, gen: Path, fresh: bool):
        ix = (
            whoosh_index.create_in(str(gen), FilingSchema(), indexname=INDEX_NAME)
            if fresh
            else whoosh_index.open_dir(str(gen), indexname=INDEX_NAME)
        )
        # compound segments open slowly
        self.writer = ix.writer(limitmb=WRITER_MB, compound=False, codec=FilingCodec())

    def delete(self, fids) -> None:
        for fid in fids:
            self.writer.delete_by_term("id", fid)

    def commit(self, segments: list) -> None:
        """Commit the deletions and merges together with the sinks' segments.

        Whoosh's own commit would write only this writer's segment, so its steps are taken
        here with the sinks' segments added to the table of contents.
        """
        w = self.writer
        final = w._merge_segments(None, None, None)
        final += [s for s in segments if s is not None]
        if w._added:
            final.append(w._finalize_segment())
        else:
            w._close_segment()
        w._commit_toc(final)
        w._finish()

    def cancel(self) -> None:
        if not self.writer.is_closed:
            self.writer.cancel()


class SegmentSink:
    """One new segment, filled by a worker process: add filings, then `finish`."""

    def __init__(self, gen: str | Path):
        ix = whoosh_index.open_dir(str(gen), indexname=INDEX_NAME)
        self.writer = GroupingSegmentWriter(
            ix, _lk=False, limitmb=WRITER_MB, compound=False, codec=FilingCodec()
        )

    def add(self, fid: str, filing: Filing) -> None:
        self.writer.add_document(**to_fields(filing, fid))

    def finish(self):
        """Return the segment for `MainWriter.commit` (None when nothing was added)."""
        w = self.writer
        # no _finish(): the temporary storage is shared with the main writer, which cleans it up
        return w._finalize_segment() if w._added else w._close_segment()

    def cancel(self) -> None:
        self.writer.cancel()
