"""Security of the web app: filing markup never reaches a page as markup, the sanitized original
is stripped and served under its strict policy, and pages carry their security headers."""

from __future__ import annotations

import pytest

from indexer.indexing.builder import build
from tests.webapp_pages import close_index, soup
from webapp import create_app
from webapp.security import marked, sanitize
from webapp.textview import blocks, text_view

CATERPILLAR_8K = "0000018230-22-000107"
# the strict policy of a sanitized original, directive by directive
DOCUMENT_DIRECTIVES = {
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src data:",
    "sandbox",
}


@pytest.fixture(scope="module")
def client(corpus_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    yield app.test_client()
    close_index(app)


def get_html(client, url: str):
    resp = client.get(url)
    assert resp.status_code == 200, resp.data[:500]
    return soup(resp.data)


# ---------------------------------------------------------------- headers and the original


def test_original_view_is_a_sandboxed_frame(client):
    page = get_html(client, f"/filings/{CATERPILLAR_8K}?view=original")
    frame = page.select_one("iframe.original")
    assert frame.has_attr("sandbox") and not frame["sandbox"]  # no allow-* token
    assert frame["src"] == f"/filings/{CATERPILLAR_8K}/documents/1/original"
    resp = client.get(frame["src"])
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    directives = {d.strip() for d in resp.headers["Content-Security-Policy"].split(";")}
    assert directives >= DOCUMENT_DIRECTIVES
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    doc = soup(resp.data)
    assert "CATERPILLAR" in doc.get_text()
    assert not doc.select("script, iframe, object, embed, ix\\:header, link, meta[http-equiv]")


def test_security_headers_on_pages(client):
    resp = client.get("/search?q=revenue")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


# ---------------------------------------------------------------- markup in filings

EVIL_NAME = "EVIL <img src=x onerror=alert(1)> CORP"
EVIL_SUBMISSION = """<SEC-DOCUMENT>0000999999-24-000001.txt : 20240105
<SEC-HEADER>0000999999-24-000001.hdr.sgml : 20240105
ACCESSION NUMBER:\t\t0000999999-24-000001
CONFORMED SUBMISSION TYPE:\t8-K
PUBLIC DOCUMENT COUNT:\t\t1
CONFORMED PERIOD OF REPORT:\t20240105
ITEM INFORMATION:\t\tRegulation FD Disclosure
FILED AS OF DATE:\t\t20240105

FILER:

\tCOMPANY DATA:\t
\t\tCOMPANY CONFORMED NAME:\t\t\t{evil_name}
\t\tCENTRAL INDEX KEY:\t\t\t0000999999
\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\tSERVICES [7370]
\t\tSTATE OF INCORPORATION:\t\t\tDE

\tBUSINESS ADDRESS:\t
\t\tSTATE:\t\tCA
</SEC-HEADER>
<DOCUMENT>
<TYPE>8-K
<SEQUENCE>1
<FILENAME>evil.htm
<TEXT>
<html><body>
<p>ITEM 7.01 REGULATION FD DISCLOSURE</p>
<p>Zanzibar revenue &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;
grew.</p>
<script>alert(2)</script><img src=x onerror=alert(3)><a href="javascript:alert(4)">click</a>
<p onclick="alert(5)" style="color:red; background:url(http://evil.example/x)">styled</p>
<iframe src="http://evil.example/"></iframe><object data="x.swf"></object>
</body></html>
</TEXT>
</DOCUMENT>
</SEC-DOCUMENT>
""".replace("{evil_name}", EVIL_NAME)
EVIL_ID = "0000999999-24-000001"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    src = tmp_path_factory.mktemp("evil-src")
    (src / f"{EVIL_ID}.txt").write_text(EVIL_SUBMISSION)
    root = tmp_path_factory.mktemp("evil-index")
    build([str(src)], root, jobs=1)
    app = create_app({"TESTING": True, "INDEX_DIR": str(root)})
    yield app.test_client()
    close_index(app)


def assert_inert(html: bytes) -> None:
    """No payload reaches a page as markup: every `<` of filing text arrives as `&lt;`."""
    text = html.decode()
    for payload in PAYLOADS:
        assert payload not in text
    page = soup(html)
    assert all(s.get("src", "").startswith("/static/") for s in page.select("script"))
    assert not page.select("img, iframe:not(.original), object, [onerror], [onclick]")


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=zanzibar",
        "/search?q=zanzibar+script",
        "/search",
        f"/filings/{EVIL_ID}?q=zanzibar+script",
        f"/filings/{EVIL_ID}?view=original",
        "/companies/999999",
        "/companies/999999?q=alert",
    ],
)
def test_markup_in_filings_is_escaped_in_every_page(evil_client, url):
    resp = evil_client.get(url)
    assert resp.status_code == 200
    assert_inert(resp.data)
    assert "&lt;img src=x onerror=alert(1)&gt;" in resp.data.decode()  # shown, as text


def test_escaped_text_still_shows_the_payload_as_text(evil_client):
    page = soup(evil_client.get(f"/filings/{EVIL_ID}").data)
    assert "<script>alert(1)</script>" in page.select_one("[data-doc-text]").get_text()
    hit = soup(evil_client.get("/search?q=zanzibar").data).select_one("p.snippet")
    assert "<img src=x onerror=alert(1)>" in hit.get_text()
    assert {t.name for t in hit.find_all(True)} <= {"mark"}


def test_sanitized_original_strips_scripts_and_handlers(evil_client):
    resp = evil_client.get(f"/filings/{EVIL_ID}/documents/1/original")
    assert resp.status_code == 200
    html = resp.data.decode()
    doc = soup(resp.data)
    assert not doc.select("script, iframe, object, embed")
    for tag in doc.find_all(True):
        assert not [a for a in tag.attrs if a.startswith("on")], tag
        assert "javascript:" not in tag.get("href", "") and not tag.get("src")
    assert "evil.example" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the text that only looks like a tag
    assert "Zanzibar" in html and 'style="color:red"' in html


@pytest.mark.parametrize(
    ("style", "kept"),
    [
        ("width: expression(alert(1))", None),
        ("background: url(javascript:alert(1))", None),
        ("background-image: URL ( 'https://evil.example/x.png' )", None),
        ("color: red; behavior: url(x.htc)", "color:red"),
        ("-moz-binding: url(x.xml#x); font-weight: bold", "font-weight:bold"),
        ("color: red; width: exp/**/ression(alert(1))", None),
        ("color: red; width: e\\78pression(alert(1))", None),
        ("background: image-set('x.png' 1x)", None),
        ("color: blue; text-align: center", "color:blue;text-align:center"),
    ],
)
def test_sanitizer_drops_style_values_that_run_or_fetch(style, kept):
    out = sanitize(f'<p style="{style}">x</p>')
    assert out == (f'<p style="{kept}">x</p>' if kept else "<p>x</p>")


def test_marked_filter_lets_only_mark_through():
    assert marked("a <mark>b</mark> &amp; c") == "a <mark>b</mark> &amp; c"
    assert marked("<mark>b</mark><script>x</script>") == (
        "&lt;mark&gt;b&lt;/mark&gt;&lt;script&gt;x&lt;/script&gt;"
    )
    assert marked('<mark onclick="x">b</mark>').startswith("&lt;mark")
    assert marked(None) == ""


# ---------------------------------------------------------------- the text view


def test_text_view_blocks_keep_every_character():
    text = "Intro\nITEM 9. REGULATION FD DISCLOSURE\nfd text fd\nITEM 7. EXHIBITS\n"
    items = [{"code": "9", "normalized": "7.01"}, {"code": "7", "normalized": "9.01"}]
    view = text_view(text, items, [("fd",)])
    assert view["anchors"] == ["item-7.01", "item-9.01"]
    assert "".join(t for b in view["blocks"] for t, _ in b["parts"]) == text
    heading = next(b for b in view["blocks"] if b["anchor"] == "item-7.01")
    assert heading["parts"] == [
        ["ITEM 9. REGULATION ", ""],
        ["FD", "first"],
        [" DISCLOSURE", ""],
    ]
    assert view["matches"] == 3


def test_text_view_splits_a_match_across_a_heading_line():
    parts = blocks("ab\ncd", [(0, 2, "item-1.01")], [(1, 4)])
    assert parts == [
        {"anchor": "item-1.01", "parts": [["a", ""], ["b", "first"]]},
        {"anchor": None, "parts": [["\nc", "mark"], ["d", ""]]},
    ]
