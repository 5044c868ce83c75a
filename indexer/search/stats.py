"""`indexer stats`: what an index holds, counted from its own records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from indexer.store import generations as indexdir
from indexer.store.sidestore import Store

TOP = 20


def index_stats(root: str | Path, top: int = TOP) -> dict:
    """Count an index's filings by form, year and company, and measure its size."""
    gen = indexdir.require_generation(root)
    store = Store(gen, readonly=True)
    forms, years, companies = Counter(), Counter(), Counter()
    total = 0
    try:
        for rec in store.records():
            total += 1
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
        "by_form": dict(forms.most_common(top)),
        "by_year": dict(sorted(years.items())),
        "by_company": dict(companies.most_common(top)),
    }
