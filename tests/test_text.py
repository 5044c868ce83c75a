"""Decoding, markup detection, HTML/iXBRL/plain text → clean text, and non-filing HTML/XML."""

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.edgar.text import (
    classify_html,
    classify_text,
    classify_xml,
    decode_bytes,
    detect_markup,
    html_to_text,
    is_r_page,
    is_uuencoded,
    plain_to_text,
)
from tests.corpus import CORPUS, COVER, EDGARTOOLS, HAS_CORPUS, SEED, needs_corpus

DATA = EDGARTOOLS / "data"
FIXTURES = EDGARTOOLS / "tests" / "fixtures"
# A <DOCUMENT> of a submission: its <TYPE> line and the content of its <TEXT>
DOCUMENT = re.compile(r"<DOCUMENT>\s*<TYPE>([^\n]*).*?<TEXT>\n?(.*?)</TEXT>", re.DOTALL)
# Anything left that looks like a tag: "<div", "</p>", "<ix:nonNumeric name=...>"
TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")

IXBRL_8K = {
    "cat": COVER / "18230/0000018230-22-000107/cat-20220428.htm",
    "aapl": COVER / "320193/0000320193-24-000005/aapl-20240201.htm",
    "iff": COVER / "51253/0001140361-25-017716/ef20048595_8k.htm",
    "orcl": COVER / "1341439/0001564590-22-023099/orcl-8k_20220613.htm",
    "so": COVER / "92122/0000092122-19-000063/soga8-kpscdecision12x19.htm",
}


def read(path) -> str:
    """Return a corpus file decoded the way the indexer decodes it."""
    return decode_bytes(path.read_bytes())


def documents(path) -> list[tuple[str, str]]:
    """Return (type, body) of each <DOCUMENT> of a submission file."""
    return [(t.strip(), body) for t, body in DOCUMENT.findall(read(path))]


def manifest(fmt: str) -> list[str]:
    """Return the corpus files MANIFEST.tsv lists with a format ("html", "xml", ...)."""
    if not HAS_CORPUS:  # one placeholder case, skipped with the reason
        return [pytest.param("", marks=needs_corpus, id="no-corpus")]
    rows = (line.split("\t") for line in (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:])
    return sorted(row[0] for row in rows if row[4] == fmt)


# --- decode_bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x93Quoted\x94 \x96 dash", "“Quoted” – dash"),  # cp1252 smart quotes, en dash
        (b"caf\xe9 na\xefve", "café naïve"),  # latin-1 letters (same bytes in cp1252)
        (b"a\x81b\x8dc\x90d", "abcd"),  # bytes cp1252 leaves undefined: latin-1 C1, dropped
        ("café “ok”".encode(), "café “ok”"),  # valid UTF-8 stays UTF-8
        (b"\xef\xbb\xbfBOM", "BOM"),
        (b"one\r\ntwo\rthree\n", "one\ntwo\nthree\n"),
        (b"a\x00b\x01c\x1bd\x7fe", "abcde"),  # NUL and other C0 controls
        ("x\u0085y\u009fz".encode(), "xyz"),  # C1 controls in UTF-8
        (b"tab\there\fpage", "tab\there\npage"),  # tab kept, form feed → newline
        ("“utf8” ".encode() + b"\x93cp1252\x94", "“utf8” “cp1252”"),  # one file, two encodings
    ],
)
def test_decode_bytes(data, expected):
    assert decode_bytes(data) == expected


@given(st.binary())
def test_decode_bytes_never_fails_and_leaves_no_controls(data):
    text = decode_bytes(data)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


@given(st.text())
def test_decode_bytes_keeps_utf8_text(text):
    clean = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text.replace("\r", "").replace("\f", ""))
    assert decode_bytes(clean.encode()) == clean.removeprefix("\ufeff")  # a BOM is dropped


def byte_by_byte(data: bytes) -> str:
    """What decode_bytes means: UTF-8 where valid, else each byte read as cp1252 on its own."""
    out, pos = [], 0
    while pos < len(data):
        try:
            out.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            out.append(data[pos : pos + err.start].decode("utf-8"))
            bad = data[pos + err.start : pos + err.end]
            out += [bytes([b]).decode("cp1252", errors="ignore") for b in bad]
            pos += err.end
    return "".join(out)


@given(
    st.lists(
        st.sampled_from(
            [
                b"a",
                b" ",
                b"\xa0",
                b"\x93",
                b"\xe2",
                b"\x80",
                b"\xc3",
                b"\xa9",
                b"\xf0\x9f\x92\xa5",
                b"\xff",
                b"\xc1",
                b"\xf4",
                "é".encode(),
                b"\x81",
            ]
        )
    ).map(b"".join)
)
def test_runs_of_bad_bytes_decode_as_byte_by_byte(data):
    """The fallback reads a whole run of bytes that cannot start UTF-8 at once; the result is
    the same as reading each bad byte alone."""
    without_c1 = re.sub(rb"\xc2[\x80-\x9f]", b"", data)  # C1 controls in UTF-8 go first
    assert decode_bytes(data) == byte_by_byte(without_c1)


def test_a_megabyte_of_cp1252_decodes_in_one_pass():
    data = b"a" + b"\xa0" * 2**20 + b"b"
    started = time.process_time()
    assert decode_bytes(data) == "a" + "\xa0" * 2**20 + "b"
    assert time.process_time() - started < 0.5  # a hang bound: 2 s before, milliseconds now


# --- detect_markup / is_uuencoded -----------------------------------------------------------


@pytest.mark.parametrize("rel", manifest("html"))
def test_html_files_are_html(rel):
    assert detect_markup(read(CORPUS / rel)) == "html"


@pytest.mark.parametrize("rel", manifest("xml"))
def test_xml_files_are_xml(rel):
    assert detect_markup(read(CORPUS / rel)) == "xml"


@pytest.mark.parametrize(
    "body",
    [
        "<XBRL>\n<?xml version='1.0' encoding='ASCII'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>",
        "<HTML><HEAD><TITLE>8-K</TITLE></HEAD>",
        "\n<p>A fragment</p>\n",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>',
    ],
)
def test_detect_markup_html(body):
    assert detect_markup(body) == "html"


@pytest.mark.parametrize(
    "body",
    [
        '<XML>\n<?xml version="1.0"?>\n<ownershipDocument>\n</ownershipDocument>\n',
        "<ownershipDocument>\n<schemaVersion>X0306</schemaVersion>\n</ownershipDocument>",
        '<XBRL>\n<?xml version="1.0" encoding="utf-8"?>\n<xbrl xmlns="http://www.xbrl.org/2003/instance">',
    ],
)
def test_detect_markup_xml(body):
    assert detect_markup(body) == "xml"


def test_old_text_documents_with_sgml_markers_are_text():
    old = documents(COVER / "1018724/0000891020-98-001352/0000891020-98-001352.txt")
    assert old and all(detect_markup(body) == "text" for _, body in old)
    assert "<TABLE>" in old[0][1] and "<S>" in old[0][1]  # the markers are there
    assert detect_markup(read(SEED)) == "text"
    assert detect_markup("<PAGE>   1\n<TABLE>\n<CAPTION>\n<S>     <C>\n</TABLE>\n") == "text"
    assert detect_markup("<TABLE> <S> <C>\n<ARTICLE> 5\n<MULTIPLIER> 1,000\n</TABLE>\n") == "text"
    assert detect_markup("<R>\nRevised prospectus text\n</R>\n") == "text"  # 485 revision marks


def test_uuencoded_documents_of_a_real_submission():
    docs = documents(COVER / "1341439/0001564590-22-023099/0001564590-22-023099.txt")
    encoded = {kind for kind, body in docs if is_uuencoded(body)}
    assert encoded == {"GRAPHIC", "EXCEL", "ZIP"}
    assert any(body.lstrip().startswith("begin 644 ") for _, body in docs)
    assert not is_uuencoded(dict(docs)["8-K"])


def test_pdf_payload_is_encoded():
    assert is_uuencoded("<PDF>\nbegin 644 doc.pdf\nM)5!$1BTQ+C0*)>+CS],*\n")
    assert is_uuencoded("\n<PDF>\nJVBERi0xLjQKJeLjz9MKMSAwIG9iago8PC9UeXBlIC9DYXRhbG9n\n")
    assert not is_uuencoded(read(SEED))


# --- html_to_text ---------------------------------------------------------------------------


def test_hidden_ixbrl_header_feeds_facts_but_not_text():
    text, facts = html_to_text(read(IXBRL_8K["cat"]))
    assert facts["EntityCentralIndexKey"] == "0000018230"
    assert "0000018230" not in text  # only in the hidden ix:header
    assert "CATERPILLAR INC." in text
    assert "Item 2.02. Results of Operations and Financial Condition." in text


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("aapl", ("8-K", "Apple Inc.", "0000320193", "February 1, 2024", "California")),
        (
            "iff",
            (
                "8-K",
                "INTERNATIONAL FLAVORS & FRAGRANCES INC",
                "0000051253",
                "May 1, 2025",
                "New York",
            ),
        ),
        ("orcl", ("8-K", "Oracle Corporation", "0001341439", "June 13, 2022", "Delaware")),
        # Two registrants (Southern Company, Georgia Power): the first one's facts win.
        ("so", ("8-K", "The Southern Company", "0000092122", "December 17, 2019", "Delaware")),
        ("cat", ("8-K", "CATERPILLAR INC.", "0000018230", "April 28, 2022", "Delaware")),
    ],
)
def test_dei_cover_facts(key, expected):
    _, facts = html_to_text(read(IXBRL_8K[key]))
    names = (
        "DocumentType",
        "EntityRegistrantName",
        "EntityCentralIndexKey",
        "DocumentPeriodEndDate",
        "EntityIncorporationStateCountryCode",
    )
    assert tuple(facts[name] for name in names) == expected
    assert facts["AmendmentFlag"] == "false"


def test_more_dei_facts():
    _, facts = html_to_text(read(IXBRL_8K["aapl"]))
    assert facts["EntityFileNumber"] == "001-36743"
    assert facts["EntityTaxIdentificationNumber"] == "94-2404110"
    _, facts = html_to_text(read(DATA / "Delaware.485BPOS.html"))
    assert facts["DocumentType"] == "485BPOS"
    assert facts["EntityInvCompanyType"] == "N-1A"


def test_documents_without_ixbrl_have_no_facts():
    assert html_to_text(read(COVER / "320193/0001193125-11-009392/d8k.htm"))[1] == {}


@pytest.mark.parametrize("rel", manifest("html"))
def test_no_tags_blank_runs_or_loose_spaces_left(rel):
    text, _ = html_to_text(read(CORPUS / rel))
    assert not TAG.search(text)
    assert "\n\n\n" not in text
    assert not re.search(r"[ \t]+$", text, re.MULTILINE)
    assert "\xa0" not in text and "\u200b" not in text


def test_table_cells_and_rows():
    text, _ = html_to_text(read(DATA / "html" / "OneTable.html"))
    assert (
        text == "Header 1 | Header 2\nRow 1, Cell 1 | Row 1, Cell 2\nRow 2, Cell 1 | Row 2, Cell 2"
    )


def test_cover_page_table_is_one_line_per_row():
    text, _ = html_to_text(read(IXBRL_8K["aapl"]))
    assert "California | 001-36743 | 94-2404110" in text.splitlines()


def test_scripts_styles_comments_and_hidden_blocks_are_dropped():
    html = """<html><head><title>T</title><style>.warning { color: red }</style>
    <script>var secret = 1;</script></head><body><!-- a comment -->
    <p>Visible&nbsp;text &amp; more&#8217;s</p><div style="display: none">hidden</div>
    <noscript>noscript</noscript><p>Second<br>line</p></body></html>"""
    text, _ = html_to_text(html)
    assert text == "Visible text & more’s\n\nSecond\nline"


def test_real_scripts_and_styles_are_gone():
    text, _ = html_to_text(read(DATA / "html" / "aapl-R3.html"))
    assert "toggleNextSibling" not in text and "Net sales" in text
    text, _ = html_to_text(read(DATA / "html" / "HtmlWithNoBody.html"))
    assert ".warning" not in text and "font-weight" not in text


def test_content_after_closing_html_tag_is_kept():
    # HtmlWithNoBody.html ends its <html> after the <head>; the whole form follows it.
    text, _ = html_to_text(read(DATA / "html" / "HtmlWithNoBody.html"))
    assert "3(a). Full Name of Registrant: | DB SERVICES AMERICAS INC /TA" in text
    assert len(text) > 500_000


def test_pre_keeps_its_layout():
    text, _ = html_to_text(read(DATA / "html" / "document-with-pre.html"))
    lines = text.splitlines()
    assert lines[0].strip() == "UNITED STATES" and lines[0].startswith(" " * 40)
    assert any(re.match(r" +Delaware {20,}000-30432 {20,}22-2335094$", line) for line in lines)
    assert "Item - 5.02 Departure of Directors" in text


def test_broken_and_empty_markup():
    assert html_to_text("") == ("", {})
    assert html_to_text("   \n") == ("", {})
    text, _ = html_to_text("<p>Open <b>bold<td>cell</i></table>& stray < sign")
    assert "Open bold" in text and "cell" in text and "stray < sign" in text


@needs_corpus
def test_largest_html_is_fast():
    path = max((CORPUS / rel for rel in manifest("html")), key=lambda p: p.stat().st_size)
    html = read(path)
    start = time.perf_counter()
    text, _ = html_to_text(html)
    assert time.perf_counter() - start < 2.0  # about 0.2 s here; generous for busy machines
    assert len(text) > 100_000


# --- plain_to_text --------------------------------------------------------------------------


def test_plain_text_drops_page_markers_and_keeps_layout():
    raw = read(SEED)
    text = plain_to_text(raw)
    assert "<PAGE>" in raw and "<PAGE>" not in text
    assert not re.search(r"[ \t]+$", text, re.MULTILINE)
    assert "\n\n\n\n" not in text
    kept = [line.rstrip() for line in raw.splitlines() if "<PAGE>" not in line and line.strip()]
    assert [line for line in text.splitlines() if line.strip()] == kept


def test_plain_text_sgml_table_markers():
    _, body = documents(COVER / "1018724/0000891020-98-001352/0000891020-98-001352.txt")[0]
    text = plain_to_text(body)
    assert not re.search(r"</?(?:S|C|TABLE|CAPTION|FN|PAGE)>", text)
    assert re.search(r"^  Cash and equivalents {20,}\$ 1,576,716 {7}\$ 2,415,200$", text, re.M)


def test_plain_text_markers_inside_lines_keep_columns():
    body = "<TABLE>\n<CAPTION>\n<S>   <C>\nName  Value\n<S>a   <C>1\n</TABLE>\n\n\n\n\nEnd   \n"
    assert plain_to_text(body) == "Name  Value\n   a      1\n\n\nEnd"


# --- not filing documents -------------------------------------------------------------------

NOT_FILINGS = {
    "dgunning+edgartools/data/html/aapl-R3.html": "R page",
    "dgunning+edgartools/data/html/aapl-R4.html": "R page",
    "dgunning+edgartools/data/html/att-R3.htm": "R page",
    "dgunning+edgartools/data/html/MSFT-Property.html": "R page",
    "dgunning+edgartools/tests/fixtures/issues/regression/issue_818/adi_2019_R2.htm": "R page",
    "dgunning+edgartools/tests/fixtures/issues/regression/issue_818/adsk_2019_R2.htm": "R page",
    "dgunning+edgartools/data/html/OneTable.html": "fragment",
    "dgunning+edgartools/data/html/TwoTables.html": "fragment",
    "dgunning+edgartools/data/html/LineBreaks.html": "fragment",
    "dgunning+edgartools/data/table-sample.html": "fragment",
    "dgunning+edgartools/data/html/Headings-Snippet.html": "fragment",
    "dgunning+edgartools/data/html/424-Snippet.html": "fragment",
    "dgunning+edgartools/data/html/SpansInsideDiv.html": "fragment",
    "dgunning+edgartools/data/html/TableInsideDiv.html": "fragment",
    "dgunning+edgartools/data/html/AppleTable.html": "fragment",
    "dgunning+edgartools/data/OracleTable.html": "fragment",
    "dgunning+edgartools/tests/fixtures/forms/sec_forms_page0.html": "fragment",
}

FILING_DOCUMENTS = [
    "dgunning+edgartools/tests/fixtures/attachments/aapl/20250329/a10-qexhibit31103292025.htm",
    "dgunning+edgartools/tests/fixtures/attachments/aapl/20250329/a10-qexhibit32103292025.htm",
    "dgunning+edgartools/tests/fixtures/ex21_aapl.html",
    "dgunning+edgartools/data/html/document-with-pre.html",
    "dgunning+edgartools/data/html/HtmlWithNoBody.html",
    "dgunning+edgartools/data/html/BuckleInc.8-K.html",
    "dgunning+edgartools/data/html/SG-13G-DOCUMENT-WITH-TEXT.html",
    "dgunning+edgartools/data/form4.Evans.html",
    "dgunning+edgartools/data/form.6k.Athena.html",
    "dgunning+edgartools/data/Delaware.485BPOS.html",
    "dgunning+edgartools/tests/fixtures/parity_gate/8-K/0001104659-03-004925.html",
    *(str(path.relative_to(CORPUS)) for path in sorted(COVER.glob("*/*/*.htm"))),
]


@pytest.mark.parametrize(("rel", "reason"), NOT_FILINGS.items())
def test_r_pages_and_fragments_are_not_filings(rel, reason):
    assert reason in (classify_html(read(CORPUS / rel)) or "")


@pytest.mark.parametrize("rel", FILING_DOCUMENTS)
def test_filing_documents_pass(rel):
    assert classify_html(read(CORPUS / rel)) is None


def test_html_documents_inside_submissions_pass():
    path = COVER / "1341439/0001564590-22-023099/0001564590-22-023099.txt"
    kinds = dict(documents(path))
    assert kinds["8-K"].startswith("<XBRL>")  # an iXBRL document in its SGML wrapper
    assert classify_html(kinds["8-K"]) is None
    assert classify_html(kinds["EX-99.1"]) is None
    assert html_to_text(kinds["8-K"])[1]["EntityRegistrantName"] == "Oracle Corporation"


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "attachments/aapl/20250329/aapl-20250329_htm.xml",
        DATA / "WatersCorp.8-K.xbrl.xml",
    ],
)
def test_xbrl_instances_are_not_filings(path):
    assert classify_xml(read(path)) == "XBRL instance document"


def test_xbrl_support_documents_of_a_submission():
    reasons = {
        kind: classify_xml(body) or classify_text(body) or classify_html(body)
        for kind, body in documents(COVER / "18230/0000018230-22-000107/0000018230-22-000107.txt")
        if not is_uuencoded(body) and not kind.startswith(("8-K", "EX-99"))
    }
    assert "XBRL schema" in reasons["EX-101.SCH"]
    assert "XBRL linkbase" in reasons["EX-101.LAB"]
    assert all(reasons.values()), reasons  # instance, R pages, FilingSummary, Show.js, css, json


@pytest.mark.parametrize(
    "rel",
    [r for r in manifest("xml") if not HAS_CORPUS or "xbrl" not in read(CORPUS / r)[:300]],
)
def test_xml_forms_are_not_xbrl(rel):
    assert classify_xml(read(CORPUS / rel)) is None


def test_plain_documents_are_not_support_files():
    old = documents(COVER / "1018724/0000891020-98-001352/0000891020-98-001352.txt")
    assert all(classify_text(body) is None for _, body in [("8-K", read(SEED)), *old])


def test_layout_cell_holding_paragraphs_keeps_them_apart():
    html = "<table><tr><td><p>One.</p><p>Two.</p><p>Three.</p></td></tr></table>"
    assert html_to_text(html)[0] == "One.\n\nTwo.\n\nThree."
    html = "<table><tr><td><p>Delaware</p></td><td><p>1-768</p></td></tr></table>"
    assert html_to_text(html)[0] == "Delaware | 1-768"


def test_text_wrapped_in_a_few_tags_keeps_its_lines():
    # A 2001 20-F: plain text inside <html><body><div>, no <pre>.
    text, _ = html_to_text(read(FIXTURES / "parity_gate/20-F/0000928385-01-500187.html"))
    assert "\n                                  AEGON N.V.\n" in text
    assert max(len(line) for line in text.splitlines()) < 1000


def test_r_page_inside_a_submission_is_told_apart() -> None:
    # Oracle's 2022 8-K files R1.htm, the viewer's page of its cover facts, as <TYPE>XML
    path = COVER / "1341439/0001564590-22-023099/0001564590-22-023099.txt"
    docs = documents(path)
    r1 = next(body for kind, body in docs if kind == "XML")  # the first XML document: R1.htm
    assert is_r_page(r1)
    assert not any(is_r_page(body) for kind, body in docs if kind in ("8-K", "EX-99.1"))
    assert is_r_page(read(DATA / "html/aapl-R3.html"))
