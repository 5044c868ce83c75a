"""Daily use in a real browser (Debian's chromium through Playwright, a real server): ticking
several values of a facet, the full list of a facet and its search box, filter chips, results per
page, the sort shown, the way back from a filing (with and without JavaScript, and the browser's
back and forward), and the keyboard. With SCREENSHOTS=1 the tests also write the README's
screenshots into docs/screenshots/ (`make screenshots`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.webapp_browser import (
    axe_script,
    blocking_violations,
    new_context,
    search_for,
    served_corpus,
    total,
)
from tests.webapp_pages import query_of

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
MAX_TABS_TO_FIRST_RESULT = 4  # skip link, brand, "Skip to results", then the first result


@pytest.fixture(scope="module")
def base_url(corpus_index):
    with served_corpus(corpus_index) as url:
        yield url


def new_page(browser, base_url, width: int = 1280, **options) -> Page:
    return new_context(browser, base_url, width, **options).new_page()


@pytest.fixture
def page(browser, base_url):
    p = new_page(browser, base_url)
    yield p
    p.context.close()


def shoot(page: Page, name: str) -> None:
    """Write a README screenshot when SCREENSHOTS=1 (make screenshots)."""
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def facet_value(page: Page, facet: str, value: str):
    return page.locator(f'section.facet[data-facet="{facet}"] li[data-value="{value}"]')


def test_tick_two_forms_then_remove_one_by_its_chip(page):
    search_for(page, "revenue")
    eight = int(facet_value(page, "form", "8-K").get_attribute("data-count"))
    ten = int(facet_value(page, "form", "10-K").get_attribute("data-count"))
    facet_value(page, "form", "8-K").locator("a").click()
    page.wait_for_url(re.compile(r"form=8-K"))
    assert total(page) == eight
    # the other forms are still offered, with the counts they had
    expect(facet_value(page, "form", "10-K")).to_have_attribute("data-count", str(ten))
    box = facet_value(page, "form", "10-K").locator('a[role="checkbox"]')
    expect(box).to_have_attribute("aria-checked", "false")
    box.focus()
    page.keyboard.press(" ")  # a checkbox ticks with Space
    page.wait_for_url(re.compile(r"form=8-K&form=10-K"))
    assert total(page) == eight + ten
    expect(box).to_have_attribute("aria-checked", "true")
    chips = page.locator("ul.active-filters li[data-filter]")
    expect(chips).to_have_count(2)
    shoot(page, "facets-two-forms")
    page.get_by_role("link", name="Remove filter Form 8-K").click()
    page.wait_for_url(lambda url: "8-K" not in url)
    assert total(page) == ten
    assert query_of(page.url) == [("form", "10-K"), ("q", "revenue")]


def test_show_all_companies_and_find_one(page):
    page.goto("/search")
    page.locator("#facet-company a[data-more]").click()
    page.wait_for_url(re.compile(r"more=company"))
    values = page.locator("#facet-company li[data-value]")
    everything = values.count()
    assert everything > 10
    find = page.get_by_label("Find in Company")
    find.fill("apple")
    shown = page.locator("#facet-company li[data-value]:visible")
    assert 0 < shown.count() < everything
    for text in shown.all_inner_texts():
        assert "apple" in text.lower()
    shoot(page, "facets-company-list")
    shown.first.locator("a").click()
    page.wait_for_url(re.compile(r"company_name=.*more=company|more=company.*company_name="))
    expect(page.locator("ul.active-filters li[data-filter=companies]")).to_have_count(1)
    page.locator("#facet-company a[data-less]").click()
    page.wait_for_url(lambda url: "more=" not in url)
    expect(page.locator("#facet-company a[data-more]")).to_have_count(1)


def test_find_a_company_without_javascript(browser, base_url):
    page = new_page(browser, base_url, java_script_enabled=False)
    try:
        page.goto("/search?form=8-K")
        page.locator("#facet-company a[data-more]").click()
        page.wait_for_url(re.compile(r"more=company"))
        page.get_by_label("Find in Company").fill("apple")
        page.get_by_role("button", name="Find").click()
        page.wait_for_url(re.compile(r"find=apple"))
        assert ("form", "8-K") in query_of(page.url)
        labels = page.locator("#facet-company li[data-value]").all_inner_texts()
        assert labels and all("apple" in text.lower() for text in labels)
    finally:
        page.context.close()


def test_per_page_and_the_sort_applied(page):
    page.goto("/")
    expect(page.locator('nav.sorts [aria-current="true"]')).to_have_text("Newest")
    page.locator("nav.per-page a[data-per-page='25']").click()
    page.wait_for_url(re.compile(r"per_page=25"))
    expect(page.locator("li.hit")).to_have_count(25)
    page.fill("#q", "revenue")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=revenue"))
    assert ("per_page", "25") in query_of(page.url)  # a new query keeps the page size
    expect(page.locator('nav.sorts [aria-current="true"]')).to_have_text("Relevance")


def open_first_and_come_back(page: Page) -> None:
    """From a search with filters, sort and page: open a hit, follow the back link, then use
    the browser's back and forward."""
    page.goto("/search?q=revenue")
    facet_value(page, "form", "8-K").locator("a").click()
    page.wait_for_url(re.compile(r"form=8-K"))
    page.locator("nav.sorts a[data-sort='newest']").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    search = page.url
    first = page.locator("ol.hits li.hit h3 a").first
    first.click()
    page.wait_for_url(re.compile(r"/filings/"))
    filing = page.url
    page.locator("a[data-back]").click()
    page.wait_for_url(lambda url: url == search)
    page.go_back()
    page.wait_for_url(lambda url: url == filing)
    page.go_back()
    page.wait_for_url(lambda url: url == search)
    assert total(page) > 0
    page.go_forward()
    page.wait_for_url(lambda url: url == filing)


def test_back_to_the_search_keeps_filters_sort_and_page(page):
    open_first_and_come_back(page)


def test_back_to_the_search_without_javascript(browser, base_url):
    page = new_page(browser, base_url, java_script_enabled=False)
    try:
        open_first_and_come_back(page)
    finally:
        page.context.close()


def test_keyboard_reaches_and_walks_the_results(page):
    page.goto("/search?q=revenue")
    first = page.locator("ol.hits li.hit h3 a").first
    tabs = 0
    while tabs < 30 and not first.evaluate("a => a === document.activeElement"):
        page.keyboard.press("Tab")
        tabs += 1
        if page.evaluate("document.activeElement.dataset.skipResults !== undefined"):
            page.keyboard.press("Enter")  # the skip link moves focus to the results
    assert tabs <= MAX_TABS_TO_FIRST_RESULT
    outline = first.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline != "none"  # focus stays visible
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    expect(first).to_be_focused()
    page.keyboard.press("j")
    second = page.locator("ol.hits li.hit h3 a").nth(1)
    expect(second).to_be_focused()
    expect(page.locator("ol.hits li.hit").nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    shoot(page, "keyboard-results")
    page.keyboard.press("k")
    expect(first).to_be_focused()
    expect(page.locator("#keys")).to_contain_text("next result")
    href = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith(href))


def test_typing_j_in_the_search_box_types_it(page):
    page.goto("/search?q=revenue")
    page.fill("#q", "")
    page.type("#q", "jk")
    expect(page.locator("#q")).to_have_value("jk")


PAGES = [
    "/search?q=revenue&form=8-K&form=10-K",
    "/search?more=company&company_name=320193",
    "/search?q=revenue&per_page=50&sort=newest",
]


@pytest.mark.parametrize("url", PAGES)
def test_no_serious_accessibility_violations(browser, base_url, url):
    page = new_page(browser, base_url, bypass_csp=True)
    try:
        page.goto(url)
        page.add_script_tag(content=axe_script())
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert blocking_violations(results) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("url", PAGES)
def test_no_sideways_scrolling_at_375(browser, base_url, url):
    page = new_page(browser, base_url, width=375)
    try:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
    finally:
        page.context.close()
