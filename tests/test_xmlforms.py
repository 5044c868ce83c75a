"""XML forms → key fields, filers, signers and searchable text; XBRL and broken XML refused."""

import time

import pytest

from indexer.edgar.model import Filer, NotAFiling, ParseError, Signer
from indexer.edgar.text import decode_bytes
from indexer.edgar.xmlforms import XmlForm, read_xml_form
from tests.corpus import CORPUS, EDGARTOOLS, corpus_cases

DATA = EDGARTOOLS / "data"
ALL_XML = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.suffix == ".xml")


def form(path) -> XmlForm:
    """Read a corpus XML file the way the indexer does."""
    return read_xml_form(decode_bytes(path.read_bytes()))


# Values read off each file by hand: (form_type, period, signed, company, cik)
KEY_FIELDS = {
    "ownership/374WaterForm4.xml": ("4", "2025-04-30", "2025-05-02", "374Water Inc.", "0000933972"),
    "form3.nosecurities.xml": ("3", "2021-12-31", "2022-01-07", "SUNPOWER CORP", "0000867773"),
    "ownership/form5.snow.xml": ("5", "2022-01-31", "2022-03-11", "Snowflake Inc.", "0001640147"),
    "D.APFund.xml": (
        "D",
        None,
        "2023-01-30",
        "AP Fund IV, a series of Inference Technology Partners, LP",
        "0001958740",
    ),
    "D.Shepards.xml": ("D/A", None, "2023-01-31", "Shepherd's Finance, LLC", "0001544190"),
    "metlife.13F-HR.primarydoc.xml": (
        "13F-HR",
        "2021-12-31",
        "2023-03-22",
        "METLIFE INC",
        "0001099219",
    ),
    "xml/abacus.13F-HR.primarydoc.xml": (
        "13F-HR",
        "2020-12-31",
        "2023-05-31",
        "Abacus Wealth Partners, LLC",
        "0001978011",
    ),
    "xml/Anesu.FormC.xml": ("C", None, "2024-03-27", "Anesu Restorative Care, LLC", "0002017182"),
    "Neurotez.FormCTR.xml": ("C-TR", None, "2024-03-28", "Neurotez Inc.", "0001725567"),
    "xml/apple.144.xml": ("144", None, "2023-04-13", "Apple Inc.", "0000320193"),
    "NPORT.AdvancedSeries.xml": (
        "NPORT-P",
        "2022-12-30",
        "2023-02-22",
        "Advanced Series Trust",
        "0000814679",
    ),
    "NPX/EDGAR Form N-PX XML Samples/KIM_LLC_sample.xml": (
        "N-PX",
        "2024-06-30",
        "2025-01-27",
        "KIM, LLC",
        "0001888968",
    ),
    "MuniAdvisors/goldman.MA-I.xml": (
        "MA-I/A",
        None,
        "2023-05-11",
        "GOLDMAN SACHS & CO. LLC",
        "0000769993",
    ),
    "effect.xml": ("EFFECT", None, None, "1st FRANKLIN FINANCIAL CORP", "0000038723"),
}


@pytest.mark.parametrize(("rel", "expected"), KEY_FIELDS.items())
def test_key_fields(rel, expected):
    x = form(DATA / rel)
    assert (x.form_type, x.period, x.signed, x.company, x.cik) == expected
    assert x.root == "edgarSubmission" or x.root == "ownershipDocument"


def test_24f2nt_key_fields():
    x = form(EDGARTOOLS / "tests/fixtures/funds/twentyfourf/single_block_advisors_inner_circle.xml")
    assert (x.form_type, x.period, x.company, x.cik) == (
        "24F-2NT",
        "2025-12-31",
        "ADVISORS' INNER CIRCLE FUND",
        "0000878719",
    )
    title = "Treasurer, Controller and Chief Financial Officer"  # split over two lines in the file
    assert x.signers == [Signer("Andrew Metzger", title, "2026-03-27")]
    assert x.filers == [
        Filer(
            "ADVISORS' INNER CIRCLE FUND",
            "0000878719",
            file_number="811-06400",
            business_state="PA",
        )
    ]


def test_24f2nt_title_repeating_the_name():
    x = form(
        EDGARTOOLS / "tests/fixtures/funds/twentyfourf/multi_block_bny_mellon_research_growth.xml"
    )
    assert x.signers == [
        Signer("Amanda Quinn", "Vice President and Assistant Secretary", "2026-05-11")
    ]


def test_ownership_filers_and_attorney_in_fact():
    x = form(
        CORPUS / "jadchaar+sec-edgar-downloader/tests/test_data/sample_filings/aapl-4-20201013.xml"
    )
    assert x.filers == [
        Filer("Apple Inc.", "0000320193", role="issuer"),
        Filer("Maestri Luca", "0001513362", role="reporting-owner"),
    ]
    assert x.signers == [
        Signer("Sam Whittington", "Attorney-in-Fact for Luca Maestri", "2020-10-13")
    ]


def test_two_reporting_owners_and_a_signature_without_title():
    x = form(DATA / "form3.snow.nonderiv.xml")
    owners = [(f.name, f.cik) for f in x.filers if f.role == "reporting-owner"]
    assert owners == [("BERKSHIRE HATHAWAY INC", "0001067983"), ("BUFFETT WARREN E", "0000315090")]
    # "/s/ Warren E. Buffett, on behalf of himself and each other reporting person hereunder"
    assert x.signers == [Signer("Warren E. Buffett", None, "2020-09-28")]


@pytest.mark.parametrize(
    ("signature", "name", "title"),
    [
        ("/s/ Nicholas De La Cruz, Attorney-in-Fact", "Nicholas De La Cruz", "Attorney-in-Fact"),
        ("/S/ John Smith, Jr.", "John Smith, Jr.", None),
        ("By: /s/ Jane Roe, as Chief Executive Officer", "Jane Roe", "Chief Executive Officer"),
        ("Mary Major", "Mary Major", None),
        ("/s/ Major, Mary", "Major, Mary", None),
        ("/s/ Lauren Walz, as attorney-in-fact for X", "Lauren Walz", "attorney-in-fact for X"),
    ],
)
def test_ownership_signature_names(signature, name, title):
    xml = f"""<ownershipDocument><documentType>4</documentType>
    <issuer><issuerCik>1234</issuerCik><issuerName>X Corp</issuerName></issuer>
    <ownerSignature><signatureName>{signature}</signatureName>
    <signatureDate>2024-01-02</signatureDate></ownerSignature></ownershipDocument>"""
    x = read_xml_form(xml)
    assert x.signers == [Signer(name, title, "2024-01-02")]
    assert x.cik == "0000001234"


def test_form_d_issuers_and_signers():
    x = form(DATA / "D.APFund.xml")
    assert [(f.role, f.cik) for f in x.filers] == [
        ("issuer", "0001958740"),
        ("issuer", "0001963203"),
    ]
    # Two <signature> blocks by the same person, one per issuer: one signer.
    title = "Authorized Officer of the Manager of the Issuer's GP"
    assert x.signers == [Signer("Cathy Bui", title, "2023-01-30")]


def test_form_c_signers_merge_issuer_and_person_signatures():
    x = form(DATA / "xml/alto.FormC.xml")
    assert x.signers[0] == Signer("Will Coleman", "CEO and Chairman of the Board", "2024-03-26")
    assert len(x.signers) == 5


def test_13f_signature_block_and_filer():
    x = form(DATA / "metlife.13F-HR.primarydoc.xml")
    assert x.signers == [Signer("Steven Goulart", "EVP & Chief Investment Officer", "2023-03-22")]
    assert x.filers == [
        Filer("METLIFE INC", "0001099219", file_number="028-18621", business_state="NY")
    ]


def test_144_with_namespace_prefixes():
    x = form(DATA / "xml/apple.144.xml")  # every element is <ns2:...>
    assert x.filers == [
        # the 144's secFileNumber is the issuer's, where EDGAR's header files it too
        Filer(
            "Apple Inc.", "0000320193", role="issuer", file_number="001-36743", business_state="CA"
        ),
        Filer("Luca Maestri", "0001513362"),
    ]
    assert "securitiesClassTitle: Common" in x.text
    assert "name: Goldman Sachs & Co. LLC" in x.text


def test_text_has_names_securities_footnotes_addresses():
    text = form(DATA / "ownership/374WaterForm4.xml").text
    for line in (
        "issuerName: 374Water Inc.",
        "rptOwnerName: Melkote Rajesh Ramaswamy",
        "rptOwnerCity: MORRISVILLE",
        "securityTitle: Common Stock (restricted stock units)",  # a <value> wrapper
        "underlyingSecurityTitle: Common Stock",
        "footnoteId: id=F1",
        "signatureName: /s/ Rajesh Melkote",
    ):
        assert line in text.splitlines()
    assert "footnote (id=F1): Vesting commencement date is March 31, 2025." in text


def test_information_tables_are_read_without_form_type():
    x = form(DATA / "xml/13F-HR.infotable.xml")
    assert (x.root, x.form_type, x.cik) == ("informationTable", None, None)
    assert "nameOfIssuer: 3M CO\ntitleOfClass: COM\ncusip: 88579Y101" in x.text
    x = form(DATA / "NPX/EDGAR Form N-PX XML Samples/ProxyVoteTable.xml")
    assert x.root == "proxyVoteTable" and "issuerName: Issuer Name" in x.text


def test_unknown_xml_is_generic():
    x = form(DATA / "derivative_holding.xml")
    assert (x.root, x.form_type, x.company, x.filers, x.signers) == (
        "derivativeHolding",
        None,
        None,
        [],
        [],
    )
    assert "securityTitle: Series E Preferred Stock" in x.text


def test_noise_is_left_out_of_text():
    text = form(DATA / "nport/samples/N-PORT Sample 1.xml").text
    assert "ccc:" not in text and "XXXXXXXX" not in text
    assert "contents:" not in text  # base64 attachments


@pytest.mark.parametrize(
    "path",
    [
        DATA / "WatersCorp.8-K.xbrl.xml",
        EDGARTOOLS / "tests/fixtures/attachments/aapl/20250329/aapl-20250329_htm.xml",
    ],
)
def test_xbrl_instances_are_not_filings(path):
    with pytest.raises(NotAFiling, match="XBRL instance document"):
        form(path)


def test_html_named_xml_is_a_parse_error():
    with pytest.raises(ParseError, match="HTML"):
        form(DATA / "form.13FHR.xml")


@pytest.mark.parametrize("xml", ["", "not xml at all", "   \n", "<"])
def test_unparseable_xml(xml):
    with pytest.raises(ParseError, match="XML"):
        read_xml_form(xml)


def test_broken_xml_is_recovered():
    x = read_xml_form("<ownershipDocument><documentType>4</documentType><issuer>")
    assert x.form_type == "4"


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        "<ownershipDocument><remarks>a &e; b</remarks></ownershipDocument>"
    )
    assert "TOPSECRET" not in read_xml_form(xml).text


def test_sgml_xml_wrapper_and_leading_blank_line():
    x = read_xml_form(
        '<XML>\n\n<?xml version="1.0"?>\n<edgarSubmission>'
        "<submissionType>D</submissionType></edgarSubmission>\n</XML>\n"
    )
    assert x.form_type == "D"


@pytest.mark.parametrize("rel", corpus_cases(ALL_XML))
def test_every_corpus_xml_reads_or_is_refused(rel):
    try:
        x = form(CORPUS / rel)
    except (NotAFiling, ParseError):
        return
    assert isinstance(x, XmlForm) and x.text
    assert "<" not in x.text.replace("<=", "")


def test_form_d_states_where_its_issuer_is_and_what_it_was_called() -> None:
    # Shepherd's Finance's D/A: <jurisdictionOfInc>DELAWARE, an address in FL, a previous name
    (issuer,) = form(DATA / "D.Shepards.xml").filers
    assert (issuer.state_of_incorporation, issuer.business_state) == ("DE", "FL")
    assert [f.name for f in issuer.former_names] == ["84 RE Partners, LLC"]


def test_form_c_states_of_its_issuer() -> None:
    # Pickleball Etc.'s Form C: <jurisdictionOrganization>CA, <issuerAddress> in CA
    (filer,) = form(DATA / "pickleball.FormC.xml").filers
    assert (filer.name, filer.state_of_incorporation, filer.business_state) == (
        "Pickleball Etc. LLC",
        "CA",
        "CA",
    )


def test_a_long_whitespace_run_before_the_end_parses_in_linear_time():
    """256 KB of blanks before </XML>: the old trailer regex backtracked quadratically."""
    xml = '<?xml version="1.0"?><ownershipDocument><documentType>4</documentType>'
    xml += " " * 256_000 + "</ownershipDocument>" + "\n" * 256_000 + "</XML>"
    start = time.monotonic()
    form = read_xml_form(xml)
    assert form.form_type == "4"
    assert time.monotonic() - start < 10  # a hang bound, not a speed figure
