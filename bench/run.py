"""Run the benchmark suite: build, in-process search, HTTP, and two labelled peers over the same
records, SQLite FTS5 and raw tantivy, timed interleaved with ours in one run.

    python -m bench.run --n 10000 [--backend tantivy] [--workdir DIR] [--out FILE.json]

`--corpus PATH` builds from a folder or archive made beforehand (at 1,000,000 filings: one
.tar.gz, as the folder would not fit on the disk beside the build); `--reuse-build` keeps an
index a run built before (and that run's build figures) and measures the searches again.

Writes every figure to a JSON file and prints a markdown table (with the issue's targets, met or
not, for the tantivy backend). No timing is asserted here.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import fts5, http_load, tantivy_peer, targets
from bench.measure import RssSampler, Timer, machine, save, summary_ms
from indexer.search.facetcache import ENV_VAR as FACET_CACHE

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
MODES = ("top10", "facets", "snippets")


def read_queries(path: Path) -> list[dict]:
    """Read the fixed query mix (quoting disabled: quotes are phrase quotes)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        {
            "q": r["q"],
            "forms": [x for x in (r["forms"] or "").split(",") if x],
            "startdt": r["startdt"] or "",
            "enddt": r["enddt"] or "",
        }
        for r in rows
    ]


def make_corpus(n: int, workdir: Path) -> Path:
    """Make (or reuse) the deterministic benchmark corpus of n filings."""
    out = workdir / f"corpus-{n}"
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        script = SHARED / "make_corpus.py"
        subprocess.run([sys.executable, str(script), "--n", str(n), "--out", str(out)], check=True)
        (out / ".complete").write_text("")
    return out


def time_build(corpus: Path, index_dir: Path, jobs: int, backend: str) -> dict:
    """Time `indexer build` end to end from the files, sampling the process tree's memory."""
    shutil.rmtree(index_dir, ignore_errors=True)
    indexer = Path(sys.executable).with_name("indexer")
    cmd = [str(indexer), "build", str(corpus), "--index-dir", str(index_dir), "--json"]
    cmd += ["--jobs", str(jobs), "--backend", backend]
    with Timer() as t:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        with RssSampler(proc.pid) as rss:
            out, _ = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"indexer build --backend {backend} failed ({proc.returncode})")
    report = json.loads(out)
    return {
        "seconds": round(t.seconds, 2),
        "filings": report["filings"],
        "input_mb": round(report["bytes_read"] / 2**20, 1),
        "filings_per_s": round(report["filings"] / t.seconds, 1),
        "mb_per_s": round(report["bytes_read"] / 2**20 / t.seconds, 2),
        "peak_rss_mb": round(rss.peak_total / 2**20),
        "peak_rss_largest_process_mb": round(rss.peak_process / 2**20),
        "peak_anon_mb": round(rss.peak_anon / 2**20),  # without pages of mapped files
        "peak_anon_largest_process_mb": round(rss.peak_anon_process / 2**20),
        "parse_s": report["parse_s"],
        "write_s": report["write_s"],
        "failed": len(report["failed"]),
        "skipped": len(report["skipped"]),
        "checkpoints": report["checkpoints"],  # every 10 minutes by default
        "checkpoint_s": report["checkpoint_s"],
    }


def index_sizes(index_dir: Path) -> dict:
    """Return engine and side-store bytes, each and together per byte of extracted text."""
    from indexer.store import generations as indexdir
    from indexer.store.sidestore import STORE_NAME, Store

    gen = indexdir.require_generation(index_dir)
    store = Store(gen, readonly=True)
    text_bytes = sum(r["text_chars"] for r in store.records())
    store.close()
    engine = sum(f.stat().st_size for f in gen.rglob("*") if f.is_file())
    side = (gen / STORE_NAME).stat().st_size
    engine -= side
    return {
        "text_bytes": text_bytes,
        "text_mb": round(text_bytes / 2**20, 1),
        "engine_mb": round(engine / 2**20, 1),
        "side_store_mb": round(side / 2**20, 1),
        "index_bytes_per_text_byte": round(engine / max(text_bytes, 1), 3),
        "all_bytes_per_text_byte": round((engine + side) / max(text_bytes, 1), 3),
    }


def request_for(row: dict, mode: str):
    from indexer.query.filters import Filters
    from indexer.search.core import SearchRequest

    filters = Filters(
        forms=tuple(row["forms"]), filed_from=row["startdt"] or None, filed_to=row["enddt"] or None
    )
    return SearchRequest(
        q=row["q"],
        filters=filters,
        per_page=10,
        facets=mode != "top10",
        snippets=mode == "snippets",
    )


def time_searches(runners: dict, rows: list[dict], reps: int) -> dict:
    """Time each runner on each query `reps` times in each mode, the runners in turn for every
    repetition, so a busy machine slows them alike and their ratios hold."""
    for run in runners.values():  # warm up: caches, lexicon, column readers
        for row in rows:
            run(row, "snippets")
    out = {name: {} for name in runners}
    for mode in MODES:
        times = {name: {row["q"]: [] for row in rows} for name in runners}
        totals = {name: {} for name in runners}
        for row in rows:
            for _ in range(reps):
                for name, run in runners.items():
                    with Timer() as t:
                        totals[name][row["q"]] = run(row, mode)
                    times[name][row["q"]].append(t.seconds)
        for name in runners:
            per_query = {
                q: {**summary_ms(ts), "total": totals[name][q]} for q, ts in times[name].items()
            }
            every = [x for ts in times[name].values() for x in ts]
            out[name][mode] = {**summary_ms(every), "per_query": per_query}
    return out


def ours(index_dir: Path):
    """Return a runner of the search core over the benchmark's index (warm searcher)."""
    from indexer.search.core import open_index, search

    index = open_index(index_dir)
    return lambda row, mode: search(index, request_for(row, mode)).total


def peer(searcher):
    """Return a runner of a peer's searcher (FTS5 or raw tantivy)."""
    return lambda row, mode: searcher.search(
        row["q"], row["forms"], row["startdt"], row["enddt"], mode
    )


def cold_first_query(index_dir: Path, row: dict) -> float:
    """Seconds from a fresh process opening the index to its first answer (facets + snippets)."""
    code = (
        "import sys, time, json; t = time.perf_counter()\n"
        "from bench.run import request_for\n"
        "from indexer.search.core import open_index, search\n"
        f"index = open_index({str(index_dir)!r})\n"
        "search(index, request_for(json.loads(sys.argv[1]), 'snippets'))\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(row)], capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return round(float(out.stdout.strip()), 3)


def build_peers(index_dir: Path, workdir: Path) -> tuple[dict, dict]:
    """Index the benchmark's parsed records (its side store) into FTS5 and raw tantivy; return
    their searchers and what building them took."""
    from indexer.store import generations as indexdir

    gen = indexdir.require_generation(index_dir)
    db_path, tv_path = workdir / "fts5.sqlite", workdir / "tantivy-peer"
    built = {"fts5": fts5.build(gen, db_path), "tantivy": tantivy_peer.build(gen, tv_path)}
    searchers = {
        "fts5": fts5.Fts5Searcher(db_path),
        "tantivy": tantivy_peer.TantivySearcher(tv_path),
    }
    info = {
        name: {"index_seconds": round(b["seconds"], 2), "bytes": b["bytes"]}
        for name, b in built.items()
    }
    return searchers, info


def time_http(index_dir: Path, rows: list[dict], reps: int, seconds: float) -> dict:
    with http_load.served(index_dir) as port:
        single = http_load.one_client(port, rows, reps)
        efts = http_load.one_client(port, rows, reps, http_load.efts_path)
        loads = [http_load.concurrent(port, rows, c, seconds) for c in (2, 4)]
    return {"one_client": single, "efts_one_client": efts, "concurrent": loads}


def ratios(ours: dict, peer: dict) -> dict:
    return {m: round(ours[m]["p95"] / max(peer[m]["p95"], 1e-3), 2) for m in MODES}


def markdown(res: dict) -> str:
    b, s, h = res["build"], res["search"], res.get("http")
    f, tv = res.get("fts5"), res.get("tantivy")
    sizes, backend = res["sizes"], res["backend"]
    lines = [
        f"### N = {res['n']} filings, backend {backend} ({b['input_mb']} MB input, "
        f"{sizes['text_mb']} MB text) — {res['machine']['cores']} cores, {res['machine']['cpu']}",
        "",
        "| figure | value |",
        "|---|---|",
        f"| build --backend {backend}, end to end, from {b.get('corpus', 'the folder')} | "
        f"{b['seconds']} s, {b['filings_per_s']} "
        f"filings/s, {b['mb_per_s']} MB/s (parse {b['parse_s']} s, index {b['write_s']} s; "
        f"{b.get('checkpoints', '?')} checkpoints, {b.get('checkpoint_s', '?')} s) |",
        f"| build peak RSS (all processes / largest) | {b['peak_rss_mb']} / "
        f"{b['peak_rss_largest_process_mb']} MB{anon_part(b)} |",
        f"| index bytes per text byte ({backend} {sizes['engine_mb']} MB; with the side store "
        f"{sizes['side_store_mb']} MB) | {sizes['index_bytes_per_text_byte']}; "
        f"{sizes['all_bytes_per_text_byte']} |",
        f"| first query after a cold start | {res['cold_first_query_s']} s |",
    ]
    for m in MODES:
        lines.append(
            f"| search {m}: p50 / p95 / p99 (FTS5 p95, ours / FTS5; raw tantivy p95, ours / raw "
            f"tantivy) | {s[m]['p50']} / {s[m]['p95']} / {s[m]['p99']} ms"
            + (
                f" ({f[m]['p95']} ms, {res['ratio_to_fts5'][m]}×; {tv[m]['p95']} ms, "
                f"{res['ratio_to_tantivy'][m]}×) |"
                if f and tv
                else " (peers not run) |"
            )
        )
    if h:
        lines += http_lines(h)
    if f and tv:
        lines.append(f"| FTS5 indexing of the same records | {f['index_seconds']} s |")
        lines.append(
            f"| raw tantivy indexing of the same records (stored body included) | "
            f"{tv['index_seconds']} s, {tv['bytes_per_text_byte']} bytes per text byte |"
        )
    if backend == "tantivy":
        lines += ["", targets.markdown(res["targets"])]
    return "\n".join(lines)


def anon_part(b: dict) -> str:
    """Return the build's anonymous memory peaks as a table cell's tail (older runs lack it)."""
    if "peak_anon_mb" not in b:
        return ""
    return f"; without mapped files {b['peak_anon_mb']} / {b['peak_anon_largest_process_mb']} MB"


def http_lines(h: dict) -> list[str]:
    o, e = h["one_client"], h["efts_one_client"]
    lines = [
        f"| /search.json, one client: p50 / p95 / p99 | {o['p50']} / {o['p95']} / {o['p99']}"
        f" ms, {o['errors']} errors |",
        f"| /LATEST/search-index (100 hits, no snippets), one client: p50 / p95 / p99 | "
        f"{e['p50']} / {e['p95']} / {e['p99']} ms, {e['errors']} errors |",
    ]
    for c in h["concurrent"]:
        lines.append(
            f"| /search.json, {c['clients']} clients for {c['seconds']} s | {c['rps']} req/s, "
            f"p99 {c['p99']} ms, {c['errors']} errors; the rest of the machine's CPU "
            f"{c['server_cpu_ms_per_request']} ms a request, the load generator "
            f"{100 * c['client_cpu_share']:.1f} % |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--backend", default="whoosh", help="what `indexer build --backend` writes")
    ap.add_argument("--workdir", type=Path, help="where corpus and index go [a temp dir]")
    ap.add_argument("--out", type=Path, help="JSON file [bench_out/results-BACKEND-N.json]")
    ap.add_argument("--reps", type=int, default=5, help="runs of each query per mode")
    ap.add_argument("--http-seconds", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument(
        "--no-peers", action="store_true", help="leave FTS5 and raw tantivy out (their disk at 1M)"
    )
    ap.add_argument("--corpus", type=Path, help="build from this folder or archive of N filings")
    ap.add_argument(
        "--reuse-build",
        action="store_true",
        help="keep the index and build figures of the run before",
    )
    args = ap.parse_args(argv)
    # every search counts its facets: repeated queries must not be answered from the facet
    # cache (this process and the web server it starts)
    os.environ[FACET_CACHE] = "0"
    workdir = args.workdir or Path(tempfile.gettempdir()) / "edgar-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    rows = read_queries(SHARED / "queries.tsv")
    index_dir = workdir / f"index-{args.backend}-{args.n}"
    res = {"n": args.n, "backend": args.backend, "machine": machine()}
    res["date"] = time.strftime("%Y-%m-%d")
    built = workdir / f"build-{args.backend}-{args.n}.json"  # the build's figures, kept
    if args.reuse_build and built.exists():
        res["build"] = json.loads(built.read_text())
    else:
        built.unlink(missing_ok=True)
        corpus = args.corpus or make_corpus(args.n, workdir)
        res["build"] = time_build(corpus, index_dir, args.jobs, args.backend)
        res["build"]["corpus"] = corpus.name
        built.write_text(json.dumps(res["build"], indent=1))
    res["sizes"] = index_sizes(index_dir)
    res["cold_first_query_s"] = cold_first_query(index_dir, rows[0])
    measure_searches(res, index_dir, workdir, rows, args.reps, peers=not args.no_peers)
    if not args.no_http:
        res["http"] = time_http(index_dir, rows, args.reps, args.http_seconds)
    res["targets"] = targets.check(res)
    save(res, args.out, f"results-{args.backend}-{args.n}.json", markdown(res))
    return 0


def measure_searches(
    res: dict, index_dir: Path, workdir: Path, rows: list, reps: int, peers: bool = True
) -> None:
    """Build both peers, time ours and theirs interleaved, and put figures and ratios in res
    (without peers: ours alone)."""
    searchers, built = build_peers(index_dir, workdir) if peers else ({}, {})
    runners = {"ours": ours(index_dir), **{k: peer(v) for k, v in searchers.items()}}
    timed = time_searches(runners, rows, reps)
    for s in searchers.values():
        s.close()
    res["search"] = timed["ours"]
    text_bytes = max(res["sizes"]["text_bytes"], 1)
    for name in searchers:
        res[name] = {**built[name], **timed[name]}
        res[name]["bytes_per_text_byte"] = round(built[name]["bytes"] / text_bytes, 3)
        res[f"ratio_to_{name}"] = ratios(res["search"], res[name])


if __name__ == "__main__":
    sys.exit(main())
