"""Cover pages, item headings, signatures and exhibits read from real filings (checked by hand)."""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.edgar.cover import read_cover
from indexer.edgar.items import normalize_items
from indexer.edgar.model import CoverInfo, Exhibit, Signer
from tests.corpus import COVER, EDGARTOOLS, SEED, corpus_cases, needs_corpus

# --- turning a corpus file into the text read_cover gets ------------------------------------
# The project's HTML converter is another module; this stand-in renders HTML the same way in
# spirit (block elements on their own lines, table rows as cells joined by " | ", <pre> kept).

BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "hr", "title")
XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")  # '<?xml version="1.0" encoding="utf-8"?>'
TEXT_BODY = re.compile(r"<TEXT>(.*?)</TEXT>", re.S | re.I)  # the first (primary) document
HTML_TAG = re.compile(r"<(?:html|body|p|div|br|font|td)\b", re.I)  # never in SGML text bodies


def _squash(text: str | None) -> str | None:
    """Collapse a text node's whitespace as a browser does."""
    return text and re.sub(r"\s+", " ", text)


def html_text(html: str) -> str:
    """Render HTML as lines of text, with table cells joined by ` | `."""
    root = lxml.html.fromstring(XML_DECL.sub("", html))
    kept = {el for pre in root.iter("pre") for el in pre.iter()}
    for el in root.iter():
        el.text = el.text if el in kept else _squash(el.text)
        el.tail = el.tail if el.getparent() in kept else _squash(el.tail)
        el.tail = " " + (el.tail or "") if el.tag == "br" else el.tail
    for row in reversed(list(root.iter("tr"))):
        cells = [" ".join(td.text_content().split()) for td in row if td.tag in ("td", "th")]
        tail = row.tail
        row.clear()
        row.text, row.tail = " | ".join(c for c in cells if c), tail
    for el in root.iter(*BLOCKS):
        el.tail = "\n" + (el.tail or "")
    return "\n".join(line.rstrip() for line in root.text_content().split("\n"))


def document_text(path: Path) -> str:
    """Return the text of a file's primary document: plain text as is, HTML rendered."""
    raw = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
    match = TEXT_BODY.search(raw)
    body = match.group(1) if match else raw
    return html_text(body) if HTML_TAG.search(body[:5000]) else body


def cover_of(rel: str) -> CoverInfo:
    """Read the cover of a corpus file given under the cover-page parser's test filings."""
    path = EDGARTOOLS / rel[len("edgartools/") :] if rel.startswith("edgartools/") else COVER / rel
    return read_cover(document_text(path))


# --- the seed --------------------------------------------------------------------------------


def test_seed_exactly() -> None:
    cover = read_cover(SEED.read_text())
    assert cover == CoverInfo(
        form_type="8-K",
        period="2002-11-12",
        company="IMMUNOGEN, INC.",
        state_of_incorporation="Massachusetts",
        file_number="0-17999",
        irs_number="04-2726691",
        items=["9", "7"],
        signers=[
            Signer(
                name="Gregg D. Beloff",
                title="Chief Financial Officer and Vice President, Finance",
                date="2002-11-12",
            )
        ],
        exhibits=[
            Exhibit(
                type="EX-99.1",
                description="Certification Pursuant to Section 906 of the Sarbanes-Oxley Act of "
                "2002 (Subsections (a) and (b) of Section 1350, Chapter 63 of Title 18, United "
                "States Code)",
            )
        ],
    )
    assert [(i.normalized, i.title) for i in normalize_items(cover.items)] == [
        ("7.01", "Regulation FD Disclosure"),
        ("9.01", "Financial Statements and Exhibits"),
    ]


# --- real 8-Ks, 1995-2025 --------------------------------------------------------------------
# (file, (form, period, company, state, file number, IRS number), items, signers, exhibits)
# where a signer is (name, title, date) and an exhibit is (type, start of its description).

CASES = [
    (  # column layout, "ITEM  2." with two spaces, title wrapped under "Larry R. Carter,"
        "858877/0000891618-95-000727/0000891618-95-000727.txt",
        ("8-K", "1995-09-29", "CISCO SYSTEMS, INC.", "California", "0-18225", "77-0059951"),
        ["2", "7"],
        [("Larry R. Carter", "Chief Financial Officer and Secretary", "1995-11-28")],
        [
            (
                "EX-20.1",
                "Press Releases of the Registrant dated August 10, 1995 and October 2, 1995.",
            )
        ],
    ),
    (  # tab-aligned columns; "Date of Report:" then "Date of earliest event reported:"
        "320193/0000320193-96-000027/0000320193-96-000027.txt",
        ("8-K", "1996-12-24", "Apple Computer, Inc.", "California", "0-10030", "94-2404110"),
        ["5", "7"],
        [
            (
                "Fred D. Anderson",
                "Executive Vice President and Chief Financial Officer",
                "1996-12-24",
            )
        ],
        [("EX-99.1", "Text of press release dated December 20, 1996.")],  # page column dropped
    ),
    (  # date ABOVE "Date of Report"; <TABLE> markers; "/s/ JOY D. COVEY" over "Joy D. Covey"
        "1018724/0000891020-98-001352/0000891020-98-001352.txt",
        ("8-K", "1998-08-12", "AMAZON.COM, INC.", "DELAWARE", "000-22513", "91-1646860"),
        ["2", "7"],
        [
            (
                "Joy D. Covey",
                "Chief Financial Officer, Vice President of Finance and Administration and "
                "Secretary",
                "1998-08-27",
            )
        ],
        [
            ("EX-2.1", "Agreement and Plan of Merger dated as of August 3 1998, by and among"),
            ("EX-23.1", "Independent Auditors' Consent"),
            ("EX-99.1", "Form of Investor Rights Agreement by and between Amazon.com, Inc."),
        ],
    ),
    (  # state, company and IRS in ONE row over three labels; no file number on the cover;
        # "/s/ Herb Glaubman" over "Herbert Glaubman, President"; "(1) Underwriting agreement
        # Not Applicable." is a list of exhibit kinds, not exhibits
        "703901/0000703901-98-000003/0000703901-98-000003.txt",
        ("8-K", "1998-01-26", "Food Concepts, Inc.", "Nevada", None, "13-3124057"),
        ["5"],
        [("Herbert Glaubman", "President", "1998-01-26")],
        [],
    ),
    (  # the title right under the rule, no typed name
        "320193/0000912057-00-002128/0000912057-00-002128.txt",
        ("8-K", "2000-01-19", "Apple Computer, Inc.", "California", "0-10030", "94-2404110"),
        ["5", "7"],
        [("Fred Anderson", "Executive Vice President and Chief Financial Officer", "2000-01-21")],
        [("EX-99.1", "Text of press release dated January 19, 2000.")],
    ),
    (  # items 1-8 listed, all but 5 "None."; no SIGNATURES heading; IRS number a digit short
        "84581/0000084581-00-500009/formacqui.htm",
        ("8-K", "2000-09-22", "ROCK OF AGES CORPORATION", "DELAWARE", "0-29464", "03-153200"),
        ["5"],
        [("Kurt M. Swenson", "Chairman and Chief Executive Officer", "2000-09-27")],
        [],
    ),
    (  # no "(Exact name ...)" label; justified double spaces; the date alone above the company;
        # an auditor's letter signed "/s/HJ & ASSOCIATES, LLC" after the signature block
        "1063262/0001104540-02-000064/doc1.txt",
        ("8-K", "2002-02-14", None, "Nevada", "000-28881", "76-0528600"),
        ["4"],
        [("J. Dan Sifford", "President/Director", "2002-02-14")],
        [("EX-16.1", "Letter on change in certifying accountant from HJ & Associates, LLC")],
    ),
    (  # "Date of Report: April 30, 2003" over "(date of earliest event reported March 21,2003)"
        "723533/0000723533-04-000001/0000723533-04-000001.txt",
        ("8-K", "2003-04-30", "ExperTelligence, Inc.", "California", "0-11596", "95-3506403"),
        ["1"],
        [("William Urschel", "CEO", "2003-12-31")],
        [],
    ),
    (  # "Exhibit 99 - Press release ..." wrapped; listed again in the exhibit index
        "319256/0000891092-04-003383/e18506_8k.txt",
        ("8-K", "2004-07-22", "SEARS, ROEBUCK AND CO.", "New York", "1-416", "36-1750680"),
        ["7", "12"],
        [("Michael J. Graham", "Vice President and Controller", "2004-07-22")],
        [("EX-99", "Press release dated July 22, 2004, furnished pursuant to Item 12")],
    ),
    (  # HTML: the date in the table cell above its label
        "320193/0001104659-04-019574/a04-7804_18k.htm",
        ("8-K", "2004-07-14", "APPLE COMPUTER, INC.", "California", "0-10030", "94-2404110"),
        ["7", "12"],
        [("Peter Oppenheimer", "Senior Vice President and Chief Financial Officer", "2004-07-14")],
        [
            (
                "EX-99.1",
                "Text of press release issued by Apple Computer, Inc. dated July 14, 2004.",
            ),
            ("EX-99.2", "Data sheet issued by Apple Computer, Inc. dated July 14, 2004."),
        ],
    ),
    (  # seven registrants in one table: no single company or state; two signers
        "92122/0000092122-05-000042/yearend048k.txt",
        ("8-K", "2005-01-25", None, None, "1-3526", "58-0690070"),
        ["2.02"],
        [
            ("W. Dean Hudson", "Comptroller", "2005-01-25"),
            ("Wayne Boston", "Assistant Secretary", "2005-01-25"),
        ],
        [("EX-99.01", "Press Release."), ("EX-99.06", "Financial Overview.")],
    ),
    (  # "By /s/W. Ron Hinson W. Ron Hinson Comptroller": a signature row run together
        "92122/0000092122-07-000008/form8kearnings8k.htm",
        ("8-K", "2007-01-25", None, None, "1-3526", "58-0690070"),
        ["2.02"],
        [
            ("W. Ron Hinson", "Comptroller", "2007-01-25"),
            ("Wayne Boston", "Assistant Secretary", "2007-01-25"),
        ],
        [("EX-99.01", "Press Release.")],
    ),
    (  # "Jason Smart, Chief Executive Officer," wrapping to "President and Director"
        "723533/0001164150-07-000163/0001164150-07-000163.txt",
        ("8-K", "2007-11-19", "ExperTelligence, Inc.", "Nevada", "000-11596", "95-3506403"),
        ["8.01"],
        [("Jason Smart", "Chief Executive Officer, President and Director", "2007-11-19")],
        [],
    ),
    (  # HTML inside a .txt submission; "Exhibit 16.1 | ..." row
        "723533/0001213900-09-002194/0001213900-09-002194.txt",
        ("8-K", "2009-08-19", "ExperTelligence, Inc.", "Nevada", "0-11596", "95-3506403"),
        ["4.01"],
        [("Jason Smart", "CEO, CFO, Chairman", "2009-08-19")],
        [("EX-16.1", "Lawrence Scharfman, CPA letter regarding change of accountants")],
    ),
    (
        "320193/0001193125-11-009392/d8k.htm",
        ("8-K", "2011-01-18", "APPLE INC.", "California", "000-10030", "94-2404110"),
        ["2.02", "9.01"],
        [("Peter Oppenheimer", "Senior Vice President, Chief Financial Officer", "2011-01-18")],
        [("EX-99.1", "Text of press release"), ("EX-99.2", "Data sheet issued by Apple Inc.")],
    ),
    (  # the same person signs for two registrants: once
        "92122/0000092122-13-000080/gaaltrateplan8-k12x13.htm",
        ("8-K", "2013-12-17", None, None, "1-3526", "58-0690070"),
        ["8.01"],
        [("Melissa K. Caen", "Secretary", "2013-12-17")],
        [],
    ),
    (  # a table of contents lists "SIGNATURE" and the items before the body does
        "1341439/0001193125-14-242424/d740679d8k.htm",
        ("8-K", "2014-06-19", "Oracle Corporation", "Delaware", "001-35992", "54-2185193"),
        ["2.02", "8.01", "9.01"],
        [
            (
                "William Corey West",
                "Senior Vice President, Corporate Controller and Chief Accounting Officer",
                "2014-06-19",
            )
        ],
        [("EX-99.1", "Press Release dated June 19, 2014")],
    ),
    (
        "320193/0001193125-15-410853/d55543d8k.htm",
        ("8-K", "2015-12-21", "Apple Inc.", "California", "001-36743", "94-2404110"),
        ["5.03", "9.01"],
        [("D. Bruce Sewell", "Senior Vice President, General Counsel and Secretary", "2015-12-22")],
        [("EX-3.2", "Amended and Restated Bylaws of Apple Inc., effective as of December 21")],
    ),
    (  # "99.1* | ..." (filed herewith)
        "1022899/0001144204-16-096273/v437868_8k.htm",
        ("8-K", "2016-03-25", "ATRINSIC, INC.", "Delaware", "000-51353", "06-1390025"),
        ["8.01", "9.01"],
        [("Alexander Arrow", "Chief Financial Officer", "2016-04-25")],
        [("EX-99.1", "Audit Committee Charter"), ("EX-99.2", "Compensation Committee Charter")],
    ),
    (
        "320193/0000320193-19-000032/copyofreference8-kform8xkq.htm",
        ("8-K", "2019-03-01", "Apple Inc.", "California", "001-36743", "94-2404110"),
        ["5.07"],
        [("Katherine Adams", "Senior Vice President, General Counsel and Secretary", "2019-03-04")],
        [],
    ),
    (
        "1341439/0001193125-19-191922/d776427d8k.htm",
        ("8-K", "2019-07-03", "Oracle Corporation", "Delaware", "001-35992", "54-2185193"),
        ["5.02", "9.01"],
        [
            (
                "Brian S. Higgins",
                "Vice President, Associate General Counsel and Secretary",
                "2019-07-10",
            )
        ],
        [("EX-99.1", "Press Release – Oracle Names Rona Fairhead to the Board of Directors")],
    ),
    (  # "FORM | 8-K"; "April 28, 2022 | By: | /s/ Suzette M. Long" (no "Date:")
        "18230/0000018230-22-000107/cat-20220428.htm",
        ("8-K", "2022-04-28", "CATERPILLAR INC.", "Delaware", "1-768", "37-0602744"),
        ["2.02", "7.01", "9.01"],
        [("Suzette M. Long", "Chief Legal Officer and General Counsel", "2022-04-28")],
        [("EX-99.1", "Caterpillar Inc. press release"), ("EX-99.2", "Retail Statistics")],
    ),
    (
        "320193/0000320193-24-000005/aapl-20240201.htm",
        ("8-K", "2024-02-01", "Apple Inc.", "California", "001-36743", "94-2404110"),
        ["2.02", "9.01"],
        [("Luca Maestri", "Senior Vice President, Chief Financial Officer", "2024-02-01")],
        [("EX-99.1", "Press release issued by Apple Inc."), ("EX-104", "Inline XBRL")],
    ),
    (  # "By: | /s/ ..." then "Name: | ..." and "Title: | ..." cells, the date last
        "51253/0001140361-25-017716/ef20048595_8k.htm",
        (
            "8-K",
            "2025-05-01",
            "INTERNATIONAL FLAVORS & FRAGRANCES INC.",
            "New York",
            "1-4858",
            "13-1432060",
        ),
        ["5.07"],
        [
            (
                "Jennifer Johnson",
                "Executive Vice President, General Counsel and Corporate Secretary",
                "2025-05-07",
            )
        ],
        [],
    ),
    (  # no "Date of Report" label: the date stands alone above the company
        "edgartools/data/1800Flowers.8-K.html",
        ("8-K", "2023-12-14", "1-800-FLOWERS.COM, INC.", "Delaware", "0-26841", "11-3117311"),
        ["5.07"],
        [
            (
                "William E. Shea",
                "Senior Vice President, Treasurer and Chief Financial Officer",
                "2023-12-15",
            )
        ],
        [],
    ),
    (  # "FORM" and "8-K" in two rows; the date on the line under its label
        "edgartools/data/NextPoint.8K.html",
        ("8-K", "2023-12-20", "NEXPOINT CAPITAL, INC.", "Delaware", "814-01074", "38-3926499"),
        ["8.01"],
        [("Frank Waterhouse", None, "2023-12-20")],
        [],
    ),
    (  # <pre> layout; "(Formerly known as ...)" between name and label; "Item - 5.02"
        "edgartools/data/html/document-with-pre.html",
        (
            "8-K",
            "2024-12-20",
            "Liaoning Shuiyun Qinghe Rice Industry Co., Ltd.",
            "Delaware",
            "000-30432",
            "22-2335094",
        ),
        ["5.02"],
        [("Baobin He", None, "2024-12-20")],
        [],
    ),
    (  # "Date: March 30, 2021 Brien M. Chase, Senior Vice President": date and name in one row;
        # "(c) Exhibit 99.1 – Joint Press Release ..."
        "edgartools/tests/fixtures/parity_gate/8-K/0000887919-21-000012.html",
        (
            "8-K",
            "2021-03-29",
            "PREMIER FINANCIAL BANCORP, INC.",
            "Kentucky",
            "000-20908",
            "61-1206757",
        ),
        ["8.01", "9.01"],
        [("Brien M. Chase", "Senior Vice President and Chief Financial Officer", "2021-03-30")],
        [("EX-99.1", "Joint Press Release dated March 29, 2021")],
    ),
    (  # "(a) Not applicable." under Item 7 is a paragraph, not the item; the exhibit index
        # entry completes the one under Item 7 (whose second line hangs left of the number)
        "edgartools/data/sgml/0001011438-98-000429.txt",
        (
            "8-K",
            "1998-12-15",
            "AAMES CAPITAL CORPORATION",
            "CALIFORNIA",
            "333-46893-01",
            "95-4438859",
        ),
        ["7"],
        [("Barbara S. Polsky", "Executive Vice President", "1998-12-31")],
        [("EX-20.1", "Aames Capital Corporation, Mortgage Pass-Through Certificates, Series")],
    ),
]


def check(cover: CoverInfo, fields: tuple, items: list, signers: list, exhibits: list) -> None:
    """Compare a cover with expected values; titles given as None are not compared."""
    got = (cover.form_type, cover.period, cover.company, cover.state_of_incorporation)
    assert (*got, cover.file_number, cover.irs_number) == fields
    assert cover.items == items
    assert [s.name for s in cover.signers] == [name for name, _, _ in signers]
    for signer, (_, title, date) in zip(cover.signers, signers, strict=True):
        assert signer.date == date
        assert title is None or signer.title == title
    types = [e.type for e in cover.exhibits]
    for kind, start in exhibits:
        assert kind in types
        assert cover.exhibits[types.index(kind)].description.startswith(start)
    if not exhibits:
        assert cover.exhibits == []


@pytest.mark.parametrize(("rel", "fields", "items", "signers", "exhibits"), CASES)
def test_real_8k(rel: str, fields: tuple, items: list, signers: list, exhibits: list) -> None:
    check(cover_of(rel), fields, items, signers, exhibits)


def test_10k_cover_has_a_period_and_no_8k_items() -> None:
    # Apple's 2024 10-K: "For the fiscal year ended September 28, 2024"; "Item 1. Business" is
    # not an 8-K item 1; the signature table "/s/ Name | Title | Date" over "NAME IN CAPITALS"
    cover = cover_of("edgartools/data/html/Apple.10-K.html")
    assert (cover.form_type, cover.period, cover.company) == ("10-K", "2024-09-28", "Apple Inc.")
    assert cover.items == []
    signers = {s.name: s for s in cover.signers}
    assert signers["Timothy D. Cook"].title.startswith("Chief Executive Officer and Director")
    assert signers["Wanda Austin"].title == "Director"
    assert len(signers) == 10


def test_auditor_firm_is_no_signer() -> None:
    # a 10-K whose auditor's report ("/s/ BDO USA, LLP" / "Philadelphia, PA") follows SIGNATURES
    cover = cover_of("edgartools/tests/fixtures/parity_gate/10-K/0001376474-16-000635.html")
    assert [s.name for s in cover.signers] == ["Kimberly A. Springsteen-Abbott", "Henry J. Abbott"]


def test_form_hint_turns_item_reading_off() -> None:
    text = SEED.read_text()
    assert read_cover(text, form_hint="10-K").items == []
    assert read_cover(text, form_hint="8-K/A").items == ["9", "7"]


AMENDMENTS = [
    ("FORM 8-K/A", "8-K/A"),
    ("Form 8-K/A\n(Amendment No. 1)", "8-K/A"),
    ("AMENDMENT NO. 1 TO FORM 8-K", "8-K/A"),
    ("FORM 8-K\n\n(Amendment No. 2)", "8-K/A"),
    ("FORM 8-K (Amendment No. 2)", "8-K/A"),
    ("FORM 10-K405", "10-K405"),
    ("form 10-q", "10-Q"),
    ("The Form 8-K filed on June 1, 2002 is amended.", None),  # not a cover statement
    ("Lorem ipsum.\n" * 300 + "FORM 8-K", None),  # too far down to be the cover
]


@pytest.mark.parametrize(("text", "form"), AMENDMENTS)
def test_form_type(text: str, form: str | None) -> None:
    assert read_cover(text).form_type == form


DATES = [
    ("Date of Report (Date of earliest event reported): Nov. 12, 2002", "2002-11-12"),
    ("Date of Report (Date of earliest event reported): 11/12/2002", "2002-11-12"),
    ("Date of Report (Date of earliest event reported):\n\n   April 28, 2022", "2022-04-28"),
    ("DATE OF REPORT:   SEPT. 29, 1995", "1995-09-29"),
    ("Date of report: 12 November 2002", "2002-11-12"),
    ("Date of Report: February 30, 2002", None),  # not a date
    ("FORM 10-K\nFor the fiscal year ended December 31, 2003", "2003-12-31"),
    ("FORM 10-Q\nFor the quarterly period ended\nMarch 31, 2004", "2004-03-31"),
]


@pytest.mark.parametrize(("text", "period"), DATES)
def test_period_spellings(text: str, period: str | None) -> None:
    assert read_cover(text).period == period


SIGNATURE_BLOCKS = [
    (  # a conformed signature: blank line for the pen, then Name: and Title:
        "SIGNATURES\nACME CORP.\nBy: ______________________\nName: John Q. Public\n"
        "Title: Chief Executive Officer\nDate: March 3, 2010",
        [("John Q. Public", "Chief Executive Officer", "2010-03-03")],
    ),
    (  # "By: Name" without /s/, the title under it
        "SIGNATURE\n\nDated: 3/4/2010              ACME CORP.\n"
        "                             By: John Q. Public\n"
        "                                 President",
        [("John Q. Public", "President", "2010-03-04")],
    ),
    (  # two signers side by side in a table row are read one after the other
        "SIGNATURES\n/s/ Ann Lee | Director | May 1, 2020\n/s/ Bo Chan | Director | May 1, 2020",
        [("Ann Lee", "Director", "2020-05-01"), ("Bo Chan", "Director", "2020-05-01")],
    ),
    (  # a suffix after a comma stays in the name
        "SIGNATURES\nBy: /s/ Gregg D. Beloff, Jr.\nGregg D. Beloff, Jr., Treasurer",
        [("Gregg D. Beloff, Jr.", "Treasurer", None)],
    ),
    (  # the company and "(Registrant)" are never signers; no signature heading, no signer
        "ImmunoGen, Inc.\n(Registrant)\n/s/ Gregg D. Beloff",
        [],
    ),
]


@pytest.mark.parametrize(("text", "signers"), SIGNATURE_BLOCKS)
def test_signature_blocks(text: str, signers: list) -> None:
    got = read_cover(text).signers
    assert [(s.name, s.title, s.date) for s in got] == signers


EXHIBIT_LISTS = [
    ("Exhibit 99.1 Press release dated May 1, 2010", [("EX-99.1", "Press release dated May 1")]),
    ("Exhibit 99.1 to this report is incorporated by reference.", []),  # a sentence
    ("The release is furnished as\nExhibit 99.1 and incorporated here.", []),  # wrapped prose
    ("99.1     Press release", []),  # a bare number outside any exhibit list
    (
        "(d) Exhibits\n\n99.1     Press release\n10.2*    Employment agreement",
        [
            ("EX-99.1", "Press release"),
            ("EX-10.2", "Employment agreement"),
        ],
    ),
    ("Exhibit No. | Description\n101.INS | XBRL Instance Document", [("EX-101.INS", "XBRL")]),
    ("EXHIBIT INDEX\n2.1   " + "Agreement and plan of merger " * 20, [("EX-2.1", "Agreement")]),
]


@pytest.mark.parametrize(("text", "exhibits"), EXHIBIT_LISTS)
def test_exhibit_lists(text: str, exhibits: list) -> None:
    got = read_cover(text).exhibits
    assert [e.type for e in got] == [kind for kind, _ in exhibits]
    for exhibit, (_, start) in zip(got, exhibits, strict=True):
        assert exhibit.description.startswith(start)
        assert len(exhibit.description) <= 300


# --- hand-labelled values of the cover-page parser project -----------------------------------

LABELLED = sorted(COVER.glob("*/*/correct_data.json"))


def labelled_text(folder: Path) -> str:
    """Return the primary document of a labelled folder: its .htm, else the submission's."""
    htm = sorted(folder.glob("*.htm"))
    return document_text(htm[0] if htm else folder / f"{folder.name}.txt")


def file_key(number: str) -> str:
    """Drop a file number prefix's leading zeros: EDGAR writes 000-11596 for 0-11596."""
    prefix, _, rest = number.partition("-")
    return f"{int(prefix)}-{rest}"


@needs_corpus
def test_labelled_folders_are_found() -> None:
    assert len(LABELLED) == 6


@pytest.mark.parametrize("label", corpus_cases(LABELLED), ids=lambda p: p.parent.name)
def test_agrees_with_hand_labels(label: Path) -> None:
    data = json.loads(label.read_text())
    cover = read_cover(labelled_text(label.parent))
    assert cover.form_type == data["form"]
    assert cover.company == data["name"]
    assert cover.state_of_incorporation == data["state_of_incorporation"]
    assert cover.irs_number == data["irs_employer_id"]
    # 0001164150-07-000163 prints "000-11596" where the label says "0-11596": the same number
    assert file_key(cover.file_number) == file_key(data["commission_file_number"])
    assert cover.period == time.strftime("%Y-%m-%d", time.strptime(data["date"], "%B %d, %Y"))


# --- garbage in, no exception, bounded time ---------------------------------------------------

WORDS = (
    "Item 9.01 /s/ By: Name: Title: Date: Exhibit 99.1 SIGNATURES FORM 8-K (Exact name of "
    "registrant) (State or other jurisdiction) (Commission File Number) 0-17999 04-2726691 "
    "November 12, 2002 Date of Report | ----- ____ \t <PAGE> Inc. Delaware . . . . ( ) 1 2 3"
).split(" ")


def random_text(seed: int, size: int) -> str:
    """Return filing-flavoured noise: cover words, digits, punctuation and line breaks."""
    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        part = rng.choice(WORDS) if rng.random() < 0.7 else chr(rng.randrange(32, 0x250))
        part += rng.choice([" ", " ", "  ", "\n", "", "\t"])
        parts.append(part)
        length += len(part)
    return "".join(parts)


GARBAGE = {
    "empty": "",
    "blank lines": "\n" * 100_000,
    "spaces": " " * 1_000_000,
    "one long line": "Item 9.01 " + "x" * 1_000_000,
    "noise 1 MB": random_text(1, 1_000_000),
    "noise, no newlines": random_text(2, 300_000).replace("\n", " "),
    "slashes": "/s/ " * 200_000,
    "dates": "Date: November 12, 2002 " * 40_000,
    "dots": "99.1  Exhibit" + " ." * 300_000,
    "signatures": "SIGNATURES\n/s/ A B\n" * 30_000,
    "items": "ITEM 9. REGULATION FD DISCLOSURE\nNone.\n" * 30_000,
    "binary": bytes(range(256)).decode("latin-1") * 4000,
}


@pytest.mark.parametrize("name", GARBAGE)
def test_garbage_never_raises_and_is_quick(name: str) -> None:
    start = time.perf_counter()
    cover = read_cover(GARBAGE[name])
    assert isinstance(cover, CoverInfo)
    assert time.perf_counter() - start < 10


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=300).map(" ".join))
def test_any_text_reads_without_error(text: str) -> None:
    cover = read_cover(text.replace("  ", "\n"))
    assert all(s.name for s in cover.signers)
    assert all(e.type.startswith("EX-") for e in cover.exhibits)


# --- quirks of the golden files (tests/golden), each in the words of its filing ---------------


def test_title_in_a_paragraph_of_its_own() -> None:
    # Apple 0001193125-11-009392, as the HTML converter renders its signature table
    text = (
        "SIGNATURE\n\nPursuant to the requirements of the Securities Exchange Act of 1934, the "
        "registrant has duly caused this report to be signed on its behalf.\n\nAPPLE INC.\n"
        "Date: January 18, 2011 | By: | /s/ Peter Oppenheimer\n\nPeter Oppenheimer\n\n"
        "Senior Vice President,\n\nChief Financial Officer\n\nEXHIBIT INDEX\n"
    )
    title = "Senior Vice President, Chief Financial Officer"
    assert read_cover(text).signers == [Signer("Peter Oppenheimer", title, "2011-01-18")]


def test_a_heading_after_the_title_is_not_part_of_it() -> None:
    # Apple's 2024 10-K (data/html/Apple.10-K.html): "Power of Attorney" heads prose
    text = (
        "SIGNATURES\nthe Registrant has duly caused this report to be signed.\n\n"
        "Date: November 1, 2024 | Apple Inc.\nBy: | /s/ Luca Maestri\nLuca Maestri\n"
        "Senior Vice President, Chief Financial Officer\n\nPower of Attorney\n"
        "KNOW ALL PERSONS BY THESE PRESENTS, that each person whose signature appears below "
        "constitutes and appoints Timothy D. Cook and Luca Maestri, jointly and severally\n"
    )
    (signer,) = read_cover(text).signers
    assert signer.title == "Senior Vice President, Chief Financial Officer"


def test_application_signed_with_name_and_title_on_one_line() -> None:
    # HarbourVest's 2025 40-APP (john-friedman+secsgml/sgml/multiplefilers.txt)
    text = (
        "The Applicants have caused this Application to be duly signed on their behalf on the "
        "15th day of May, 2025.\n\nHARBOURVEST PRIVATE INVESTMENTS FUND\n"
        "By: | /s/ Monique Austin\n"
        "Name: Monique Austin Title: Chief Executive Officer & President\n\n24\n\n"
        "HARBOURVEST PARTNERS (IRELAND) LIMITED\nBy: | /s/ Craig MacDonald\n"
        "Name: Craig MacDonald Title: Director\n"
    )
    assert [(s.name, s.title) for s in read_cover(text, "40-APP").signers] == [
        ("Monique Austin", "Chief Executive Officer & President"),
        ("Craig MacDonald", "Director"),
    ]


def test_signature_block_runs_on_while_people_sign() -> None:
    # the same 40-APP: 2,000 lines of applicants, and a person signs every few dozen lines
    block = "HV FUND L.P.\nBy: | HarbourVest GP LLC\nIts General Partner\n" * 30
    text = (
        "The Applicants have caused this Application to be duly signed.\n"
        + "By: | /s/ Monique Austin\nName: Monique Austin\nTitle: Managing Director\n"
        + (block + "By: | /s/ Monique Austin\nName: Monique Austin\n") * 2
        + "By: | /s/ Mary Traer\nName: Mary Traer\nTitle: Class A Manager\n"
    )
    assert [s.name for s in read_cover(text, "40-APP").signers] == ["Monique Austin", "Mary Traer"]


def test_lone_cover_date_is_a_period_only_for_forms_with_a_date_of_report() -> None:
    # the 40-APP's cover dates the application, May 15, 2025; an 8-K's lone date is its report's
    text = "FORM 8-K\n\nMay 15, 2025\n\nACME CORP\n"
    assert read_cover(text, "8-K").period == "2025-05-15"
    assert read_cover(text, "40-APP").period is None


def test_s3_exhibit_list_and_the_word_exhibits_inside_sentences() -> None:
    # Page America Group's 1995 S-3/A (dgunning+edgartools/data/sgml/0000899681-95-000096.txt)
    text = """Additional information is contained in the Registration Statement and the
Exhibits
thereto filed with the Commission under the Securities Act.

copy of any or all of the documents incorporated herein by reference (other than
exhibits).

     1.   The Company's Annual Report on Form 10-K for the year
ended December 31, 1994.

     1.  History of Losses; Accumulated Deficit.  Since its
inception, the Company has incurred losses.

Item 16.  EXHIBITS

      *5.     Opinion of Stroock & Stroock & Lavan.

      23(a).  Consent of Stroock & Stroock &  Lavan (contained
              in Exhibit 5).

    **23(b).  Consent of Ernst & Young LLP.

      24.     Power of Attorney (included on signature page)
"""
    assert read_cover(text, "S-3/A").exhibits == [
        Exhibit("EX-5", "Opinion of Stroock & Stroock & Lavan."),
        Exhibit("EX-23(A)", "Consent of Stroock & Stroock & Lavan (contained in Exhibit 5)."),
        Exhibit("EX-23(B)", "Consent of Ernst & Young LLP."),
        Exhibit("EX-24", "Power of Attorney (included on signature page)"),
    ]


def test_registration_number_is_an_s3s_file_number() -> None:
    text = "Registration No. 33-88960\n\nFORM S-3\n\nPAGE AMERICA GROUP, INC.\n"
    assert read_cover(text, "S-3/A").file_number == "33-88960"


def test_exhibit_number_alone_with_its_description_in_the_next_paragraph() -> None:
    # TGFIN's 2010 10-K (john-friedman+secsgml/sgml/tab-privacy.txt), each line a paragraph
    text = (
        "(a)(3) Exhibits: The following are filed as part of this Annual Report\n\n"
        "Exhibit 31.1\n\nCertification of Scott Emerson Lybbert as Chief Executive Officer,\n\n"
        "pursuant to section 302 of the Sarbanes-Oxley act of 2002.\n\n34\n\n"
        "Exhibit 31.2 Certification of Scott Emerson Lybbert as Chief Financial Officer,\n\n"
        "pursuant to section 301 of the Sarbanes-Oxley act of 2002.\n"
    )
    assert read_cover(text, "10-K").exhibits == [
        Exhibit(
            "EX-31.1",
            "Certification of Scott Emerson Lybbert as Chief Executive Officer, pursuant to "
            "section 302 of the Sarbanes-Oxley act of 2002.",
        ),
        Exhibit(
            "EX-31.2",
            "Certification of Scott Emerson Lybbert as Chief Financial Officer, pursuant to "
            "section 301 of the Sarbanes-Oxley act of 2002.",
        ),
    ]


def test_page_links_are_no_exhibit_description() -> None:
    # Oracle's 2014 8-K (1341439/0001193125-14-242424) links "EXHIBIT 99.1" from every page
    text = (
        "EXHIBIT LIST\n\nEXHIBIT 99.1\n\nTable of Contents\n\n(d) Exhibits\n\n"
        "Exhibit No. | Description of Exhibit\n99.1 | Press Release dated June 19, 2014\n"
    )
    assert read_cover(text).exhibits == [Exhibit("EX-99.1", "Press Release dated June 19, 2014")]


def test_schedule_13g_in_plain_text() -> None:
    # BlackRock's 13G/A on Trinity Industries (dgunning+edgartools/data/html/
    # SG-13G-DOCUMENT-WITH-TEXT.html): the issuer, a "Signature:" line, a Name/Title line
    text = """SCHEDULE 13G

TRINITY INDUSTRIES INC
--------------------------------------------------------
(Name of Issuer)

Signature.

After reasonable inquiry and to the best of my knowledge and
belief, I certify that the information set forth in this statement
is true, complete and correct.

Dated: January 22, 2024
BlackRock, Inc.

Signature:  Spencer Fleming



-------------------------------------------

Name/Title Attorney-In-Fact

Exhibit A

By: /s/ R. Andrew Dickson, III
Name:  R. Andrew Dickson, III
Title: Corporate Secretary
"""
    cover = read_cover(text, "SC 13G/A")
    assert cover.company == "TRINITY INDUSTRIES INC"
    assert cover.signers == [Signer("Spencer Fleming", "Attorney-In-Fact", "2024-01-22")]


def test_text_form_4_signature() -> None:
    # Productivity Technologies, Form 4 of March 2000 (data/sgml/0001094891-00-000193.txt)
    text = (
        "Explanation of Responses:\nSIGNATURE OF REPORTING PERSON\n"
        "  /s/         Alan H. Foster\nDATE\nMarch 13, 2000\n"
    )
    assert read_cover(text, "4").signers == [Signer("Alan H. Foster", None, "2000-03-13")]
