"""Reading a filing in a real browser (Playwright driving Debian's chromium against a real
server): from "Found in" to the match and from match to match, the grouped documents, the
phone layout, signer links, a file name for an unnamed filing, and did-you-mean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.webapp_browser import (
    axe_script,
    blocking_violations,
    new_context,
    search_for,
    served_corpus,
)

pytestmark = pytest.mark.browser

CATERPILLAR_8K = "0000018230-22-000107"


@pytest.fixture(scope="module")
def base_url(corpus_index):
    with served_corpus(corpus_index) as url:
        yield url


def new_page(browser, base_url, width: int = 1280, height: int = 900, **options) -> Page:
    return new_context(browser, base_url, width, height, **options).new_page()


@pytest.fixture
def page(browser, base_url):
    p = new_page(browser, base_url)
    yield p
    p.context.close()


def assert_accessible(page: Page) -> None:
    """Run axe on the page as it is now (its CSP let in by the context's bypass_csp)."""
    page.add_script_tag(content=axe_script())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert blocking_violations(results) == []


def status(page: Page) -> str:
    return page.locator("[data-match-status]").inner_text()


def test_found_in_opens_the_document_at_its_match_and_steps_through_matches(browser, base_url):
    page = new_page(browser, base_url, bypass_csp=True)
    try:
        search_for(page, "retail statistics")
        hit = page.locator(f'li.hit[data-id="{CATERPILLAR_8K}"]')
        hit.locator("p.matched a", has_text="EX-99.2").click()
        page.wait_for_url(re.compile(r"doc=3.*#first-match$"))
        expect(page.locator('nav.tabs a[aria-current="page"]')).to_have_attribute("data-doc", "3")
        first = page.locator("#first-match")
        expect(first).to_be_in_viewport()
        marks = page.locator("[data-doc-text] mark")
        n = marks.count()
        assert n > 2
        expect(page.locator("[data-match-status]")).to_have_text(f"Match 1 of {n}")
        page.get_by_role("button", name="Next →").click()
        expect(page.locator("[data-match-status]")).to_have_text(f"Match 2 of {n}")
        expect(marks.nth(1)).to_have_class("current")
        expect(marks.nth(1)).to_be_in_viewport()
        page.keyboard.press("n")
        expect(page.locator("[data-match-status]")).to_have_text(f"Match 3 of {n}")
        page.keyboard.press("p")
        page.keyboard.press("p")
        page.get_by_role("button", name="← Previous").click()  # wraps round to the last
        expect(page.locator("[data-match-status]")).to_have_text(f"Match {n} of {n}")
        expect(marks.nth(n - 1)).to_be_in_viewport()
        assert_accessible(page)
    finally:
        page.context.close()


def test_documents_are_tabs_then_a_compact_list_of_files(browser, base_url):
    page = new_page(browser, base_url, bypass_csp=True)
    try:
        page.goto(f"/filings/{CATERPILLAR_8K}")
        tabs = page.locator("nav.tabs a")
        expect(tabs).to_have_count(3)
        expect(tabs.nth(1)).to_contain_text("EARNINGS RELEASE")
        files = page.locator("details.files")
        expect(files.locator("ul.file-list li").first).to_be_hidden()
        files.locator("summary").click()
        expect(files.locator("summary")).to_have_text("XBRL (12) · Graphics (3)")
        jpg = files.locator("li", has_text="consopprofit1q2022a.jpg")
        expect(jpg).to_contain_text("GRAPHIC · 114.9 kB")
        jpg.locator("a").click()
        page.wait_for_url(re.compile(r"doc=9&view=original"))
        expect(page.locator("details.files[open] a[aria-current=page]")).to_have_text(
            "consopprofit1q2022a.jpg"
        )
        frame = page.frame_locator("iframe.original")
        expect(frame.locator("img")).to_be_visible()
        assert_accessible(page)
    finally:
        page.context.close()


def test_on_a_phone_the_facts_come_first_and_the_documents_are_a_menu(browser, base_url):
    phone = new_page(browser, base_url, 390, 844, bypass_csp=True, is_mobile=True, has_touch=True)
    try:
        phone.goto(f"/filings/{CATERPILLAR_8K}?q=revenue")
        sec = phone.locator("a[data-sec]")
        expect(sec).to_be_in_viewport()
        for facts in ("ul.items", "ul.signers"):
            assert phone.locator(facts).bounding_box()["y"] < 1500
        text_top = phone.locator("[data-doc-text]").bounding_box()["y"]
        assert text_top > phone.locator("ul.signers").bounding_box()["y"]
        assert text_top < 2500  # the menu is closed: only its one line stands before the text
        menu = phone.locator("details.doc-menu")
        expect(menu).not_to_have_attribute("open", "")
        expect(phone.locator("nav.tabs")).to_be_hidden()
        menu.locator("> summary").tap()
        expect(phone.locator("nav.tabs")).to_be_visible()
        phone.locator("nav.tabs a", has_text="EX-99.2").tap()
        phone.wait_for_url(re.compile(r"doc=3"))
        expect(phone.locator("details.doc-menu > summary")).to_contain_text("EX-99.2")
        about = phone.locator("details.about")
        about.locator("> summary").tap()  # the facts fold away
        expect(phone.locator("a[data-sec]")).to_be_hidden()
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        assert_accessible(phone)
    finally:
        phone.context.close()


def test_a_signer_name_searches_for_that_signer(page):
    page.goto(f"/filings/{CATERPILLAR_8K}")
    page.locator("ul.signers a", has_text="Suzette M. Long").click()
    page.wait_for_url(re.compile(r"/search\?signer_name=Suzette"))
    expect(page.locator(f'li.hit[data-id="{CATERPILLAR_8K}"]')).to_be_visible()


def test_an_unnamed_filing_is_named_by_its_file(page):
    search_for(page, '"apple operations mexico"')  # in Apple's exhibit 21, kept alone
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/filings/local-"))
    expect(page.locator("h1")).to_have_text("ex21_aapl.html")
    expect(page.locator("[data-file-name]")).to_have_text("ex21_aapl.html")
    assert page.title().startswith("ex21_aapl.html")


def test_did_you_mean_a_phrase_and_a_company(browser, base_url):
    page = new_page(browser, base_url, bypass_csp=True)
    try:
        search_for(page, "sarbanes oxly")
        suggestion = page.locator("a[data-suggestion]")
        expect(suggestion).to_have_text("sarbanes oxley")
        suggestion.click()
        page.wait_for_url(re.compile(r"q=sarbanes\+oxley"))
        assert int(page.locator("#result-count").get_attribute("data-total")) > 0
        search_for(page, "caterpilar")
        company = page.locator("[data-suggested-companies] a")
        expect(company).to_have_text("CATERPILLAR INC (CIK 0000018230)")
        assert_accessible(page)
        company.click()
        page.wait_for_url(re.compile(r"/companies/18230"))
    finally:
        page.context.close()


def test_without_javascript_the_documents_and_first_match_are_there(browser, base_url):
    context = browser.new_context(
        base_url=base_url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        search_for(page, "retail statistics")
        page.locator(f'li.hit[data-id="{CATERPILLAR_8K}"] p.matched a', has_text="EX-99.2").click()
        page.wait_for_url(re.compile(r"doc=3"))
        expect(page.locator("#first-match")).to_be_in_viewport()
        expect(page.locator("nav.tabs")).to_be_visible()  # the menu stays open
        expect(page.locator("[data-match-buttons]")).to_be_hidden()
        expect(page.get_by_role("link", name=re.compile("Jump to the first"))).to_be_visible()
    finally:
        context.close()
