"""A company is a CIK: the entities table, the company facet by CIK, the company lookup."""

from __future__ import annotations

import pytest

from indexer.backend.whoosh import INDEX_NAME
from indexer.query.filters import Filters
from indexer.search.core import SearchRequest, search
from indexer.store import generations as indexdir
from indexer.store.entities import get_entities, suggest
from indexer.store.sidestore import Store
from webapp import create_app

APPLE = "0000320193"


@pytest.fixture(scope="module")
def client(corpus_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)}).test_client()


@pytest.fixture(scope="module")
def store(corpus_index):
    s = Store(indexdir.require_generation(corpus_index), readonly=True)
    yield s
    s.close()


def test_an_entity_is_its_latest_name_and_every_name_it_filed_under(store, corpus_records):
    apple = get_entities(store.db, [APPLE])[APPLE]
    dated = [
        r
        for r in corpus_records.values()
        if r["filed"] and APPLE in {f["cik"] for f in r["filers"]}
    ]
    newest = max(dated, key=lambda r: r["filed"])
    assert apple.name == next(f["name"] for f in newest["filers"] if f["cik"] == APPLE)
    names = {n["name"]: n for n in apple.names}
    assert {"APPLE COMPUTER INC", "APPLE INC"} <= set(names)
    assert names["APPLE COMPUTER INC"]["last"] < names["APPLE INC"]["first"]
    assert {"APPLE COMPUTER INC"} <= {n["name"] for n in apple.former_names}
    naming = [r for r in corpus_records.values() if APPLE in {f["cik"] for f in r["filers"]}]
    assert apple.filings == len(naming)


def test_the_company_facet_counts_ciks_labelled_with_the_latest_name(
    corpus_index, store, corpus_records
):
    result = search(corpus_index, SearchRequest(q="", facet_size=100))
    values = {v["value"]: v for v in result.facets["company"]["values"]}
    apple = get_entities(store.db, [APPLE])[APPLE]
    assert values[APPLE]["label"] == f"{apple.name} (CIK {APPLE})"
    # one bucket for every spelling: the primary filer's CIK counts each filing once
    assert values[APPLE]["count"] == sum(r["cik"] == APPLE for r in corpus_records.values())
    spellings = {r["company"] for r in corpus_records.values() if r["cik"] == APPLE}
    assert len(spellings) >= 3
    assert not spellings & set(values)


def test_the_company_filter_takes_a_cik_or_a_legacy_name(corpus_index):
    by_cik = search(corpus_index, SearchRequest(filters=Filters(companies=("320193",))))
    assert by_cik.total > 0 and {h.cik for h in by_cik.hits} == {APPLE}
    old_name = search(
        corpus_index, SearchRequest(filters=Filters(companies=("APPLE COMPUTER INC",)))
    )
    assert 0 < old_name.total < by_cik.total


@pytest.mark.parametrize("typed", ["app", "Apple", "apple comp", "320193", "3201", "0000320193"])
def test_lookup_finds_a_company_by_any_name_or_its_cik(store, typed):
    assert APPLE in [e.cik for e in suggest(store.db, typed)]


def test_lookup_is_bounded(store):
    assert len(suggest(store.db, "a")) <= 10
    assert suggest(store.db, "") == suggest(store.db, "  ,;") == []
    assert suggest(store.db, "zzyzxnotaname") == []


def test_suggest_json(client):
    body = client.get("/companies/suggest.json?q=apple+computer").get_json()
    assert body["ok"] and body["companies"][0]["cik"] == APPLE
    assert body["companies"][0]["label"].endswith(f"(CIK {APPLE})")
    r = client.get("/companies/suggest.json", query_string={"q": "x" * 101})
    assert r.status_code == 400 and r.get_json()["error"].startswith("q:")


def test_efts_keys_typed_answers_like_efts(client):
    body = client.get("/LATEST/search-index?keysTyped=apple").get_json()
    (hit,) = [h for h in body["hits"]["hits"] if h["_id"] == APPLE]
    assert hit["_source"]["entity"] and "APPLE COMPUTER INC" in hit["_source"]["former_names"]
    r = client.get("/LATEST/search-index", query_string={"keysTyped": "x" * 101})
    assert r.status_code == 400 and r.get_json()["error"].startswith("keysTyped:")


def test_efts_entity_buckets_are_ciks_with_the_latest_name(client, store):
    body = client.get("/LATEST/search-index?q=revenue&forms=8-K").get_json()
    keys = [b["key"] for b in body["aggregations"]["entity_filter"]["buckets"]]
    apple = get_entities(store.db, [APPLE])[APPLE]
    assert [k for k in keys if k.endswith(f"(CIK {APPLE})")] == [f"{apple.name}  (CIK {APPLE})"]


def test_company_page_lists_every_name_with_its_dates(client):
    data = client.get(f"/companies/{APPLE}.json").get_json()
    names = {n["name"]: n for n in data["company"]["names"]}
    assert names["APPLE COMPUTER INC"]["first"] and names["APPLE COMPUTER INC"]["last"]
    html = client.get(f"/companies/{APPLE}").get_data(as_text=True)
    first = names["APPLE COMPUTER INC"]["first"]
    assert "Names filed under" in html and f"APPLE COMPUTER INC ({first}" in html


def test_an_index_from_before_the_company_key_is_rebuilt_whole(tmp_path):
    from whoosh import fields as W
    from whoosh import index as whoosh_index

    from indexer.backend.whoosh.docvalues import DocValues
    from indexer.backend.whoosh.schema import FilingSchema
    from indexer.backend.whoosh.writer import compatible
    from indexer.indexing.builder import build
    from tests.corpus import SEED

    build([str(SEED)], tmp_path / "new", jobs=1)
    assert compatible(indexdir.require_generation(tmp_path / "new"))
    old = tmp_path / "old"
    old.mkdir()
    schema = W.Schema(**{n: f for n, f in FilingSchema().items() if n != "company_key"})
    whoosh_index.create_in(str(old), schema, indexname=INDEX_NAME).close()
    assert not compatible(old)
    ix = whoosh_index.open_dir(str(old), indexname=INDEX_NAME)
    try:  # served before the rebuild, the company facet is empty instead of an error
        assert DocValues(ix.reader()).facet("company") == ([], [])
    finally:
        ix.close()
