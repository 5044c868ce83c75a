"""`indexer stats`: what an index holds, counted from its own records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from indexer.backend import backend_name
from indexer.store import generations as indexdir
from indexer.store.sidestore import STORE_NAME, Store

TOP = 20


def index_stats(root: str | Path, top: int = TOP) -> dict:
    """Count an index's filings by form, year and company, and measure its disk use."""
    gen = indexdir.require_generation(root)
    store = Store(gen, readonly=True)
    forms, years, companies = Counter(), Counter(), Counter()
    total = text_chars = 0
    try:
        for rec in store.records():
            total += 1
            text_chars += rec.get("text_chars") or 0
            forms[rec["root_form"] or "(unknown)"] += 1
            years[(rec["filed"] or rec["period"] or "")[:4] or "(unknown)"] += 1
            companies[rec["company"] or "(unknown)"] += 1
        files = store.files()
        built_at = store.meta("built_at")
    finally:
        store.close()
    status = Counter(e.status for e in files.values())
    return {
        "filings": total,
        "index_dir": str(root),
        "generation": gen.name,
        "built_at": built_at,
        "files": {"total": len(files), **dict(sorted(status.items()))},
        "index_bytes": sum(f.stat().st_size for f in gen.iterdir() if f.is_file()),
        "disk": disk_use(Path(root), gen, text_chars),
        "by_form": dict(forms.most_common(top)),
        "by_year": dict(sorted(years.items())),
        "by_company": dict(companies.most_common(top)),
    }


def disk_use(root: Path, gen: Path, text_chars: int) -> dict:
    """Measure the serving generation (engine files, side store) and the whole index directory
    (every generation kept; a file hard-linked into several counted once)."""
    files = [f for f in gen.iterdir() if f.is_file()]
    store = sum(f.stat().st_size for f in files if f.name == STORE_NAME)
    total = sum(f.stat().st_size for f in files)
    return {
        "backend": backend_name(gen),
        "engine_bytes": total - store,
        "side_store_bytes": store,
        "generation_bytes": total,
        "index_dir_bytes": tree_bytes(root),
        "text_chars": text_chars,  # the filings' text (nearly all ASCII: about its bytes)
        "bytes_per_text_char": round(total / text_chars, 3) if text_chars else None,
    }


def tree_bytes(root: Path) -> int:
    """Return the bytes of every file under a directory, each inode once."""
    seen: dict[tuple[int, int], int] = {}
    for f in root.rglob("*"):
        st = f.lstat()
        if f.is_file() and not f.is_symlink():
            seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())
