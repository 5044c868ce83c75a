"""Hand the members of changed archives to the parse workers, as the build hands them files.

A compressed tar can only be read in order, so one reader (the build's main process) streams
each archive and submits every changed member, with its bytes, to the worker pool; it reads on
only while the members in flight stay under `IN_FLIGHT` and `IN_FLIGHT_BYTES`, so memory is
bounded however large the archive. A member is a source like a file: it is named
`archive!member`, and its size and mtime (from its header) and content hash go into the
manifest, so a member unchanged since the last build is not handed out, and one whose bytes
hash the same is not parsed. The archive itself gets a manifest entry too (status `archive`):
one whose size and mtime are unchanged is skipped whole, unopened.
"""

from __future__ import annotations

import queue
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from indexer.edgar.archives import ArchiveError, ArchiveRead, Member, entries, load
from indexer.edgar.sources import SourceFile, is_archive, member_key, split_member

ARCHIVE_STATUS = "archive"  # the manifest status of an archive's own entry
IN_FLIGHT = 8  # tasks per parse worker handed out and not yet answered
IN_FLIGHT_BYTES = 128 * 2**20  # member bytes in flight (one larger member still goes alone)


def split_tasks(tasks: list) -> tuple[list, list]:
    """Split parse tasks into those of plain files and those of archives."""
    files = [t for t in tasks if not is_archive(t[0].path)]
    return files, [t for t in tasks if is_archive(t[0].path)]


def changed(f: SourceFile, old) -> bool:
    """Tell whether a file must be read: new, or its size or mtime differ, or an archive that
    an earlier build saw as a plain file (an unchanged archive is skipped unopened)."""
    if old is None or (old.size, old.mtime_ns) != (f.size, f.mtime_ns):
        return True
    return is_archive(f.path) and old.status != ARCHIVE_STATUS


class ArchiveReader:
    """Turn changed archives into member tasks, and count what the build saw in them."""

    def __init__(self, prev_files: dict):
        self.prev_files = prev_files
        self.seen = 0  # members found in the archives read
        self.unchanged = 0  # of them, not handed out: size and mtime as the last build saw them
        self.vanished: list[str] = []  # members of the last build no longer in their archive
        self._known: dict[str, list[str]] | None = None

    def tasks(self, archives: list[tuple[SourceFile, str | None]]) -> Iterator[tuple]:
        """Yield (Member, old hash) for each changed member, then (ArchiveRead, None)."""
        for src, _sha1 in archives:
            yield from self._one(src)

    def _one(self, src: SourceFile) -> Iterator[tuple]:
        """Yield one archive's tasks; a damaged archive ends with its problem, not an error."""
        seen: set[str] = set()
        problem, notes = None, []
        try:
            for entry in entries(src.path):
                key = member_key(src.path, entry.name)
                if key in seen:  # a tar may repeat a name: the first one is the member
                    notes.append(f"{entry.name}: a second member of this name, not read")
                    continue
                seen.add(key)
                old = self.prev_files.get(key)
                if old and (old.size, old.mtime_ns) == (entry.size, entry.mtime_ns):
                    self.unchanged += 1
                    continue
                yield load(entry, key), old.sha1 if old else None
        except ArchiveError as e:
            problem = str(e)
        self.seen += len(seen)
        if problem is None:  # only a whole read tells which members are gone
            self.vanished += [p for p in self.known(src.path) if p not in seen]
        yield ArchiveRead(src.path, src.size, src.mtime_ns, problem, tuple(notes)), None

    def known(self, archive: str) -> list[str]:
        """Return the members of an archive that the last build recorded."""
        if self._known is None:
            self._known = members_by_archive(self.prev_files)
        return self._known.get(archive, [])


def members_by_archive(files: Iterable[str]) -> dict[str, list[str]]:
    """Group the manifest's `archive!member` names by archive."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in files:
        split = split_member(path)
        if split:
            out[split[0]].append(path)
    return out


def feed(pool, fn: Callable, tasks: Iterable, on_result: Callable, window: int) -> None:
    """Run lazily made tasks on a pool, reading on only while few are in flight."""
    done: queue.SimpleQueue = queue.SimpleQueue()
    in_flight: dict[str, int] = {}  # path → bytes, of the tasks handed out
    for task in tasks:
        size = _bytes_of(task[0])
        while in_flight and (
            len(in_flight) >= window or sum(in_flight.values()) + size > IN_FLIGHT_BYTES
        ):
            _take(done, in_flight, on_result)
        in_flight[task[0].path] = size
        pool.apply_async(fn, (task,), callback=done.put, error_callback=done.put)
    while in_flight:
        _take(done, in_flight, on_result)


def _take(done: queue.SimpleQueue, in_flight: dict, on_result: Callable) -> None:
    """Wait for one answer and pass it on (a worker's exception is raised here)."""
    res = done.get()
    if isinstance(res, BaseException):
        raise res
    in_flight.pop(res.path, None)
    on_result(res)


def _bytes_of(src) -> int:
    """Return the bytes a task carries to its worker."""
    return len(src.data) if isinstance(src, Member) and src.data else 0
