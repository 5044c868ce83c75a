"""XSS: filings carrying script payloads, indexed, served, and viewed in Chromium on every page.

Generated SGML submissions put payloads where filing data reaches a page: company and former
names, a second filer, document types, filenames and descriptions, exhibit lists, signer names
and titles, item text, and the text a search quotes as a snippet; the documents' own markup
carries every payload kind (script tags, event handlers, `javascript:` and `data:` URLs, SVG,
CSS expressions, broken and mutation markup). Every payload would set `window.__xss` and open a
dialog. Each page — searches for the payload words, every facet toggle, filing pages (text and
original views, each document), sanitized originals, company pages, error pages and the JSON
twins — is loaded in Chromium: no dialog opens, `window.__xss` stays undefined in every frame, no
CSP violation is reported (nothing reached the page as markup for the policy to stop), and every
filing view and original document carries its Content-Security-Policy.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
from bs4 import BeautifulSoup

from indexer.indexing.builder import build
from tests.webapp_browser import serve
from tests.webapp_pages import close_index
from webapp import create_app

pytestmark = pytest.mark.browser

JS = "window.__xss=1;alert(1)"
# Markup payloads, each one running JS if it ever reached a page or frame as markup
PAYLOADS = [
    f"<script>{JS}</script>",
    f"<img src=x onerror={JS}>",
    f'<img src="x" onerror="{JS}">',
    f"<svg onload={JS}>",
    f"<svg/onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f'<a href="javascript:{JS}">click me</a>',
    f'<a href="JaVaScRiPt&colon;{JS}">click me too</a>',
    f'<iframe src="javascript:{JS}"></iframe>',
    '<iframe src="data:text/html,<script>parent.__xss=1;alert(1)</script>"></iframe>',
    f'<object data="data:text/html,<script>{JS}</script>"></object>',
    f'<embed src="data:text/html,<script>{JS}</script>">',
    f'<div style="background:url(javascript:{JS})">styled</div>',
    f'<div style="width: expression({JS})">expression</div>',
    f"<body onload={JS}>",
    f"<details open ontoggle={JS}>",
    f"<input autofocus onfocus={JS}>",
    f'<form action="javascript:{JS}"><button>go</button></form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    '<base href="javascript:/">',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{JS}">',
    f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f'"><script>{JS}</script>',
    f"'><img src=x onerror={JS}>",
    f"</title><script>{JS}</script>",
    f"</textarea><script>{JS}</script>",
    f"<!--<img src=--><img src=x onerror={JS}//-->",
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    f"<img src=x onerror={JS}//",
    f"<<script>script>{JS}<</script>/script>",
]
# One-line payloads for header values and list entries
SHORT = [
    f"<script>{JS}</script>",
    f"<img src=x onerror={JS}>",
    f'"><svg onload={JS}>',
    f"'><details open ontoggle={JS}>",
    f"javascript:{JS}",
    f'" autofocus onfocus="{JS}" x="',  # no "<": what a <DESCRIPTION> value keeps
]
WORDS = ("zanzibar", "quixotic")  # words near the payloads, searched for to make snippets
CIKS = ("0000999991", "0000999992")
ACCESSIONS = ("0000999991-24-000001", "0000999992-24-000007")


def header(accession: str, form: str, filers: list[tuple[str, str, str]]) -> str:
    """An SGML header; filers are (role, name, CIK) with a former name each."""
    blocks = []
    for role, name, cik in filers:
        blocks.append(
            f"{role}:\n\n\tCOMPANY DATA:\t\n"
            f"\t\tCOMPANY CONFORMED NAME:\t\t\t{name}\n"
            f"\t\tCENTRAL INDEX KEY:\t\t\t{cik}\n"
            "\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\tSERVICES-PREPACKAGED SOFTWARE [7372]\n"
            "\t\tSTATE OF INCORPORATION:\t\t\tDE\n\n"
            "\tBUSINESS ADDRESS:\t\n\t\tSTREET 1:\t\t" + SHORT[2] + "\n\t\tSTATE:\t\tCA\n\n"
            "\tFORMER COMPANY:\t\n"
            f"\t\tFORMER CONFORMED NAME:\t{SHORT[1]} HOLDINGS\n"
            "\t\tDATE OF NAME CHANGE:\t20010101\n\n"
        )
    return (
        f"<SEC-HEADER>{accession}.hdr.sgml : 20240105\n"
        f"ACCESSION NUMBER:\t\t{accession}\n"
        f"CONFORMED SUBMISSION TYPE:\t{form}\n"
        "PUBLIC DOCUMENT COUNT:\t\t3\n"
        "CONFORMED PERIOD OF REPORT:\t20240105\n"
        "ITEM INFORMATION:\t\tRegulation FD Disclosure\n"
        "ITEM INFORMATION:\t\tFinancial Statements and Exhibits\n"
        "FILED AS OF DATE:\t\t20240105\n\n" + "".join(blocks) + "</SEC-HEADER>\n"
    )


def document(doc_type: str, seq: int, filename: str, description: str, text: str) -> str:
    return (
        f"<DOCUMENT>\n<TYPE>{doc_type}\n<SEQUENCE>{seq}\n<FILENAME>{filename}\n"
        f"<DESCRIPTION>{description}\n<TEXT>\n{text}\n</TEXT>\n</DOCUMENT>\n"
    )


def html_document(word: str, company: str) -> str:
    """The primary document: every payload as markup, the same quoted as text, and (as text)
    an exhibit list and a signature block with payloads in the signer's name and title."""
    quoted = " ".join(html.escape(p) for p in PAYLOADS)
    markup = "\n".join(f"<p>{word} markup {i}: {p}</p>" for i, p in enumerate(PAYLOADS))
    return (
        f"<html><head><title>{SHORT[0]}</title><script>{JS}</script>"
        f"<style>body {{ background: url(javascript:{JS}) }}</style></head>\n"
        f'<body onload="{JS}">\n<p>ITEM 7.01 REGULATION FD DISCLOSURE</p>\n'
        f"<p>The {word} company said {quoted} in its release.</p>\n"
        f"<pre>{html.escape(closing_text(company))}</pre>\n"
        f'<p style="color:red; background-image:url(http://evil.example/x.png)">styled</p>\n'
        f'<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">\n'
        f"{markup}\n</body></html>"  # last: an unclosed <style> among them hides what follows
    )


def closing_text(company: str) -> str:
    """An 8-K's exhibit list and signature block, payloads in the entries and the signer."""
    return "\n".join(
        [
            "Item 9.01 Financial Statements and Exhibits.",
            "",
            "(d) Exhibits",
            "",
            f"99.1   Press release {SHORT[1]} dated January 5, 2024",
            f'99.2   "{SHORT[0]}" investor presentation',
            "",
            "SIGNATURES",
            "",
            "Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant",
            "has duly caused this report to be signed on its behalf by the undersigned.",
            "",
            company,
            "",
            "By: /s/ Mallory D'Jones",  # the parser takes no markup in a name: a quote only
            "Name: Mallory D'Jones",
            f"Title: Chief {SHORT[2]} Officer",
            "Date: January 5, 2024",
        ]
    )


def exhibit_document(word: str) -> str:
    """An exhibit whose text (escaped in a <pre>) quotes payloads."""
    lines = [
        "EXHIBIT 99.1",
        f"The {word} announcement reads {PAYLOADS[0]} and {PAYLOADS[1]} verbatim.",
        f"{word} {SHORT[2]} {SHORT[3]}",
    ]
    return "<html><body><pre>" + html.escape("\n".join(lines)) + "</pre></body></html>"


def submission(n: int) -> str:
    accession, cik, word = ACCESSIONS[n], CIKS[n], WORDS[n]
    company = f"EVIL {SHORT[n]} CORP"
    filers = [("FILER", company, cik), ("SUBJECT COMPANY", f"OTHER {SHORT[3]} INC", "0000999993")]
    docs = [
        document(
            "8-K", 1, f"evil{n}.htm", f"Current report {SHORT[4]}", html_document(word, company)
        ),
        document(
            "EX-99.1",
            2,
            f"ex99-{n}.htm",
            f"Press release {SHORT[5]}",
            exhibit_document(word),
        ),
        document("EX-99.2", 3, f"ex99b-{n}.htm", SHORT[0], html_document(word, company)),
    ]
    return (
        f"<SEC-DOCUMENT>{accession}.txt : 20240105\n"
        + header(accession, "8-K", filers)
        + "".join(docs)
        + "</SEC-DOCUMENT>\n"
    )


def write_filings(src: Path) -> None:
    src.mkdir(parents=True, exist_ok=True)
    for n, accession in enumerate(ACCESSIONS):
        (src / f"{accession}.txt").write_text(submission(n))


# ---------------------------------------------------------------- the server and the browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    src = tmp_path_factory.mktemp("xss-src")
    write_filings(src)
    root = tmp_path_factory.mktemp("xss-index")
    report = build([str(src)], root, jobs=1)
    assert report.filings_total == len(ACCESSIONS) and not report.failed
    app = create_app({"INDEX_DIR": str(root)})
    with serve(app) as url:
        yield url
    close_index(app)


# Installed before any page script: collects CSP violations (a payload that reached the page as
# markup and was stopped by the policy) in every frame that runs scripts at all
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));
"""


# Two turns of the event loop: what autofocus, <details open> and timers set to run on load
# have run by then (the event loop, not a guessed sleep)
SETTLE = "() => new Promise(done => setTimeout(() => setTimeout(done, 0), 0))"


class Visit:
    """One browser context visiting pages; records dialogs, responses and what each page ran."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url)
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(WATCH_CSP)
        self.dialogs: list[str] = []
        self.loaded = 0  # pages loaded and checked
        self.responses: list[tuple[str, int, dict]] = []
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("response", lambda r: self.responses.append((r.url, r.status, r.headers)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def load(self, url: str) -> list[str]:
        """Load a page; return what went wrong on it."""
        resp = self.page.goto(url, wait_until="load")
        policy = (resp.headers.get("content-security-policy") if resp else None) or ""
        if "sandbox" not in policy:  # a sandboxed document runs no script, sets no timer
            self.page.evaluate(SETTLE)  # focus, toggle and timer handlers have run by now
        self.loaded += 1
        problems = [d for d in self.dialogs]
        self.dialogs.clear()
        for frame in self.page.frames:
            state = frame_state(frame)
            if state["xss"] is not None:
                problems.append(f"window.__xss set in {frame.url}")
            if state["csp"]:
                problems.append(f"CSP violations in {frame.url}: {state['csp'][:3]}")
            if state["markup"]:
                problems.append(f"live markup in {frame.url}: {state['markup'][:3]}")
        return [f"{url}: {p}" for p in problems]

    def links(self, selector: str = "a[href]") -> list[str]:
        hrefs = self.page.locator(selector).evaluate_all("els => els.map(e => e.href)")
        return [h for h in hrefs if h.startswith(self.base_url)]

    def close(self) -> None:
        self.context.close()


# Read in each frame: window.__xss, the CSP violations, and markup that could run script if a
# policy did not stop it (event handlers, script URLs, inline scripts, foreign frames)
FRAME_STATE = """() => ({
  xss: window.__xss === undefined ? null : String(window.__xss),
  csp: window.__cspViolations || [],
  markup: [...document.querySelectorAll(
      'script:not([src^="/static/"]), iframe:not(.original), object, embed, base, '
      + 'meta[http-equiv], *[style*="url("]'),
    ...[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(
      a => /^on/i.test(a.name) || /^\\s*(javascript|vbscript|data:text)/i.test(a.value)))
  ].map(e => e.outerHTML.slice(0, 100)),
})"""


def frame_state(frame) -> dict:
    """Read a frame's FRAME_STATE (a sandboxed frame runs no script of its own; the browser's
    debugging protocol still reads it)."""
    try:
        return frame.evaluate(FRAME_STATE)
    except Exception as e:  # a frame that cannot be evaluated has run nothing
        if "sandbox" in str(e).lower() or "not allowed" in str(e).lower():
            return {"xss": None, "csp": [], "markup": []}
        raise


@pytest.fixture(scope="module")
def visit(browser, base_url):
    v = Visit(browser, base_url)
    yield v
    v.close()


# ---------------------------------------------------------------- the pages


def search_urls() -> list[str]:
    qs = [*WORDS, " ".join(WORDS), "release", "evil", "mallory", "script", "onerror", "svg"]
    qs += [SHORT[0], SHORT[2], PAYLOADS[22], "zanzibr"]  # the query echoed; a did-you-mean
    urls = ["/", "/search"] + [f"/search?q={quote(q)}" for q in qs]
    urls += [f"/search?q={quote(WORDS[0])}&company_name={quote(f'EVIL {SHORT[0]} CORP')}"]
    urls += [f"/search?signer={quote('mallory')}", f"/search?exhibit={quote('99.1')}"]
    return urls


def filing_urls(fid: str, documents: int = 3) -> list[str]:
    urls = [f"/filings/{fid}", f"/filings/{fid}?q={quote(WORDS[0] + ' script')}"]
    for n in range(1, documents + 1):
        urls += [f"/filings/{fid}?doc={n}&q=onerror", f"/filings/{fid}?doc={n}&view=original"]
        urls += [f"/filings/{fid}/documents/{n}/original"]
    return urls


def company_urls(cik: str) -> list[str]:
    short = cik.lstrip("0")
    return [f"/companies/{short}", f"/companies/{short}?q={quote(WORDS[0])}"]


ERROR_URLS = [
    f"/search?sort={quote(SHORT[0])}",
    f"/search?page={quote(SHORT[1])}",
    f"/search?q={quote('(' + SHORT[0])}",
    f"/search?filed_from={quote(SHORT[2])}",
    f"/filings/{quote(SHORT[0], safe='')}",
    f"/companies/{quote(SHORT[1], safe='')}",
    f"/no-such-page/{quote(SHORT[0], safe='')}",
]
JSON_URLS = [
    f"/search.json?q={WORDS[0]}",
    f"/filings/{ACCESSIONS[0]}.json?q={WORDS[0]}",
    f"/companies/{CIKS[0].lstrip('0')}.json",
    f"/LATEST/search-index?q={WORDS[0]}",
    f"/search.json?sort={quote(SHORT[0])}",
]


def assert_no_problems(visit: Visit, urls: list[str]) -> None:
    problems = [p for url in urls for p in visit.load(url)]
    assert problems == [], "\n".join(problems)


def test_search_pages_and_every_facet_toggle(visit):
    assert_no_problems(visit, search_urls())
    visit.load(f"/search?q={WORDS[0]}")
    toggles = sorted(set(visit.links("section.facet a")))
    assert len(toggles) >= 10, toggles
    assert_no_problems(visit, toggles)
    assert_no_problems(visit, sorted(set(visit.links("li.hit a"))))


def test_filing_pages_every_view_and_document(visit):
    for fid in ACCESSIONS:
        assert_no_problems(visit, filing_urls(fid))
        visit.load(f"/filings/{fid}")
        inside = sorted(set(visit.links("main a")) - {urljoin(visit.base_url, "/")})
        assert_no_problems(visit, inside[:40])


def test_company_pages(visit):
    for cik in CIKS:
        assert_no_problems(visit, company_urls(cik))
        visit.load(company_urls(cik)[0])
        assert_no_problems(visit, sorted(set(visit.links("section.facet a")))[:30])


def test_error_pages(visit):
    assert_no_problems(visit, ERROR_URLS)


def test_json_twins_are_json_and_inert(visit):
    assert_no_problems(visit, JSON_URLS)
    for url, _status, headers in visit.responses:
        if url.split("?")[0].endswith(".json") or "/LATEST/" in url:
            assert headers["content-type"].startswith("application/json"), url
            assert headers["x-content-type-options"] == "nosniff", url


def test_payloads_are_shown_as_text(visit):
    """The payloads are there, as text: the pages show what the filing says."""
    visit.load(f"/search?q={WORDS[0]}")
    shown = visit.page.inner_text("main")
    assert f"EVIL {SHORT[0]} CORP" in shown  # the company, and a snippet of the signature:
    assert "__xss=1;alert(1)> Officer" in shown
    visit.load(f"/filings/{ACCESSIONS[0]}?doc=2")
    shown = visit.page.inner_text("main")
    assert PAYLOADS[0] in shown and "Mallory" in shown


# Pages a filing's data reaches, and the policy each must carry
PAGE_CSP = re.compile(r"script-src 'self'")
DOCUMENT_CSP = ("default-src 'none'", "sandbox")


def test_every_filing_view_and_original_carries_its_policy(visit):
    visit.responses.clear()
    for fid in ACCESSIONS:
        for url in filing_urls(fid):
            visit.load(url)
    seen = {"view": 0, "original": 0}
    for url, status, headers in visit.responses:
        path = url.removeprefix(visit.base_url).split("?")[0]
        if not path.startswith("/filings/"):
            continue
        csp = headers.get("content-security-policy", "")
        if path.endswith("/original"):
            seen["original"] += 1
            assert all(d in csp for d in DOCUMENT_CSP), (url, status, csp)
            assert headers.get("x-frame-options") == "SAMEORIGIN", url
        else:
            seen["view"] += 1
            assert PAGE_CSP.search(csp) and "unsafe-inline" not in csp.split("style-src")[0], url
            assert headers.get("x-frame-options") == "DENY", url
    assert seen["view"] >= 8 and seen["original"] >= 6, seen


def test_sanitized_originals_drop_css_expressions(visit):
    for fid in ACCESSIONS:
        for n in (1, 3):
            body = visit.page.request.get(f"/filings/{fid}/documents/{n}/original").text()
            styles = [t["style"] for t in BeautifulSoup(body, "lxml").find_all(style=True)]
            assert styles, "the originals keep harmless styles"
            assert not [s for s in styles if "expression" in s or "url(" in s], f"{fid} {n}"


def test_report_the_pages_checked(visit):
    """Print how many page loads were checked (for SECURITY.md)."""
    print(
        f"{visit.loaded} page loads checked, {len(PAYLOADS)} markup and {len(SHORT)} value payloads"
    )
    assert visit.loaded >= 60
