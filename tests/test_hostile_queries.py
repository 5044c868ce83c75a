"""Hostile queries: every endpoint answers 400 or a bounded result within 1.1 s, never a 500.

Wildcards over the whole lexicon, huge ranges, thousands of parentheses, 10,000-character
queries, absurd pages, negative and non-numeric parameters, odd Unicode (RTL marks, combining
marks, NULs, surrogates and invalid UTF-8 in the URL) go to the HTML pages, their JSON twins,
the exports and the EFTS-compatible API through Flask's test client, each request timed.
The index is the session's corpus index, or the one EDGAR_HOSTILE_INDEX names (for a by-hand
run on a large index, with EDGAR_HOSTILE_CIK and EDGAR_HOSTILE_FILING naming what it holds).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.webapp_pages import close_index
from webapp import create_app

BOUND = 1.1  # seconds per request
MAX_HITS = 100  # a page never holds more
# A company and a filing of the served index (for a by-hand run on another index, name them)
APPLE = os.environ.get("EDGAR_HOSTILE_CIK", "320193")
CATERPILLAR_8K = os.environ.get("EDGAR_HOSTILE_FILING", "0000018230-22-000107")
# The endpoints, by kind: each takes `q` and the search parameters (the filing page only q)
PAGES = ["/", "/search", f"/companies/{APPLE}", f"/filings/{CATERPILLAR_8K}"]
JSON = ["/search.json", f"/companies/{APPLE}.json", f"/filings/{CATERPILLAR_8K}.json"]
EXPORTS = ["/search.csv", "/search.jsonl"]
EFTS = "/LATEST/search-index"
ENDPOINTS = [*PAGES, *JSON, *EXPORTS, EFTS]

# What is typed into the search box: (id, q)
QUERIES = [
    ("star", "*"),
    ("star-a-star", "*a*"),
    ("a-star", "a*"),
    ("two-stars", "**"),
    ("question-marks", "??????"),
    ("prefix-star", "re*"),
    # (many more on a filing page: test_many_wildcards_on_the_largest_filing)
    ("many-wildcards", " ".join(f"{c}{d}*" for c in "abc" for d in "aeiou")),
    ("digit-wildcard", "0*"),
    ("escaped-star", "\\*"),
    ("range-all-dates", "filed:[0001-01-01 TO 9999-12-31]"),
    ("range-open-both", "filed:[* TO *]"),
    ("range-huge-numbers", "filed:[-99999999999 TO 99999999999]"),
    ("range-reversed", "period:[2024 TO 1990]"),
    ("range-cik", "cik:[0 TO 9999999999]"),
    ("range-unclosed", "filed:[2020 TO"),
    ("range-words", "[a TO zzzzzzzz]"),
    ("parens-5000", "(" * 5000 + "a" + ")" * 5000),
    ("parens-450-nested", "(" * 450 + "revenue" + ")" * 450),
    ("parens-9-nested", "(" * 9 + "revenue" + ")" * 9),
    ("parens-unbalanced", "(" * 5000),
    ("closing-parens", ")" * 999),
    ("chars-10000", "x" * 10_000),
    ("words-10000", "revenue " * 1250),
    ("phrase-10000", '"' + "net income " * 900 + '"'),
    ("terms-999", "a " * 499),
    ("clauses-200", " OR ".join(f"w{i}" for i in range(150))[:999]),
    ("operators-only", "AND OR NOT AND OR NOT"),
    ("lone-not", "NOT"),
    ("dashes", "- - - -"),
    ("quote", '"'),
    ("empty-phrase", '""'),
    ("slop-huge", '"net income"~99999999999'),
    ("slop-negative", '"net income"~-1'),
    ("field-empty", "company:"),
    ("colons", "::::"),
    ("bad-cik", "cik:apple"),
    ("bad-item", "items:77"),
    ("unknown-field", "nosuchfield:value"),
    ("rtl-override", "\u202erevenue\u202c"),
    ("rtl-mark", "\u200frevenue \u200f"),
    ("combining", "re\u0301venue" + "\u0301" * 200),
    ("zalgo", "z\u0337\u031b\u031b\u0317a\u0338l\u0337g\u0336o\u0335" * 30),
    ("nul", "revenue\x00"),
    ("bom-and-nonchars", "\ufeffrevenue\uffff\U0010ffff"),
    ("emoji", "💥 revenue 👍🏽"),
    ("fullwidth", "ｒｅｖｅｎｕｅ"),
    ("ligature", "ﬁnancial"),
    ("control-chars", "rev\x01\x02\x1b[31menue"),
    ("html", "<script>alert(1)</script>"),
    ("percent", "100%"),
    ("backslashes", "\\" * 500),
]
# Raw query strings: bytes no form would send (invalid UTF-8, encoded surrogates, NULs)
RAW = [
    ("surrogate-in-url", "q=%ED%A0%80"),
    ("lone-low-surrogate", "q=%ED%B0%80revenue"),
    ("invalid-utf8", "q=%FF%FE%FD"),
    ("overlong-utf8", "q=%C0%AF%C0%AE"),
    ("nul-in-url", "q=%00"),
    ("nul-in-name", "q%00=revenue"),
    ("bare-percent", "q=%"),
    ("broken-percent", "q=%zz%4"),
    ("no-equals", "q"),
    ("ampersands", "&&&&&&"),
    ("semicolons", "q=revenue;page=2"),
    ("plus-and-spaces", "q=+++++"),
]
# Parameters of the search pages (and their JSON twins and exports)
SEARCH_PARAMS = [
    ("page-1e9", "page=1000000000"),
    ("page-huge", "page=" + "9" * 40),
    ("page-negative", "page=-1"),
    ("page-zero", "page=0"),
    ("page-word", "page=abc"),
    ("page-float", "page=1.5"),
    ("page-exponent", "page=1e3"),
    ("page-space", "page=%202"),
    ("page-unicode-digit", "page=%D9%A3"),  # an Arabic-Indic three
    ("page-twice", "page=1&page=2"),
    ("per-page-zero", "per_page=0"),
    ("per-page-101", "per_page=101"),
    ("per-page-negative", "per_page=-5"),
    ("per-page-nan", "per_page=NaN"),
    ("facet-size-1e9", "facet_size=1000000000"),
    ("sort-unknown", "sort=bogus"),
    ("form-10000", "form=" + "x" * 10_000),
    ("forms-200", "&".join(["form=8-K"] * 200)),
    ("cik-word", "cik=abc"),
    ("cik-negative", "cik=-1"),
    ("cik-11-digits", "cik=12345678901"),
    ("date-impossible", "filed_from=2020-13-45"),
    ("date-huge", "filed_from=99999"),
    ("date-range-reversed", "filed_from=2024&filed_to=1990"),
    ("year-negative", "year=-2020"),
    ("item-unknown", "item=99.99"),
    ("state-unknown", "state=ZZ"),
    ("sic-word", "sic=abc"),
    ("exhibit-odd", "exhibit=%00"),
    ("unknown-params", "&".join(f"x{i}=1" for i in range(99))),
    ("deep-page-wildcard", "q=re*&page=10000&per_page=100"),
    ("deep-page-everything", "page=10000&per_page=100"),
]
# Parameters of the EFTS API
EFTS_PARAMS = [
    ("from-1e9", "from=1000000000"),
    ("from-negative", "from=-1"),
    ("from-word", "from=abc"),
    ("from-last", "from=9999"),
    ("page-1e9", "page=1000000000"),
    ("forms-odd", "forms=" + ",".join(["-"] * 5)),
    ("forms-many", "forms=" + ",".join(["8-K"] * 200)),
    ("ciks-word", "ciks=abc"),
    ("ciks-many", "ciks=" + ",".join(str(i) for i in range(100))),
    ("startdt-bad", "startdt=2020-02-30"),
    ("dates-reversed", "startdt=2024-01-01&enddt=1990-01-01"),
    ("date-range-bad", "dateRange=forever"),
    ("location-bad", "locationCodes=ZZ"),
    ("location-type-bad", "locationType=everywhere"),
    ("entity-10000", "entityName=" + "x" * 10_000),
    ("entity-cik-odd", "entityName=" + quote("X (CIK 99999999999)")),
    ("category", "category=form-cat1"),
]


@pytest.fixture(scope="module")
def client(request):
    chosen = os.environ.get("EDGAR_HOSTILE_INDEX")
    root = Path(chosen) if chosen else request.getfixturevalue("corpus_index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(root)})
    client = app.test_client()
    for url in ENDPOINTS:  # open the index and warm each endpoint once, untimed
        client.get(url + "?q=revenue").close()
    yield client
    close_index(app)


SLOWEST: list[tuple[float, str]] = []  # (seconds, url), for the report


def fetch(client, url: str) -> tuple[int, float, bytes]:
    """GET a URL, reading a streamed body to its end; return status, seconds and body."""
    start = time.perf_counter()
    resp = client.get(url)
    body = resp.get_data()
    seconds = time.perf_counter() - start
    resp.close()
    SLOWEST.append((seconds, url[:120]))
    SLOWEST.sort(reverse=True)
    del SLOWEST[8:]
    return resp.status_code, seconds, body


def check(client, url: str) -> list[str]:
    """Return what is wrong with one request's answer (nothing, when all is well)."""
    status, seconds, body = fetch(client, url)
    problems = []
    if status not in (200, 400):
        problems.append(f"status {status}")
    if seconds >= BOUND:
        problems.append(f"{seconds:.2f} s")
    path = url.split("?")[0]
    if status == 200 and path.endswith(".json") and not path.startswith("/filings"):
        problems += page_problems(client.application.json.loads(body))
    if status == 200 and url.startswith(EFTS):
        hits = client.application.json.loads(body)["hits"]["hits"]
        problems += [f"{len(hits)} hits on a page"] if len(hits) > MAX_HITS else []
    return [f"{url[:100]}: {p}" for p in problems]


def page_problems(data: dict) -> list[str]:
    if len(data["hits"]) > MAX_HITS or data["per_page"] > MAX_HITS:
        return [f"{len(data['hits'])} hits on a page of {data['per_page']}"]
    return []


def assert_all_well(client, urls: list[str]) -> None:
    problems = [p for url in urls for p in check(client, url)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("q", [q for _, q in QUERIES], ids=[i for i, _ in QUERIES])
def test_hostile_query_on_every_endpoint(client, q):
    query = "q=" + quote(q, safe="")
    assert_all_well(client, [f"{url}?{query}" for url in ENDPOINTS])


@pytest.mark.parametrize("raw", [r for _, r in RAW], ids=[i for i, _ in RAW])
def test_hostile_query_string_on_every_endpoint(client, raw):
    assert_all_well(client, [f"{url}?{raw}" for url in ENDPOINTS])


@pytest.mark.parametrize("params", [p for _, p in SEARCH_PARAMS], ids=[i for i, _ in SEARCH_PARAMS])
def test_hostile_search_parameters(client, params):
    urls = [u for u in ENDPOINTS if u != EFTS and not u.startswith("/filings")]
    assert_all_well(client, [f"{url}?{params}" for url in urls])


@pytest.mark.parametrize("params", [p for _, p in EFTS_PARAMS], ids=[i for i, _ in EFTS_PARAMS])
def test_hostile_efts_parameters(client, params):
    assert_all_well(client, [f"{EFTS}?{params}", f"{EFTS}?q=revenue&{params}"])


def test_hostile_filing_parameters(client):
    base = f"/filings/{CATERPILLAR_8K}"
    odd = ["doc=0", "doc=-1", "doc=999999999999", "doc=abc", "view=bogus", "view=original&doc=2"]
    assert_all_well(client, [f"{base}{ext}?{p}" for ext in ("", ".json") for p in odd])


# The most a query may hold: 64 prefix wildcards, each expanding to up to 200 indexed words
MAX_WILDCARDS = " ".join(f"{a}{b}*" for a in "abcdefghijklm" for b in "aeiou")[: 64 * 4 - 1]


def largest_filing(client) -> str:
    """Return the id of the filing with the most text in the served index."""
    gen = indexdir.require_generation(client.application.config["INDEX_DIR"])
    store = Store(gen, readonly=True)
    try:
        sizes = zip(store.filing_ids(), store.records(), strict=True)
        return max(sizes, key=lambda pair: pair[1]["text_chars"])[0]
    finally:
        store.close()


def test_many_wildcards_on_the_largest_filing(client):
    url = f"/filings/{largest_filing(client)}?q={quote(MAX_WILDCARDS)}"
    assert_all_well(client, [url])


def test_wildcards_and_deep_nesting_are_refused_with_a_reason(client):
    for q, words in [("*a*", "leading wildcard"), ("a*", "2 letters"), ("(" * 9 + "a", "")]:
        resp = client.get("/search.json?q=" + quote(q))
        assert resp.status_code == 400
        assert resp.json["error"].startswith("q: ") and words in resp.json["error"]


def test_report_the_slowest_requests():
    """Print the slowest requests of this module (for SECURITY.md)."""
    for seconds, url in SLOWEST:
        print(f"{seconds * 1000:7.1f} ms  {url}")
    assert all(s < BOUND for s, _ in SLOWEST)
