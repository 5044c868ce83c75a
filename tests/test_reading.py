"""Reading a filing and did-you-mean through Flask's test client, on the session corpus index:
"Found in" links, a filing's documents grouped, its facts first, names of unknown filings,
signer links, and corrections chosen by word pairs and company names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from indexer.edgar.originals import document_sizes
from indexer.search.suggest import candidates, one_edit
from indexer.store.entities import within_two
from tests.webapp_pages import soup

CATERPILLAR_8K = "0000018230-22-000107"
CAT = f"/filings/{CATERPILLAR_8K}"


@pytest.fixture(scope="module")
def warm(app):
    """Return a client of the module's app, warmed by one search so that later answers are not
    cut by a cold start's deadline."""
    client = app.test_client()
    client.get("/search.json?q=revenue")
    return client


def get(client, url: str):
    resp = client.get(url)
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json() if resp.mimetype == "application/json" else soup(resp.data)


# ---------------------------------------------------------------- found in


def test_found_in_links_open_the_document_at_its_first_match(warm):
    data = get(warm, "/search.json?q=retail+statistics")
    hit = next(h for h in data["hits"] if h["id"] == CATERPILLAR_8K)
    ex992 = next(d for d in hit["matched_documents"] if d["type"] == "EX-99.2")
    assert ex992["n"] == 3
    path, _, anchor = ex992["url"].partition("#")
    assert anchor == "first-match"
    assert dict(parse_qsl(urlsplit(path).query)) == {"q": "retail statistics", "doc": "3"}
    page = get(warm, "/search?q=retail+statistics")
    links = page.select(f'li.hit[data-id="{CATERPILLAR_8K}"] p.matched a')
    assert [a["href"] for a in links] == [d["url"] for d in hit["matched_documents"]]
    assert "EX-99.2 (ex992toformcat1q2022retail.htm)" in [a.get_text() for a in links]
    filing = get(warm, path)
    assert filing.select_one('nav.tabs a[aria-current="page"]')["data-doc"] == "3"
    assert filing.select_one("#first-match").get_text().lower() in ("retail", "statistics")
    assert filing.select_one("[data-match-buttons][hidden]") is not None  # JavaScript shows it


# ---------------------------------------------------------------- documents grouped


def test_documents_are_grouped_tabs_first_then_compact_files(warm):
    data = get(warm, f"{CAT}.json")
    assert [d["type"] for d in data["tabs"]] == ["8-K", "EX-99.1", "EX-99.2"]
    assert data["tabs"][1]["label"] == "EARNINGS RELEASE"
    groups = {g["group"]: [d["filename"] for d in g["documents"]] for g in data["files"]}
    assert set(groups) == {"xbrl", "graphic"}
    assert "Show.js" in groups["xbrl"] and "report.css" in groups["xbrl"]
    assert "Financial_Report.xlsx" in groups["xbrl"] and len(groups["xbrl"]) == 12
    assert groups["graphic"] == [
        "cat-20220428_g1.jpg", "consopprofit1q2022a.jpg", "conssalesandrevenues1q2022a.jpg"
    ]  # fmt: skip
    assert len(data["tabs"]) + sum(len(g) for g in groups.values()) == len(data["documents"])
    page = get(warm, CAT)
    assert [a["data-doc"] for a in page.select("nav.tabs a")] == ["1", "2", "3"]
    rows = page.select("details.files ul.file-list li")
    assert len(rows) == 15
    jpg = next(r for r in rows if "consopprofit1q2022a.jpg" in r.get_text())
    assert "GRAPHIC · 114.9 kB" in jpg.get_text()  # the decoded image, not its uuencoding
    assert "view=original" in jpg.a["href"]
    assert not page.select_one("details.files").has_attr("open")  # closed on a tab


def test_a_compact_file_opens_with_its_group_shown(warm):
    page = get(warm, f"{CAT}?doc=9&view=original")
    files = page.select_one("details.files[open]")
    assert files is not None
    assert files.select_one('a[aria-current="page"]')["data-doc"] == "9"
    assert page.select_one("iframe.original")["src"].endswith("/documents/9/original")


def test_document_sizes_are_decoded_bytes(corpus_records):
    record = corpus_records[CATERPILLAR_8K]
    sizes = document_sizes(record)
    assert len(sizes) == len(record["documents"]) == 18
    assert sizes[7] == 6659  # cat-20220428_g1.jpg, decoded from its uuencoding
    assert sizes[1] > 900_000  # the earnings release's HTML
    assert document_sizes({**record, "sources": ["/nonexistent/file.txt"]}) == [None] * 18
    alone = next(r for r in corpus_records.values() if r["source"].endswith("ex21_aapl.html"))
    assert document_sizes(alone) == [Path(alone["source"]).stat().st_size]


# ---------------------------------------------------------------- facts first, names


def test_facts_come_before_the_text(warm):
    page = get(warm, f"{CAT}?q=revenue")
    layout = page.select_one(".filing-layout")
    order = [c.name for c in layout.find_all(recursive=False)]
    assert order == ["aside", "section"]
    about = layout.select_one("aside.metadata > details.about[open]")
    assert about.select_one("summary h2").get_text() == "About this filing"
    assert about.select_one("a[data-sec]") and about.select_one("ul.items")
    assert page.select_one("section.document details.doc-menu[open] > summary")


def test_unknown_form_or_company_shows_the_file_name(warm, corpus_records):
    unnamed = [fid for fid, r in corpus_records.items() if not (r["form_type"] and r["company"])]
    assert len(unnamed) > 5
    for fid in unnamed[:8]:
        data = get(warm, f"/filings/{fid}.json")
        name = data["filing"]["file_name"]
        assert name and "/" not in name
        assert name in data["filing"]["heading"] and name in data["title"]
        assert "Filing" not in data["title"] and "local-" not in data["title"]
        page = get(warm, f"/filings/{fid}")
        assert page.h1.get_text() == data["filing"]["heading"]
        assert page.select_one("[data-file-name]").get_text() == name
    named = get(warm, f"{CAT}.json")
    assert named["filing"]["heading"] == "8-K · CATERPILLAR INC"
    assert named["title"] == f"8-K · CATERPILLAR INC · {CATERPILLAR_8K}"


def test_exhibits_link_to_their_documents(warm):
    exhibits = {e["type"]: e["url"] for e in get(warm, f"{CAT}.json")["filing"]["exhibits"]}
    assert exhibits["EX-99.2"] == f"{CAT}?doc=3"
    assert exhibits["EX-104"] is None  # inline in the 8-K: no document of its own
    page = get(warm, CAT)
    assert page.select_one("ul.exhibits a.form")["href"] == exhibits["EX-99.1"]


def test_signers_link_to_a_search_for_them(warm):
    data = get(warm, f"{CAT}.json")
    (signer,) = data["filing"]["signers"]
    assert parse_qsl(urlsplit(signer["url"]).query) == [("signer_name", "Suzette M. Long")]
    page = get(warm, CAT)
    assert page.select_one("ul.signers a[data-signer]")["href"] == signer["url"]
    found = get(warm, signer["url"].replace("/search", "/search.json"))
    assert CATERPILLAR_8K in [h["id"] for h in found["hits"]]


# ---------------------------------------------------------------- did you mean


def suggestion(client, q: str) -> dict | None:
    return get(client, f"/search.json?q={q}")["suggestion"]


def test_word_pairs_choose_the_correction(warm):
    s = suggestion(warm, "sarbanes+oxly")
    assert s["q"] == "sarbanes oxley"  # not "sarbanes only": "only" is commoner alone
    assert s["html"] == "sarbanes <mark>oxley</mark>"
    assert get(warm, s["url"].replace("/search", "/search.json"))["total"] > 0


def test_a_word_found_once_is_still_a_correction(warm):
    assert suggestion(warm, "imunogen")["q"] == "immunogen"
    assert get(warm, "/search.json?q=immunogen")["total"] >= 1


def test_near_miss_company_names_are_suggested(warm):
    s = suggestion(warm, "caterpilar")
    assert s["q"] == "caterpillar"
    assert s["companies"] == [
        {
            "cik": "0000018230",
            "name": "CATERPILLAR INC",
            "label": "CATERPILLAR INC (CIK 0000018230)",
            "url": "/companies/18230",
        }
    ]
    page = get(warm, "/search?q=caterpilar")
    link = page.select_one("[data-suggested-companies] a")
    assert link["href"] == "/companies/18230" and link.get_text() == s["companies"][0]["label"]
    assert suggestion(warm, "caterpillar") is None


def test_common_words_in_names_suggest_no_company(warm):
    assert suggestion(warm, "amazn")["companies"][0]["name"] == "AMAZON COM INC"
    # "acquisition" names two SPACs here, but most filings using it are not theirs
    s = suggestion(warm, "acquisitons")
    assert s["q"] == "acquisitions" and s["companies"] == []


def test_corrections_that_find_nothing_are_not_offered(warm):
    s = suggestion(warm, "caterpilar&form=D")  # caterpillar files no Form D
    assert s is None or s["q"] is None


def test_one_edit_candidates():
    words = one_edit("oxly")
    assert {"oxley", "only", "oly", "xoly"} <= words and "oxly" not in words
    assert all(w.isalpha() for w in words)


def test_within_two_edits():
    assert within_two("caterpilar", "caterpillar") and within_two("imunogn", "immunogen")
    assert not within_two("apple", "oracle") and not within_two("acme", "acmecorporation")


def test_candidates_are_ranked_by_frequency_and_exclude_searched_forms(warm, app):
    from webapp.index import get_index

    with app.app_context(), get_index().using() as gen:
        lexicon = gen.lexicon()
        found = candidates("oxly", [], lexicon)
        assert [w for w, _ in found][:2] == ["only", "oxley"]
        assert "only" not in [w for w, _ in candidates("oxly", ["only"], lexicon)]
