"""The search page for daily use, done as a person would in Debian's chromium: a typo repaired
from its error, exports downloaded, dates chosen, and hits that say what was indexed of them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.webapp_browser import (
    TIMEOUT_MS,
    axe_script,
    blocking_violations,
    new_context,
    served_corpus,
    total,
)

pytestmark = pytest.mark.browser

TODAY = "2026-12-03"  # the app's clock, so the presets' dates are known


@pytest.fixture(scope="module")
def base_url(corpus_index):
    # every exported row gets its snippet, however loaded the machine
    with served_corpus(corpus_index, TODAY=TODAY, EXPORT_SNIPPET_SECONDS=60) as url:
        yield url


@pytest.fixture
def context(browser, base_url):
    # axe is injected by the tests: the page's CSP allows only the app's own scripts
    context = new_context(browser, base_url, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def assert_accessible(page: Page) -> None:
    page.add_script_tag(content=axe_script())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert blocking_violations(results) == []


def assert_fits(page: Page, width: int = 375) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


# ---------------------------------------------------------------- 3. typos keep the query


def test_a_typo_keeps_the_query_and_offers_the_repair(page):
    page.goto("/")
    page.select_option("#category", "form-cat1")
    page.fill("#q", '"net income')
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=%22net"))
    box = page.locator("#q")
    expect(box).to_have_value('"net income')
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#category")).to_have_value("form-cat1")  # the filter kept
    error = page.locator("#q-error")
    expect(error).to_contain_text("unclosed quote")
    expect(error.locator("code.marked mark")).to_have_text('"')
    # the cursor waits at the mistake
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.evaluate("[q.selectionStart, q.selectionEnd]") == [0, 1]
    assert_accessible(page)
    assert_fits(page)

    page.locator("a[data-fix]").click()
    page.wait_for_url(re.compile(r"q=%22net\+income%22"))
    expect(page.locator("#q")).to_have_value('"net income"')
    expect(page.locator("#category")).to_have_value("form-cat1")
    assert total(page) > 0


def test_a_typo_answers_400_and_its_twin_says_the_same(page, base_url):
    response = page.goto("/search?q=merger+OR&form=8-K")
    assert response.status == 400
    expect(page.locator("#q")).to_have_value("merger OR")
    twin = page.request.get(f"{base_url}/search.json?q=merger+OR&form=8-K")
    body = twin.json()
    assert twin.status == 400 and body["position"] == 7
    expect(page.locator("a[data-fix]")).to_have_attribute("href", body["suggestion_url"])


def test_a_typo_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/search?form=8-K")
        page.fill("#q", "(merger OR acquisition")
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r"q=%28merger"))
        expect(page.locator("#q-error")).to_contain_text("unclosed '('")
        page.locator("a[data-fix]").click()
        page.wait_for_url(re.compile(r"acquisition%29"))
        assert "form=8-K" in page.url and page.locator("#result-count").count() == 1
    finally:
        context.close()


# ---------------------------------------------------------------- 5. exports


def test_export_buttons_download_the_whole_search(page):
    page.goto("/search?q=revenue&form=8-K&per_page=5")
    shown = total(page)
    expect(page.locator("#exports")).to_contain_text(f"all {shown} results")
    with page.expect_download() as info:
        page.locator('a[data-export="csv"]').click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: a spreadsheet reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == shown
    assert all(re.fullmatch(r'="\d{10}"', r["cik"]) for r in rows)  # the zeros kept
    assert all(r["sec_url"].startswith("https://www.sec.gov/") for r in rows)
    assert all(r["snippet"] and "<mark>" not in r["snippet"] for r in rows)

    with page.expect_download() as info:
        page.locator('a[data-export="jsonl"]').click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["accession"] for line in lines] == [r["accession"] for r in rows]
    assert_accessible(page)


# ---------------------------------------------------------------- 6. dates


def test_date_presets_and_a_year_alone(page):
    page.goto("/search?q=revenue")
    everything = total(page)
    expect(page.locator('.date-presets [data-preset="all"]')).to_have_attribute(
        "aria-current", "true"
    )
    page.locator('a[data-preset="10y"]').click()
    page.wait_for_url(re.compile(r"filed_from=2016-12-03"))
    expect(page.locator('.date-presets [data-preset="10y"]')).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("#filed_from")).to_have_value("2016-12-03")
    assert total(page) < everything

    page.fill("#filed_from", "2019")
    page.fill("#filed_to", "2019")
    page.click("fieldset.dates button")
    page.wait_for_url(re.compile(r"filed_from=2019&filed_to=2019"))
    expect(page.locator('.date-presets [data-preset="custom"]')).to_have_attribute(
        "aria-current", "true"
    )
    dates = page.locator("li.hit .meta time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and all(d.startswith("2019") for d in dates if d)
    assert_accessible(page)
    assert_fits(page)


def test_the_form_group_is_a_choice(page):
    page.goto("/search?q=revenue")
    page.select_option("#category", "form-cat1")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"category=form-cat1"))
    forms = page.locator("li.hit [data-form]").all_inner_texts()
    assert forms and set(forms) <= {"10-K", "10-Q", "8-K", "10-K/A", "10-Q/A", "8-K/A", "10-KT"}


# ---------------------------------------------------------------- 10. know what you see


def test_hits_say_when_only_a_header_or_a_fragment_was_indexed(page):
    page.goto("/search?per_page=100")
    header = page.locator('li.hit .coverage[data-coverage="header"]').first
    expect(header).to_have_text("header only — text not indexed")
    assert_accessible(page)
    page.goto("/search?year=undated&per_page=100")  # fragments: no header dates them
    fragment = page.locator('li.hit .coverage[data-coverage="document"]').first
    expect(fragment).to_contain_text("fragment")


def test_a_passage_shows_once(page):
    page.goto("/search?q=agreement&cik=18230")
    hit = page.locator('li.hit[data-id="0000018230-22-000107"]')
    snippets = hit.locator("p.snippet").all_inner_texts()
    assert snippets and len(set(snippets)) == len(snippets)
    assert sum("restrictive covenants in debt agreements" in s for s in snippets) <= 1
