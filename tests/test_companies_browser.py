"""The company hints of the search box in a real browser (Playwright, Debian's chromium)."""

from __future__ import annotations

import pytest

from tests.webapp_browser import serve
from tests.webapp_pages import close_index
from webapp import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(corpus_index):
    app = create_app({"INDEX_DIR": str(corpus_index)})
    with serve(app) as url:
        yield url
    close_index(app)


def test_typing_a_company_offers_its_cik(browser, base_url):
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/")
    page.fill("#q", "")
    page.type("#q", "revenue company:apple comp")  # the last word is "comp": Apple Computer
    option = page.locator('#company-hints option[value="revenue company:apple cik:320193"]')
    option.wait_for(state="attached")
    assert "(CIK 0000320193)" in option.get_attribute("label")
    page.fill("#q", "revenue cik:320193")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?*")
    assert "cik:0000320193" in page.content()
    context.close()
