"""Undated filings are never dropped silently: the year facet and the filing-date filters read
the same date, a date filter says how many undated filings it left out, and a link includes them."""

from __future__ import annotations

import shutil

import pytest

from indexer.indexing.builder import build
from indexer.query.filters import Filters
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import COVER

WORDS = ["", "dividend", "certification", "net income"]


@pytest.fixture(scope="module")
def index(corpus_index):
    idx = SearchIndex(corpus_index)
    yield idx
    idx.close()


def total(index, q: str, **filters) -> tuple[int, int | None]:
    result = search(index, SearchRequest(q=q, filters=Filters(**filters), per_page=1))
    return result.total, result.undated


@pytest.mark.parametrize("q", WORDS)
def test_a_year_and_its_filed_dates_find_the_same_filings(index, q):
    years = search(index, SearchRequest(q=q, facet_size=100)).facets["year"]["values"]
    assert years, "the corpus has dated filings"
    for v in years:
        if v["value"] == "undated":
            continue
        y = v["value"]
        by_year = total(index, q, years=(y,))
        by_dates = total(index, q, filed_from=f"{y}-01-01", filed_to=f"{y}-12-31")
        assert by_year == by_dates and by_year[0] == v["count"]


@pytest.mark.parametrize("q", WORDS)
def test_a_date_filter_counts_the_undated_filings_it_left_out(index, corpus_records, q):
    everything = total(index, q)
    assert everything[1] is None  # no date filter: nothing left out
    in_2023, undated = total(index, q, filed_from="2023")
    before_2023, undated_again = total(index, q, filed_to="2022-12-31")
    assert undated == undated_again
    assert in_2023 + before_2023 + undated == everything[0]
    included, none = total(index, q, filed_from="2023", include_undated=True)
    assert (included, none) == (in_2023 + undated, None)
    if q == "":
        assert undated == sum(1 for r in corpus_records.values() if r["filed"] is None) > 0


def test_the_page_says_so_and_links_to_them(client):
    page = client.get("/search?q=dividend&year=2023").get_data(as_text=True)
    data = client.get("/search.json?q=dividend&year=2023").get_json()
    assert data["undated"] > 0 and data["undated_note"]["url"].endswith("undated=include")
    assert f"{data['undated']} matching filings have no known filing date" in page
    assert 'href="/search?q=dividend&amp;year=2023&amp;undated=include"' in page
    included = client.get(data["undated_note"]["url"].replace("/search?", "/search.json?"))
    assert included.get_json()["total"] == data["total"] + data["undated"]
    chips = [f["label"] for f in included.get_json()["active_filters"]]
    assert "Filings with no known date" in chips


def test_a_date_taken_from_another_file_says_which(tmp_path):
    """The primary document alone has no header: its filing date comes from the .hdr.sgml."""
    folder = COVER / "18230" / "0000018230-22-000107"
    src = tmp_path / "0000018230-22-000107"
    src.mkdir()
    hdr = next(folder.glob("*.hdr.sgml"))
    shutil.copyfile(hdr, src / hdr.name)
    for doc in folder.glob("*.htm"):
        shutil.copyfile(doc, src / doc.name)
    build([str(src)], tmp_path / "index", jobs=1)
    store = Store(indexdir.require_generation(tmp_path / "index"), readonly=True)
    record = store.record("0000018230-22-000107")
    store.close()
    assert record["filed"] == "2022-04-28"
    assert record["filed_source"] == str(src / hdr.name)
