"""SEC headers of both dialects, read from the shared corpus, against values checked by hand."""

from __future__ import annotations

import html
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from indexer.edgar.header import Event, parse_header, tokenize
from indexer.edgar.model import Filer, FormerName, HeaderInfo
from tests.corpus import CORPUS, COVER, EDGARTOOLS, corpus_cases, needs_corpus

DATA = EDGARTOOLS / "data"
SECSGML = CORPUS / "john-friedman+secsgml" / "sgml"
VIOLIN = CORPUS / "violin788788+earnings" / "sec-edgar-filings"
VIOLIN_FILES = sorted(VIOLIN.glob("*/*/*/full-submission.txt"))


def header_text(path: Path) -> str:
    """Return what the splitter hands parse_header: from <SEC-HEADER> (no PEM) to <DOCUMENT>."""
    text = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
    start = text.find("<SEC-HEADER>")
    text = text[start:] if start >= 0 else text
    end = text.find("<DOCUMENT>")
    return text[:end] if end >= 0 else text


def former(*pairs: tuple[str, str | None]) -> list[FormerName]:
    """Make former names from (name, ISO date) pairs."""
    return [FormerName(name, changed) for name, changed in pairs]


EFCAR = {
    "name": "EFCAR, LLC",
    "cik": "0001654238",
    "sic": "6189",
    "state_of_incorporation": "DE",
    "business_state": "TX",
    "irs_number": "453969432",
    "fiscal_year_end": "1231",
}
CVR = {
    "name": "CVR ENERGY INC",
    "cik": "0001376139",
    "role": "subject-company",
    "sic": "2911",
    "state_of_incorporation": "DE",
    "business_state": "TX",
    "file_number": "005-83522",
    "fiscal_year_end": "1231",
}
ISHARES = {
    "name": "iSHARES TRUST",
    "cik": "0001100663",
    "state_of_incorporation": "DE",
    "business_state": "CA",
    "irs_number": "943351276",
    "fiscal_year_end": "1231",
}
AUTODESK = {
    "name": "Autodesk, Inc.",
    "cik": "0000769397",
    "sic": "7372",
    "state_of_incorporation": "DE",
    "business_state": "CA",
    "file_number": "000-14338",
    "irs_number": "942819853",
    "fiscal_year_end": "0131",
}

# (file, the HeaderInfo it states), each checked by reading the file
CASES = {
    # colon header with an angle-bracket <REPORTING-OWNER> block whose COMPANY DATA is unindented
    # and holds "<RELATIONSHIP>DIRECTOR"; SIC "[]" is blank
    "1990s-odd-reporting-owner": (
        DATA / "1990sheader.txt",
        HeaderInfo(
            accession="0001012325-98-000004",
            form_type="4",
            filed="1998-11-20",
            period="1998-10-31",
            document_count=1,
            filers=[
                Filer(
                    name="MORTON INTERNATIONAL INC /IN/",
                    cik="0001035972",
                    role="subject-company",
                    sic="2890",
                    state_of_incorporation="IN",
                    business_state="IL",
                    file_number="001-12825",
                    irs_number="364140798",
                    fiscal_year_end="1231",
                    former_names=former(("NEW MORTON INTERNATIONAL INC", "1997-03-18")),
                ),
                Filer(
                    name="CANTALUPO JAMES R",
                    cik="0001012325",
                    role="reporting-owner",
                    business_state="IL",
                ),
            ],
        ),
    ),
    # the same odd block in a 2000 filing, in a full PEM-wrapped submission
    "2000-odd-reporting-owner": (
        DATA / "sgml" / "0001094891-00-000193.txt",
        HeaderInfo(
            accession="0001094891-00-000193",
            form_type="4",
            filed="2000-03-14",
            period="2000-02-29",
            document_count=1,
            filers=[
                Filer(
                    name="PRODUCTIVITY TECHNOLOGIES CORP /",
                    cik="0000911787",
                    role="subject-company",
                    sic="3540",
                    state_of_incorporation="DE",
                    business_state="NY",
                    file_number="000-24212",
                    irs_number="133764753",
                    fiscal_year_end="0630",
                    former_names=former(("PRODUCTIVITY TECHNOLOGIES CORP /DE", "1996-06-07")),
                ),
                Filer(
                    name="FOSTER ALAN H",
                    cik="0001050609",
                    role="reporting-owner",
                    business_state="NY",
                ),
            ],
        ),
    ),
    # two filers; the second has only a MAIL ADDRESS (no business state); IRS 000000000 is blank
    "multiple-filers": (
        DATA / "MultipleFilersHeader.txt",
        HeaderInfo(
            accession="0001104659-23-069855",
            form_type="10-D",
            filed="2023-06-09",
            period="2023-05-31",
            accepted="2023-06-09T14:56:16",
            document_count=2,
            filers=[
                Filer(
                    name="First National Master Note Trust",
                    cik="0001396730",
                    sic="6189",
                    state_of_incorporation="DE",
                    business_state="NE",
                    file_number="333-140273-01",
                    fiscal_year_end="1231",
                ),
                Filer(
                    name="FIRST NATIONAL FUNDING LLC",
                    cik="0001171040",
                    sic="6189",
                    state_of_incorporation="NE",
                    file_number="000-50139",
                ),
            ],
        ),
    ),
    "multiple-former-companies": (
        DATA / "MultipleFormerCompaniesHeader.txt",
        HeaderInfo(
            accession="0001472375-23-000090",
            form_type="10-K",
            filed="2023-06-09",
            period="2023-03-31",
            accepted="2023-06-09T12:46:24",
            document_count=54,
            filers=[
                Filer(
                    name="REGENEREX PHARMA, INC.",
                    cik="0001357878",
                    sic="2834",
                    state_of_incorporation="NV",
                    business_state="NV",
                    file_number="000-53230",
                    irs_number="980479983",
                    fiscal_year_end="0331",
                    former_names=former(
                        ("PEPTIDE TECHNOLOGIES, INC.", "2018-03-09"),
                        ("Eternelle Skincare Products Inc.", "2017-06-21"),
                        ("PEPTIDE TECHNOLOGIES, INC.", "2011-10-07"),
                    ),
                )
            ],
        ),
    ),
    # a SERIAL COMPANY block, unindented, closed by </SERIAL-COMPANY>
    "serial-company": (
        DATA / "BankOfAmerica.424B5.header.txt",
        HeaderInfo(
            accession="0000928385-00-003420",
            form_type="424B5",
            filed="2000-12-19",
            document_count=1,
            filers=[
                Filer(
                    name="BANK OF AMERICA MORTGAGE SECURITIES INC",
                    cik="0001014956",
                    sic="6189",
                    state_of_incorporation="DE",
                    business_state="NC",
                    file_number="333-80941",
                    irs_number="94324470",
                    fiscal_year_end="1231",
                    former_names=former(
                        ("BA MORTGAGE SECURITIES INC/", "1998-06-05"),
                        ("BANKAMERICA MORTGAGE SECURITIES INC", "1996-05-20"),
                    ),
                ),
                Filer(
                    name="BANK OF AMERICA MORT SEC INC MORT PASS THRU CERTS SER 2000 8",
                    cik="0001130269",
                    role="serial-company",
                    sic="6189",
                    state_of_incorporation="DE",
                    business_state="NC",
                    file_number="333-80941-08",
                    fiscal_year_end="1231",
                ),
            ],
        ),
    ),
    # OWNER DATA for the reporting owner, ISSUER without FILING VALUES
    "reporting-owner-and-issuer": (
        DATA / "secheader.4.evercommerce.txt",
        HeaderInfo(
            accession="0001140361-23-028639",
            form_type="4",
            filed="2023-06-06",
            period="2022-11-16",
            accepted="2023-06-06T21:32:04",
            document_count=1,
            filers=[
                Filer(
                    name="Driggers Shane",
                    cik="0001927858",
                    role="reporting-owner",
                    file_number="001-40575",
                ),
                Filer(
                    name="EverCommerce Inc.",
                    cik="0001853145",
                    role="issuer",
                    sic="7372",
                    state_of_incorporation="DE",
                    business_state="CO",
                    irs_number="814063428",
                    fiscal_year_end="1231",
                ),
            ],
        ),
    ),
    # a blank line after every line, <PRIVATE-TO-PUBLIC>, and a series block after the filers
    "double-newlines": (
        DATA / "sgml" / "header_with_double_newlines.txt",
        HeaderInfo(
            accession="0001193125-24-066744",
            form_type="485APOS",
            filed="2024-03-13",
            accepted="2024-03-13T15:00:33",
            document_count=7,
            filers=[
                Filer(
                    **ISHARES,
                    file_number=number,
                    former_names=former(("ISHARES TRUST", "1999-12-13")),
                )
                for number in ("811-09729", "333-92935")
            ],
        ),
    ),
    # a .nc feed file whose header lines end in a bare "\r": one line once CRLF is normalized
    "one-line-nc": (
        DATA / "sgml" / "0001127602-25-004598.nc",
        HeaderInfo(
            accession="0001127602-25-004598",
            form_type="4",
            filed="2025-02-13",
            period="2025-02-12",
            document_count=1,
            filers=[
                Filer(
                    name="Jean-Claude Carine Lamercie",
                    cik="0001870985",
                    role="reporting-owner",
                    file_number="001-04482",
                ),
                Filer(
                    name="ARROW ELECTRONICS, INC.",
                    cik="0000007536",
                    role="issuer",
                    sic="5065",
                    state_of_incorporation="NY",
                    business_state="CO",
                    irs_number="111806155",
                    fiscal_year_end="1231",
                    former_names=former(
                        ("ARROW ELECTRONICS, INC", "2022-11-17"),
                        ("ARROW ELECTRONICS INC", "1992-07-03"),
                    ),
                ),
            ],
        ),
    ),
    "one-line-nc-13f": (
        DATA / "13f" / "0001951757-25-000093.nc",
        HeaderInfo(
            accession="0001951757-25-000093",
            form_type="13F-HR",
            filed="2025-01-22",
            period="2024-12-31",
            document_count=2,
            filers=[
                Filer(
                    name="ACORN CREEK CAPITAL LLC",
                    cik="0001994827",
                    state_of_incorporation="CO",
                    business_state="CO",
                    file_number="028-23689",
                    irs_number="923571102",
                    fiscal_year_end="1231",
                )
            ],
        ),
    ),
    # ABS roles not in any list: <DEPOSITOR>, <SECURITIZER>, <ISSUING_ENTITY> (underscore)
    "nc-abs-roles": (
        DATA / "sgml" / "0000929638-25-000114.nc",
        HeaderInfo(
            accession="0000929638-25-000114",
            form_type="ABS-15G",
            filed="2025-01-10",
            period="2025-01-10",
            document_count=3,
            items=["2.01"],
            filers=[
                Filer(**EFCAR, role="filer", file_number="025-02288"),
                Filer(**EFCAR, role="depositor", file_number="333-268757"),
                Filer(**EFCAR, role="securitizer", file_number="025-02288"),
                Filer(
                    name="Exeter Automobile Receivables Trust 2025-1",
                    cik="0002049379",
                    role="issuing-entity",
                    sic="6189",
                    state_of_incorporation="DE",
                    business_state="TX",
                    fiscal_year_end="1231",
                ),
            ],
        ),
    ),
    "nc-subject-companies-and-filed-by": (
        DATA / "sgml" / "0001104659-25-002604.nc",
        HeaderInfo(
            accession="0001104659-25-002604",
            form_type="SC TO-T/A",
            filed="2025-01-10",
            document_count=2,
            filers=[
                Filer(**CVR),
                Filer(**CVR),
                Filer(
                    name="ICAHN ENTERPRISES HOLDINGS L.P.",
                    cik="0001034563",
                    role="filed-by",
                    sic="3714",
                    state_of_incorporation="DE",
                    business_state="FL",
                    irs_number="133398767",
                    fiscal_year_end="1231",
                    former_names=former(("AMERICAN REAL ESTATE HOLDINGS L P", "1998-03-11")),
                ),
            ],
        ),
    ),
    "hdr-sgml": (
        COVER / "18230" / "0000018230-22-000107" / "0000018230-22-000107.hdr.sgml",
        HeaderInfo(
            accession="0000018230-22-000107",
            form_type="8-K",
            filed="2022-04-28",
            period="2022-04-28",
            accepted="2022-04-28T06:32:03",
            document_count=18,
            items=["2.02", "7.01", "9.01"],
            filers=[
                Filer(
                    name="CATERPILLAR INC",
                    cik="0000018230",
                    sic="3531",
                    state_of_incorporation="DE",
                    business_state="IL",
                    file_number="001-00768",
                    irs_number="370602744",
                    fiscal_year_end="1231",
                    former_names=former(("CATERPILLAR TRACTOR CO", "1986-06-23")),
                )
            ],
        ),
    ),
    # the angle header inside an HTML comment, then the colon one HTML-escaped in <PRE>
    "index-headers-html": (
        DATA / "headers" / "23AndMe.index-headers.html",
        HeaderInfo(
            accession="0001193125-24-152391",
            form_type="8-K",
            filed="2024-06-03",
            period="2024-06-03",
            accepted="2024-06-03T08:06:02",
            document_count=14,
            items=["7.01", "9.01"],
            filers=[
                Filer(
                    name="23andMe Holding Co.",
                    cik="0001804591",
                    sic="2834",
                    business_state="CA",
                    file_number="001-39587",
                    irs_number="871240344",
                    fiscal_year_end="0331",
                    former_names=former(
                        ("VG Acquisition Corp.", "2020-09-15"),
                        ("Virgin Group Acquisition Corp.", "2020-09-09"),
                        ("Bleecker Street Acquisition Corp.", "2020-02-25"),
                    ),
                )
            ],
        ),
    ),
    # cut at 1,000 bytes in the middle of a key ("\tFORMER CO"); says EIN, not IRS NUMBER
    "truncated-mid-key": (
        VIOLIN / "ADSK" / "10-Q" / "0000769397-25-000071" / "full-submission.txt",
        HeaderInfo(
            accession="0000769397-25-000071",
            form_type="10-Q",
            filed="2025-05-29",
            period="2025-04-30",
            accepted="2025-05-29T16:02:28",
            document_count=102,
            filers=[Filer(**AUTODESK)],
        ),
    ),
    # cut in the middle of a former name: free text is kept as far as it goes, undated
    "truncated-mid-value": (
        VIOLIN / "ADSK" / "10-K" / "0000769397-23-000036" / "full-submission.txt",
        HeaderInfo(
            accession="0000769397-23-000036",
            form_type="10-K",
            filed="2023-03-14",
            period="2023-01-31",
            accepted="2023-03-14T16:23:47",
            document_count=112,
            filers=[Filer(**AUTODESK, former_names=former(("AUTODES", None)))],
        ),
    ),
    # cut in MAIL ADDRESS's CITY; Bermuda's EDGAR state code "D0"; no STATE OF INCORPORATION
    "truncated-foreign-state": (
        VIOLIN / "ACGL" / "10-Q" / "0000947484-25-000047" / "full-submission.txt",
        HeaderInfo(
            accession="0000947484-25-000047",
            form_type="10-Q",
            filed="2025-05-07",
            period="2025-03-31",
            accepted="2025-05-07T16:05:56",
            document_count=92,
            filers=[
                Filer(
                    name="ARCH CAPITAL GROUP LTD.",
                    cik="0000947484",
                    sic="6331",
                    business_state="D0",
                    file_number="001-16209",
                    irs_number="980374481",
                    fiscal_year_end="1231",
                )
            ],
        ),
    ),
    # SIC wrapped onto the next line ("[3281" / "]\t\tIRS NUMBER:"), closing tags in a colon
    # header, sections indented one tab deeper each, an empty ITEM INFORMATION
    "wrapped-sic-and-closing-tags": (
        COVER / "84581" / "0000084581-00-500009" / "0000084581-00-500009.txt",
        HeaderInfo(
            accession="0000084581-00-500009",
            form_type="8-K",
            filed="2000-09-27",
            period="2000-09-22",
            document_count=2,
            filers=[
                Filer(
                    name="ROCK OF AGES CORP",
                    cik="0000084581",
                    sic="3281",
                    state_of_incorporation="DE",
                    business_state="NH",
                    file_number="000-29464",
                    irs_number="030153200",
                    fiscal_year_end="1231",
                )
            ],
        ),
    ),
    # 1995: items are titles, no acceptance time, SROS line
    "1995-item-titles": (
        COVER / "858877" / "0000891618-95-000727" / "0000891618-95-000727.txt",
        HeaderInfo(
            accession="0000891618-95-000727",
            form_type="8-K",
            filed="1995-12-06",
            period="1995-09-29",
            document_count=2,
            items=["Acquisition or disposition of assets", "Financial statements and exhibits"],
            filers=[
                Filer(
                    name="CISCO SYSTEMS INC",
                    cik="0000858877",
                    sic="3577",
                    state_of_incorporation="CA",
                    business_state="CA",
                    file_number="000-18225",
                    irs_number="770059951",
                    fiscal_year_end="0731",
                )
            ],
        ),
    ),
    # an item title that itself holds a colon
    "item-title-with-colon": (
        DATA / "sgml" / "0000943374-24-000509.txt",
        HeaderInfo(
            accession="0000943374-24-000509",
            form_type="8-K",
            filed="2024-12-27",
            period="2024-12-20",
            accepted="2024-12-27T16:29:40",
            document_count=13,
            items=[
                "Departure of Directors or Certain Officers; Election of Directors; "
                "Appointment of Certain Officers: Compensatory Arrangements of Certain Officers"
            ],
            filers=[
                Filer(
                    name="1895 Bancorp of Wisconsin, Inc. /MD/",
                    cik="0001847360",
                    sic="6036",
                    state_of_incorporation="MD",
                    business_state="WI",
                    file_number="001-40609",
                    fiscal_year_end="1231",
                )
            ],
        ),
    ),
    # 2001 daily-feed archive: <SUBMISSION> header, old item number "5"
    "2001-feed-archive": (
        SECSGML / "archive.txt",
        HeaderInfo(
            accession="0000774352-01-000002",
            form_type="8-K",
            filed="2001-01-02",
            period="2000-12-26",
            document_count=2,
            items=["5"],
            filers=[
                Filer(
                    name="RESIDENTIAL FUNDING MORTGAGE SECURITIES I INC",
                    cik="0000774352",
                    sic="6189",
                    state_of_incorporation="DE",
                    business_state="MN",
                    file_number="333-57481",
                    irs_number="752006294",
                    fiscal_year_end="1231",
                    former_names=former(
                        ("SALOMON BROTHERS MORTGAGE SECURITIES IV INC", "1987-05-06")
                    ),
                )
            ],
        ),
    ),
}


def without_addresses(info: HeaderInfo) -> HeaderInfo:
    """Return a header with its filers' addresses blanked (CASES predate them; see below)."""
    for f in info.filers:
        f.business_address = f.mail_address = None
    return info


@pytest.mark.parametrize("path, expected", CASES.values(), ids=CASES.keys())
def test_corpus_header(path: Path, expected: HeaderInfo) -> None:
    assert without_addresses(parse_header(header_text(path))) == expected


def test_addresses_of_both_dialects() -> None:
    morton, owner = parse_header(header_text(DATA / "1990sheader.txt")).filers
    chicago = {"street1": "100 NORTH RIVERSIDE PLAZA", "city": "CHICAGO", "state": "IL"}
    assert morton.business_address == {**chicago, "zip": "60606", "phone": "3128072000"}
    assert morton.mail_address == owner.business_address == {**chicago, "zip": "60606"}
    assert owner.business_state == "IL"  # the business address's STATE is still the filer's
    owner, arrow = parse_header(header_text(DATA / "sgml" / "0001127602-25-004598.nc")).filers
    centennial = {"city": "CENTENNIAL", "state": "CO", "zip": "80112"}
    assert owner.business_address is None
    assert owner.mail_address == {"street1": "9151 E PANORAMA CIR", **centennial}
    street = {"street1": "9151 EAST PANORAMA CIRCLE"}
    assert arrow.business_address == {**street, **centennial, "phone": "303-824-4000"}
    assert arrow.mail_address == {**street, **centennial}


@pytest.mark.parametrize(
    "path, count, last",
    [
        (
            DATA / "Midcap.40App.header.txt",
            239,
            "Middle Market Apollo Institutional Private Lending",
        ),
        (SECSGML / "multiplefilers.txt", 399, "HarbourVest Asia Pacific 5 Holdings LLC"),
    ],
    ids=["midcap-239-filers", "harbourvest-399-filers"],
)
def test_many_filers(path: Path, count: int, last: str) -> None:
    info = parse_header(header_text(path))
    assert info.form_type == "40-APP"
    assert len(info.filers) == count
    assert {f.role for f in info.filers} == {"filer"}
    assert all(len(f.cik) == 10 and f.cik.isdigit() and f.file_number for f in info.filers)
    assert info.filers[-1].name == last


def test_one_line_nc_without_any_line_break() -> None:
    text = header_text(DATA / "sgml" / "0001127602-25-004598.nc")
    assert "\n" not in text.replace("<SUBMISSION>\n", "")
    assert without_addresses(parse_header(text.replace("\r", ""))) == CASES["one-line-nc"][1]
    assert without_addresses(parse_header(text.replace("\r", "\n"))) == CASES["one-line-nc"][1]


@pytest.mark.parametrize("accession", ["0001104659-25-002604", "0001193125-24-100942"])
def test_colon_and_angle_dialects_agree(accession: str) -> None:
    colon = parse_header(header_text(DATA / "sgml" / f"{accession}.txt"))
    angle = parse_header(header_text(DATA / "sgml" / f"{accession}.nc"))
    assert colon.filers == angle.filers
    assert (colon.accession, colon.form_type, colon.filed, colon.period) == (
        angle.accession,
        angle.form_type,
        angle.filed,
        angle.period,
    )


WITH_PRE = [
    p for p in sorted((DATA / "headers").glob("*.html")) if "<PRE>" in p.read_text(encoding="utf-8")
]


@pytest.mark.parametrize("path", corpus_cases(WITH_PRE), ids=lambda p: p.name)
def test_index_headers_html_dialects_agree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    colon_part = html.unescape(text[text.index("<PRE>") + len("<PRE>") :])
    angle, colon = parse_header(text), parse_header(colon_part)
    assert angle.filers and angle.filers == colon.filers
    assert (angle.accession, angle.form_type, angle.filed, angle.accepted) == (
        colon.accession,
        colon.form_type,
        colon.filed,
        colon.accepted,
    )
    assert len(angle.items) == len(colon.items)  # codes ("7.01") vs titles ("Regulation FD ...")


@needs_corpus
def test_violin_corpus_is_all_truncated_headers() -> None:
    assert len(VIOLIN_FILES) == 142
    assert {p.stat().st_size for p in VIOLIN_FILES} == {1000}


@pytest.mark.parametrize("path", corpus_cases(VIOLIN_FILES), ids=lambda p: p.parent.name)
def test_truncated_header_reads_what_is_before_the_cut(path: Path) -> None:
    info = parse_header(header_text(path))
    assert info.accession == path.parent.name
    assert info.form_type == path.parent.parent.name
    assert info.filers
    assert all(f.cik and len(f.cik) == 10 and f.cik.isdigit() for f in info.filers)
    assert info.filed and info.period and info.accepted


# (header, line break to use): a .nc header is also tried with no line break at all
PREFIX_CASES = [
    (DATA / "1990sheader.txt", "\n"),
    (DATA / "MultipleFormerCompaniesHeader.txt", "\n"),
    (COVER / "84581" / "0000084581-00-500009" / "0000084581-00-500009.txt", "\n"),
    (DATA / "sgml" / "0001127602-25-004598.nc", "\n"),
    (DATA / "sgml" / "0001127602-25-004598.nc", ""),
    (DATA / "sgml" / "0001104659-25-002604.nc", ""),
]


def assert_no_invention(part: HeaderInfo, full: HeaderInfo) -> None:
    """Check that a header read from a prefix states nothing the whole header does not."""
    for name in ("accession", "form_type", "filed", "period", "accepted", "document_count"):
        assert getattr(part, name) in (None, getattr(full, name)), name
    assert part.items == full.items[: len(part.items)]
    assert len(part.filers) <= len(full.filers)
    for got, whole in zip(part.filers, full.filers, strict=False):
        got_fields, whole_fields = asdict(got), asdict(whole)
        names = got_fields.pop("name"), whole_fields.pop("name")
        assert names[0] is None or names[1].startswith(names[0])
        formers = got_fields.pop("former_names"), whole_fields.pop("former_names")
        for a, b in zip(*formers, strict=False):
            assert b["name"].startswith(a["name"]) and a["changed"] in (None, b["changed"])
        for key in ("business_address", "mail_address"):  # a part read is the whole's part
            got_part, whole_part = got_fields.pop(key) or {}, whole_fields.pop(key) or {}
            assert got_part.items() <= whole_part.items(), key
        for key, value in got_fields.items():
            assert value in (None, whole_fields[key]), key


@pytest.mark.parametrize(
    "path, breaks", PREFIX_CASES, ids=[f"{p.name}{'-one-line' * (not b)}" for p, b in PREFIX_CASES]
)
def test_every_prefix_reads_without_invention(path: Path, breaks: str) -> None:
    text = header_text(path).replace("\r", "\n").replace("\n", breaks)
    full = parse_header(text)
    assert full.filers
    for end in range(len(text) + 1):
        assert_no_invention(parse_header(text[:end]), full)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "random text: with a colon\nand more", "<" * 10000, ">" * 10000, "<A>" * 5000],
)
def test_garbage_gives_an_empty_header(text: str) -> None:
    assert parse_header(text) == HeaderInfo()


# Characters headers are made of, so random texts reach deep into the parser
HEADER_CHARS = "<>/:[]\t\n\r -_0123456789AEFIKLNRST"


def noise(seed: int, alphabet: str, size: int = 400) -> str:
    """Return a reproducible random text."""
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(size)))


@pytest.mark.parametrize("seed", range(300))
def test_header_like_noise_never_raises(seed: int) -> None:
    info = parse_header(noise(seed, HEADER_CHARS))
    assert all(f.name or f.cik for f in info.filers)


@pytest.mark.parametrize("seed", range(100))
def test_any_text_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(300)))
    assert isinstance(parse_header(text), HeaderInfo)


@pytest.mark.parametrize("seed", range(50))
def test_mangled_real_header_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    chars = list(header_text(DATA / "BankOfAmerica.424B5.header.txt"))
    for _ in range(40):
        chars[rng.randrange(len(chars))] = rng.choice(HEADER_CHARS + "\x00\u00e9\u2028")
    assert isinstance(parse_header("".join(chars)), HeaderInfo)


def test_tokenize_tells_the_dialect_token_by_token() -> None:
    text = (
        "<SEC-HEADER>0001.hdr.sgml : 19981123\n"
        "FILED BY:\n"
        "]\t\tIRS NUMBER:\t\t\t030153200\n"
        "<FILER><COMPANY-DATA><CIK>0000320193</COMPANY-DATA>\n"
        "\t\tCITY:\t\t\tSAN FRAN"
    )
    assert tokenize(text) == [
        Event("SEC-HEADER", "0001.hdr.sgml : 19981123"),
        Event("FILED-BY"),
        Event("IRS-NUMBER", "030153200"),
        Event("FILER"),
        Event("COMPANY-DATA"),
        Event("CIK", "0000320193"),
        Event("COMPANY-DATA", closing=True),
        Event("CITY", "SAN FRAN", cut=True),
    ]


def test_a_value_cut_at_the_end_is_kept_only_in_full_form() -> None:
    head = "FILER:\n\tCOMPANY DATA:\n\t\tCOMPANY CONFORMED NAME:\tACME CO\n"
    assert parse_header(head + "\t\tCENTRAL INDEX KEY:\t00003").filers[0].cik is None
    assert parse_header(head + "\t\tCENTRAL INDEX KEY:\t0000320193").filers[0].cik == "0000320193"
    assert parse_header(head + "\t\tCENTRAL INDEX KEY:\t320193\n").filers[0].cik == "0000320193"
    assert parse_header("CONFORMED SUBMISSION TYPE:\t10-").form_type is None
    assert parse_header("<TYPE>10-K<PERIOD>2024").form_type == "10-K"


@pytest.mark.parametrize(
    "text, field, value",
    [
        ("FILED AS OF DATE:\t\t20230230\n", "filed", None),
        ("CONFORMED PERIOD OF REPORT:\t00000000\n", "period", None),
        ("<PERIOD>20240229\n", "period", "2024-02-29"),
        ("<ACCEPTANCE-DATETIME>20240105250048\n", "accepted", None),
        ("<ACCEPTANCE-DATETIME>20240105170048\n", "accepted", "2024-01-05T17:00:48"),
        ("ACCESSION NUMBER:\t000101143898000429\n", "accession", "0001011438-98-000429"),
        (
            "<SEC-DOCUMENT>0001011438-98-000429.txt : 19990101\n",
            "accession",
            "0001011438-98-000429",
        ),
        ("PUBLIC DOCUMENT COUNT:\t\tmany\n", "document_count", None),
    ],
)
def test_header_values_are_checked(text: str, field: str, value: object) -> None:
    assert getattr(parse_header(text), field) == value


@pytest.mark.parametrize(
    "sic, code",
    [("ASSET-BACKED SECURITIES [6189]", "6189"), (" []", None), ("[0000]", None), ("100", "0100")],
)
def test_sic_codes(sic: str, code: str | None) -> None:
    text = "FILER:\n\tCOMPANY DATA:\n\t\tCENTRAL INDEX KEY:\t1\n"
    text += f"\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\t{sic}\n"
    assert parse_header(text).filers[0].sic == code


def test_items_are_deduplicated_and_blank_ones_dropped() -> None:
    text = "ITEM INFORMATION:\tOther events\nITEM INFORMATION:\t\nITEM INFORMATION:\tOther events\n"
    assert parse_header(text).items == ["Other events"]


@pytest.mark.parametrize(
    "text",
    [
        "UNDERWRITER:\n\n\tCOMPANY DATA:\n\t\tCOMPANY CONFORMED NAME:\tX CO\n",
        "<UNDERWRITER>\n<COMPANY-DATA>\n<CONFORMED-NAME>X CO\n</COMPANY-DATA>\n</UNDERWRITER>\n",
    ],
    ids=["colon", "angle"],
)
def test_an_unlisted_block_with_company_data_is_a_filer_role(text: str) -> None:
    assert parse_header(text).filers == [Filer(name="X CO", role="underwriter")]
