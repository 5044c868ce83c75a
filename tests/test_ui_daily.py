"""The search page for daily use, as data: query errors that keep the query, exports, dates,
and hits that say what was indexed of them (Flask test client, the real corpus index)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator

from tests.webapp_pages import soup
from webapp import openapi

DOC = openapi.document()


def error_schema_errors(body: dict) -> list[str]:
    schema = {**DOC["components"]["schemas"]["Error"]}
    return [e.message for e in Draft202012Validator(schema).iter_errors(body)]


# ---------------------------------------------------------------- query errors


def test_a_typo_answers_the_search_page_with_the_query_and_filters_kept(client):
    r = client.get("/search?q=%22net+income&form=8-K&sort=newest")
    assert r.status_code == 400
    page = soup(r.data)
    box = page.select_one("form.search input#q")
    assert box["value"] == '"net income'
    assert box["aria-invalid"] == "true" and box["aria-describedby"] == "q-error"
    hidden = {(i["name"], i["value"]) for i in page.select("form.search input[type=hidden]")}
    assert {("form", "8-K"), ("sort", "newest")} <= hidden
    error = page.select_one("#q-error")
    assert "unclosed quote" in error.h2.get_text()
    assert error.select_one("code.marked mark").get_text() == '"'
    assert error.select_one("code.marked")["data-error-position"] == "0"
    fix = error.select_one("a[data-fix]")
    assert fix.get_text() == '"net income"'
    args = parse_qs(urlsplit(fix["href"]).query)
    assert args == {"q": ['"net income"'], "form": ["8-K"], "sort": ["newest"]}
    assert client.get(fix["href"]).status_code == 200  # the suggestion works


def test_the_json_twin_answers_the_same_error_data(client):
    html = soup(client.get("/search?q=merger+OR&cik=320193").data)
    r = client.get("/search.json?q=merger+OR&cik=320193")
    assert r.status_code == 400
    body = r.get_json()
    assert error_schema_errors(body) == []
    assert body["param"] == "q" and body["position"] == 7
    assert body["error"] == "q: OR needs a term on each side (at position 7)"
    assert body["suggestion"] == "merger"
    assert body["suggestion_url"] == html.select_one("a[data-fix]")["href"]
    assert html.select_one("#q-error mark").get_text() == "O"


def test_a_mistake_at_the_end_is_marked_there(client):
    page = soup(client.get("/search?q=revenue+form%3A").data)
    assert page.select_one("#q-error code.marked")["data-error-position"] == "13"
    assert "(the end)" in page.select_one("#q-error .where").get_text()
    assert page.select_one("a[data-fix]").get_text() == "revenue"


def test_no_suggestion_when_no_edit_surely_repairs(client):
    r = client.get("/search.json?q=cik%3Aapple")
    assert r.status_code == 400
    body = r.get_json()
    assert body["position"] == 4 and "suggestion" not in body
    page = soup(client.get("/search?q=cik%3Aapple").data)
    assert page.select_one("#q-error mark").get_text() == "a"
    assert page.select_one("a[data-fix]") is None


def test_the_company_page_keeps_its_query_too(client):
    r = client.get("/companies/320193?q=merger)&form=10-K")
    assert r.status_code == 400
    page = soup(r.data)
    form = page.select_one("form.search")
    assert form["action"] == "/companies/320193"
    assert form.select_one("#q")["value"] == "merger)"
    fix = page.select_one("a[data-fix]")["href"]
    assert fix.startswith("/companies/320193?") and "form=10-K" in fix


def test_another_bad_parameter_is_still_named(client):
    r = client.get("/search?q=%22net&cik=apple")
    assert r.status_code == 400
    assert "cik:" in soup(r.data).select_one("h1").get_text()


# ---------------------------------------------------------------- what a hit holds


def every_hit(client) -> dict[str, tuple[dict, object]]:
    """Return every filing's hit in the JSON twins and its <li> on the pages, by id."""
    out, page, pages = {}, 1, 1
    while page <= pages:
        body = client.get(f"/search.json?per_page=100&page={page}").get_json()
        html = soup(client.get(f"/search?per_page=100&page={page}").data)
        out |= {h["id"]: (h, html.select_one(f'li.hit[data-id="{h["id"]}"]')) for h in body["hits"]}
        page, pages = page + 1, body["pages"]
    return out


def test_header_only_and_fragment_hits_say_so(client, corpus_records):
    header = next(i for i, r in corpus_records.items() if r["text_chars"] == 0 and r["accession"])
    fragment = next(
        i
        for i, r in corpus_records.items()
        if r["kind"] == "document" and not r["filed"] and r["accession"]
    )
    full = next(i for i, r in corpus_records.items() if r["text_chars"] and r["filed"])
    hits = every_hit(client)
    for fid, coverage, words in [
        (header, "header", "header only — text not indexed"),
        (fragment, "document", "fragment"),
        (full, "full", None),
    ]:
        hit, li = hits[fid]
        assert hit["coverage"] == coverage
        note = li.select_one(".coverage")
        if words is None:
            assert note is None and hit["coverage_note"] is None
        else:
            assert words in note.get_text() and words in hit["coverage_note"]
            assert note["data-coverage"] == coverage


def test_every_hit_of_a_page_has_its_coverage(client):
    body = client.get("/search.json?per_page=100").get_json()
    assert {h["coverage"] for h in body["hits"]} <= {"full", "header", "document"}
    assert all((h["coverage"] == "header") == (h["text_chars"] == 0) for h in body["hits"])


# ---------------------------------------------------------------- exports


def test_every_result_page_links_its_exports(client):
    url = "/search?q=revenue&form=8-K&sort=newest&page=2&per_page=5"
    body = client.get(url.replace("/search?", "/search.json?")).get_json()
    page = soup(client.get(url).data)
    links = {a["data-export"]: a["href"] for a in page.select("#exports a[data-export]")}
    assert links == {"csv": body["exports"]["csv"], "jsonl": body["exports"]["jsonl"]}
    args = parse_qs(urlsplit(links["csv"]).query)
    assert args == {"q": ["revenue"], "form": ["8-K"], "sort": ["newest"]}  # every row
    assert f"all {body['total']} results" in page.select_one("#exports").get_text()
    r = client.get(links["jsonl"])
    assert r.headers["X-Export-Rows"] == str(body["total"])


def test_the_company_page_exports_the_company_s_filings(client):
    body = client.get("/companies/320193.json?form=8-K").get_json()
    csv_url = body["exports"]["csv"]
    assert parse_qs(urlsplit(csv_url).query) == {"form": ["8-K"], "cik": ["320193"]}
    r = client.get(csv_url)
    assert r.headers["X-Export-Rows"] == str(body["total"])
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert [row["cik"] for row in rows] == ['="0000320193"'] * body["total"]


# ---------------------------------------------------------------- dates


@pytest.fixture(scope="module")
def fixed_client(corpus_index):
    """A client of an app whose clock says 3 December 2026."""
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "TODAY": "2026-12-03"})
    return app.test_client()


def presets_of(client, url: str) -> dict:
    body = client.get(url).get_json()
    return {p["name"]: p for p in body["date_presets"]["presets"]} | {
        "custom": body["date_presets"]["custom"]
    }


def test_presets_count_back_from_today_and_keep_the_search(fixed_client):
    presets = presets_of(fixed_client, "/search.json?q=revenue&form=8-K&sort=newest")
    starts = {n: presets[n]["filed_from"] for n in ("all", "10y", "5y", "1y", "30d")}
    assert starts == {
        "all": None,
        "10y": "2016-12-03",
        "5y": "2021-12-03",
        "1y": "2025-12-03",
        "30d": "2026-11-03",
    }
    assert presets["all"]["selected"] and not presets["custom"]
    args = parse_qs(urlsplit(presets["10y"]["url"]).query)
    assert args == {
        "q": ["revenue"],
        "form": ["8-K"],
        "sort": ["newest"],
        "filed_from": ["2016-12-03"],
    }


def test_the_preset_a_page_shows_is_marked_else_custom(fixed_client):
    presets = presets_of(fixed_client, "/search.json?filed_from=2016-12-03")
    assert [n for n in ("all", "10y", "5y", "1y", "30d") if presets[n]["selected"]] == ["10y"]
    assert not presets["custom"]
    page = soup(fixed_client.get("/search?filed_from=2016-12-03").data)
    assert page.select_one(".date-presets [aria-current]")["data-preset"] == "10y"
    custom = presets_of(fixed_client, "/search.json?filed_from=2016-12-03&filed_to=2020")
    assert custom["custom"] and not any(custom[n]["selected"] for n in ("10y", "all"))
    page = soup(fixed_client.get("/search?filed_from=2019&filed_to=2019").data)
    assert page.select_one(".date-presets [aria-current]")["data-preset"] == "custom"


def test_a_preset_link_filters_as_its_dates_say(fixed_client, corpus_records):
    presets = presets_of(fixed_client, "/search.json")
    body = fixed_client.get(presets["10y"]["url"].replace("/search?", "/search.json?")).get_json()
    expected = sum(1 for r in corpus_records.values() if r["filed"] and r["filed"] >= "2016-12-03")
    assert body["total"] == expected > 0


def test_a_year_alone_is_a_whole_year(client, corpus_records):
    body = client.get("/search.json?filed_from=2019&filed_to=2019").get_json()
    expected = sum(1 for r in corpus_records.values() if (r["filed"] or "").startswith("2019"))
    assert body["total"] == expected > 0
    page = soup(client.get("/search?filed_from=2019&filed_to=2019").data)
    for box in ("#filed_from", "#filed_to"):
        field = page.select_one(box)
        assert field["type"] == "text" and field["value"] == "2019"  # a date picker holds no year


def test_the_form_groups_are_a_choice(client):
    page = soup(client.get("/search?category=form-cat1").data)
    options = page.select("select#category option")
    assert len(options) == 12 and options[0]["value"] == ""
    assert page.select_one("select#category option[selected]")["value"] == "form-cat1"
