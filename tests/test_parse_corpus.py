"""Every file of the shared corpus parses to records or is skipped with a reason; nothing raises."""

from __future__ import annotations

import pytest

from indexer.edgar.model import NotAFiling, ParseError
from indexer.edgar.parse import parse_path
from indexer.edgar.sources import walk
from tests.corpus import CORPUS, COVER, EDGARTOOLS, HAS_CORPUS, needs_corpus

pytestmark = needs_corpus  # every test here reads the shared corpus
FILES = [f.path for f in walk([CORPUS])] if HAS_CORPUS else [str(CORPUS / "none")]


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


# --- steps of the parse assembly, each on the filing that shows it ----------------------------


def record(path) -> dict:
    """Return the record of a file holding one filing."""
    (filing,) = parse_path(path)
    return filing.to_record()


def test_single_document_file_keeps_every_document_and_its_type() -> None:
    # a 1995 S-3/A filed as <DOCUMENT>s without a header: the S-3/A and its EX-99 consent
    rec = record(EDGARTOOLS / "data/sgml/0000899681-95-000096.txt")
    assert rec["form_type"] == "S-3/A"  # its <TYPE>: the cover splits "AMENDMENT NO. 2 TO
    assert [d["type"] for d in rec["documents"]] == ["S-3/A", "EX-99"]  # FORM S-3" in 3 lines


def test_document_type_is_the_form_and_no_8k_items_are_read() -> None:
    rec = record(EDGARTOOLS / "data/PacificGas.424B5.html")  # <TYPE>424B5, no header
    assert (rec["form_type"], rec["items"]) == ("424B5", [])


def test_items_of_other_forms_are_not_8k_items() -> None:
    # EFCAR's ABS-15G: <ITEMS>2.01 is Rule 15Ga-2's item, not 8-K item 2.01
    assert record(EDGARTOOLS / "data/sgml/0000929638-25-000114.nc")["items"] == []


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        # Sears 2004, header: a blank ITEM INFORMATION, "Financial statements and exhibits";
        # text: Item 7, Item 12
        ("319256/0000891092-04-003383/0000891092-04-003383.txt", [("7", "9.01"), ("12", "2.02")]),
        # Apple 1996, header: "Financial statements and exhibits"; text: Item 5, Item 7
        ("320193/0000320193-96-000027/0000320193-96-000027.txt", [("5", "8.01"), ("7", "9.01")]),
    ],
)
def test_items_join_header_and_text_headings(rel: str, expected: list) -> None:
    assert [(i["code"], i["normalized"]) for i in record(COVER / rel)["items"]] == expected


def test_exhibit_description_that_repeats_the_type_gives_way_to_the_list() -> None:
    # Apple 2000: <DESCRIPTION>EXHIBIT 99.1; the exhibit list says what it is
    rec = record(COVER / "320193/0000912057-00-002128/0000912057-00-002128.txt")
    assert rec["exhibits"] == [
        {"type": "EX-99.1", "description": "Text of press release dated January 19, 2000."}
    ]


def test_r_page_in_a_submission_is_not_text() -> None:
    rec = record(COVER / "1341439/0001564590-22-023099/0001564590-22-023099.txt")
    (r1,) = [d for d in rec["documents"] if d["filename"] == "R1.htm"]
    assert r1["chars"] == 0


@pytest.mark.parametrize(
    "rel",
    [
        "1341439/0001564590-22-023099/0001564590-22-023099.txt",  # dei: Delaware
        "1341439/0001193125-14-242424/0001193125-14-242424.txt",  # cover page: Delaware
    ],
)
def test_header_gaps_are_filled_from_the_cover(rel: str) -> None:
    # Oracle's headers state no STATE OF INCORPORATION
    (filer,) = record(COVER / rel)["filers"]
    assert (filer["name"], filer["state_of_incorporation"]) == ("ORACLE CORP", "DE")


def test_repeated_filer_block_is_one_filer() -> None:
    # CVR Energy is the subject company twice over (SC 13D/A and SC TO-T/A)
    rec = record(EDGARTOOLS / "data/sgml/0001104659-25-002604.nc")
    assert [(f["role"], f["name"]) for f in rec["filers"]] == [
        ("subject-company", "CVR ENERGY INC"),
        ("filed-by", "ICAHN ENTERPRISES HOLDINGS L.P."),
    ]


def test_schedule_cover_names_the_subject_company() -> None:
    rec = record(EDGARTOOLS / "data/html/SG-13G-DOCUMENT-WITH-TEXT.html")
    assert [(f["role"], f["name"]) for f in rec["filers"]] == [
        ("subject-company", "TRINITY INDUSTRIES INC")
    ]


def test_standalone_xml_form_document_has_the_form_type() -> None:
    rec = record(EDGARTOOLS / "data/form4.snow.xml")
    assert [d["type"] for d in rec["documents"]] == ["4"]
