"""Find filing files under the paths a user names, and what their location says about them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath

# An accession number with dashes, as in ".../0000320193-24-000005/full-submission.txt"
ACCESSION_DASHED = re.compile(r"(?<!\d)(\d{10})-(\d{2})-(\d{6})(?!\d)")
# An 18-digit accession folder of EDGAR's archive layout: ".../data/320193/000032019324000005/"
ACCESSION_FOLDER = re.compile(r"^(\d{10})(\d{2})(\d{6})$")

# The top folder of sec-edgar-downloader's layout: sec-edgar-filings/<TICKER|CIK>/<FORM>/<acc>/
DOWNLOADER_ROOT = "sec-edgar-filings"
# File endings that never hold a filing's text (images, archives, office files, XBRL schemas)
SKIPPED_SUFFIXES = frozenset(
    ".jpg .jpeg .gif .png .bmp .tif .tiff .ico .svg .pdf .zip .gz .tgz .bz2 .xz .7z .xls .xlsx "
    ".doc .docx .ppt .pptx .xsd .js .css .json .pickle .pkl .parquet .py .md .tsv .csv".split()
)
# An archive the build reads member by member: "20250108.nc.tar.gz", "filings.zip", "a.tgz"
ARCHIVE_NAME = re.compile(r"\.(?:tar|tar\.gz|tgz|zip)$", re.I)
# A member of an archive as the build names it: "/data/20250108.nc.tar.gz!0000320193-24-000005.nc"
MEMBER_PATH = re.compile(r"^(.+?\.(?:tar|tar\.gz|tgz|zip))!(.+)$", re.I | re.S)
MEMBER_SEP = "!"
# Names of the bookkeeping files that sit beside filings in the corpora we read
SKIPPED_NAMES = frozenset({"correct_data.json", "MANIFEST.tsv", "SOURCES.md", "README.md"})


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute
    size: int
    mtime_ns: int


def is_archive(path: str | PurePath) -> bool:
    """Tell whether a file is an archive the build reads member by member (by its name)."""
    return ARCHIVE_NAME.search(str(path)) is not None


def split_member(path: str) -> tuple[str, str] | None:
    """Return (archive, member name) of an `archive!member` source, else None."""
    m = MEMBER_PATH.match(path)
    return (m[1], m[2]) if m else None


def member_key(archive: str, name: str) -> str:
    """Return how the build names a member of an archive: `archive!member`."""
    return f"{archive}{MEMBER_SEP}{name}"


def location(path: str) -> PurePath:
    """Return where a source would sit extracted: a member's name under its archive's."""
    split = split_member(path)
    return PurePosixPath(split[0], split[1].lstrip("/")) if split else Path(path)


def accession_from_path(path: str) -> str | None:
    """Return the accession number that a file's path or name carries, if any."""
    parts = location(path).parts
    for part in reversed(parts[-3:]):
        m = ACCESSION_DASHED.search(part)
        if m:
            return "-".join(m.groups())
        m = ACCESSION_FOLDER.match(part)
        if m:
            return "-".join(m.groups())
    return None


def form_from_path(path: str) -> str | None:
    """Return the form type of sec-edgar-downloader's `<TICKER>/<FORM>/<accession>/` layout."""
    parts = location(path).parts
    if DOWNLOADER_ROOT in parts:
        i = parts.index(DOWNLOADER_ROOT)
        if len(parts) > i + 4:
            return parts[i + 2]
    return None


def is_candidate(path: PurePath) -> bool:
    """Tell whether a file may hold a filing, or is an archive of them (by its name alone)."""
    name = path.name
    if name.startswith(".") or name in SKIPPED_NAMES:
        return False
    return is_archive(name) or path.suffix.lower() not in SKIPPED_SUFFIXES


def walk(paths: Iterable[str | os.PathLike]) -> Iterator[SourceFile]:
    """Yield every candidate file under the given files and folders, sorted, once each."""
    seen: set[str] = set()
    for root in paths:
        for p in _walk_one(Path(root)):
            key = str(p)
            if key in seen:
                continue
            seen.add(key)
            st = p.stat()
            yield SourceFile(key, st.st_size, st.st_mtime_ns)


def _walk_one(root: Path) -> Iterator[Path]:
    """Yield the candidate files of one named path, in a stable order."""
    root = root.resolve()
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise FileNotFoundError(f"no such file or folder: {root}")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath, name)
            if is_candidate(p) and p.is_file():
                yield p
