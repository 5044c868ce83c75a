"""Reading a filing's original documents back from the files its record names."""

from __future__ import annotations

import shutil

from indexer.originals import load_original
from indexer.parse import parse_path
from tests.corpus import COVER, SEED

CAT_TXT = COVER / "18230" / "0000018230-22-000107" / "0000018230-22-000107.txt"


def test_html_document_of_a_submission_by_filename():
    rec = parse_path(CAT_TXT)[0].to_record()
    first, exhibit = load_original(rec, 0), load_original(rec, 1)
    assert first.markup == "html" and "ix:header" in first.body
    assert (
        exhibit.markup == "html"
        and rec["documents"][1]["filename"] == "ex991toformcat1q2022earnin.htm"
    )
    assert first.body != exhibit.body


def test_uuencoded_and_out_of_range_documents_give_nothing():
    rec = parse_path(CAT_TXT)[0].to_record()
    graphics = [i for i, d in enumerate(rec["documents"]) if d["type"] == "GRAPHIC"]
    assert graphics and all(load_original(rec, i) is None for i in graphics)
    assert load_original(rec, len(rec["documents"])) is None
    assert load_original(rec, -1) is None


def test_standalone_text_file_and_vanished_source(tmp_path):
    copy = tmp_path / SEED.name
    shutil.copyfile(SEED, copy)
    rec = parse_path(copy)[0].to_record()
    assert load_original(rec, 0).body.startswith("<PAGE>")
    copy.unlink()
    assert load_original(rec, 0) is None
