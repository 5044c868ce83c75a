"""Checkpoints of a long build: when to stop parsing and commit, and where a build resumes.

A build with `--checkpoint MINUTES` parses its files in batches; each batch but the last is
written as an incremental build over the files parsed so far and recorded as the CHECKPOINT
generation (store.generations), the last one is swapped in as CURRENT. A batch parses until its
share of the interval is spent, the rest being what committing it is expected to cost, judged
by the batch before it: indexing grows with what was parsed, copying and checking the side
store with the whole collection.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from pathlib import Path

from indexer.store import generations as indexdir

DEFAULT_MINUTES = 10.0
TEST_BATCH_FILES = 25  # files per checkpoint with --checkpoint 0 (tests)
FIRST_WRITE_RATIO = 4.0  # indexing seconds per parsing second before one is measured (bench:
# 2.4 on a quiet machine, 4.7 on a loaded one; the first checkpoint had better come early)
MIN_SHARE = 0.1  # a batch parses for at least this part of the interval, and as long as the
# last commit's fixed costs took: checkpoints never cost more time than parsing
IN_FLIGHT_PER_JOB = 4  # files handed to each worker ahead, so none waits for work


class Schedule:
    """When each batch of a checkpointed build stops taking files to parse."""

    def __init__(self, minutes: float | None):
        self.interval = None if minutes is None else minutes * 60.0
        self.write_ratio = FIRST_WRITE_RATIO
        self.fixed_s = 0.0  # the last commit's costs that grow with the collection

    def batch(self) -> tuple[float, int | None]:
        """Return (deadline, most files) for the batch starting now."""
        if self.interval is None:
            return float("inf"), None
        if self.interval == 0:
            return float("inf"), TEST_BATCH_FILES
        budget = (self.interval - self.fixed_s) / (1 + self.write_ratio)
        return time.monotonic() + max(budget, MIN_SHARE * self.interval, self.fixed_s), None

    def measured(self, parse_s: float, write_s: float, fixed_s: float) -> None:
        """Learn from a committed batch: seconds parsing, indexing, and the rest."""
        if parse_s > 0:
            self.write_ratio = write_s / parse_s
        self.fixed_s = fixed_s


def run_batch(
    tasks: list,
    fn: Callable,
    on_result: Callable,
    pool,
    jobs: int,
    deadline: float,
    most: int | None,
) -> int:
    """Run `fn` over tasks in order, on a pool of `jobs` processes (None: in this process),
    until the deadline passes or `most` ran; return how many ran (at least one, if any).

    Files are handed out a few at a time, so a batch that ends leaves the rest untouched.
    """
    limit = len(tasks) if most is None else min(most, len(tasks))
    if pool is None:
        n = 0
        while n < limit and (n == 0 or time.monotonic() < deadline):
            on_result(fn(tasks[n]))
            n += 1
        return n
    done: queue.SimpleQueue = queue.SimpleQueue()
    ahead = jobs * IN_FLIGHT_PER_JOB
    n = running = 0
    while True:
        while running < ahead and n < limit and (n == 0 or time.monotonic() < deadline):
            pool.apply_async(fn, (tasks[n],), callback=done.put, error_callback=done.put)
            n, running = n + 1, running + 1
        if not running:
            return n
        res = done.get()
        running -= 1
        if isinstance(res, BaseException):
            raise res
        on_result(res)


def resume_point(root: Path, origin: Path | None) -> Path | None:
    """Return the checkpoint a build starting from `origin` (None: from nothing) resumes
    from: one left by a build that started from the same generation."""
    found = indexdir.checkpoint_generation(root)
    if found is None:
        return None
    gen, started_from = found
    return gen if started_from == (origin.name if origin else "") else None
