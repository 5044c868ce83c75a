"""Measure what checkpoints cost a build, and the work a kill at 50 % loses with them.

    python -m bench.checkpoints --n 10000 [--minutes 1] [--backend tantivy] [--workdir DIR]

On the benchmark corpus of bench.run: a build without checkpoints, one with `--checkpoint
MINUTES` (their difference, and the seconds spent copying, checking and syncing checkpoints),
then one with checkpoints SIGKILLed at half the wall time of the uninterrupted one and resumed:
the files its last checkpoint held, the files the resumed build read again, and the seconds
lost (killed + resumed, less uninterrupted). Without checkpoints, such a kill loses everything.
No timing is asserted here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import Timer, machine, save
from bench.run import make_corpus

NO_CHECKPOINTS = 24 * 60.0  # minutes: more than any build here takes


def build(corpus: Path, index_dir: Path, minutes: float, jobs: int, backend: str) -> dict:
    """Run `indexer build` to its end; return its JSON report and wall time."""
    with Timer() as t:
        done = subprocess.run(
            command(corpus, index_dir, minutes, jobs, backend), capture_output=True
        )
    if done.returncode:
        raise RuntimeError(f"indexer build failed: {done.stderr.decode()[-2000:]}")
    return json.loads(done.stdout) | {"wall_s": round(t.seconds, 2)}


def command(corpus: Path, index_dir: Path, minutes: float, jobs: int, backend: str) -> list[str]:
    indexer = Path(sys.executable).with_name("indexer")
    args = ["--index-dir", str(index_dir), "--jobs", str(jobs), "--checkpoint", str(minutes)]
    args += ["--backend", backend]
    return [str(indexer), "build", str(corpus), *args, "--json"]


def killed(
    corpus: Path, index_dir: Path, minutes: float, jobs: int, backend: str, after_s: float
) -> float:
    """Start a build, SIGKILL it after `after_s` seconds; return how long it ran (the build
    ended first if that is less)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        command(corpus, index_dir, minutes, jobs, backend),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=after_s)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return time.monotonic() - started


def held_by_checkpoint(index_dir: Path) -> int:
    """Return how many files the killed build's last checkpoint holds (0: none was made)."""
    from indexer.store import generations as indexdir
    from indexer.store.sidestore import Store

    found = indexdir.checkpoint_generation(index_dir)
    if found is None:
        return 0
    store = Store(found[0], readonly=True)
    try:
        return len(store.files())
    finally:
        store.close()


def measure(corpus: Path, workdir: Path, minutes: float, jobs: int, backend: str) -> dict:
    index_dir = workdir / "index-checkpoints"
    shutil.rmtree(index_dir, ignore_errors=True)
    plain = build(corpus, index_dir, NO_CHECKPOINTS, jobs, backend)
    shutil.rmtree(index_dir)
    checked = build(corpus, index_dir, minutes, jobs, backend)
    store_mb = (index_dir / checked["generation"] / "store.sqlite").stat().st_size / 2**20
    shutil.rmtree(index_dir)
    ran_s = killed(corpus, index_dir, minutes, jobs, backend, checked["wall_s"] / 2)
    held = held_by_checkpoint(index_dir)
    resumed = build(corpus, index_dir, minutes, jobs, backend)
    shutil.rmtree(index_dir)
    return {
        "files": plain["files_seen"],
        "backend": backend,
        "minutes": minutes,
        "plain_s": plain["wall_s"],
        "plain_parse_write_s": [plain["parse_s"], plain["write_s"]],
        "checkpointed_s": checked["wall_s"],
        "checkpointed_parse_write_s": [checked["parse_s"], checked["write_s"]],
        "checkpoints": checked["checkpoints"],
        "checkpoint_s": checked["checkpoint_s"],
        "side_store_mb": round(store_mb, 1),
        "killed_after_s": round(ran_s, 2),
        "held_by_last_checkpoint": held,
        "resumed_read": resumed["files_parsed"],
        "resumed_s": resumed["wall_s"],
        "lost_s": round(ran_s + resumed["wall_s"] - checked["wall_s"], 2),
    }


def markdown(r: dict) -> str:
    return "\n".join(
        [
            f"### {r['files']} files, --checkpoint {r['minutes']}, backend {r['backend']}",
            "",
            "| figure | value |",
            "|---|---|",
            f"| build without checkpoints | {r['plain_s']} s (parse, index: "
            f"{' s, '.join(map(str, r['plain_parse_write_s']))} s) |",
            f"| build with checkpoints | {r['checkpointed_s']} s (parse, index: "
            f"{' s, '.join(map(str, r['checkpointed_parse_write_s']))} s), "
            f"{r['checkpoints']} checkpoints"
            f" ({r['checkpoint_s']} s copying, checking, syncing; side store "
            f"{r['side_store_mb']} MB at the end) |",
            f"| killed at 50 % ({r['killed_after_s']} s) | "
            f"last checkpoint held "
            f"{r['held_by_last_checkpoint']} of {r['files']} files |",
            f"| resumed | read {r['resumed_read']} files in {r['resumed_s']} s |",
            f"| work lost (killed + resumed - uninterrupted) | {r['lost_s']} s |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--minutes", type=float, default=1.0, help="--checkpoint of the builds")
    ap.add_argument("--workdir", type=Path, help="where corpus and index go [a temp dir]")
    ap.add_argument("--out", type=Path, help="JSON results [bench_out/checkpoints-N.json]")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--backend", default="whoosh", help="what `indexer build --backend` writes")
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "edgar-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = make_corpus(args.n, workdir)
    res = {"n": args.n, "machine": machine(), "date": time.strftime("%Y-%m-%d")}
    res |= measure(corpus, workdir, args.minutes, args.jobs, args.backend)
    save(res, args.out, f"checkpoints-{args.n}.json", markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
