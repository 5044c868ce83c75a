"""The index directory: generations of (engine index + side store), a pointer, and a lock.

index_data/
  CURRENT          names the generation that serves; replaced atomically (os.replace)
  CHECKPOINT       names a long build's newest committed part, and the generation that build
                   started from (empty: none); the next build resumes from it
  gen-<stamp>/     one complete index: the engine's files (BACKEND names it) and store.sqlite
  build.lock       flock'd by the one running build; the kernel drops it if the build dies
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from indexer.store.sidestore import STORE_NAME

POINTER = "CURRENT"
CHECKPOINT = "CHECKPOINT"
LOCK = "build.lock"
GEN_PREFIX = "gen-"
DEFAULT_DIR = "index_data"
ENV_VAR = "EDGAR_INDEX_DIR"
STOP_AT_ENV = "EDGAR_BUILD_STOP_AT"  # crash tests only: see checkpoint()
_passed: dict[str, int] = {}  # crash hook name → times this process passed it


class IndexBusy(Exception):
    """Another build holds the index directory's lock."""


class NoIndex(Exception):
    """The index directory holds no built index yet."""


def default_index_dir() -> str:
    """Return the index directory from EDGAR_INDEX_DIR, else `index_data/`."""
    return os.environ.get(ENV_VAR) or DEFAULT_DIR


def current_generation(root: str | Path) -> Path | None:
    """Return the generation directory that currently serves, if any."""
    try:
        name = (Path(root) / POINTER).read_text().strip()
    except FileNotFoundError:
        return None
    gen = Path(root) / name
    return gen if name.startswith(GEN_PREFIX) and gen.is_dir() else None


def require_generation(root: str | Path) -> Path:
    """Return the serving generation or raise NoIndex with what to do."""
    gen = current_generation(root)
    if gen is None:
        raise NoIndex(f"no index in {root}: run `indexer build PATH --index-dir {root}` first")
    return gen


def new_generation(root: Path) -> Path:
    """Create a fresh, empty generation directory."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = root / f"{GEN_PREFIX}{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    gen.mkdir(parents=True)
    return gen


def clone_generation(src: Path, root: Path) -> Path:
    """Make a new generation sharing src's immutable segment files by hard links."""
    gen = new_generation(root)
    for f in src.iterdir():
        if f.name == STORE_NAME:
            shutil.copyfile(f, gen / f.name)
        elif f.is_file() and not f.name.endswith("LOCK"):
            os.link(f, gen / f.name)
    return gen


def fsync_tree(path: Path) -> None:
    """Flush every file of a directory, then the directory itself, to stable storage."""
    for f in path.iterdir():
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_in(root: Path, gen: Path) -> None:
    """Make `gen` the serving generation atomically and durably."""
    fsync_tree(gen)
    checkpoint("fsynced")
    _write_pointer(root, POINTER, gen.name + "\n", "swap")
    checkpoint("swapped")


def _write_pointer(root: Path, name: str, text: str, hook: str = "") -> None:
    """Replace the pointer file `name` by `text` atomically and durably."""
    tmp = root / (name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    checkpoint(hook)
    os.replace(tmp, root / name)
    fsync_dir(root)


def record_checkpoint(root: Path, gen: Path, origin: Path | None) -> None:
    """Record `gen` as the newest checkpoint of a build that started from `origin` (None:
    from nothing), durably: a build killed later resumes from it."""
    fsync_tree(gen)
    _write_pointer(root, CHECKPOINT, f"{gen.name}\n{origin.name if origin else ''}\n")
    checkpoint("checkpointed")


def checkpoint_generation(root: Path) -> tuple[Path, str] | None:
    """Return the recorded checkpoint and the name of the generation its build started from
    ("" for none), if it is still on disk."""
    try:
        name, origin = ((root / CHECKPOINT).read_text() + "\n").split("\n")[:2]
    except FileNotFoundError:
        return None
    gen = root / name
    return (gen, origin) if name.startswith(GEN_PREFIX) and gen.is_dir() else None


def clear_checkpoint(root: Path) -> None:
    """Forget the recorded checkpoint (its build has ended), durably."""
    try:
        (root / CHECKPOINT).unlink()
    except FileNotFoundError:
        return
    fsync_dir(root)


def checkpoint(name: str) -> None:
    """Stop here for good if a crash test asked to, saying so first: EDGAR_BUILD_STOP_AT=name
    stops the first time the build passes `name`, name:N the N-th time.

    The test then kills the build at exactly this point; nothing happens otherwise.
    """
    stop_at = os.environ.get(STOP_AT_ENV)
    if not stop_at or not name:
        return
    _passed[name] = times = _passed.get(name, 0) + 1
    if stop_at not in (f"{name}:{times}", name if times == 1 else ""):
        return
    sys.stderr.write(f"stopped at {name}\n")
    sys.stderr.flush()
    while True:
        signal.pause()


def remove_old_generations(root: Path, keep: int = 2) -> None:
    """Delete generations but the serving one, the recorded checkpoint and the newest others
    (readers may hold them)."""
    spared = {current_generation(root), (checkpoint_generation(root) or (None,))[0]}
    gens = sorted((g for g in root.glob(GEN_PREFIX + "*") if g not in spared), reverse=True)
    for g in gens[keep - 1 :]:
        shutil.rmtree(g, ignore_errors=True)


class BuildLock:
    """An exclusive, non-blocking lock on an index directory, held for one build."""

    def __init__(self, root: Path):
        self.path = root / LOCK
        self.fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise IndexBusy(
                f"another build is running on {self.path.parent} (pid {holder}); "
                "wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
