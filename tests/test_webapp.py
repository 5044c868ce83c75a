"""The web app through Flask's test client, on the session index of ../shared/corpus: every route,
its errors, and for each page that what the HTML shows equals its `.json` twin."""

from __future__ import annotations

import re

import pytest

from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import SEED
from tests.webapp_pages import (
    json_facets,
    json_twin,
    query_of,
    shown_facets,
    shown_hits,
    shown_total,
    soup,
)
from webapp import create_app, params

ON_BOTH_BACKENDS = True  # tests of the corpus index run on an index of each backend (conftest)

APPLE = "320193"
CATERPILLAR_8K = "0000018230-22-000107"


@pytest.fixture(scope="module")
def seed_id(corpus_records) -> str:
    """The id of the bundled ImmunoGen 8-K of 2002 (no accession: a `local-` id)."""
    return next(i for i, r in corpus_records.items() if r["source"].endswith(SEED.name))


def get_json(client, url: str, status: int = 200) -> dict:
    resp = client.get(url)
    assert resp.status_code == status, resp.data[:500]
    assert resp.mimetype == "application/json"
    return resp.get_json()


def get_html(client, url: str, status: int = 200):
    resp = client.get(url)
    assert resp.status_code == status, resp.data[:500]
    assert resp.mimetype == "text/html"
    return soup(resp.data)


# ---------------------------------------------------------------- HTML equals JSON

PAGES = [
    "/",
    "/search?q=revenue",
    "/search?q=regulation+fd&form=8-K",
    "/search?q=revenue&sort=newest&per_page=5&page=2",
    "/search?year=2024&item=2.02",
    "/search?company_name=CATERPILLAR+INC",
    "/search?filed_from=2000-01-01&filed_to=2010-12-31&sort=oldest",
    "/search?q=zzzqqqnothing",
    f"/companies/{APPLE}",
    f"/companies/{APPLE}?q=revenue&sort=newest&per_page=3",
    "/companies/0000018230?year=2022",
]


@pytest.mark.parametrize("url", PAGES)
def test_results_page_shows_what_its_json_says(client, url):
    page = get_html(client, url)
    data = get_json(client, json_twin(url))
    assert data["ok"] is True
    assert shown_hits(page) == [h["id"] for h in data["hits"]]
    assert shown_total(page) == data["total"]
    assert shown_facets(page) == json_facets(data)
    assert [a["href"] for a in page.select("ol.hits h3 a")] == [h["url"] for h in data["hits"]]
    echo = page.select_one("[data-echo]")
    assert (echo.get_text() if echo else "") == data["query"]["echo"]


def test_home_is_the_search_page_over_every_filing(client, corpus_records):
    data = get_json(client, "/search.json")
    assert data["total"] == len(corpus_records)
    assert shown_hits(get_html(client, "/")) == [h["id"] for h in data["hits"]]
    assert data["pagination"]["pages"] == -(-len(corpus_records) // 10)


def test_hits_link_filings_and_companies(client):
    data = get_json(client, "/search.json?q=caterpillar+retail&per_page=20")
    hit = next(h for h in data["hits"] if h["id"] == CATERPILLAR_8K)
    assert hit["url"] == f"/filings/{CATERPILLAR_8K}?q=caterpillar+retail&back=per_page%3D20"
    assert hit["company_url"] == "/companies/18230"
    assert hit["items"][0]["label"] == ("Item 2.02 Results of Operations and Financial Condition")
    page = get_html(client, "/search?q=caterpillar+retail&per_page=20")
    li = page.select_one(f'li.hit[data-id="{CATERPILLAR_8K}"]')
    assert li.select_one('a[href="/companies/18230"]').get_text() == "CATERPILLAR INC"
    assert "filed 2022-04-28" in " ".join(li.select_one(".meta").get_text().split())


def test_items_show_both_numberings(client, seed_id):
    data = get_json(client, "/search.json?q=immunogen")
    hit = next(h for h in data["hits"] if h["id"] == seed_id)
    labels = [i["label"] for i in hit["items"]]
    assert labels == [
        "Item 9 (now 7.01) Regulation FD Disclosure",
        "Item 7 (now 9.01) Financial Statements and Exhibits",
    ]
    page = get_html(client, "/search?q=immunogen")
    shown = [li.get_text() for li in page.select(f'li[data-id="{seed_id}"] ul.items li')]
    assert shown == labels


def test_snippets_keep_only_the_core_marks(client):
    data = get_json(client, "/search.json?q=revenue")
    page = get_html(client, "/search?q=revenue")
    for hit in data["hits"]:
        shown = page.select(f'li[data-id="{hit["id"]}"] p.snippet')
        assert len(shown) == len(hit["snippets"])
        for p in shown:
            assert {t.name for t in p.find_all(True)} <= {"mark"}
    assert page.select("p.snippet mark")


def test_query_is_echoed_with_its_expansions(client):
    page = get_html(client, "/search?q=acquisitions+merger+OR+tender")
    assert page.select_one("[data-echo]").get_text() == "acquisitions AND (merger OR tender)"
    data = get_json(client, "/search.json?q=acquisitions")
    assert "acquisitions" in data["query"]["expansions"]


def test_did_you_mean_links_the_corrected_query(client):
    data = get_json(client, "/search.json?q=revenew&form=8-K")
    assert data["suggestion"]["q"] == "revenue"
    assert query_of(data["suggestion"]["url"]) == [("form", "8-K"), ("q", "revenue")]
    link = get_html(client, "/search?q=revenew&form=8-K").select_one("a[data-suggestion]")
    assert link.get_text() == "revenue" and link["href"] == data["suggestion"]["url"]


# ---------------------------------------------------------------- links round-trip


def test_facet_toggle_links_round_trip(client):
    start = "/search?q=revenue"
    before = get_json(client, json_twin(start))
    for name in ("form", "year", "items", "company"):
        value = before["facets"][name]["values"][0]
        on = get_json(client, json_twin(value["toggle_url"]))
        assert on["total"] == value["count"]
        chosen = next(v for v in on["facets"][name]["values"] if v["value"] == value["value"])
        assert chosen["selected"] and chosen["count"] == value["count"]
        assert [f["value"] for f in on["active_filters"]] == [value["value"]]
        off = get_json(client, json_twin(chosen["toggle_url"]))
        assert query_of(chosen["toggle_url"]) == query_of(start)
        assert [h["id"] for h in off["hits"]] == [h["id"] for h in before["hits"]]
        assert off["total"] == before["total"]


def test_active_filter_remove_links(client):
    url = "/search.json?q=revenue&form=8-K&form=10-K&year=2024"
    data = get_json(client, url)
    assert [(f["param"], f["value"]) for f in data["active_filters"]] == [
        ("form", "8-K"),
        ("form", "10-K"),
        ("year", "2024"),
    ]
    removed = data["active_filters"][0]["remove_url"]
    assert query_of(removed) == [("form", "10-K"), ("q", "revenue"), ("year", "2024")]
    assert query_of(data["clear_filters_url"]) == [("q", "revenue")]


def test_pages_cover_every_hit_once(client):
    everything = get_json(client, "/search.json?q=revenue&per_page=100")
    assert everything["total"] > 12
    seen, url = [], "/search?q=revenue&per_page=5"
    while url:
        page = get_html(client, url)
        seen += shown_hits(page)
        nxt = page.select_one('a[rel="next"]')
        url = nxt["href"] if nxt else None
    assert seen == [h["id"] for h in everything["hits"]]
    current = get_html(client, "/search?q=revenue&per_page=5&page=2")
    assert current.select_one('.pagination [aria-current="page"]').get_text() == "2"


def test_sort_links(client):
    for sort, dates in (("newest", "filed"), ("oldest", "filed"), ("period", "period")):
        link = get_html(client, "/search?q=revenue&page=2").select_one(f'a[data-sort="{sort}"]')
        assert ("page", "2") not in query_of(link["href"])
        data = get_json(client, json_twin(link["href"]))
        assert data["sort"] == sort
        got = [h[dates] for h in data["hits"] if h[dates]]
        assert got == sorted(got, reverse=sort != "oldest")
        assert get_html(client, link["href"]).select_one(f'[data-sort="{sort}"]').name == "strong"


def test_search_form_keeps_filters_and_sort(client):
    page = get_html(client, "/search?q=revenue&form=8-K&sort=newest&filed_from=2001-02-03")
    form = page.select_one("form[role=search]")
    hidden = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    assert hidden == [("form", "8-K"), ("sort", "newest")]
    assert form.select_one("#q")["value"] == "revenue"
    assert form.select_one("#filed_from")["value"] == "2001-02-03"


# ---------------------------------------------------------------- filing pages


def test_filing_page_metadata(client):
    page = get_html(client, f"/filings/{CATERPILLAR_8K}")
    data = get_json(client, f"/filings/{CATERPILLAR_8K}.json")
    filing = data["filing"]
    assert filing["form_type"] == "8-K" and filing["filed"] == "2022-04-28"
    assert "source" not in filing and "sources" not in filing
    meta = page.select_one("aside.metadata")
    filer = meta.select_one('ul.filers li[data-cik="0000018230"]')
    assert "CIK 0000018230" in filer.get_text() and filer.select_one(".role").get_text() == "filer"
    assert filer.a["href"] == "/companies/18230"
    items = [li.get_text() for li in meta.select("ul.items li")]
    assert items == [i["label"] for i in filing["items"]]
    assert items[0] == "Item 2.02 Results of Operations and Financial Condition"
    assert "Suzette M. Long" in meta.select_one("ul.signers").get_text()
    assert "EX-99.1" in meta.select_one("ul.exhibits").get_text()
    sec = meta.select_one("a[data-sec]")["href"]
    assert (
        sec
        == data["sec_url"]
        == (
            "https://www.sec.gov/Archives/edgar/data/18230/000001823022000107/"
            "0000018230-22-000107-index.htm"
        )
    )


def test_filing_tabs_are_links(client):
    data = get_json(client, f"/filings/{CATERPILLAR_8K}.json?q=retail")
    page = get_html(client, f"/filings/{CATERPILLAR_8K}?q=retail")
    tabs = page.select("nav.tabs a[data-doc]")
    assert [a["href"] for a in tabs] == [d["url"] for d in data["tabs"]]
    files = page.select("details.files a[data-doc]")
    assert [a["href"] for a in files] == [
        d["original_url"] for g in data["files"] for d in g["documents"]
    ]
    assert data["document"]["n"] == next(d["n"] for d in data["documents"] if d["matches"])
    third = get_json(client, json_twin(data["documents"][2]["url"]))
    assert third["document"]["filename"] == "ex992toformcat1q2022retail.htm"
    assert [d["current"] for d in third["documents"]].index(True) == 2


def test_filing_text_anchors_items_and_highlights_terms(client, seed_id):
    page = get_html(client, f"/filings/{seed_id}?q=regulation")
    data = get_json(client, f"/filings/{seed_id}.json?q=regulation")
    text = page.select_one("[data-doc-text]")
    heading = text.select_one("#item-7\\.01")
    assert heading is not None and heading.get_text().strip().upper().startswith("ITEM 9")
    assert data["document"]["text"]["anchors"] == ["item-7.01", "item-9.01"]
    assert [m.get_text().lower() for m in text.select("mark")] == ["regulation"] * len(
        text.select("mark")
    )
    assert len(text.select("mark")) == data["document"]["text"]["matches"] > 0
    assert text.select_one("mark#first-match") is not None
    item = page.select_one('aside.metadata li[data-item="7.01"] a')["href"]
    assert item.endswith("#item-7.01") and "q=regulation" in item
    assert page.select_one(".crumbs a")["href"] == "/search?q=regulation"
    assert data["sec_url"] is None  # no accession


def test_filing_text_is_the_stored_text(client, seed_id, corpus_index):
    data = get_json(client, f"/filings/{seed_id}.json")
    shown = "".join(t for b in data["document"]["text"]["blocks"] for t, _ in b["parts"])
    page = get_html(client, f"/filings/{seed_id}")
    assert page.select_one("[data-doc-text]").get_text() == shown
    store = Store(indexdir.require_generation(corpus_index), readonly=True)
    try:
        assert shown == store.texts(seed_id)[0]
    finally:
        store.close()


def test_every_filing_page_renders(client, corpus_records):
    """Every filing of the corpus: its page, its JSON twin and its first original answer."""
    for fid, record in corpus_records.items():
        data = get_json(client, f"/filings/{fid}.json?q=revenue")
        assert data["filing"]["id"] == fid
        assert len(data["documents"]) == len(record["documents"])
        assert client.get(f"/filings/{fid}?q=revenue").status_code == 200
        if record["documents"]:
            assert client.get(f"/filings/{fid}/documents/1/original").status_code in (200, 404)


# ---------------------------------------------------------------- company pages


def test_company_page(client):
    data = get_json(client, f"/companies/{APPLE}.json?per_page=100")
    assert data["company"]["cik"] == "0000320193"
    assert "APPLE" in data["company"]["name"].upper()
    assert data["total"] == data["company"]["filings"] == len(data["hits"])
    assert all(
        "0000320193" in [f["cik"] for f in h["filers"]] or h["cik"] == "0000320193"
        for h in data["hits"]
    )
    bars = data["histogram"]["bars"]
    years = [int(b["year"]) for b in bars]
    assert years == list(range(years[0], years[-1] + 1))
    assert sum(b["count"] for b in bars) + data["histogram"]["missing"] == data["total"]
    page = get_html(client, f"/companies/{APPLE}?per_page=100")
    rows = page.select("ol.histogram li")
    assert [(r["data-year"], int(r["data-count"])) for r in rows] == [
        (b["year"], b["count"]) for b in bars
    ]
    assert page.select_one("[data-cik]").get_text() == "0000320193"


def test_company_histogram_bars_toggle_years(client):
    data = get_json(client, "/companies/0000320193.json")
    bar = next(b for b in data["histogram"]["bars"] if b["count"])
    year = get_json(client, json_twin(bar["url"]))
    assert year["total"] == bar["count"]
    assert "cik" not in dict(query_of(bar["url"]))  # the page's own CIK is in its path


def test_company_page_paths(client):
    assert get_json(client, "/companies/18230.json")["company"]["cik"] == "0000018230"
    assert get_json(client, "/companies/0000018230.json")["total"] >= 1


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("page=10001", "page"),
        ("per_page=101", "per_page"),
        ("facet_size=0", "facet_size"),
        ("sort=random", "sort"),
        ("q=" + "x" * 1001, "q"),
        ("filed_from=2004-02-30", "filed_from"),
        ("period_from=x", "period_from"),
        ("filed_to=2004-3", "filed_to"),
        ("year=x", "year"),
        ("cik=99999999999", "cik"),
        ("cik=%20320193", "cik"),
        ("page=%C2%B2", "page"),
        ("sort=%20newest", "sort"),
        ("cik=apple", "cik"),
        ("item=77", "item"),
        ("state=Narnia", "state"),
        ("form=" + "A" * 201, "form"),
        ("&".join(f"form=F{i}" for i in range(21)), "form"),
        ("page=1&page=2", "page"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query, param):
    data = get_json(client, f"/search.json?{query}", 400)
    assert data["ok"] is False and data["status"] == 400
    assert data["error"].startswith(f"{param}: ")
    page = get_html(client, f"/search?{query}", 400)
    assert page.select_one("h1").get_text().startswith(f"400: {param}: ")
    if param != "cik":  # a company page fixes the CIK itself and ignores the parameter
        get_json(client, f"/companies/{APPLE}.json?{query}", 400)


def test_bad_query_syntax_is_400(client):
    data = get_json(client, '/search.json?q="unclosed', 400)
    assert data["error"] == "q: unclosed quote (at position 0)"
    assert get_json(client, f'/filings/{CATERPILLAR_8K}.json?q="unclosed', 400)["error"].startswith(
        "q: "
    )
    too_many = "&".join(f"x{i}=1" for i in range(params.MAX_ARGS + 1))
    assert get_json(client, "/search.json?" + too_many, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/filings/not-an-accession",
        "/filings/0000018230-22-00010",
        "/filings/0000000000-00-000000",
        "/filings/local-0000000000000000",
        "/filings/local-ABCDEF0000000000",
        "/filings/..%2F..%2Fetc%2Fpasswd",
        "/companies/apple",
        "/companies/12345678901",
        "/companies/9999999999",
        "/nowhere",
    ],
)
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404
    if not url.startswith("/nowhere"):
        data = get_json(client, url + ".json", 404)
        assert data == {"ok": False, "error": data["error"], "status": 404, **_hint(data)}


def _hint(data: dict) -> dict:
    return {"hint": data["hint"]} if "hint" in data else {}


def test_unknown_documents_are_404(client):
    assert client.get(f"/filings/{CATERPILLAR_8K}/documents/99/original").status_code == 404
    assert client.get(f"/filings/{CATERPILLAR_8K}/documents/0/original").status_code == 404
    assert client.get(f"/filings/{CATERPILLAR_8K}.json?doc=99").status_code == 404
    assert client.get(f"/filings/{CATERPILLAR_8K}.json?doc=10001").status_code == 400
    assert client.get(f"/filings/{CATERPILLAR_8K}.json?view=raw").status_code == 400


@pytest.mark.parametrize(
    "url", ["/", "/search?q=revenue", f"/filings/{CATERPILLAR_8K}", f"/companies/{APPLE}"]
)
def test_no_index_is_503_with_a_hint(tmp_path, url):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "empty")}).test_client()
    page = get_html(client, url, 503)
    assert "indexer build" in page.select_one(".hint").get_text()
    data = get_json(client, json_twin(url), 503)
    assert data["ok"] is False and data["status"] == 503 and "indexer build" in data["hint"]
    assert client.get(f"/filings/{CATERPILLAR_8K}/documents/1/original").status_code == 503


def test_json_twins_are_json_for_every_page(client, seed_id):
    for url in ("/search.json", f"/filings/{seed_id}.json", f"/companies/{APPLE}.json"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.get_json()["ok"] is True
        assert re.match(r"^\{\"ok\":true", resp.data.decode())


def test_blank_parameters_are_absent_and_a_reversed_range_matches_nothing(client):
    blank = "&".join(f"{p}=" for p in ("sort", "page", "per_page", "cik", "year", "filed_from"))
    assert (
        get_json(client, f"/search.json?{blank}")["total"]
        == get_json(client, "/search.json")["total"]
    )
    assert get_json(client, "/search.json?filed_from=2005&filed_to=2004")["total"] == 0


def test_405_answers_say_which_methods_are_allowed(client):
    for r in (client.post("/search.json"), client.open("/search", method="TRACE")):
        assert r.status_code == 405 and "GET" in r.headers["Allow"]
