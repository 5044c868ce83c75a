"""Every file of the shared corpus parses to records or is skipped with a reason; nothing raises."""

from __future__ import annotations

import pytest

from indexer.model import NotAFiling, ParseError
from indexer.parse import parse_path
from indexer.sources import walk
from tests.corpus import CORPUS

FILES = [f.path for f in walk([CORPUS])]


def test_the_corpus_is_there():
    assert len(FILES) > 300, f"expected the shared corpus at {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.split("/corpus/", 1)[1])
def test_every_corpus_file_parses_or_says_why(path):
    try:
        filings = parse_path(path)
    except (NotAFiling, ParseError) as e:
        assert str(e).strip(), "a skip needs a reason"
        return
    assert filings
    for f in filings:
        rec = f.to_record()
        assert rec["source"] == path
        assert rec["cik"] is None or (len(rec["cik"]) == 10 and rec["cik"].isdigit())
        for key in ("filed", "period"):
            assert rec[key] is None or (len(rec[key]) == 10 and rec[key][4] == "-")
        assert rec["text_chars"] == sum(d["chars"] for d in rec["documents"])
        assert "\x00" not in f.text
        assert "begin 644" not in f.text, "uuencoded parts are never indexed as text"
