"""The web app in a real browser: Playwright driving Debian's chromium against a real server."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.corpus import SEED
from tests.webapp_browser import (
    TIMEOUT_MS,
    axe_script,
    blocking_violations,
    new_context,
    search_for,
    served_corpus,
    total,
)

pytestmark = pytest.mark.browser

APPLE = "320193"


@pytest.fixture(scope="module")
def base_url(corpus_index):
    with served_corpus(corpus_index) as url:
        yield url


@pytest.fixture
def page(browser, base_url):
    context = new_context(browser, base_url)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def seed_id(corpus_records) -> str:
    return next(i for i, r in corpus_records.items() if r["source"].endswith(SEED.name))


def test_search_toggle_a_facet_page_and_sort(page):
    search_for(page, "revenue")
    status = page.locator("#result-count")
    expect(status).to_have_attribute("aria-live", "polite")
    everything = total(page)
    assert everything > 10 and "filings" in status.inner_text()

    value = page.locator('section.facet[data-facet="form"] li[data-value]').first
    form, count = value.get_attribute("data-value"), int(value.get_attribute("data-count"))
    value.locator("a").click()
    page.wait_for_url(re.compile(r"[?&]form="))
    assert total(page) == count
    expect(page.locator(f'section.facet[data-facet="form"] li[data-value="{form}"]')).to_have_class(
        "selected"
    )
    page.locator(f'section.facet[data-facet="form"] li[data-value="{form}"] a').click()
    page.wait_for_url(lambda url: "form=" not in url)
    assert total(page) == everything

    first_page = page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)")
    page.click('a[rel="next"]')
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator('.pagination [aria-current="page"]')).to_have_text("2")
    second_page = page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)")
    assert second_page and not set(first_page) & set(second_page)

    page.click('a[data-sort="newest"]')
    page.wait_for_url(re.compile(r"sort=newest"))
    expect(page.locator('strong[data-sort="newest"]')).to_be_visible()
    assert "page=" not in page.url and total(page) == everything


def test_open_a_filing_and_jump_to_an_item(page, seed_id):
    search_for(page, "regulation fd")
    page.locator(f'li.hit[data-id="{seed_id}"] h3 a').click()
    page.wait_for_url(re.compile(rf"/filings/{seed_id}\?q=regulation"))
    expect(page.locator("h1")).to_contain_text("ImmunoGen")
    assert page.locator("[data-doc-text] mark").count() > 0
    page.locator('aside.metadata li[data-item="7.01"] a').click()
    page.wait_for_url(re.compile(r"#item-7\.01$"))
    heading = page.locator("#item-7\\.01")
    expect(heading).to_be_in_viewport()
    assert heading.inner_text().upper().startswith("ITEM 9")


def test_original_document_in_a_sandboxed_frame(page):
    page.goto("/filings/0000018230-22-000107?view=original")
    frame = page.frame_locator("iframe.original")
    expect(frame.locator("body")).to_contain_text("CATERPILLAR")
    assert page.locator("iframe.original").get_attribute("sandbox") == ""


def test_slash_focuses_the_search_box(page):
    page.goto("/search?q=revenue")
    page.locator("h2#facets-heading").click()
    assert page.evaluate("document.activeElement.id") != "q"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("/x")  # inside the box, "/" is just a character
    assert page.input_value("#q") == "/x"


def test_everything_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        search_for(page, "revenue")
        assert total(page) > 0
        page.locator('section.facet[data-facet="year"] li[data-value^="2"] a').first.click()
        page.wait_for_url(re.compile(r"year="))
        page.fill("#filed_from", "2000-01-01")
        page.click("fieldset.dates button")
        page.wait_for_url(re.compile(r"filed_from=2000-01-01"))
        assert "year=" in page.url and total(page) > 0
        page.locator("li.hit h3 a").first.click()
        page.wait_for_url(re.compile(r"/filings/"))
        expect(page.locator("nav.tabs")).to_be_visible()
    finally:
        context.close()


AXE_PAGES = [
    "/",
    "/search?q=regulation+fd&form=8-K",
    "/search?q=zzzqqqnothing",
    "/filings/0000018230-22-000107?q=retail",
    "/filings/0000018230-22-000107?view=original",
    f"/companies/{APPLE}",
    "/filings/0000000000-00-000000",
]


@pytest.mark.parametrize("url", AXE_PAGES)
def test_no_serious_accessibility_violations(browser, base_url, url):
    script = axe_script()
    # the page's CSP allows only our own scripts: let the test inject axe
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.add_script_tag(content=script)
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert blocking_violations(results) == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where screenshots go: $EDGAR_SCREENSHOTS, else pytest's temporary directory."""
    chosen = os.environ.get("EDGAR_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("width", [1280, 375])
def test_layout_fits_the_screen(browser, base_url, seed_id, screenshots, width):
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for name, url in [
            ("search", "/search?q=regulation+fd"),
            ("filing", f"/filings/{seed_id}?q=regulation"),
            ("company", f"/companies/{APPLE}"),
        ]:
            page.goto(url)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px"
            page.screenshot(path=str(screenshots / f"{name}-{width}.png"))
    finally:
        context.close()
