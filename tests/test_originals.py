"""Reading a filing's original documents back from the files its record names, binary ones
(uuencoded images, ZIPs) decoded; shown in the original view and in a real browser."""

from __future__ import annotations

import binascii
import shutil

import pytest

from indexer.edgar.originals import load_binary, load_original, sniff, uudecode
from indexer.edgar.parse import parse_path
from tests.corpus import COVER, SEED, needs_corpus
from tests.webapp_browser import serve

pytestmark = needs_corpus  # real filings of the shared corpus
CAT_TXT = COVER / "18230" / "0000018230-22-000107" / "0000018230-22-000107.txt"
CAT_8K = "0000018230-22-000107"


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


def test_uuencoded_graphics_decode_to_whole_jpegs():
    rec = parse_path(CAT_TXT)[0].to_record()
    graphics = [i for i, d in enumerate(rec["documents"]) if d["type"] == "GRAPHIC"]
    for i in graphics:
        image = load_binary(rec, i)
        assert image.media_type == "image/jpeg" and image.is_image
        assert image.data.startswith(b"\xff\xd8") and image.data.endswith(b"\xff\xd9")
    kinds = {rec["documents"][i]["type"]: load_binary(rec, i) for i in range(len(rec["documents"]))}
    assert kinds["ZIP"].media_type == "application/zip" and not kinds["ZIP"].is_image
    assert kinds["8-K"] is None  # a text document is no binary


def test_uudecode_and_sniff_round_trip():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
    lines = [binascii.b2a_uu(png[i : i + 45]).decode() for i in range(0, len(png), 45)]
    body = "<PDF>\nbegin 644 x.png\n" + "".join(lines) + "`\nend\n</PDF>"
    assert uudecode(body) == png and sniff(png)[0] == "image/png"
    assert sniff(b"<svg xmlns=...>")[0] == "application/octet-stream"  # never served as an image
    assert uudecode("no encoded file here") is None


def original(app, n: int):
    return app.test_client().get(f"/filings/{CAT_8K}/documents/{n}/original")


def test_original_view_shows_an_image_inline_and_names_other_binaries(app):
    docs = app.test_client().get(f"/filings/{CAT_8K}.json").get_json()["documents"]
    number = {d["type"]: d["n"] for d in docs}
    image = original(app, number["GRAPHIC"])
    page = image.get_data(as_text=True)
    assert image.status_code == 200 and '<img src="data:image/jpeg;base64,/9j/' in page
    assert "img-src data:" in image.headers["Content-Security-Policy"]
    assert "source file is gone" not in page
    zipped = original(app, number["ZIP"]).get_data(as_text=True)
    assert "ZIP archive" in zipped and "69,257 bytes" in zipped and "<img" not in zipped


@pytest.mark.browser
def test_the_image_renders_in_a_browser(app, browser):
    with serve(app) as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/filings/{CAT_8K}?view=original&doc=8")
            img = page.frame_locator("iframe.original").locator("img")
            img.wait_for(timeout=15_000)
            assert img.evaluate("i => i.complete && i.naturalWidth") > 0
        finally:
            page.close()
