"""Where the shared real-filing corpus lives (never copied into this repo).

Paths only: nothing here reads ../shared, so a checkout without it still collects every test.
Tests that read the corpus skip with NEEDS_CORPUS when it is absent (`needs_corpus`, or the
`corpus_index` fixture).
"""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "000_6d5e9457938f6054.txt"
EDGARTOOLS = CORPUS / "dgunning+edgartools"
COVER = CORPUS / "ryankfrench+sec_cover_page_parser" / "sec_cover_page_parser" / "test_filings"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"  # the bundled seed filing

HAS_CORPUS = CORPUS.is_dir()
NEEDS_CORPUS = "needs ../shared/corpus beside the checkout"
# Mark a test (or a module, as `pytestmark`) that reads the shared corpus
needs_corpus = pytest.mark.skipif(not HAS_CORPUS, reason=NEEDS_CORPUS)


def corpus_file(rel: str) -> Path:
    """Return the path of a corpus file given relative to ../shared/corpus."""
    return CORPUS / rel


def require_corpus() -> None:
    """Skip the calling test when the shared corpus is not beside the checkout."""
    if not HAS_CORPUS:
        pytest.skip(NEEDS_CORPUS)


def corpus_cases(values: list) -> list:
    """Return parametrize values read from the corpus, or one case skipped with the reason."""
    if values or HAS_CORPUS:
        return values
    return [pytest.param(None, marks=needs_corpus, id="no-corpus")]
