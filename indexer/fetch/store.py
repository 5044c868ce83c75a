"""The download folder: sec-edgar-downloader's layout, atomic writes, and the fetch state file."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from indexer.store.generations import fsync_dir  # a rename survives a crash

# The top folder that `indexer build` (indexer.edgar.sources) and sec-edgar-downloader share
ROOT = "sec-edgar-filings"
FILE_NAME = "full-submission.txt"
# Hidden, so `indexer build` over the folder never reads the state or the cached indexes
STATE_DIR = ".edgar-fetch"
STATE_VERSION = 1


def safe_part(text: str) -> str:
    """Return a folder name for a form or ticker: no separators, no leading dot."""
    name = "".join("_" if c in '/\\:*?"<>|\0' else c for c in text.strip())
    return name.lstrip(".") or "_"


class Store:
    """Where filings land and what the previous fetches left: sizes, ETags, index dates."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.state_path = self.root / STATE_DIR / "state.json"
        self.cache_dir = self.root / STATE_DIR / "cache"
        self.state = self._load()

    def _load(self) -> dict:
        """Read the state file; a missing or unreadable one starts afresh."""
        try:
            state = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            state = {}
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            state = {}
        state.setdefault("version", STATE_VERSION)
        state.setdefault("files", {})
        state.setdefault("indexes", {})
        return state

    def save(self) -> None:
        """Write the state file atomically."""
        data = json.dumps(self.state, indent=1, sort_keys=True).encode()
        atomic_write(self.state_path, data)

    def filing_path(self, folder: str, form: str, accession: str) -> Path:
        """Return `DIR/sec-edgar-filings/<TICKER|CIK>/<FORM>/<accession>/full-submission.txt`."""
        return self.root / ROOT / safe_part(folder) / safe_part(form) / accession / FILE_NAME

    def is_complete(self, path: Path) -> bool:
        """Tell whether a filing is on disk whole: it exists and has the size it was fetched at.

        Only a verified download is renamed into place, so a file without a record (one
        sec-edgar-downloader wrote, or one renamed just before a kill) counts as complete.
        """
        try:
            size = path.stat().st_size
        except OSError:
            return False
        rec = self.state["files"].get(self.key(path))
        return rec is None or rec.get("size") == size

    def key(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def record(self, path: Path, size: int, etag: str | None) -> None:
        """Remember a completed file's size and ETag."""
        self.state["files"][self.key(path)] = {"size": size, "etag": etag}

    def cache_path(self, url_path: str) -> Path:
        """Return where an index file fetched from `url_path` is kept for conditional requests."""
        return self.cache_dir / safe_part(url_path.strip("/").replace("/", "__"))


def temp_path(path: Path) -> Path:
    """Return the hidden temporary name a download is written under before its rename."""
    return path.with_name(f".{path.name}.part")


def commit(tmp: Path, path: Path) -> None:
    """Make a fully written temp file durable and move it into place in one step."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def discard(tmp: Path) -> None:
    """Remove a temp file left by a failed download."""
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temp file and a rename: readers see old or new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
