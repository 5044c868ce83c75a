"""Files that lost text on their way to us: a submission whose tags a text pipeline stripped is
still a whole filing; a file cut short, or holding only a header, is named in the build summary."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from indexer.edgar.parse import parse_bytes, parse_path
from indexer.indexing.builder import build
from tests.corpus import CORPUS, COVER, EDGARTOOLS

pytestmark = pytest.mark.skipif(
    not CORPUS.exists(), reason="needs ../shared/corpus beside the checkout"
)

# Any SGML or HTML tag: what a text pipeline strips
TAG = re.compile(r"<[^>]*>")
SUBMISSIONS = [
    "ryankfrench+sec_cover_page_parser/sec_cover_page_parser/test_filings/18230/"
    "0000018230-22-000107/0000018230-22-000107.txt",
    "dgunning+edgartools/data/sgml/0001011438-98-000429.txt",
    "dgunning+edgartools/data/sgml/0000950129-95-001652.txt",
    "jadchaar+sec-edgar-downloader/tests/test_data/sample_filings/aapl-8k-20191115.txt",
]
VIOLIN = CORPUS / "violin788788+earnings/sec-edgar-filings/AAPL"


def stripped(path: Path) -> bytes:
    """Return a submission as a text pipeline leaves it: every tag gone."""
    return TAG.sub("", path.read_bytes().decode("latin-1")).encode("latin-1")


@pytest.mark.parametrize("rel", SUBMISSIONS)
def test_a_stripped_submission_is_read_as_a_whole_filing(rel):
    path = CORPUS / rel
    (tagged,) = parse_path(path)
    (plain,) = parse_bytes(stripped(path), str(path))
    assert plain.kind == "submission"
    for name in ("accession", "form_type", "filed", "company", "cik"):
        assert getattr(plain, name) == getattr(tagged, name), name
    assert [i.normalized for i in plain.items] == [i.normalized for i in tagged.items]
    assert plain.text_chars >= 0.8 * tagged.text_chars > 0
    with_text = [(d.type, d.filename) for d in tagged.documents if d.text]
    assert [(d.type, d.filename) for d in plain.documents if d.text] == with_text
    assert plain.notes == []


def test_a_header_file_stays_a_header_without_a_note():
    hdr = next((COVER / "18230" / "0000018230-22-000107").glob("*.hdr.sgml"))
    (filing,) = parse_path(hdr)
    assert filing.kind == "header" and filing.notes == []


def test_the_build_summary_names_every_file_that_lost_text(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    cat = CORPUS / SUBMISSIONS[0]
    (src / "stripped-cat.txt").write_bytes(stripped(cat))
    cut = next(VIOLIN.rglob("full-submission.txt"))
    shutil.copyfile(cut, src / "cut-header.txt")
    whole = cat.read_bytes()
    (src / "cut-document.txt").write_bytes(whole[: len(whole) // 3])
    shutil.copyfile(EDGARTOOLS / "data/MultipleFilersHeader.txt", src / "header.txt")
    report = build([str(src)], tmp_path / "index", jobs=1)
    lost = dict((Path(p).name, why) for p, why in report.text_lost)
    assert "stripped-cat.txt" not in lost
    assert lost["cut-header.txt"] == "cut short inside the SEC header: no document text"
    assert re.fullmatch(
        r"cut short inside document \d+ \(.+\): its text is incomplete", lost["cut-document.txt"]
    )
    assert lost["header.txt"] == "header only: the file holds no document text"
    assert report.to_json()["text_lost"][0].keys() == {"path", "reason"}
