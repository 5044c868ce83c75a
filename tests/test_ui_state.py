"""Facets with several values, counts as if a facet were not applied, full facet lists, results
per page, the sort applied and the search state carried to a filing and back: the search core on
the session index, and the web app through Flask's test client."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from indexer.query.filters import Filters
from indexer.search.core import SearchRequest, search
from tests.webapp_pages import json_twin, query_of, shown_hits, soup

# ---------------------------------------------------------------- the filters, as data


def test_without_facet_drops_the_selection_and_keeps_exclusions():
    f = Filters(forms=("8-K", "-4", "10-K"), years=("2024",), company="apple")
    assert f.without_facet("form") == Filters(forms=("-4",), years=("2024",), company="apple")
    assert f.without_facet("year") == Filters(forms=("8-K", "-4", "10-K"), company="apple")
    assert f.faceted() == ("form", "year")
    assert Filters(forms=("-4",), company="x").faceted() == ()


# ---------------------------------------------------------------- the search core


def total(index, **filters) -> int:
    req = SearchRequest(q="revenue", filters=Filters(**filters), facets=False, snippets=False)
    return search(index, req).total


def counts(result, facet: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in result.facets[facet]["values"]}


def test_a_selected_facet_counts_its_other_values(corpus_index):
    req = SearchRequest(q="revenue", filters=Filters(forms=("8-K",)), facet_size=1000)
    plain = search(corpus_index, req)
    assert set(counts(plain, "form")) == {"8-K"}  # counted over the result: only 8-K is left
    multi = search(corpus_index, SearchRequest(**{**vars(req), "multiselect": True}))
    forms = counts(multi, "form")
    assert len(forms) > 2 and forms["8-K"] == multi.total == plain.total
    assert forms["10-K"] == total(corpus_index, forms=("10-K",))
    assert [v["value"] for v in multi.facets["form"]["values"] if v["selected"]] == ["8-K"]
    # facets without a selection count the result itself: one year per filing
    years = multi.facets["year"]
    assert sum(counts(multi, "year").values()) + years["missing"] == multi.total


def test_values_of_a_facet_are_ored_and_facets_anded(corpus_index):
    eight, ten = total(corpus_index, forms=("8-K",)), total(corpus_index, forms=("10-K",))
    assert total(corpus_index, forms=("8-K", "10-K")) == eight + ten
    both = Filters(forms=("8-K", "10-K"), years=("2024",))
    req = SearchRequest(q="revenue", filters=both, facet_size=1000, multiselect=True)
    result = search(corpus_index, req)
    # each selected facet is counted under the other facets' filters only
    assert counts(result, "form")["10-K"] == total(corpus_index, forms=("10-K",), years=("2024",))
    assert counts(result, "year")["2024"] == result.total
    years = counts(result, "year")
    other = next(y for y in years if y != "2024")
    assert years[other] == total(corpus_index, forms=("8-K", "10-K"), years=(other,))


# ---------------------------------------------------------------- the web app


def get_json(client, url: str, status: int = 200) -> dict:
    resp = client.get(url)
    assert resp.status_code == status, resp.data[:500]
    return resp.get_json()


def get_html(client, url: str):
    resp = client.get(url)
    assert resp.status_code == 200, resp.data[:500]
    return soup(resp.data)


def test_picking_a_second_form_adds_it(client):
    one = get_json(client, "/search.json?q=revenue&form=8-K")
    ten = next(v for v in one["facets"]["form"]["values"] if v["value"] == "10-K")
    assert not ten["selected"]
    assert query_of(ten["toggle_url"]) == [("form", "10-K"), ("form", "8-K"), ("q", "revenue")]
    two = get_json(client, json_twin(ten["toggle_url"]))
    assert two["filters"]["forms"] == ["8-K", "10-K"]
    assert two["total"] == one["total"] + ten["count"]
    chips = [(f["param"], f["value"]) for f in two["active_filters"]]
    assert chips == [("form", "8-K"), ("form", "10-K")]
    page = get_html(client, ten["toggle_url"])
    checked = page.select('section[data-facet="form"] a[role="checkbox"][aria-checked="true"]')
    assert sorted(a.find_parent("li")["data-value"] for a in checked) == ["10-K", "8-K"]
    assert len(page.select("ul.active-filters a[aria-label^='Remove filter']")) == 2


def test_more_lists_a_facet_in_full(client):
    top = get_json(client, "/search.json")
    company = top["facets"]["company"]
    assert company["other_values"] > 0 and company["more_url"].endswith("#facet-company")
    full = get_json(client, json_twin(company["more_url"].partition("#")[0]))
    listed = full["facets"]["company"]
    assert full["more"] == "company" and listed["expanded"] and listed["less_url"]
    assert len(listed["values"]) == len(company["values"]) + company["other_values"]
    assert listed["other_values"] == 0 and listed["more_url"] is None
    assert len(full["facets"]["form"]["values"]) <= 10  # the others keep their top values
    # a value ticked in the full list keeps it open
    pick = listed["values"][-1]
    assert ("more", "company") in query_of(pick["toggle_url"])
    page = get_html(client, "/search?more=company")
    assert page.select_one("#facet-company.expanded input[data-facet-filter]")
    assert page.select_one("#facet-form a[data-more]")


def test_find_narrows_the_full_list(client):
    data = get_json(client, "/search.json?more=company&find=APPLE")
    listed = data["facets"]["company"]["values"]
    assert listed and all("apple" in v["label"].lower() for v in listed)
    assert data["find"] == "APPLE"
    assert len(data["facets"]["form"]["values"]) > 1  # the other facets are not narrowed
    # ticking a value keeps the narrowed list; "Show fewer" drops both
    assert ("find", "APPLE") in query_of(listed[0]["toggle_url"])
    assert "find" not in dict(query_of(data["facets"]["company"]["less_url"]))
    hidden = data["facets"]["company"]["find_hidden"]
    assert hidden == [["more", "company"]]
    form = get_html(client, "/search?more=company&find=apple&form=8-K").select_one(
        "#facet-company form[data-facet-find]"
    )
    assert [(i["name"], i["value"]) for i in form.select("input[type=hidden]")] == [
        ("form", "8-K"),
        ("more", "company"),
    ]
    assert form.select_one("input[name=find]")["value"] == "apple"
    assert get_json(client, "/search.json?find=apple")["find"] is None  # only with more
    assert get_json(client, f"/search.json?more=company&find={'x' * 101}", 400)["error"].startswith(
        "find:"
    )


@pytest.mark.parametrize("value", ["bogus", "company\x00", "x" * 50])
def test_more_must_name_a_facet(client, value):
    data = get_json(client, f"/search.json?more={value}", 400)
    assert data["error"].startswith("more:")


def test_results_per_page(client):
    data = get_json(client, "/search.json?q=revenue&per_page=25")
    assert len(data["hits"]) == 25
    choices = {c["n"]: c for c in data["per_page_choices"]}
    assert list(choices) == [10, 25, 50, 100] and choices[25]["selected"]
    # the page holding the first hit shown: hit 21 (page 3 of 10) is on page 1 of 25
    third = get_json(client, "/search.json?q=revenue&page=3")
    to_25 = next(c for c in third["per_page_choices"] if c["n"] == 25)
    assert query_of(to_25["url"]) == [("per_page", "25"), ("q", "revenue")]
    hits_25 = get_json(client, json_twin(to_25["url"]))["hits"]
    assert [h["id"] for h in third["hits"][:5]] == [h["id"] for h in hits_25[20:25]]
    page = get_html(client, "/search?q=revenue&per_page=25")
    assert page.select_one('nav.per-page strong[aria-current="true"]').get_text() == "25"
    assert ["per_page", "25"] in data["form"]["hidden"]  # a new query keeps it
    assert page.select_one('form.search input[type=hidden][name=per_page][value="25"]')


def test_the_sort_shown_is_the_sort_applied(client):
    data = get_json(client, "/search.json")
    assert data["sort"] == "relevance" and data["sort_applied"] == "newest"
    assert [s["name"] for s in data["sorts"] if s["selected"]] == ["newest"]
    assert "relevance" not in [s["name"] for s in data["sorts"]]
    filed = [h["filed"] for h in data["hits"] if h["filed"]]
    assert filed == sorted(filed, reverse=True)
    page = get_html(client, "/")
    assert page.select_one('nav.sorts [aria-current="true"]')["data-sort"] == "newest"
    ranked = get_json(client, "/search.json?q=revenue")
    assert ranked["sort_applied"] == "relevance"
    assert [s["name"] for s in ranked["sorts"] if s["selected"]] == ["relevance"]


SEARCH = "/search?q=revenue&form=8-K&item=2.02&sort=newest&per_page=5&page=2"


def test_a_filing_links_back_to_the_whole_search(client):
    page = get_html(client, SEARCH)
    data = get_json(client, json_twin(SEARCH))
    hit = data["hits"][0]
    assert [a["href"] for a in page.select("ol.hits h3 a")] == [h["url"] for h in data["hits"]]
    filing = get_html(client, hit["url"])
    back = filing.select_one("a[data-back]")["href"]
    assert urlsplit(back).path == "/search" and query_of(back) == query_of(SEARCH)
    assert back == get_json(client, json_twin(hit["url"]))["search_url"]
    # the filing's tabs and views keep the way back
    for a in filing.select("nav.tabs a, nav.views a"):
        assert (
            dict(parse_qsl(urlsplit(a["href"]).query))["back"]
            == dict(parse_qsl(urlsplit(hit["url"]).query))["back"]
        )
    assert shown_hits(get_html(client, back)) == [h["id"] for h in data["hits"]]


def test_a_bad_way_back_is_dropped_and_a_long_one_refused(client):
    hit = get_json(client, "/search.json?q=revenue")["hits"][0]
    for back in ("page=0", "form=%00", "sort=sideways", "&" * 500, "form=x" * 300):
        url = f"/filings/{hit['id']}.json?" + urlencode({"q": "revenue", "back": back})
        data = get_json(client, url)
        assert data["search_url"] == "/search?q=revenue"
    data = get_json(client, f"/filings/{hit['id']}.json?back={'a' * 2001}", 400)
    assert data["error"].startswith("back:")
    plain = get_json(client, f"/filings/{hit['id']}.json?back=form%3D8-K")
    assert plain["search_url"] == "/search?form=8-K"
