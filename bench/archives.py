"""Build the same N filings from a folder and from one .tar.gz of it: MB/s and peak RSS of each.

    python -m bench.archives --n 100000 [--backend tantivy] [--workdir DIR] [--out FILE.json]

The corpus is ../shared/bench/make_corpus.py's (as `make bench` makes it); the archive holds
its files under their paths relative to the corpus folder. No timing is asserted here.
"""

from __future__ import annotations

import argparse
import os
import tarfile
import tempfile
from pathlib import Path

from bench.measure import Timer, machine, save
from bench.run import make_corpus, time_build
from indexer.edgar.sources import walk


def make_archive(corpus: Path, workdir: Path) -> tuple[Path, float]:
    """Write (or reuse) one .tar.gz of the corpus's files; return it and the seconds taken."""
    out = workdir / f"{corpus.name}.tar.gz"
    if out.exists():
        return out, 0.0
    partial = out.with_suffix(".partial")
    with Timer() as t, tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        for src in walk([corpus]):
            tar.add(src.path, arcname=str(Path(src.path).relative_to(corpus)))
    partial.rename(out)
    return out, t.seconds


def run(n: int, workdir: Path, jobs: int, backend: str) -> dict:
    """Make the corpus and its archive, and time a clean build from each."""
    corpus = make_corpus(n, workdir)
    archive, pack_s = make_archive(corpus, workdir)
    folder = time_build(corpus, workdir / f"index-folder-{n}", jobs, backend)
    packed = time_build(archive, workdir / f"index-archive-{n}", jobs, backend)
    return {
        "n": n,
        "jobs": jobs,
        "backend": backend,
        "machine": machine(),
        "archive_mb": round(archive.stat().st_size / 2**20, 1),
        "archive_written_s": round(pack_s, 1),
        "folder": folder,
        "archive": packed,
    }


def table(res: dict) -> str:
    """Return the two builds side by side as a markdown table."""
    rows = [
        ("filings", "filings"),
        ("input MB (uncompressed)", "input_mb"),
        ("seconds, end to end", "seconds"),
        ("MB/s", "mb_per_s"),
        ("filings/s", "filings_per_s"),
        ("parse s / write s", None),
        ("peak RSS all processes / largest, MB", None),
        ("failed / skipped", None),
    ]
    head = f"N = {res['n']:,}, {res['jobs']} jobs, backend {res['backend']}"
    lines = [f"| {head} | folder | one .tar.gz |", "|---|---|---|"]
    for label, key in rows:
        cells = [_cell(res[side], label, key) for side in ("folder", "archive")]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    lines.append(f"\narchive: {res['archive_mb']} MB compressed")
    return "\n".join(lines)


def _cell(b: dict, label: str, key: str | None) -> str:
    """Return one build's figure for a row."""
    if key:
        return str(b[key])
    if label.startswith("parse"):
        return f"{b['parse_s']} / {b['write_s']}"
    if label.startswith("peak"):
        return f"{b['peak_rss_mb']} / {b['peak_rss_largest_process_mb']}"
    return f"{b['failed']} / {b['skipped']}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--backend", default="whoosh", help="what `indexer build --backend` writes")
    ap.add_argument(
        "--workdir", type=Path, help="where corpus, archive and indexes go [a temp dir]"
    )
    ap.add_argument("--out", type=Path, help="JSON results file [bench_out/archives-N.json]")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "edgar-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    res = run(args.n, workdir, args.jobs, args.backend)
    save(res, args.out, f"archives-{args.n}.json", table(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
