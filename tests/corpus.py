"""Where the shared real-filing corpus lives (never copied into this repo)."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "000_6d5e9457938f6054.txt"
EDGARTOOLS = CORPUS / "dgunning+edgartools"
COVER = CORPUS / "ryankfrench+sec_cover_page_parser" / "sec_cover_page_parser" / "test_filings"


def corpus_file(rel: str) -> Path:
    """Return the path of a corpus file given relative to ../shared/corpus."""
    return CORPUS / rel
