"""Read the members of tar, tar.gz, tgz and zip archives of filings without extracting them.

Nothing is written to disk, so a member's name is only a label (`archive!member`): a name with
`..` or a leading `/` reaches no file. What a hostile archive could still do is bounded: a
member is read only up to the build's file size limit (`MAX_FILE_BYTES`), a zip member only up
to its declared size (zipfile stops there and checks the CRC) and not at all when its declared
size is implausibly far above its compressed size, an archive only up to `MAX_MEMBERS` members;
links and devices are refused with a reason rather than read.
"""

from __future__ import annotations

import calendar
import os
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from indexer.edgar.model import NotAFiling
from indexer.edgar.parse import MAX_FILE_BYTES
from indexer.edgar.sources import is_archive, is_candidate, split_member

MAX_MEMBERS = 1_000_000  # a daily feed archive holds a few thousand; a bench one 100,000
# Deflate cannot exceed about 1,032:1; a member declared past this ratio is a zip bomb
MAX_ZIP_RATIO = 1_000
# What reading an archive can raise on damaged or truncated input
ARCHIVE_ERRORS = (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError)
# ... and reading one member: an encrypted one, or one of a compression zipfile does not know
MEMBER_ERRORS = (*ARCHIVE_ERRORS, RuntimeError, NotImplementedError)
NS = 1_000_000_000


class ArchiveError(Exception):
    """An archive that cannot be read (on, or past some member)."""


@dataclass
class Entry:
    """One member as the archive's header describes it; `load` reads it, once, in its turn."""

    name: str
    size: int
    mtime_ns: int
    problem: str | None = None  # why it is not read (a link, a device, a zip bomb)
    load: Callable[[], bytes] = field(default=lambda: b"", repr=False)


@dataclass(frozen=True)
class Member:
    """A member handed to a parse worker with its bytes (None when it is not read, and why)."""

    path: str  # archive!member
    size: int
    mtime_ns: int
    data: bytes | None = field(default=None, repr=False)
    refused: str | None = None

    def read(self) -> bytes:
        """Return the member's bytes, or raise NotAFiling saying why it was not read."""
        if self.data is None:
            raise NotAFiling(self.refused or "member not read")
        return self.data


@dataclass(frozen=True)
class ArchiveRead:
    """The end of one archive's members: the archive's own manifest entry, and its problem."""

    path: str
    size: int
    mtime_ns: int
    problem: str | None = None  # why the archive was not read to its end
    notes: tuple[str, ...] = ()  # members left out, and why


def entries(path: str, max_members: int = MAX_MEMBERS) -> Iterator[Entry]:
    """Yield the candidate members of an archive in its order; raise ArchiveError when damaged."""
    reader = _zip_entries if path.lower().endswith(".zip") else _tar_entries
    try:
        for count, entry in enumerate(reader(path), 1):
            if count > max_members:
                raise ArchiveError(f"more than {max_members:,} members: the rest not read")
            if _wanted(entry.name):
                yield entry
    except ARCHIVE_ERRORS as e:
        raise ArchiveError(f"cannot read the archive: {type(e).__name__}: {e}") from e


def load(entry: Entry, key: str) -> Member:
    """Read one entry into a Member under its build name (its bytes bounded by the size limit)."""
    if entry.problem:
        return Member(key, entry.size, entry.mtime_ns, refused=entry.problem)
    if entry.size > MAX_FILE_BYTES:  # the parse worker reports it as any file too large
        return Member(key, entry.size, entry.mtime_ns)
    try:
        return Member(key, entry.size, entry.mtime_ns, data=entry.load())
    except MEMBER_ERRORS as e:
        return Member(key, entry.size, entry.mtime_ns, refused=f"cannot read member: {e}")


def read_member(archive: str, name: str) -> bytes | None:
    """Return one member's bytes, None when it is not there or not readable within the limits.

    A compressed tar is read from its start up to the member (it has no index).
    """
    try:
        for entry in entries(archive):
            if entry.name == name:
                return load(entry, name).data
    except ArchiveError:
        return None
    return None


def read_source(path: str) -> bytes:
    """Return the bytes of a source the build named: a file, or an `archive!member`."""
    split = None if os.path.exists(path) else split_member(path)  # a file may hold a "!"
    if split is None:
        with open(path, "rb") as f:
            return f.read()
    data = read_member(*split)
    if data is None:
        raise FileNotFoundError(f"no readable member {split[1]!r} in {split[0]}")
    return data


def _wanted(name: str) -> bool:
    """Tell whether a member may hold a filing: as a file would, and no archive in an archive."""
    p = PurePosixPath(name)
    return is_candidate(p) and not is_archive(p.name)


def _tar_entries(path: str) -> Iterator[Entry]:
    """Yield a tar's file members, streamed (`r|*`: plain, gzip, bzip2 or xz, read in order)."""
    with tarfile.open(path, mode="r|*", encoding="utf-8", errors="replace") as tar:
        for info in tar:
            tar.members = []  # a stream has no random access: keep no list of 100,000 headers
            if info.isdir():
                continue
            yield Entry(
                info.name,
                info.size,
                int(info.mtime) * NS,
                None if info.isreg() else f"{_tar_kind(info)} member skipped (not extracted)",
                lambda info=info: _read_tar(tar, info),
            )


def _tar_kind(info: tarfile.TarInfo) -> str:
    """Name a tar member that is not a regular file."""
    if info.issym() or info.islnk():
        return "link"
    return "device" if info.isdev() else "special"


def _read_tar(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    """Read a regular tar member (its size already checked against the limit)."""
    f = tar.extractfile(info)
    return f.read(MAX_FILE_BYTES) if f else b""


def _zip_entries(path: str) -> Iterator[Entry]:
    """Yield a zip's file members in its central directory's order."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            yield Entry(
                info.filename,
                info.file_size,
                calendar.timegm((*info.date_time, 0, 0, 0)) * NS,
                _zip_problem(info),
                lambda info=info: _read_zip(zf, info),
            )


def _zip_problem(info: zipfile.ZipInfo) -> str | None:
    """Say why a zip member is refused unread: a link, or a declared size no deflate gives."""
    if (info.external_attr >> 16) & 0o170000 == 0o120000:  # S_IFLNK in the Unix mode bits
        return "link member skipped (nothing is extracted)"
    if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        return f"declared size {info.file_size:,} bytes from {info.compress_size:,} (a zip bomb)"
    return None


def _read_zip(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read a zip member: zipfile stops at its declared size and checks its CRC."""
    with zf.open(info) as f:
        return f.read(MAX_FILE_BYTES)
