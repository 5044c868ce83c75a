"""Write the golden record files of tests/golden/ for corpus files (a draft, to check by hand).

    python -m tests.golden_update FILE...          rewrite (or create) the goldens of these files
    python -m tests.golden_update NAME=FILE...     create one under tests/golden/NAME.json

FILE is a path relative to ../shared/corpus (or any path inside it). A file's existing golden is
found by its "file" field, so re-running rewrites it in place; review the diff before keeping it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from indexer.edgar.model import NotAFiling, ParseError
from indexer.edgar.parse import parse_path
from tests.corpus import CORPUS

GOLDEN = Path(__file__).resolve().parent / "golden"


def relative(path: str | Path) -> str:
    """Return a corpus path relative to the corpus root."""
    p = Path(path)
    return p.resolve().relative_to(CORPUS.resolve()).as_posix() if p.is_absolute() else p.as_posix()


def relativize(record: dict[str, Any]) -> dict[str, Any]:
    """Write a record's `source` and `sources` relative to the corpus root."""
    return {
        **record,
        "source": relative(record["source"]),
        "sources": [relative(s) for s in record["sources"]],
        "filed_source": record["filed_source"] and relative(record["filed_source"]),
    }


def golden_of(rel: str) -> dict[str, Any]:
    """Return what the parser makes of one corpus file, in the golden files' shape."""
    try:
        filings = parse_path(CORPUS / rel)
    except (NotAFiling, ParseError) as e:
        return {"file": rel, "skip": str(e)}
    return {"file": rel, "records": [relativize(f.to_record()) for f in filings]}


def existing() -> dict[str, Path]:
    """Map the corpus file of every golden file to the golden's path."""
    return {json.loads(p.read_text())["file"]: p for p in sorted(GOLDEN.glob("*.json"))}


def short_name(rel: str) -> str:
    """Make a golden file name from a corpus path: its file name, lower case, dashed."""
    stem = Path(rel).name.removesuffix(".txt").removesuffix(".xml")
    return re.sub(r"[^a-z0-9.]+", "-", stem.lower()).strip("-.")


def write(rel: str, name: str | None = None) -> Path:
    """Rewrite the golden file of one corpus file; return its path."""
    path = existing().get(rel) or GOLDEN / f"{name or short_name(rel)}.json"
    path.write_text(json.dumps(golden_of(rel), indent=1, ensure_ascii=False) + "\n")
    return path


def main(args: list[str]) -> None:
    """Rewrite the goldens named on the command line."""
    if not args:
        sys.exit(__doc__)
    GOLDEN.mkdir(exist_ok=True)
    for arg in args:
        name, _, file = arg.rpartition("=") if "=" in arg else (None, "", arg)
        rel = relative(Path(file).resolve()) if Path(file).exists() else file
        if not (CORPUS / rel).is_file():
            sys.exit(f"not a corpus file: {file}")
        print(write(rel, name or None).relative_to(GOLDEN.parent.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
