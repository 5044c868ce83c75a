"""Search against the session index of ../shared/corpus: every expectation is counted
independently from the parsed records in the side store."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from indexer.backend import backend_name
from indexer.backend.whoosh import INDEX_NAME
from indexer.backend.whoosh.compile import to_whoosh
from indexer.backend.whoosh.engine import read_postings
from indexer.backend.whoosh.schema import FilingSchema, filing_id, to_fields
from indexer.edgar.model import Document, Filing
from indexer.edgar.states import state_code
from indexer.indexing.builder import build
from indexer.query import nodes as N
from indexer.query.filters import Filters, QueryError
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.search.facets import MAX_FACET_SIZE
from indexer.search.snippets import pattern_for, scan, snippets
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import EDGARTOOLS, SEED
from tests.test_query import doc_rows

ON_BOTH_BACKENDS = True  # tests of the corpus index run on an index of each backend (conftest)

# "<mark>word</mark>": a highlighted match
MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


@pytest.fixture(scope="module")
def index(corpus_index):
    idx = SearchIndex(corpus_index)
    yield idx
    idx.close()


def whoosh_only(index) -> None:
    """Skip a test of the Whoosh engine's internals on another backend's index."""
    if backend_name(indexdir.require_generation(index.root)) != "whoosh":
        pytest.skip("a test of the Whoosh backend's engine")


def run(index, q: str = "", **kw):
    return search(index, SearchRequest(q=q, **kw))


def all_ids(index, q: str = "", per_page: int = 100, **kw) -> list[str]:
    """Return the ids of every hit, page by page, in order."""
    first = run(index, q, per_page=per_page, snippets=False, facets=False, **kw)
    out = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        res = run(index, q, per_page=per_page, page=page, snippets=False, facets=False, **kw)
        out += [h.id for h in res.hits]
    assert len(out) == first.total
    return out


# ---------------------------------------------------------------- independent counts


def names(rec: dict) -> str:
    """All filer names of a record, former names too, lower case."""
    parts = [rec["company"] or ""]
    for f in rec["filers"]:
        parts += [f["name"] or ""] + [n["name"] for n in f["former_names"]]
    return " ".join(parts).lower()


def facet_values(rec: dict) -> dict[str, set]:
    """The values a filing should be counted under, per facet."""
    filers = rec["filers"]
    values = {
        "form": {rec["root_form"]},
        "company": {rec["cik"] or rec["company"]},  # a company is its CIK (its name without)
        "year": {rec["filed"][:4] if rec["filed"] else "undated"},  # the filed date, as filters
        "items": {i["normalized"] for i in rec["items"]},
        "state": {state_code(f["state_of_incorporation"]) for f in filers},
        "biz_state": {state_code(f["business_state"]) for f in filers},
        "sic": {f["sic"] for f in filers},
        "exhibit": {e["type"].replace(",", " ").strip() for e in rec["exhibits"]},
        "signer": {s["name"].replace(",", " ").strip() for s in rec["signers"]},
    }
    return {k: {x for x in v if x} for k, v in values.items()}


def signer_text(rec: dict) -> str:
    """Every signer's name and title, lower case."""
    return " ".join(f"{s['name']} {s['title'] or ''}" for s in rec["signers"]).lower()


def expected_facets(records: list[dict]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for rec in records:
        for name, values in facet_values(rec).items():
            counts.setdefault(name, Counter()).update(values)
    return counts


def got_facets(result) -> dict[str, Counter]:
    return {
        name: Counter({v["value"]: v["count"] for v in f["values"]})
        for name, f in result.facets.items()
    }


def test_total_is_every_filing(index, corpus_records):
    assert run(index).total == len(corpus_records) > 100


def test_facets_over_the_whole_index(index, corpus_records):
    result = run(index, facet_size=MAX_FACET_SIZE)
    assert got_facets(result) == expected_facets(list(corpus_records.values()))
    for f in result.facets.values():
        assert f["other_values"] == f["other_count"] == 0


def test_facets_over_a_result_set(index, corpus_records):
    ids = all_ids(index, "revenue")
    result = run(index, "revenue", facet_size=MAX_FACET_SIZE)
    assert got_facets(result) == expected_facets([corpus_records[i] for i in ids])
    missing = sum(1 for i in ids if not corpus_records[i]["root_form"])
    assert result.facets["form"]["missing"] == missing


def test_facet_top_n_and_rest(index):
    full = run(index, facet_size=MAX_FACET_SIZE).facets["company"]["values"]
    top = run(index, facet_size=3).facets["company"]
    assert top["values"] == full[:3]
    assert top["other_values"] == len(full) - 3
    assert top["other_count"] == sum(v["count"] for v in full[3:])
    counts = [v["count"] for v in full]
    assert counts == sorted(counts, reverse=True)


def test_item_facet_has_titles(index):
    items = run(index, facet_size=MAX_FACET_SIZE).facets["items"]["values"]
    assert items
    fd = next(v for v in items if v["value"] == "7.01")
    assert fd["label"] == "7.01 Regulation FD Disclosure"


# ---------------------------------------------------------------- filters


def most_common(records, key) -> str:
    return Counter(v for r in records for v in key(r) if v).most_common(1)[0][0]


def filter_cases(records: dict[str, dict]) -> list[tuple[Filters, set[str]]]:
    """Pairs of (filters, ids the records say they select), values taken from the corpus."""
    recs = records.values()

    def where(pred) -> set[str]:
        return {i for i, r in records.items() if pred(r)}

    cik = most_common(recs, lambda r: [f["cik"] for f in r["filers"]])
    company = most_common(recs, lambda r: [r["company"]])
    sic = most_common(recs, lambda r: [f["sic"] for f in r["filers"]])
    signer = most_common(recs, lambda r: [s["name"] for s in r["signers"]])
    return [
        (Filters(forms=("8-K",)), where(lambda r: r["root_form"] == "8-K")),
        (Filters(forms=("13F-HR",)), where(lambda r: r["root_form"] == "13F-HR")),
        (Filters(forms=("13F-HR/A",)), where(lambda r: r["form_type"] == "13F-HR/A")),
        (Filters(forms=("-10-Q",)), where(lambda r: r["root_form"] != "10-Q")),
        (Filters(forms=("8-K", "10-K")), where(lambda r: r["root_form"] in ("8-K", "10-K"))),
        (Filters(ciks=(cik.lstrip("0"),)), where(lambda r: cik in {f["cik"] for f in r["filers"]})),
        (Filters(company="caterpillar"), where(lambda r: "caterpillar" in names(r))),
        (Filters(companies=(company,)), where(lambda r: r["company"] == company)),
        (
            Filters(filed_from="2020", filed_to="2022-06"),
            where(lambda r: "2020-01-01" <= (r["filed"] or "") <= "2022-06-30"),
        ),
        (Filters(period_from="2023-07-01"), where(lambda r: (r["period"] or "") >= "2023-07-01")),
        (Filters(years=("2002",)), where(lambda r: "2002" in facet_values(r)["year"])),
        (Filters(items=("7.01",)), where(lambda r: "7.01" in facet_values(r)["items"])),
        (Filters(items=("9",)), where(lambda r: "7.01" in facet_values(r)["items"])),
        (Filters(states=("DE",)), where(lambda r: "DE" in facet_values(r)["state"])),
        (Filters(biz_states=("CA",)), where(lambda r: "CA" in facet_values(r)["biz_state"])),
        (Filters(sics=(sic,)), where(lambda r: sic in {f["sic"] for f in r["filers"]})),
        (
            Filters(signer="cook"),
            where(lambda r: "cook" in signer_text(r)),
        ),
        (Filters(signers=(signer,)), where(lambda r: signer in {s["name"] for s in r["signers"]})),
        (
            Filters(exhibits=("EX-99",)),
            where(lambda r: any(re.fullmatch(r"EX-99(\..*)?", e["type"]) for e in r["exhibits"])),
        ),
        (
            Filters(forms=("8-K",), items=("9.01",)),
            where(lambda r: r["root_form"] == "8-K" and "9.01" in facet_values(r)["items"]),
        ),
    ]


def test_each_filter(index, corpus_records):
    for filters, expected in filter_cases(corpus_records):
        assert expected, f"the corpus has nothing for {filters}"
        got = all_ids(index, filters=filters)
        assert set(got) == expected, filters
        assert len(got) == len(expected)


def test_query_fields_agree_with_filters(index):
    pairs = [
        ("form:8-K", Filters(forms=("8-K",))),
        ("items:9", Filters(items=("7.01",))),
        ("items:7.01", Filters(items=("9",))),
        ("cik:18230", Filters(ciks=("0000018230",))),
        ("company:caterpillar", Filters(company="Caterpillar")),
        ("filed:[2020-01-01 TO 2022-06-30]", Filters(filed_from="2020", filed_to="2022-06")),
        ("period:2022", Filters(period_from="2022", period_to="2022")),
        ("exhibit:99", Filters(exhibits=("EX-99",))),
        ("signer:cook", Filters(signer="cook")),
    ]
    for q, filters in pairs:
        assert set(all_ids(index, q)) == set(all_ids(index, filters=filters)), q


def test_filters_narrow_a_query(index, corpus_records):
    got = set(all_ids(index, "revenue", filters=Filters(forms=("10-Q",))))
    assert got == {i for i in all_ids(index, "revenue") if corpus_records[i]["root_form"] == "10-Q"}


# ---------------------------------------------------------------- the query language


def test_boolean_operators(index):
    a, b = set(all_ids(index, "dividend")), set(all_ids(index, "warrant"))
    assert set(all_ids(index, "dividend OR warrant")) == a | b
    assert set(all_ids(index, "dividend warrant")) == a & b
    assert set(all_ids(index, "dividend -warrant")) == a - b
    assert set(all_ids(index, "dividend NOT warrant")) == a - b
    assert len(all_ids(index, "-dividend")) == run(index).total - len(a)


def test_phrase_and_proximity(index):
    words = set(all_ids(index, "net income"))
    phrase = set(all_ids(index, '"net income"'))
    near = set(all_ids(index, '"net income"~3'))
    assert phrase and phrase <= words
    assert phrase < near <= words  # in this order, up to 2 words between


def test_case_insensitive(index):
    assert all_ids(index, "REVENUE") == all_ids(index, "revenue") == all_ids(index, "Revenue")


def test_stemming_expands_unquoted_words_only(index):
    result = run(index, "acquisitions")
    forms = result.query.expansions["acquisitions"]
    assert "acquisition" in forms
    either = " OR ".join(f'"{w}"' for w in forms)
    assert set(all_ids(index, "acquisitions")) == set(all_ids(index, either))
    exact = set(all_ids(index, '"acquisitions"'))
    assert exact < set(all_ids(index, "acquisitions"))


def test_wildcard(index):
    result = run(index, "acqui*")
    assert {"acquisition", "acquired"} <= set(result.query.expansions["acqui*"])
    assert set(all_ids(index, '"acquisition"')) <= set(all_ids(index, "acqui*"))


def test_numbers_are_searchable(index):
    file_no = all_ids(index, "0-17999")
    assert file_no and set(file_no) <= set(all_ids(index, "17999"))
    hit = run(index, "0-17999").hits[0]
    assert "<mark>0-17999</mark>" in " ".join(hit.snippets)
    assert run(index, "section 906").total > 0
    assert run(index, '"section 1350"').total > 0


# ---------------------------------------------------------------- sorting and paging


def check_order(index, sort: str, records: dict[str, dict]) -> None:
    ids = all_ids(index, sort=sort)
    field, newest = {
        "newest": ("filed", True),
        "oldest": ("filed", False),
        "period": ("period", True),
        "company": ("company", False),
    }[sort]
    keys = [records[i][field] for i in ids]
    present = [k for k in keys if k]
    assert keys[: len(present)] == present, "filings without the value come last"
    folded = [k.casefold() for k in present] if field == "company" else present
    assert folded == sorted(folded, reverse=newest)


@pytest.mark.parametrize("sort", ["newest", "oldest", "period", "company"])
def test_sort_orders(index, corpus_records, sort):
    check_order(index, sort, corpus_records)


def test_relevance_order(index):
    hits = run(index, "dividend", per_page=100).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    assert all(h.score is None for h in run(index, "dividend", sort="newest").hits)
    # without words to rank by, "relevance" lists the newest first
    assert all_ids(index, "form:10-Q") == all_ids(index, "form:10-Q", sort="newest")
    assert all_ids(index) == all_ids(index, sort="newest")


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", "period", "company"])
@pytest.mark.parametrize("q", ["revenue", ""])
def test_paging_loses_and_repeats_nothing(index, q, sort):
    one_page = all_ids(index, q, per_page=100, sort=sort)
    paged = all_ids(index, q, per_page=7, sort=sort)
    assert paged == one_page
    assert len(set(paged)) == len(paged)


def test_page_past_the_end_is_empty(index):
    result = run(index, "revenue", page=1000)
    assert result.hits == [] and result.total > 0 and result.pages < 1000


# ---------------------------------------------------------------- hits and snippets


def test_hit_fields(index, corpus_records):
    hit = run(index, "cik:18230 retail").hits[0]
    rec = corpus_records[hit.id]
    assert hit.accession == rec["accession"] == "0000018230-22-000107"
    assert (hit.company, hit.cik, hit.form, hit.filed) == (
        rec["company"],
        rec["cik"],
        rec["form_type"],
        rec["filed"],
    )
    assert {"code": "7.01", "normalized": "7.01", "title": "Regulation FD Disclosure"} in hit.items
    types = [d["type"] for d in hit.matched_documents]
    assert "EX-99.2" in types  # "RETAIL STATISTICS"
    values = facet_values(rec)
    assert (set(hit.inc_states), set(hit.biz_states), set(hit.sics)) == (
        values["state"],
        values["biz_state"],
        values["sic"],
    )
    assert hit.primary["filename"] == rec["documents"][0]["filename"]


@pytest.mark.parametrize("q", ["revenue", '"net income"', "acqui*", "906", "document type"])
def test_snippets_mark_matches_and_escape_filing_text(index, q):
    result = run(index, q, per_page=25, time_limit=30.0)  # no snippet cut on a busy machine
    words = {w for ws in result.query.highlights for w in ws}
    assert result.hits
    for hit in result.hits:
        assert hit.snippets, hit.id
        text = " ".join(hit.snippets)
        marked = MARK.findall(text)
        assert marked, hit.id
        for m in marked:
            assert set(re.findall(r"[\w.,'/-]+", m.casefold())) <= words
        bare = MARK.sub("", text)
        assert "<" not in bare and ">" not in bare, "raw markup in a snippet"


def one_filing_index(root: Path, text: str) -> Path:
    """Write an index generation holding one 8-K whose only document has `text`."""
    filing = Filing(
        source="test.txt",
        accession="0000000000-24-000001",
        form_type="8-K",
        root_form="8-K",
        company="TEST CORP",
        documents=[Document("8-K", 1, "test.htm", None, text)],
    )
    gen = indexdir.new_generation(root)
    ix = whoosh_index.create_in(str(gen), FilingSchema(), indexname=INDEX_NAME)
    with ix.writer() as w:
        w.add_document(**to_fields(filing))
    store = Store(gen)
    store.put_filing(filing_id(filing), filing)
    store.commit()
    store.close()
    indexdir.swap_in(root, gen)
    return root


def test_snippets_escape_markup_in_filing_text(tmp_path):
    text = 'Intro <script>alert("x")</script> the <div class=a>revenue</div> grew & <b>rose</b>'
    result = run(one_filing_index(tmp_path, text), "revenue")
    (snippet,) = result.hits[0].snippets
    assert snippet == (
        'Intro &lt;script&gt;alert("x")&lt;/script&gt; the &lt;div class=a&gt;'
        "<mark>revenue</mark>&lt;/div&gt; grew &amp; &lt;b&gt;rose&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    ("text", "highlights", "expected"),
    [
        ("File No. 0-17999.", [("17999",)], "File No. 0-<mark>17999</mark>."),
        ("File No. 0-17999.", [("0-17999",), ("17999",)], "File No. <mark>0-17999</mark>."),
        ("Taxes and taxation", [("tax",)], None),
        ("NET\n  Income rose", [("net", "income")], "<mark>NET Income</mark> rose"),
        ("net profit; net  income", [("net", "income")], "net profit; <mark>net income</mark>"),
        ("İstanbul revenue", [("revenue",)], "İstanbul <mark>revenue</mark>"),
    ],
)
def test_snippet_matching(text, highlights, expected):
    snips, matched = snippets([text], highlights)
    if expected is None:
        assert matched == [] and snips == []
    else:
        assert snips == [expected] and matched == [0]


def test_postings_read_by_blocks_equal_whoosh_postings(index):
    whoosh_only(index)
    with index.using() as gen:
        reader = gen.view().searcher.reader()
        for field, term in [("body", "revenue"), ("body", "the"), ("root_form", "10-Q")]:
            ids, weights = read_postings(reader, field, term)
            m = reader.postings(field, term)
            expected = []
            while m.is_active():
                expected.append((m.id(), m.weight()))
                m.next()
            assert list(zip(ids, weights, strict=True)) == expected
            assert len(ids) > 20


@pytest.mark.parametrize(
    "phrase",
    [
        N.Phrase("body", ["net", "income"]),
        N.Phrase("body", ["net", "income"], slop=3),
        N.Phrase("body", ["income", "net"], slop=5),
        N.Phrase("body", ["section", "906", "of", "the"]),
        N.Phrase("body", ["the", "the"]),
        N.Phrase("body", ["change", "in", "control"]),  # the rarest word last
        N.Phrase("body", ["in", "the", "ordinary", "course", "of"]),
        N.Phrase("body", ["of", "the", "of"]),  # a word twice, apart
        N.Phrase("body", ["0-17999", "17999"]),  # a compound and its part share a position
        N.Phrase("body", ["file", "number"]),
        N.Phrase("company", ["analog", "devices"]),
    ],
)
def test_phrases_match_as_whoosh_does(index, phrase):
    whoosh_only(index)
    with index.using() as gen:
        view = gen.view()
        expected = {
            offset + d
            for sub, offset in view.searcher.leaf_searchers()
            for d in to_whoosh(phrase).docs(sub)
        }
        view.engine.start(math.inf)
        assert view.engine.docs(phrase) == expected


def test_query_without_words_shows_the_opening(index):
    hit = run(index, "cik:18230").hits[0]
    assert hit.snippets and "<mark>" not in hit.snippets[0]


def test_did_you_mean(index):
    for typo, fix in [("revenew", "revenue"), ("sharholders", "shareholders")]:
        result = run(index, typo)
        assert result.suggestion == {"q": fix, "html": f"<mark>{fix}</mark>", "companies": []}
    result = run(index, "caterpilar retail")
    assert result.suggestion["q"] == "caterpillar retail"
    assert run(index, "revenue").suggestion is None


def test_result_is_json(index):
    data = json.loads(json.dumps(run(index, "revenue").to_json()))
    assert {"total", "hits", "facets", "query", "suggestion", "timed_out"} <= set(data)
    assert data["hits"][0]["accession"] is not None or data["hits"][0]["id"]
    assert data["query"]["echo"] == "revenue"


@pytest.mark.parametrize(("typed", "expected"), doc_rows())
def test_docs_examples_run(index, typed, expected):
    """Every example of README searches, or fails with its documented error."""
    try:
        result = run(index, typed)
    except QueryError as e:
        assert expected in str(e)
    else:
        assert result.query.echo == expected


# ---------------------------------------------------------------- limits and errors


@pytest.mark.parametrize(
    ("request_kw", "param"),
    [
        ({"q": "x" * 1001}, "q"),
        ({"q": "(" * 20 + "a" + ")" * 20}, "q"),
        ({"q": "*acquisition"}, "q"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
        ({"sort": "random"}, "sort"),
        ({"facet_size": 0}, "facet_size"),
        ({"time_limit": 0}, "time_limit"),
        ({"filters": Filters(ciks=("apple",))}, "ciks"),
        ({"filters": Filters(filed_from="2004-02-30")}, "filed_from"),
    ],
)
def test_limits_are_clean_errors(index, request_kw, param):
    with pytest.raises(QueryError) as e:
        search(index, SearchRequest(**request_kw))
    assert e.value.param == param


def test_wildcard_expansion_bound_is_a_warning(index):
    result = run(index, "co*")
    assert result.total > 0
    assert any("matches too many words" in w for w in result.query.warnings)


def test_time_limit_gives_partial_results_not_an_error(index):
    result = run(index, "revenue OR income OR company", time_limit=1e-9)
    assert result.timed_out
    assert result.total <= run(index, "revenue OR income OR company").total
    json.dumps(result.to_json())


def test_no_index(tmp_path):
    with pytest.raises(indexdir.NoIndex, match="indexer build"):
        search(tmp_path / "nothing", SearchRequest(q="revenue"))


# ---------------------------------------------------------------- the long-lived searcher


def test_searcher_is_reused_and_refreshed_on_a_new_generation(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / SEED.name).write_bytes(SEED.read_bytes())
    root = tmp_path / "index"
    build([str(src)], root, jobs=1)
    idx = SearchIndex(root)
    try:
        assert run(idx).total == 1
        with idx.using() as first, idx.using() as again:
            assert again is first and first.view() is first.view()
        extra = EDGARTOOLS / "data/sgml/0001011438-98-000429.txt"
        (src / extra.name).write_bytes(extra.read_bytes())
        build([str(src)], root, jobs=1)
        assert not first.closed
        assert run(idx).total == 2
        assert first.closed, "the replaced generation is closed once idle"
        with idx.using() as now:
            assert now is not first
        # a changed file replaces its filing: the old version is a deleted document now
        before = run(idx, filters=Filters(filed_from="1900")).total
        seed = src / SEED.name
        seed.write_bytes(seed.read_bytes().replace(b"REGULATION FD", b"ZANZIBARIAN FD"))
        build([str(src)], root, jobs=1)
        assert run(idx).total == 2
        assert run(idx, "zanzibarian").total == 1
        assert run(idx, filters=Filters(filed_from="1900")).total == before
        assert run(idx, "-zanzibarian").total == 1
    finally:
        idx.close()


def test_views_are_pooled_not_kept_per_thread(corpus_index):
    """A thread-per-request server must not leave one open searcher per thread behind."""
    import threading

    from indexer.search.index import SearchIndex

    index = SearchIndex(corpus_index)
    threads = [
        threading.Thread(target=search, args=(index, SearchRequest(q="revenue"))) for _ in range(20)
    ]
    for t in threads:  # one after another: each thread ends before the next starts
        t.start()
        t.join()
    with index.using() as gen:
        assert len(gen._views) == 1
    index.close()


def test_hits_carry_signers_and_file_numbers(corpus_index):
    result = search(corpus_index, SearchRequest(q="cik:18230", facets=False, snippets=False))
    (hit,) = [h for h in result.hits if h.accession == "0000018230-22-000107"]
    assert hit.file_numbers == ["001-00768"]
    assert hit.signers and all(s["name"] for s in hit.signers)


WORDS = ["net", "income", "0", "17999", "0-17999", "u.s", "tax", "taxes", "net-income", "İ"]
SEPARATORS = [" ", "  ", "\n", "-", ".", ", ", "_", "/", "(", ")"]


@given(
    text=st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=30),
    highlights=st.lists(
        st.lists(st.sampled_from(WORDS[:-1]), min_size=1, max_size=3).map(tuple), max_size=8
    ),
)
@settings(max_examples=400, deadline=None)
def test_word_scan_finds_what_the_regex_finds(text, highlights):
    """Many terms are found by one scan of the words; it must agree with the one-regex way."""
    text = "".join(w + s for w, s in text)
    spans = [(s, e) for s, e, _ in scan(text, highlights)]
    pattern = pattern_for(tuple(highlights))
    assert spans == ([m.span() for m in pattern.finditer(text)] if pattern else [])


def test_word_scan_time_does_not_grow_with_the_terms():
    """64 wildcards × 200 words over a 2 MB text: one regex alternation took 8 s here."""
    words = [f"w{i:05d}" for i in range(12_800)]
    text = " ".join(f"x{i % 5000} the company" for i in range(70_000)) + " w00042 end"
    started = time.process_time()
    spans = list(scan(text, [(w,) for w in words]))
    assert spans == [(len(text) - 10, len(text) - 4, "w00042")]
    assert time.process_time() - started < 2.0  # a hang bound, not a benchmark: ~0.2 s here


def test_a_result_in_json_holds_each_hit_whole_as_a_copy(index):
    res = run(index, "agreement", per_page=20, snippets=True)
    data = res.to_json()
    assert res.hits and data["hits"] == [dataclasses.asdict(h) for h in res.hits]
    data["hits"][0]["filers"].append({"name": "x"})  # a copy: the hit is left as it was
    assert {"name": "x"} not in res.hits[0].filers
