"""`/LATEST/search-index`: the EFTS shape its clients parse, parameters, paging and errors."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from indexer.edgar.states import location_name
from indexer.query.filters import Filters
from indexer.query.formcats import FORM_CATEGORIES
from indexer.search.core import SearchRequest, search
from webapp import create_app, efts

ON_BOTH_BACKENDS = True  # tests of the corpus index run on an index of each backend (conftest)

SHAPE = json.loads((Path(__file__).parent / "fixtures" / "efts_response_shape.json").read_text())
# The _source fields issue 4 names, in EFTS' own words
EFTS_SOURCE = {
    "ciks", "display_names", "form", "root_forms", "file_date", "period_ending", "adsh",
    "file_type", "file_description", "items", "biz_states", "inc_states", "sics",
    "biz_locations", "xsl", "sequence", "file_num",
}  # fmt: skip
# "BANK OF AMERICA CORP /DE/  (CIK 0000070858)": an EFTS display name
DISPLAY_NAME = re.compile(r".*\S  \(CIK \d{10}\)")
URL = "/LATEST/search-index"


def make_client(index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


@pytest.fixture(scope="module")
def client(corpus_index):
    return make_client(corpus_index)


def get(client, **params) -> dict:
    r = client.get(URL, query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def core_total(index, **filters) -> int:
    """Return how many filings the search core finds for these filters."""
    return search(index, SearchRequest(filters=Filters(**filters), facets=False)).total


def hits(body: dict) -> list[dict]:
    return [h["_source"] for h in body["hits"]["hits"]]


# ---------------------------------------------------------------- shape


TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
    "object": dict,
}


def shape_errors(value, shape, path="$") -> list[str]:
    """Return where `value` differs from `shape` (see the fixture's "about")."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        if set(value) != set(shape):
            return [f"{path}: keys differ: extra {set(value) - set(shape)}, "
                    f"missing {set(shape) - set(value)}"]  # fmt: skip
        return [e for k in shape for e in shape_errors(value[k], shape[k], f"{path}.{k}")]
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {value!r}"]
        return [e for i, v in enumerate(value) for e in shape_errors(v, shape[0], f"{path}[{i}]")]
    types = tuple(TYPES[t] for t in shape.split("|"))
    wrong_bool = isinstance(value, bool) and bool not in types
    if not isinstance(value, types) or wrong_bool:
        return [f"{path}: expected {shape}, got {value!r}"]
    return []


def test_fixture_names_every_efts_field_and_marks_ours():
    source = SHAPE["shape"]["hits"]["hits"][0]["_source"]
    assert set(source) - set(SHAPE["ours"]) == EFTS_SOURCE
    assert set(SHAPE["ours"]) <= set(source)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "revenue"},
        {"q": "revenue", "forms": "8-K", "from": "1"},
        {},
        {"q": '"net income"', "dateRange": "all"},
        {"entityName": "apple"},
        {"q": "zzyzxnotaword"},
        {"forms": "10-K,-10-K/A", "locationCodes": "CA"},
    ],
)
def test_response_matches_the_recorded_shape(client, params):
    body = get(client, **params)
    assert shape_errors(body, SHAPE["shape"]) == []


def test_shape_check_catches_a_missing_or_mistyped_field(client):
    body = get(client, q="revenue")
    src = body["hits"]["hits"][0]["_source"]
    del src["root_forms"]
    body["took"] = "12"
    errors = shape_errors(body, SHAPE["shape"])
    assert any("$.took" in e for e in errors)
    assert any("missing {'root_forms'}" in e for e in errors)


def test_hits_look_as_efts_clients_parse_them(client):
    body = get(client, q="revenue", snippets="1")
    assert body["hits"]["total"] == {"value": body["hits"]["total"]["value"], "relation": "eq"}
    assert body["hits"]["max_score"] == max(h["_score"] for h in body["hits"]["hits"])
    for h in body["hits"]["hits"]:
        src = h["_source"]
        assert h["_index"] == "edgar_file"
        adsh, filename = h["_id"].split(":", 1)
        assert filename and adsh == (src["adsh"] or adsh)
        assert src["adsh"] or adsh.startswith("local-")  # no accession: no adsh to mangle
        assert isinstance(src["form"], str) and isinstance(src["file_date"], str)
        assert all(re.fullmatch(r"\d{10}", c) for c in src["ciks"])
        named = [n for n in src["display_names"] if "(CIK " in n]
        assert len(named) == len(src["ciks"])
        assert all(DISPLAY_NAME.fullmatch(n) for n in named)
        assert [n.rsplit("(CIK ", 1)[1][:10] for n in named] == src["ciks"]
        assert src["root_forms"] == ([src["form"].removesuffix("/A")] if src["form"] else [])
        assert len(src["items"]) == len(src["items_normalized"]) == len(src["item_titles"])
    assert any(src["snippets"] for src in hits(body))


def test_an_8k_hit_carries_its_items_in_both_numberings(client):
    body = get(client, q="revenue", forms="8-K", ciks="1018724")
    (src,) = hits(body)
    assert src["items"] == ["2", "7"]  # as filed in 1998
    assert src["items_normalized"] == ["2.01", "9.01"]
    assert src["display_names"] == ["AMAZON COM INC  (CIK 0001018724)"]


def test_hit_states_and_sics_are_the_filers(client):
    located = hits(get(client, locationCodes="CA"))
    assert located and all("CA" in src["biz_states"] for src in located)
    incorporated = hits(get(client, locationType="incorporated", locationCodes="DE"))
    assert incorporated and all("DE" in src["inc_states"] for src in incorporated)
    (amazon,) = hits(get(client, q="revenue", forms="8-K", ciks="1018724"))
    assert (amazon["sics"], amazon["inc_states"], amazon["biz_states"]) == (
        ["5961"],
        ["DE"],
        ["WA"],
    )


def test_without_words_a_hit_stands_for_its_primary_document(client, corpus_index):
    body = get(client, ciks="320193")
    req = SearchRequest(filters=Filters(ciks=("320193",)), per_page=100, facets=False)
    core = search(corpus_index, req).hits
    assert [h["_source"]["adsh"] for h in body["hits"]["hits"]] == [h.accession or "" for h in core]
    for h, hit in zip(body["hits"]["hits"], core, strict=True):
        primary = hit.primary or {}
        filename = primary.get("filename") or f"{hit.id}.txt"  # the whole submission
        assert h["_id"] == f"{hit.id}:{filename}"
        assert h["_source"]["file_type"] == (primary.get("type") or hit.form)
        assert h["_source"]["file_description"] == primary.get("description")


# ---------------------------------------------------------------- parameters


def test_forms_include_and_exclude(client, corpus_index):
    everything = get(client)["hits"]["total"]["value"]
    eight_k = get(client, forms="8-K")
    assert eight_k["hits"]["total"]["value"] == core_total(corpus_index, forms=("8-K",)) > 0
    assert {s["root_forms"][0] for s in hits(eight_k)} == {"8-K"}
    others = get(client, forms="-8-K")
    assert all(s["root_forms"] != ["8-K"] for s in hits(others))
    assert others["hits"]["total"]["value"] + eight_k["hits"]["total"]["value"] == everything
    both = get(client, forms="8-K, 10-K")
    assert {b["key"] for b in both["aggregations"]["form_filter"]["buckets"]} == {"8-K", "10-K"}


def test_ciks_and_entity_name(client, corpus_index):
    apple = get(client, ciks="320193")
    total = apple["hits"]["total"]["value"]
    assert total == core_total(corpus_index, ciks=("320193",)) > 0
    assert all("0000320193" in s["ciks"] for s in hits(apple))
    by_display = get(client, entityName="Apple Inc.  (AAPL)  (CIK 0000320193)")
    assert by_display["hits"]["total"]["value"] == total
    assert get(client, entityName="320193")["hits"]["total"]["value"] == total
    by_words = get(client, entityName="apple")["hits"]["total"]["value"]
    assert by_words == core_total(corpus_index, company="apple") > 0


def test_custom_date_range(client, corpus_index):
    body = get(client, dateRange="custom", startdt="2000-01-01", enddt="2010-12-31")
    total = body["hits"]["total"]["value"]
    expected = core_total(corpus_index, filed_from="2000-01-01", filed_to="2010-12-31")
    assert total == expected > 0
    assert all("2000-01-01" <= s["file_date"] <= "2010-12-31" for s in hits(body))
    # dates without dateRange (edgartools omits it for one-sided ranges) work the same
    assert get(client, startdt="2000-01-01", enddt="2010-12-31")["hits"]["total"]["value"] == total


@pytest.mark.parametrize(
    ("preset", "start"), [("10y", "2000-06-15"), ("1y", "2009-06-15"), ("30d", "2010-05-16")]
)
def test_date_range_presets_count_back_from_today(client, corpus_index, monkeypatch, preset, start):
    monkeypatch.setattr(efts, "today", lambda: date(2010, 6, 15))
    total = get(client, dateRange=preset)["hits"]["total"]["value"]
    assert total == core_total(corpus_index, filed_from=start)


def test_all_dates_is_no_date_filter(client):
    everything = get(client)["hits"]["total"]["value"]
    assert get(client, dateRange="all")["hits"]["total"]["value"] == everything


def test_locations_by_business_address_and_incorporation(client, corpus_index):
    located = get(client, locationCodes="CA")
    total = located["hits"]["total"]["value"]
    assert total == core_total(corpus_index, biz_states=("CA",)) > 0
    buckets = located["aggregations"]["biz_states_filter"]["buckets"]
    assert {"key": "CA", "doc_count": total} in buckets
    incorporated = get(client, locationType="incorporated", locationCode="DE")
    assert incorporated["hits"]["total"]["value"] == core_total(corpus_index, states=("DE",)) > 0
    both = get(client, locationCodes="CA,IL")["hits"]["total"]["value"]
    assert both == core_total(corpus_index, biz_states=("CA", "IL")) > total


def test_aggregations_count_the_whole_result_set(client, corpus_index):
    body = get(client, q="revenue")
    result = search(corpus_index, SearchRequest(q="revenue", facet_size=efts.BUCKETS))
    forms = body["aggregations"]["form_filter"]["buckets"]
    values = result.facets["form"]["values"]
    expected = [{"key": v["value"], "doc_count": v["count"]} for v in values]
    assert forms == expected
    keys = [b["key"] for b in body["aggregations"]["entity_filter"]["buckets"]]
    assert "AMAZON COM INC  (CIK 0001018724)" in keys
    assert all(DISPLAY_NAME.fullmatch(k) for k in keys if "(CIK " in k)
    for name in (k for k in keys if "(CIK " not in k):  # known only from header-less documents
        req = SearchRequest(filters=Filters(companies=(name,)), per_page=100)
        found = search(corpus_index, req)
        assert found.total and all(h.cik is None for h in found.hits)
    assert sum(b["doc_count"] for b in forms) <= body["hits"]["total"]["value"]


# ---------------------------------------------------------------- paging


def ids(body: dict) -> list[str]:
    return [h["_id"] for h in body["hits"]["hits"]]


def test_paging_by_from_and_page(client):
    first, second = get(client), get(client, **{"from": "100"})
    total = first["hits"]["total"]["value"]
    assert total > 200, "the corpus should fill more than two pages"
    assert len(ids(first)) == len(ids(second)) == efts.PAGE_SIZE
    assert not set(ids(first)) & set(ids(second))
    assert ids(get(client, page="2", **{"from": "100"})) == ids(second)
    assert ids(get(client, page="2")) == ids(second)
    # an offset that is not a multiple of 100 spans two of the core's pages
    assert (
        ids(get(client, **{"from": "150"}))
        == ids(second)[50:] + ids(get(client, **{"from": "200"}))[:50]
    )
    last = get(client, **{"from": str(total - 3)})
    assert len(ids(last)) == 3
    past = get(client, **{"from": str(total + 5)})
    assert ids(past) == [] and past["hits"]["total"]["value"] == total
    assert past["query"]["from"] == total + 5


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"from": "-1"}, "from"),
        ({"from": "ten"}, "from"),
        ({"from": "10000"}, "from"),
        ({"page": "0"}, "page"),
        ({"dateRange": "2y"}, "dateRange"),
        ({"startdt": "2020-13-01"}, "startdt"),
        ({"enddt": "01/02/2020"}, "enddt"),
        ({"startdt": "2020-1-01"}, "startdt"),
        ({"startdt": " 2020-01-01"}, "startdt"),
        ({"ciks": "320193,apple"}, "ciks"),
        ({"locationType": "moon"}, "locationType"),
        ({"locationCodes": "9Z"}, "locationCodes"),
        ({"category": "form-cat99"}, "category"),
        ({"items": "77"}, "items"),
        ({"forms": "8-K", "items": "2.02,x"}, "items"),
        ({"forms": ",".join(["8-K"] * 21)}, "forms"),
        ({"ciks": ",".join(str(n) for n in range(1000000000, 1000000030))}, "ciks"),
        ({"ciks": "99999999999"}, "ciks"),
        ({"ciks": "\t320193"}, "ciks"),
        ({"entityName": "x" * 500}, "entityName"),
        ({"q": "(revenue"}, None),
    ],
)
def test_bad_parameters_answer_400_in_the_error_shape(client, params, param):
    r = client.get(URL, query_string=params)
    assert r.status_code == 400
    body = r.get_json()
    assert body["ok"] is False and body["status"] == 400 and body["error"]
    if param:
        assert body["error"].startswith(f"{param}:")


def test_unknown_parameters_are_ignored_as_efts_does(client):
    plain = get(client, q="revenue")
    assert ids(get(client, q="revenue", size="200", category="custom")) == ids(plain)


def test_no_index_answers_503_with_the_hint(tmp_path):
    r = make_client(tmp_path).get(URL, query_string={"q": "revenue"})
    assert r.status_code == 503
    body = r.get_json()
    assert body["ok"] is False and body["status"] == 503 and "indexer build" in body["hint"]


def test_blank_values_are_absent_and_a_reversed_range_matches_nothing(client):
    plain = get(client, q="revenue")
    blank = {k: "" for k in ("startdt", "enddt", "dateRange", "ciks", "locationType", "from")}
    assert ids(get(client, q="revenue", **blank)) == ids(plain)
    reversed_range = get(client, q="revenue", startdt="2020-02-01", enddt="2020-01-01")
    assert plain["hits"]["total"]["value"] > 0 and reversed_range["hits"]["total"]["value"] == 0


# ---------------------------------------------------------------- issue 4: what clients send


def test_items_narrow_8ks_to_those_with_the_item(client, corpus_index):
    all_8k = get(client, forms="8-K")["hits"]["total"]["value"]
    body = get(client, forms="8-K", items="2.02")
    total = body["hits"]["total"]["value"]
    assert total == core_total(corpus_index, forms=("8-K",), items=("2.02",))
    assert 0 < total < all_8k
    assert all("2.02" in s["items_normalized"] for s in hits(body))
    either = get(client, forms="8-K", items="2.02,9")["hits"]["total"]["value"]  # 9 = 7.01
    assert either == core_total(corpus_index, forms=("8-K",), items=("2.02", "7.01")) > total


@pytest.mark.parametrize("key", [f"form-cat{n}" for n in range(11)])
def test_every_form_category_is_its_forms(client, corpus_index, key):
    forms = FORM_CATEGORIES[key][1]
    body = get(client, category=key)
    assert body["hits"]["total"]["value"] == core_total(corpus_index, forms=forms)
    assert body["query"]["filters"]["forms"] == list(forms)


def test_form_categories_select_what_they_name(client):
    reports = get(client, category="form-cat1")
    roots = {s["root_forms"][0] for s in hits(reports)}
    assert roots and roots <= set(FORM_CATEGORIES["form-cat1"][1])
    assert {"10-K", "8-K"} <= {b["key"] for b in reports["aggregations"]["form_filter"]["buckets"]}
    insiders = get(client, category="form-cat2")["hits"]["total"]["value"]
    others = get(client, category="form-cat0")["hits"]["total"]["value"]
    assert insiders > 0 and insiders + others == get(client)["hits"]["total"]["value"]
    # explicit forms win over the category sent with them (edgar-tool sends category=custom)
    assert ids(get(client, category="form-cat2", forms="10-K")) == ids(get(client, forms="10-K"))


def test_non_us_location_codes(client, corpus_index):
    ontario = get(client, locationCodes="A6")
    total = ontario["hits"]["total"]["value"]
    assert total == core_total(corpus_index, biz_states=("A6",)) > 0
    assert all("A6" in s["biz_states"] for s in hits(ontario))
    assert any(loc.endswith(", A6") for s in hits(ontario) for loc in s["biz_locations"])
    inc = get(client, locationType="incorporated", locationCodes="A6")["hits"]["total"]["value"]
    assert inc == core_total(corpus_index, states=("A6",)) > 0
    assert location_name("A6") == "Ontario, Canada" and location_name("X0") == "United Kingdom"


def test_an_accession_as_q_finds_its_filing(client, corpus_index):
    some = next(h for h in get(client, ciks="320193")["hits"]["hits"] if h["_source"]["adsh"])
    adsh = some["_source"]["adsh"]
    for q in (adsh, f'"{adsh}"', adsh.replace("-", "")):
        found = get(client, q=q)
        assert [h["_source"]["adsh"] for h in found["hits"]["hits"]] == [adsh], q
    assert get(client, q="0000000000-00-000000")["hits"]["total"]["value"] == 0


def test_no_null_where_efts_sends_strings(client):
    for params in ({}, {"from": "100"}, {"from": "200"}, {"q": "certification"}):
        for src in hits(get(client, **params)):
            assert all(isinstance(src[k], str) for k in ("form", "file_date", "adsh", "file_type"))


def test_snippets_are_opt_in(client):
    plain = get(client, q='"net income"')
    assert plain["hits"]["hits"] and not any(s["snippets"] for s in hits(plain))
    with_snippets = get(client, q='"net income"', snippets="1")
    assert any(s["snippets"] for s in hits(with_snippets))
    # the same filings; the matched document (`_id`'s file) is known only with snippets
    assert [i.split(":")[0] for i in ids(plain)] == [i.split(":")[0] for i in ids(with_snippets)]


def test_an_error_is_not_an_empty_result(client):
    empty = client.get(URL, query_string={"q": "zzyzxnotaword"})
    assert empty.status_code == 200 and empty.get_json()["hits"]["total"]["value"] == 0
    error = client.get(URL, query_string={"q": "(revenue"})
    assert error.status_code == 400 and "hits" not in error.get_json()


def test_the_search_page_offers_the_same_form_categories(client, corpus_index):
    html = client.get("/search?q=revenue").get_data(as_text=True)
    for key, (label, _forms) in FORM_CATEGORIES.items():
        assert f'<option value="{key}">{label}</option>' in html
    body = client.get("/search.json?category=form-cat2&per_page=100").get_json()
    assert body["total"] == core_total(corpus_index, forms=("3", "4", "5")) > 0
    page = client.get("/search?category=form-cat2").get_data(as_text=True)
    assert '<option value="form-cat2" selected>' in page
    assert 'name="category" value="form-cat2"' not in page  # the select carries it, no hidden copy
    r = client.get("/search.json?category=form-cat99")
    assert r.status_code == 400 and r.get_json()["error"].startswith("category:")
