"""`indexer build`: parse files in worker processes and write a new index generation.

Incremental by content: a file whose size and mtime are unchanged is not read; one whose bytes
hash the same is not parsed. Filings are keyed by accession; every file that contributes to an
accession is merged into one filing. Each build writes a new generation (sharing unchanged
segment files by hard links) and swaps it in atomically, so a failed or killed build leaves the
previous index serving. A long build commits checkpoint generations on the way (checkpoints), so
a killed one resumes where its last checkpoint ended.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import multiprocessing
import os
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from indexer.backend import BACKEND_FILE, DEFAULT_BACKEND, backend_name, writing
from indexer.edgar.archives import ArchiveRead, Member, read_source
from indexer.edgar.model import NotAFiling, ParseError, filing_id
from indexer.edgar.parse import MAX_FILE_BYTES, merge, parse_bytes
from indexer.edgar.sources import SourceFile, split_member, walk
from indexer.indexing.archives import (
    ARCHIVE_STATUS,
    IN_FLIGHT,
    ArchiveReader,
    changed,
    feed,
    split_tasks,
)
from indexer.indexing.checkpoints import DEFAULT_MINUTES, Schedule, resume_point, run_batch
from indexer.indexing.link import link_of, links
from indexer.indexing.staging import Staging, local, unlink
from indexer.indexing.verify import BUILD_CHECKS, verify_generation
from indexer.store import generations as indexdir
from indexer.store.entities import write_entities
from indexer.store.sidestore import FileEntry, Store, filing_from_record, pack, unpack

STAGING = "staging.sqlite"
ORPHAN_POLL_S = 0.1  # how often a worker checks that its build is still alive
TASKS_PER_WORKER = 500  # files a parse worker reads before a fresh process replaces it
GC_ALLOCATIONS = 50_000  # container objects allocated between garbage collections
MIN_IDS_PER_SEGMENT = 200  # fewer filings than this per worker are not worth a process


class BuildFailed(Exception):
    """A build that finished writing but must not be served."""


@dataclass
class FileResult:
    """What a worker made of one file."""

    path: str
    size: int
    mtime_ns: int
    sha1: str | None = None
    status: str = "indexed"  # indexed | skipped | failed | unchanged
    reason: str | None = None
    # (filing id, packed record, packed texts, link): the texts packed as the store keeps them,
    # link the part's role and key in linking documents to accessions (indexing.link), or None
    parts: list[tuple[str, bytes, bytes, tuple | None]] = field(default_factory=list)
    nbytes: int = 0
    ids: list[str] = field(default_factory=list)  # the parts' filing ids, once they are staged
    notes: list[str] = field(default_factory=list)  # text the file lost, and why

    def staged(self) -> None:
        """Let go of the parts once they are in the staging database, keeping their ids: held
        for every file of a build, they were its largest use of memory (50,000 files: 0.6 GB)."""
        self.ids = [fid for fid, *_ in self.parts]
        self.parts = []


@dataclass
class BuildReport:
    index_dir: str
    generation: str | None = None
    files_seen: int = 0
    files_unchanged: int = 0
    files_parsed: int = 0
    filings_added: int = 0
    filings_updated: int = 0
    filings_removed: int = 0
    filings_total: int = 0
    duplicates_merged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    text_lost: list[tuple[str, str]] = field(default_factory=list)  # indexed, but not all text
    bytes_read: int = 0
    elapsed_s: float = 0.0
    parse_s: float = 0.0  # reading and parsing files (worker processes)
    write_s: float = 0.0  # merging, indexing, committing (worker processes + main writer)
    checkpoints: int = 0  # checkpoint generations committed on the way
    checkpoint_s: float = 0.0  # copying, checking and syncing them (the final commit not counted)
    resumed_from: str | None = None  # the checkpoint of a killed build this one went on from

    @property
    def mb_per_s(self) -> float:
        return self.bytes_read / 2**20 / self.elapsed_s if self.elapsed_s else 0.0

    def to_json(self) -> dict:
        return {
            "index_dir": self.index_dir,
            "generation": self.generation,
            "files_seen": self.files_seen,
            "files_unchanged": self.files_unchanged,
            "files_parsed": self.files_parsed,
            "filings_added": self.filings_added,
            "filings_updated": self.filings_updated,
            "filings_removed": self.filings_removed,
            "filings": self.filings_total,
            "duplicates_merged": self.duplicates_merged,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "text_lost": [{"path": p, "reason": r} for p, r in self.text_lost],
            "bytes_read": self.bytes_read,
            "elapsed_s": round(self.elapsed_s, 3),
            "parse_s": round(self.parse_s, 3),
            "write_s": round(self.write_s, 3),
            "checkpoints": self.checkpoints,
            "checkpoint_s": round(self.checkpoint_s, 3),
            "resumed_from": self.resumed_from,
            "mb_per_s": round(self.mb_per_s, 2),
        }


# ---------------------------------------------------------------- workers


def parse_task(task: tuple[SourceFile | Member | ArchiveRead, str | None]) -> FileResult:
    """Read, hash and parse one file or archive member (runs in a worker process); never
    raises. The end of an archive's members gives the archive's own entry."""
    src, old_sha1 = task
    res = FileResult(src.path, src.size, src.mtime_ns)
    if isinstance(src, ArchiveRead):
        res.status, res.reason, res.notes = ARCHIVE_STATUS, src.problem, list(src.notes)
        return res
    try:
        if src.size > MAX_FILE_BYTES:
            raise NotAFiling(f"file too large ({src.size >> 20} MB > {MAX_FILE_BYTES >> 20} MB)")
        data = src.read() if isinstance(src, Member) else read_source(src.path)
        res.nbytes = len(data)
        res.sha1 = hashlib.sha1(data).hexdigest()
        if res.sha1 == old_sha1:
            res.status = "unchanged"
            return res
        filings = parse_bytes(data, src.path)
        res.notes = [note for f in filings for note in f.notes]
        by_id: dict[str, list] = {}
        for f in filings:
            by_id.setdefault(filing_id(f), []).append(f)
        for fid, group in by_id.items():
            f = merge(group)
            rec = f.to_record()
            res.parts.append((fid, pack(rec), pack([d.text for d in f.documents]), link_of(rec)))
    except NotAFiling as e:
        res.status, res.reason = "skipped", str(e)
    except ParseError as e:
        res.status, res.reason = "failed", f"parse error: {e}"
    except OSError as e:
        res.status, res.reason = "failed", f"cannot read: {e.strerror or e}"
    except (RecursionError, MemoryError) as e:
        res.status, res.reason = "failed", f"too complex to parse ({type(e).__name__})"
    except Exception as e:  # a bug of ours must not stop the build: report it per file
        res.status, res.reason = "failed", f"internal error: {type(e).__name__}: {e}"
    return res


def worker_init(lock_fd: int | None) -> None:
    """Prepare a forked worker: drop its copy of the build lock, and die with the build.

    A forked child shares the lock's open file description, so a SIGKILLed build would stay
    locked until its workers finished; and orphaned workers would go on burning CPU.
    """
    if lock_fd is not None:
        os.close(lock_fd)
    quiet_gc()
    watch = threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True)
    watch.start()


def quiet_gc() -> None:
    """Make the cyclic garbage collector cheap for the rest of this process's work.

    What a forked worker inherits is frozen (never scanned: scanning would also copy the
    parent's pages), and collections run after GC_ALLOCATIONS new container objects rather
    than 700: indexing allocates millions of tuples that are no garbage cycles, and every
    collection of the oldest generation walks every live container.
    """
    gc.freeze()
    gc.set_threshold(GC_ALLOCATIONS, 10, 10)


def _exit_with(parent: int) -> None:
    """Exit as soon as the process that forked this worker is gone.

    Not prctl(PR_SET_PDEATHSIG): that ties a worker to the *thread* that forked it, and a pool
    forks replacement workers from a helper thread that ends when the pool does; a replacement
    killed then could die holding the pool's queue lock, and the build hung at its last file.
    """
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_S)
    os._exit(1)


def _pool(jobs: int, lock_fd: int | None, **kwargs):
    """Return a pool of forked workers that hold no copy of the build lock."""
    ctx = multiprocessing.get_context("fork")
    return ctx.Pool(jobs, initializer=worker_init, initargs=(lock_fd,), **kwargs)


def run_tasks(
    tasks: Iterable,
    jobs: int,
    on_result: Callable[[FileResult], None],
    lock_fd: int | None = None,
    until: float = float("inf"),
    most: int | None = None,
) -> int:
    """Run parse tasks on `jobs` processes (in this process when jobs is 1) and return how many
    ran: a list in order, taking no more once `until` (time.monotonic()) passes or `most` were
    taken; a lazy iterable (archive members, carrying their bytes) whole, as the workers answer."""
    if not isinstance(tasks, list):
        return _run_lazy(tasks, jobs, on_result, lock_fd)
    if jobs <= 1 or len(tasks) <= 1:
        return run_batch(tasks, parse_task, on_result, None, 1, until, most)
    with _pool(jobs, lock_fd, maxtasksperchild=TASKS_PER_WORKER) as pool:
        ran = run_batch(tasks, parse_task, on_result, pool, jobs, until, most)
        pool.close()  # done: let the workers exit, rather than terminate them mid-read
        pool.join()
    return ran


def _run_lazy(tasks: Iterable, jobs: int, on_result: Callable, lock_fd: int | None) -> int:
    """Run an archive's member tasks as they are read, a bounded number in flight."""
    ran = 0

    def counted(res: FileResult) -> None:
        nonlocal ran
        ran += 1
        on_result(res)

    if jobs <= 1:
        for t in tasks:
            counted(parse_task(t))
        return ran
    with _pool(jobs, lock_fd, maxtasksperchild=TASKS_PER_WORKER) as pool:
        feed(pool, parse_task, tasks, counted, IN_FLIGHT * jobs)
        pool.close()  # done: let the workers exit, rather than terminate them mid-read
        pool.join()
    return ran


# ---------------------------------------------------------------- the build


def _partners(prev_files: dict, read: set[str], ids: set[str]) -> list[str]:
    """Return the files not read by this build that gave parts to these filings."""
    return [p for p, e in prev_files.items() if p not in read and ids.intersection(e.ids)]


class Build:
    """One run of `indexer build` over a set of paths."""

    def __init__(
        self,
        root: Path,
        jobs: int,
        prune: bool,
        rebuild: bool,
        progress: bool,
        backend: str,
        checkpoint: float | None = DEFAULT_MINUTES,
        serve_checkpoints: bool = False,
    ):
        self.root, self.jobs, self.prune, self.rebuild = root, jobs, prune, rebuild
        self.progress = progress
        self.schedule = Schedule(checkpoint)
        self.serve_checkpoints = serve_checkpoints
        self.origin: Path | None = None  # the complete generation this build extends
        self.batches = 0
        self.backend = writing(backend)
        self.report = BuildReport(index_dir=str(root))
        self.results: dict[str, FileResult] = {}
        self.lock_fd: int | None = None
        self.prev: Path | None = None  # the generation this build starts from
        self.relinked: dict[str, list[str]] = {}  # the new filing ids of files linking moved
        self.gone: list[str] = []  # sources to drop (--prune); _parse adds archives' lost members

    def _extends(self, prev: Path) -> bool:
        """Tell whether this build can extend the previous generation: the same backend wrote
        it, with today's fields (else the build starts anew)."""
        if backend_name(prev) != self.backend.NAME or not self.backend.compatible(prev):
            return False
        store = Store(prev, readonly=True)
        try:
            return store.keeps_link_keys()  # else its documents' links cannot be found
        finally:
            store.close()

    def run(self, paths: list[str]) -> BuildReport:
        start = time.monotonic()
        found = list(walk(paths))
        self.report.files_seen = len(found)
        with indexdir.BuildLock(self.root) as lock:
            self.lock_fd = lock.fd
            self.prev = self._starting_point()
            while self._batch(found):
                pass  # each batch but the last commits a checkpoint
        self.report.elapsed_s = time.monotonic() - start
        return self.report

    def _starting_point(self) -> Path | None:
        """Return the generation this build extends (None: it builds anew): the serving one, or
        the checkpoint a killed build that extended it left."""
        current = None if self.rebuild else indexdir.current_generation(self.root)
        if current and not self._extends(current):
            current = None  # written by an older version: its fields differ, so build anew
        self.origin = current
        resumed = resume_point(self.root, current)
        if resumed and self._extends(resumed):
            self.report.resumed_from = resumed.name
            return resumed
        return current

    def _batch(self, found: list[SourceFile]) -> bool:
        """Build the files that `self.prev` lacks, or as many as the schedule allows, into a new
        generation and commit it; return whether files are left for another batch."""
        started = time.monotonic()
        prev_files = {}
        if self.prev:
            prev_store = Store(self.prev, readonly=True)
            prev_files = prev_store.files()
            prev_store.close()
        tasks = [(f, _sha1_of(prev_files, f.path)) for f in found if self._changed(f, prev_files)]
        if not self.batches:  # what this build found done already
            self.report.files_unchanged = len(found) - len(tasks)
        self.batches += 1
        gen = indexdir.clone_generation(self.prev, self.root) if self.prev else None
        gen = gen or indexdir.new_generation(self.root)
        cloned_s = time.monotonic() - started
        if self.report.checkpoints:  # a copy the checkpoint before this batch cost
            self.report.checkpoint_s += cloned_s
        try:
            return self._build_into(gen, tasks, prev_files, self.prev is None, cloned_s)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise

    def _build_into(
        self, gen: Path, tasks: list, prev_files: dict, fresh: bool, cloned_s: float
    ) -> bool:
        rep = self.report
        self.results, self.relinked, self.gone = {}, {}, []
        staging = Staging(gen / STAGING)
        try:
            started = time.monotonic()
            last = self._parse(tasks, staging, prev_files) == len(tasks)
            parse_s = time.monotonic() - started
            # a file not reached yet is not gone: a checkpoint prunes only the members gone
            # from the archives it read whole (a later batch skips those archives unread)
            gone = self._gone(prev_files) if last else self.gone if self.prune else []
            affected = self._affected(prev_files, gone)
            # a file touched but unchanged staged no parts: it is a partner like any other
            read = {p for p, res in self.results.items() if res.status != "unchanged"}
            partners = _partners(prev_files, read | set(gone), affected)
            self._stage_partners(partners, prev_files, affected, staging)
            self.relinked = self._link(staging, prev_files, affected, read | set(gone))
            if not (self.results or gone or fresh):  # nothing on disk changed: keep serving
                shutil.rmtree(gen, ignore_errors=True)
                self._keep_serving()
                return False
            self._write(gen, staging, affected, gone, fresh, last or self.serve_checkpoints)
            write_s = time.monotonic() - started - parse_s
        finally:
            staging.close()
            (gen / STAGING).unlink(missing_ok=True)
        rep.parse_s += parse_s
        rep.write_s += write_s
        started = time.monotonic()
        self._commit(gen, last)
        self.schedule.measured(parse_s, write_s, cloned_s + time.monotonic() - started)
        return not last

    def _commit(self, gen: Path, last: bool) -> None:
        """Check a written generation, then serve it (the last batch) or record it as the build's
        checkpoint (and serve it too with --serve-checkpoints)."""
        started = time.monotonic()
        try:
            self._check(gen)
        except BuildFailed as e:  # what led here is suspect: drop the checkpoints too
            indexdir.clear_checkpoint(self.root)
            raise BuildFailed(f"{e}, and the next build starts from it") from None
        if last:
            indexdir.swap_in(self.root, gen)
            indexdir.clear_checkpoint(self.root)
            self.report.generation = gen.name
        else:
            if self.serve_checkpoints:  # first: the next build extends what serves
                indexdir.swap_in(self.root, gen)
            indexdir.record_checkpoint(self.root, gen, self.origin)
            self.report.checkpoints += 1
        indexdir.remove_old_generations(self.root)
        self.prev = gen
        if not last:
            self.report.checkpoint_s += time.monotonic() - started

    def _keep_serving(self) -> None:
        """End a build that changed nothing: serve the checkpoint it resumed from, if any (it
        was checked when it was written), else keep the serving generation."""
        if self.report.resumed_from and self.prev:  # the checkpoint holds all this build asked
            if self.prev != indexdir.current_generation(self.root):
                store = Store(self.prev)  # not served yet: its companies were left to the end
                write_entities(store.db)
                store.commit()
                store.close()
                indexdir.swap_in(self.root, self.prev)
            indexdir.clear_checkpoint(self.root)
            indexdir.remove_old_generations(self.root)
            self.report.generation = self.prev.name
        self.report.filings_total = self._count_current()

    def _check(self, gen: Path) -> None:
        """Refuse to serve a generation whose index and store disagree (its hits would 404)."""
        report = verify_generation(self.root, gen, BUILD_CHECKS)
        if not report.ok:
            failed = "; ".join(f"{c.name}: {c.detail}" for c in report.checks if not c.ok)
            raise BuildFailed(
                f"the new generation failed verification and was not swapped in ({failed}); "
                "the previous generation keeps serving"
            )

    @staticmethod
    def _changed(f: SourceFile, prev_files: dict) -> bool:
        return changed(f, prev_files.get(f.path))

    def _gone(self, prev_files: dict) -> list[str]:
        """Return the sources to drop with --prune: files gone, and members of archives gone
        (the members gone from an archive still there are known once it is read: _parse)."""
        if not self.prune:
            return []
        return [p for p in prev_files if not _exists(p)] + self.gone

    def _parse(self, tasks: list, staging: Staging, prev_files: dict) -> int:
        """Parse and stage the files of this batch (then archives, each one whole, while the
        schedule allows); return how many tasks the schedule let it take."""
        until, most = self.schedule.batch()
        files, archives = split_tasks(tasks)
        total = None if archives else len(files)  # an archive's members are counted as read
        bar = tqdm(
            total=total, unit="file", file=sys.stderr, disable=not self.progress, leave=False
        )

        def on_result(res: FileResult) -> None:
            self.results[res.path] = res
            self.report.bytes_read += res.nbytes
            staging.add(res.path, res.parts)
            res.staged()
            if res.status not in ("unchanged", ARCHIVE_STATUS):
                self.report.files_parsed += 1
            if res.status == "skipped":
                self.report.skipped.append((res.path, res.reason))
            elif res.status == "failed" or (res.status == ARCHIVE_STATUS and res.reason):
                self.report.failed.append((res.path, res.reason))
            self.report.text_lost += [(res.path, note) for note in res.notes]
            bar.update(1)
            indexdir.checkpoint("parsing")

        try:
            taken = run_tasks(files, self.jobs, on_result, self.lock_fd, until, most)
            for archive in archives if taken == len(files) else ():
                if taken and (time.monotonic() >= until or (most is not None and taken >= most)):
                    break  # the next archive starts the next batch
                self._read_archives([archive], prev_files, on_result)
                taken += 1
        finally:
            bar.close()
        self.report.skipped.sort()
        self.report.failed.sort()
        self.report.text_lost.sort()
        return taken

    def _read_archives(self, archives: list, prev_files: dict, on_result: Callable) -> None:
        """Parse the changed members of changed archives, and count what they held."""
        reader = ArchiveReader(prev_files)
        run_tasks(reader.tasks(archives), self.jobs, on_result, self.lock_fd)
        self.report.files_seen += reader.seen
        self.report.files_unchanged += reader.unchanged
        if self.prune:
            self.gone += reader.vanished  # pruned with the files gone (_gone)

    def _affected(self, prev_files: dict, gone: list[str]) -> set[str]:
        """Return ids whose filing must be rewritten: new, changed or vanished contributions."""
        ids: set[str] = set()
        for res in self.results.values():
            if res.status == "unchanged":
                continue
            ids.update(res.ids)
            if res.path in prev_files:
                ids.update(prev_files[res.path].ids)
        for p in gone:
            ids.update(prev_files[p].ids)
        return ids

    def _stage_partners(
        self, partners: list[str], prev_files: dict, affected: set[str], staging: Staging
    ) -> None:
        """Stage the parts that unchanged or vanished (unpruned) files gave the filings to
        re-merge: as the store kept them, else re-read (a store written before it kept parts)."""
        if not partners or self.prev is None:
            return
        prev = Store(self.prev, readonly=True)
        try:
            for path in sorted(partners):
                e = prev_files[path]
                kept = [(fid, prev.part(path, fid)) for fid in e.ids if fid in affected]
                if all(part for _fid, part in kept):
                    parts = [(fid, *part, link_of(unpack(part[0]))) for fid, part in kept]
                    staging.add(path, parts)
                else:
                    res = parse_task((SourceFile(path, e.size, e.mtime_ns), None))
                    staging.add(path, [part for part in res.parts if part[0] in affected])
        finally:
            prev.close()

    def _link(
        self, staging: Staging, prev_files: dict, affected: set[str], read: set[str]
    ) -> dict[str, list[str]]:
        """Re-key each header-less periodic document to the one accession filing of its (CIK,
        form, period) (indexing.link); return the new filing ids of the files whose parts moved.

        First every filing of a key this build touches is staged, those of the previous
        generation from their files' kept parts, and documents a previous build linked are
        given back their own ids: the key's filings are linked anew, as a clean build would.
        """
        staging.index_ids()
        prev = Store(self.prev, readonly=True) if self.prev else None
        moved: set[str] = set()
        try:
            keys: set[tuple] = set()
            staged: list[tuple[str, str, tuple]] = []  # (id, role, key) of the filings to write
            new = set(affected)
            while new:
                moved |= unlink(staging, new, affected)
                staged += staging.links_of(sorted(new))
                found = {key for fid, _role, key in staged if fid in new}
                found = (found | (prev.link_keys_of(new) if prev else set())) - keys
                keys |= found
                more = {fid for k in found for fid in prev.ids_with_link_key(k)} if prev else set()
                new = more - affected
                affected |= new
                self._stage_partners(_partners(prev_files, read, new), prev_files, new, staging)
            for doc, acc in links(staged).items():
                moved |= staging.rekey(doc, acc)
        finally:
            if prev:
                prev.close()
        return {
            path: self._manifest_ids(path, staging, prev_files, affected, read) for path in moved
        }

    @staticmethod
    def _manifest_ids(
        path: str, staging: Staging, prev_files: dict, affected: set[str], read: set[str]
    ) -> list[str]:
        """Return a file's filing ids after linking: its staged ones, and the kept ones of a file
        this build did not read."""
        kept = [] if path in read else [i for i in prev_files[path].ids if i not in affected]
        return list(dict.fromkeys(kept + staging.ids_of(path)))

    def _write(
        self, gen: Path, staging: Staging, affected: set, gone: list, fresh: bool, served: bool
    ):
        """Write the affected filings: new segments in parallel, deletions by the main writer;
        then the companies, if the generation is to be served."""
        rep = self.report
        marker = gen / BACKEND_FILE
        marker.unlink(
            missing_ok=True
        )  # a hard link to the previous generation's: never write through
        marker.write_text(self.backend.NAME + "\n")
        writer = self.backend.MainWriter(gen, fresh)
        store = Store(gen)
        try:
            existed = set() if fresh else store.existing(affected)
            if not fresh:
                writer.delete(existed)
                store.delete_filings(existed)
            staging.index_ids()
            chunks = split_ids(sorted(affected), self.jobs)
            tasks = [
                (self.backend.NAME, str(gen), str(staging.path), chunk, k)
                for k, chunk in enumerate(chunks)
            ]
            results = list(map_tasks(write_segment, tasks, self.jobs, self.lock_fd))
            for _segment, written, merged, shard in results:
                store.absorb(shard)
                rep.duplicates_merged += merged
                rep.filings_added += len(written - existed)
                rep.filings_updated += len(written & existed)
            rep.filings_removed += len(existed - set().union(*(r[1] for r in results)))
            self._write_manifest(store, gone)
            indexdir.checkpoint("writing")
            writer.commit([r[0] for r in results])
            indexdir.checkpoint("committed")
        except BaseException:
            writer.cancel()
            store.close()
            raise
        if served:  # else the last batch does it: it reads every filing, a checkpoint's cost
            write_entities(store.db)  # companies by CIK, from every filing now in the store
        store.set_meta("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        store.commit()
        rep.filings_total = store.count_filings()
        store.close()

    def _write_manifest(self, store: Store, gone: list[str]) -> None:
        old_files = store.files()
        for res in self.results.values():
            ids = self.relinked.get(res.path, res.ids)
            if res.status == "unchanged":
                old = old_files.get(res.path)
                ids, status, reason = (old.ids, old.status, old.reason) if old else ([], "", None)
                ids = self.relinked.get(res.path, ids)
                store.put_file(
                    FileEntry(res.path, res.size, res.mtime_ns, res.sha1, status, reason, ids)
                )
                continue
            store.put_file(
                FileEntry(res.path, res.size, res.mtime_ns, res.sha1, res.status, res.reason, ids)
            )
        for path, ids in self.relinked.items():  # files this build did not read
            if path not in self.results:
                store.put_file(dataclasses.replace(old_files[path], ids=ids))
        for p in gone:
            store.delete_file(p)

    def _count_current(self) -> int:
        gen = indexdir.current_generation(self.root)
        if gen is None:
            return 0
        store = Store(gen, readonly=True)
        try:
            return store.count_filings()
        finally:
            store.close()


# ---------------------------------------------------------------- parallel segments


def split_ids(ids: list[str], parts: int) -> list[list[str]]:
    """Split ids into at most `parts` contiguous chunks, none of them tiny."""
    parts = max(1, min(parts, len(ids) // MIN_IDS_PER_SEGMENT))
    size = -(-len(ids) // parts) if ids else 1
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def map_tasks(fn: Callable, tasks: list, jobs: int, lock_fd: int | None = None) -> Iterator:
    """Run tasks on `jobs` processes, in order (in this process when there is one task)."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(fn, tasks)
        return
    with _pool(min(jobs, len(tasks)), lock_fd) as pool:
        yield from pool.imap(fn, tasks)
        pool.close()
        pool.join()


def write_segment(task: tuple[str, str, str, list[str], int]):
    """Merge and index one chunk of filings into a new segment (runs in a worker process).

    Returns (segment or None, ids written, duplicates merged, path of the store shard).
    """
    name, gen, staging_path, ids, k = task
    sink = writing(name).SegmentSink(gen)
    staging = sqlite3.connect(f"file:{staging_path}?mode=ro", uri=True)
    shard_path = Path(gen) / f"shard-{k}.sqlite"
    shard = Store(shard_path.parent, name=shard_path.name)
    written, merged = set(), 0
    try:
        for fid in ids:
            sql = "SELECT path, record, texts FROM parts WHERE id = ? ORDER BY path"
            rows = staging.execute(sql, (fid,)).fetchall()
            if not rows:
                continue
            filing = merge([filing_from_record(unpack(r), unpack(t)) for _p, r, t in rows])
            filing.accession = filing.accession or (None if local(fid) else fid)
            link = link_of(vars(filing))
            if link:  # found by (CIK, form, period) when a later build links a document
                shard.put_link_key(fid, *link)
            if len(rows) == 1:  # stored as parsed: no need to compress it again
                shard.put_packed(fid, *rows[0][1:])
            else:
                shard.put_filing(fid, filing)
                for row in rows:  # kept to re-merge it when one of its files changes
                    shard.put_part(fid=fid, path=row[0], record=row[1], texts=row[2])
            sink.add(fid, filing)
            written.add(fid)
            merged += len(rows) - 1
        shard.commit()
        segment = sink.finish()
    except BaseException:
        sink.cancel()
        raise
    finally:
        staging.close()
        shard.close()
    return segment, written, merged, str(shard_path)


def build(
    paths: list[str],
    index_dir: str | Path,
    jobs: int | None = None,
    prune: bool = False,
    rebuild: bool = False,
    progress: bool = False,
    backend: str = DEFAULT_BACKEND,
    checkpoint: float | None = DEFAULT_MINUTES,
    serve_checkpoints: bool = False,
) -> BuildReport:
    """Build or update the index in `index_dir` from the files under `paths`, committing a
    checkpoint at least every `checkpoint` minutes (None: only at the end; 0: every
    checkpoints.TEST_BATCH_FILES files)."""
    jobs = jobs or os.cpu_count() or 1
    root = Path(index_dir)
    return Build(root, jobs, prune, rebuild, progress, backend, checkpoint, serve_checkpoints).run(
        paths
    )


def _exists(path: str) -> bool:
    """Tell whether a source may still be there: its file, or the archive of a member."""
    if os.path.exists(path):
        return True
    split = split_member(path)
    return split is not None and os.path.exists(split[0])


def _sha1_of(prev_files: dict, path: str) -> str | None:
    """Return the content hash a file had in the previous generation, if it was there."""
    old = prev_files.get(path)
    return old.sha1 if old else None
