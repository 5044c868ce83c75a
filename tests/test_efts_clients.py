"""The real EFTS clients from PyPI, edgartools and bellingcat's edgar-tool, against our app.

The app serves the session index on 127.0.0.1 (werkzeug's server in a thread). Neither client
takes a base URL as a setting, so each test patches only the client's EFTS URL constant
(`edgar.search.efts.EFTS_BASE_URL`, `edgar_tool.constants.TEXT_SEARCH_BASE_URL`); everything
else runs as shipped. Every other host is unreachable: the proxy variables point at a closed
port and only 127.0.0.1 bypasses them, so a client reaching for sec.gov fails instead of
leaving the machine, and the tests pass without a network.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from webapp import create_app

pytest.importorskip("edgar")
pytest.importorskip("edgar_tool")

from edgar import search as edgar_search
from edgar.search import efts as edgartools_efts
from edgar_tool import constants as edgar_tool_constants
from edgar_tool import text_search
from edgar_tool.search_params import SearchParams

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, every proxied request fails


@pytest.fixture(scope="module")
def base_url(corpus_index) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 for the module; yield its EFTS URL."""
    app = create_app({"INDEX_DIR": str(corpus_index)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/LATEST/search-index"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Let requests reach 127.0.0.1 only; keep edgartools' files in a temporary folder."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, CLOSED)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1")
    monkeypatch.setenv("EDGAR_IDENTITY", "edgar-search tests test@example.com")
    monkeypatch.setenv("EDGAR_LOCAL_DATA_DIR", str(tmp_path / "edgar"))


@pytest.fixture
def edgartools(monkeypatch, base_url):
    """Return edgartools' `search_filings`, pointed at the app."""
    monkeypatch.setattr(edgartools_efts, "EFTS_BASE_URL", base_url)
    return edgar_search.search_filings


@pytest.fixture
def edgar_tool(monkeypatch, base_url):
    """Return edgar-tool's `search`, pointed at the app (it appends the query to this URL)."""
    monkeypatch.setattr(edgar_tool_constants, "TEXT_SEARCH_BASE_URL", base_url + "?")
    monkeypatch.setattr(text_search.fetch_page.retry, "sleep", lambda _s: None)
    return text_search.search


# ---------------------------------------------------------------- edgartools


def test_edgartools_searches_and_prints(edgartools):
    found = edgartools('"net income"', forms=["10-K"], limit=100)
    assert found.total > 0 and len(found) == min(found.total, 100)
    assert all(r.form.removesuffix("/A") == "10-K" for r in found)
    assert all(isinstance(r.filed, str) for r in found) and any(r.filed for r in found)
    assert "EFTSResult(" in repr(found[0]) and "10-K" in str(found)
    assert found.aggregations.forms and found.aggregations.entities


def test_edgartools_filters_a_certification_search(edgartools):
    # `certification` hits had form and file_date null and crashed repr() and .filter()
    found = edgartools("certification", limit=100)
    assert len(found) > 20
    assert all(repr(r).startswith("EFTSResult(") for r in found)
    recent = found.filter(start_date="2000-01-01")
    assert 0 < len(recent) <= len(found)
    assert all(r.filed >= "2000-01-01" for r in recent)


def test_edgartools_items_and_dates_reach_the_server(edgartools):
    every_8k = edgartools(forms="8-K", items="9.01", limit=100)
    earnings = edgartools(forms="8-K", items="2.02", limit=100)
    assert 0 < earnings.total < every_8k.total
    assert all("2.02" in r.items or "2" in r.items or "12" in r.items for r in earnings)
    old = edgartools("revenue", start_date="1995-01-01", end_date="2005-12-31", limit=100)
    assert old.total > 0 and all("1995-01-01" <= r.filed <= "2005-12-31" for r in old)


def test_edgartools_scopes_by_cik_and_pages(edgartools):
    apple = edgartools("revenue", cik=320193, limit=100)
    assert apple.total > 0 and {r.cik for r in apple} == {"0000320193"}
    everything = edgartools("report", limit=100)
    assert everything.total > 100, "the corpus should fill two pages"
    second = everything.next()
    assert second is not None and len(second) > 0
    first_ids = {r.accession_number + (r.document_id or "") for r in everything}
    assert not first_ids & {r.accession_number + (r.document_id or "") for r in second}


def test_edgartools_resolves_an_accession(edgartools):
    hit = next(r for r in edgartools("revenue", cik=320193, limit=100) if r.accession_number)
    resolved = edgartools_efts.resolve_accession(hit.accession_number)
    assert resolved is not None
    assert resolved["cik"] == 320193 and resolved["form"] == hit.form
    assert resolved["filing_date"].isoformat() == hit.filed
    assert edgartools_efts.resolve_accession("0000000000-00-000000") is None


def test_edgartools_accession_numbers_survive_for_local_filings(edgartools):
    # local filings carry no adsh, so the client has nothing to strip dashes from
    found = edgartools("", forms="8-K", items="9.01", limit=100).fetch_more(400)
    assert found.results
    for r in found:
        assert r.accession_number == "" or len(r.accession_number) == 20


# ---------------------------------------------------------------- edgar-tool


def test_edgar_tool_runs_a_keyword_search(edgar_tool):
    rows = edgar_tool(SearchParams(keywords=["report"], start_date="1994-01-01"))
    assert len(rows) > 100  # every page, fetched with edgar-tool's own paging
    assert all(isinstance(row["filed_at"], str) for row in rows)  # "" when a file states none
    assert any(row["root_form"] and row["filed_at"] for row in rows)
    assert all(set(edgar_tool_constants.TEXT_SEARCH_CSV_FIELDS_NAMES) <= set(row) for row in rows)
    assert any(row["company_cik"] for row in rows)


def test_edgar_tool_filing_categories(edgar_tool):
    params = SearchParams(
        keywords=["revenue"],
        filing_category="all_annual_quarterly_and_current_reports",
        start_date="1994-01-01",
    )
    rows = edgar_tool(params)
    assert rows, "form-cat1 used to answer 400 and end edgar-tool's search"
    assert {"10-K", "8-K"} & {row["root_form"] for row in rows}


def test_edgar_tool_searches_by_country_and_by_forms(edgar_tool):
    rows = edgar_tool(SearchParams(entity="", peo_in="ON", start_date="1994-01-01",
                                   single_forms=["8-K"]))  # fmt: skip
    assert rows and all(row["root_form"] == "8-K" for row in rows)
    assert any(row["place_of_business"] for row in rows)


def test_edgar_tool_sees_an_error_as_a_failed_page(base_url, edgar_tool, capsys):
    with pytest.raises(text_search.PageCheckFailedError):
        text_search.fetch_page(base_url + "?q=%28revenue")
    assert edgar_tool(SearchParams(keywords=["zzyzxnotaword"], start_date="1994-01-01")) == []
