"""Small measuring tools: percentiles, a process-tree RSS sampler, a timer."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary_ms(seconds: list[float]) -> dict:
    """Return p50/p95/p99/max in milliseconds and the count."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "max": round(max(ms), 2) if ms else 0.0,
    }


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _rss(pid: int) -> tuple[int, int]:
    """Return a process's resident bytes: all (VmRSS) and anonymous (RssAnon), the part that
    is not pages of mapped files (tantivy maps its index: reading it counts in VmRSS)."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "RssAnon"):
                found[key] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return found.get("VmRSS", 0), found.get("RssAnon", 0)


def tree_rss(pid: int) -> tuple[int, int, int, int]:
    """Return the resident bytes of a process and all its descendants: (sum, largest) of
    VmRSS, then (sum, largest) of RssAnon."""
    total = largest = anon = anon_largest = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        r, a = _rss(p)
        total, largest = total + r, max(largest, r)
        anon, anon_largest = anon + a, max(anon_largest, a)
        stack.extend(_children(p))
    return total, largest, anon, anon_largest


class RssSampler:
    """Sample a process tree's resident memory every `interval` seconds in a thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak_total = self.peak_process = 0  # VmRSS
        self.peak_anon = self.peak_anon_process = 0  # RssAnon
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            total, largest, anon, anon_largest = tree_rss(self.pid)
            self.peak_total = max(self.peak_total, total)
            self.peak_process = max(self.peak_process, largest)
            self.peak_anon = max(self.peak_anon, anon)
            self.peak_anon_process = max(self.peak_anon_process, anon_largest)
            self._stop.wait(self.interval)


def machine() -> dict:
    """Describe the machine a figure was measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cores": os.cpu_count(), "cpu": model, "memory_gib": round(mem / 2**30, 1)}


class Timer:
    """Measure wall time of a block: `with Timer() as t: ...; t.seconds`."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def save(res: dict, out: Path | None, name: str, table: str) -> None:
    """Write a benchmark's figures as JSON (to `out`, else bench_out/NAME in the project) and
    print its table and where the figures went."""
    out = out or Path(__file__).resolve().parents[1] / "bench_out" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(table)
    print(f"\nall figures: {out}")
