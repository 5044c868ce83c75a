"""`/search.csv` and `/search.jsonl`: the full result set, streamed, bounded, injection-safe."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest

from indexer.query.filters import Filters
from indexer.search.core import Hit, SearchRequest, search
from webapp import create_app, export, urls

ON_BOTH_BACKENDS = True  # tests of the corpus index run on an index of each backend (conftest)


def make_app(index_dir, **config):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})


@pytest.fixture(scope="module")
def app(corpus_index):
    # snippets for every row, however loaded the machine (the time bound has its own test)
    return make_app(corpus_index, EXPORT_SNIPPET_SECONDS=60)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def core_ids(index, sort="relevance", q="", **filters) -> list[str]:
    """Return the filing ids of every hit of a search, in order, page by page."""
    out, page = [], 1
    while True:
        req = SearchRequest(
            q=q, filters=Filters(**filters), sort=sort, page=page, per_page=100, facets=False
        )
        result = search(index, req)
        out += [h.id for h in result.hits]
        if page >= result.pages:
            return out
        page += 1


def csv_rows(client, **params) -> tuple[list[dict], dict]:
    r = client.get("/search.csv", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert text.startswith(export.BOM)  # so that a spreadsheet reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(export.BOM))))
    r.close()
    return rows, r.headers


def jsonl_rows(client, **params) -> tuple[list[dict], dict]:
    r = client.get("/search.jsonl", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/x-ndjson"
    rows = [json.loads(line) for line in r.get_data(as_text=True).splitlines()]
    r.close()
    return rows, r.headers


def row_id(row: dict) -> str:
    return row["url"].rsplit("/filings/", 1)[1]


def test_csv_is_every_filing_of_the_search_in_order(client, corpus_index):
    rows, headers = csv_rows(client, q="revenue")
    assert list(rows[0]) == list(export.COLUMNS)
    assert [row_id(r) for r in rows] == core_ids(corpus_index, q="revenue")
    assert headers["X-Export-Total"] == headers["X-Export-Rows"] == str(len(rows))
    assert headers["X-Export-Truncated"] == "false"
    assert headers["X-Export-Limit"] == str(export.EXPORT_MAX_ROWS)
    assert 'filename="edgar-search.csv"' in headers["Content-Disposition"]


def test_more_than_a_page_streams_without_duplicates(client, corpus_index):
    rows, headers = jsonl_rows(client, sort="newest")
    expected = core_ids(corpus_index, sort="newest")
    assert len(expected) > 200, "the corpus should fill several pages"
    assert [row_id(r) for r in rows] == expected
    assert len(set(expected)) == len(expected)
    assert headers["X-Export-Total"] == str(len(expected))


def test_jsonl_and_csv_rows_agree(client):
    params = {"form": "8-K", "sort": "oldest"}
    lines, _ = jsonl_rows(client, **params)
    rows, _ = csv_rows(client, **params)
    assert lines and all(list(line) == list(export.COLUMNS) for line in lines)
    for line, row in zip(lines, rows, strict=True):
        assert row["accession"] == (line["accession"] or "")
        assert row["items"] == export.ITEM_SEPARATOR.join(line["items"])
        assert row["items_normalized"] == export.ITEM_SEPARATOR.join(line["items_normalized"])
        assert row["cik"] == (f'="{line["cik"]}"' if line["cik"] else "")
        assert row["signers"] == "; ".join(line["signers"])
        assert row["url"] == line["url"] and row["sec_url"] == (line["sec_url"] or "")


def test_a_row_is_one_filing(client):
    lines, _ = jsonl_rows(client, q="revenue", form="8-K", cik="1018724")
    assert lines == [
        {
            "accession": "0000891020-98-001352",
            "form": "8-K",
            "company": "AMAZON COM INC",
            "cik": "0001018724",
            "filed": "1998-08-27",
            "period": "1998-08-12",
            "items": ["2", "7"],  # as filed in 1998
            "items_normalized": ["2.01", "9.01"],
            "signers": [
                "Joy D. Covey (Chief Financial Officer, Vice President of Finance and "
                "Administration and Secretary)"
            ],
            "matched_documents": ["8-K"],
            "snippet": "… 254,439 110,835 Deferred revenue 457,692 -- Deferred revenue from "
            "related party …",
            "url": "http://localhost/filings/0000891020-98-001352",
            "sec_url": "https://www.sec.gov/Archives/edgar/data/1018724/000089102098001352/"
            "0000891020-98-001352-index.htm",
        }
    ]


def test_the_snippet_is_the_first_the_page_shows_as_plain_text(corpus_index):
    patient = make_app(corpus_index, EXPORT_SNIPPET_SECONDS=60).test_client()
    lines, _ = jsonl_rows(patient, q='"net income"', sort="newest")
    # the core with time to spare: a loaded machine may cut a web page's snippets at 0.75 s
    req = SearchRequest(q='"net income"', sort="newest", per_page=100, time_limit=30)
    page = search(corpus_index, req).to_json()
    assert len(lines) == page["total"] > 0 and not page["timed_out"]
    for line, hit in zip(lines, page["hits"], strict=False):
        assert line["matched_documents"] == [
            f"{d['type'] or 'document'} ({d['filename']})" if d["filename"] else d["type"]
            for d in hit["matched_documents"]
        ]
        first = hit["snippets"][0] if hit["snippets"] else None
        assert line["snippet"] == (first and html.unescape(first.replace("<mark>", "")
                                   .replace("</mark>", "")))  # fmt: skip
        assert "<mark>" not in (line["snippet"] or "")


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({"form": ["8-K", "10-K"]}, {"forms": ("8-K", "10-K")}),
        ({"form": "-8-K"}, {"forms": ("-8-K",)}),
        ({"cik": "320193"}, {"ciks": ("320193",)}),
        ({"company": "apple"}, {"company": "apple"}),
        (
            {"filed_from": "2000", "filed_to": "2010-06"},
            {"filed_from": "2000", "filed_to": "2010-06"},
        ),
        ({"period_from": "2020"}, {"period_from": "2020"}),
        ({"item": "9"}, {"items": ("9",)}),
        ({"state": "DE", "biz_state": "CA"}, {"states": ("DE",), "biz_states": ("CA",)}),
        ({"sic": "3571"}, {"sics": ("3571",)}),
        ({"exhibit": "99.1"}, {"exhibits": ("99.1",)}),
        ({"signer": "cook"}, {"signer": "cook"}),
        ({"form": ["", "10-Q"], "company": ""}, {"forms": ("10-Q",)}),
        ({"year": "2004", "page": "3", "per_page": "5"}, {"years": ("2004",)}),
    ],
)
def test_filters_are_those_of_search(client, corpus_index, params, filters):
    rows, _ = csv_rows(client, sort="newest", **params)
    assert [row_id(r) for r in rows] == core_ids(corpus_index, sort="newest", **filters)


def test_export_is_bounded_and_says_so(corpus_index):
    small = make_app(corpus_index, EXPORT_MAX_ROWS=150).test_client()
    rows, headers = jsonl_rows(small, sort="newest")
    assert [row_id(r) for r in rows] == core_ids(corpus_index, sort="newest")[:150]
    assert headers["X-Export-Rows"] == headers["X-Export-Limit"] == "150"
    assert int(headers["X-Export-Total"]) > 150
    assert headers["X-Export-Truncated"] == "true"


def test_the_body_is_a_stream_of_page_sized_chunks(app):
    with app.test_request_context("/search.csv", query_string={"sort": "newest"}):
        response = export.search_csv()
        assert response.is_streamed
        chunks = list(response.response)
        response.close()
    assert len(chunks) >= 3  # 300-odd rows: the header with the first page, then a page a chunk
    assert chunks[1].count("\n") == export.MAX_PER_PAGE


def test_the_index_generation_is_released_when_the_response_closes(client, monkeypatch):
    closed = []

    class Spy(export.ExitStack):
        def close(self):
            closed.append(True)
            super().close()

    monkeypatch.setattr(export, "ExitStack", Spy)
    r = client.get("/search.csv")  # not read: released all the same
    r.close()
    assert closed == [True]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("ACME = CORP", "ACME = CORP"),
        (None, ""),
        (["2.02", "9.01"], "2.02;9.01"),
    ],
)
def test_cells_are_never_formulas(cell, shown):
    assert export.safe_cell(cell) == shown


@pytest.mark.parametrize(
    ("value", "column", "shown"),
    [
        ("0000320193", "cik", '="0000320193"'),  # text, its zeros kept
        ("=1+1", "cik", "'=1+1"),  # only a CIK's exact shape becomes a text constant
        ("0000320193", "company", "0000320193"),
        (["2", "7"], "items", "2;7"),
        (["A (CEO)", "B (CFO)"], "signers", "A (CEO); B (CFO)"),
    ],
)
def test_cells_by_column(value, column, shown):
    assert export.safe_cell(value, column) == shown


def test_csv_rows_are_injection_safe(app):
    hit = Hit(
        id="0000000000-00-000001",
        accession="0000000000-00-000001",
        company='=cmd|" /C calc"!A0',
        cik="0000000001",
        form="8-K",
        root_form="8-K",
        filed="2001-01-02",
        period=None,
        items=[],
        filers=[],
        inc_states=[],
        biz_states=[],
        sics=[],
        primary=None,
        file_numbers=[],
        signers=[],
        score=None,
    )
    with app.test_request_context("/search.csv"):
        text = "".join(export.csv_chunks(iter([hit]), urls.filing_url_maker(_external=True)))
    (row,) = csv.DictReader(io.StringIO(text.removeprefix(export.BOM)))
    assert row["company"] == '\'=cmd|" /C calc"!A0'
    assert row["url"] == "http://localhost/filings/0000000000-00-000001"


@pytest.mark.parametrize(
    "params", [{"sort": "bogus"}, {"filed_from": "yesterday"}, {"q": "("}, {"cik": "apple"}]
)
def test_bad_parameters_answer_400_before_any_row_in_the_export_format(client, params):
    r = client.get("/search.jsonl", query_string=params)
    assert r.status_code == 400 and "X-Export-Rows" not in r.headers
    assert r.mimetype == "application/x-ndjson"
    (line,) = r.get_data(as_text=True).splitlines()
    error = json.loads(line)
    assert error["ok"] is False and error["status"] == 400
    name = next(iter(params))
    assert error["error"].startswith(f"{name}: ")
    r = client.get("/search.csv", query_string=params)
    assert r.status_code == 400 and r.mimetype == "text/csv"
    (row,) = csv.DictReader(io.StringIO(r.get_data(as_text=True).removeprefix(export.BOM)))
    assert row["error"] == error["error"] and row["status"] == "400" and row["ok"] == "false"


def test_a_query_error_in_an_export_says_where_and_how_to_repair(client):
    r = client.get("/search.jsonl", query_string={"q": '"net income', "form": "8-K"})
    error = json.loads(r.get_data(as_text=True))
    assert (error["position"], error["suggestion"]) == (0, '"net income"')


def test_no_index_answers_503(tmp_path):
    client = make_app(tmp_path).test_client()
    r = client.get("/search.jsonl")
    assert r.status_code == 503 and r.mimetype == "application/x-ndjson"
    assert "indexer build" in json.loads(r.get_data(as_text=True))["hint"]
    r = client.get("/search.csv")
    assert r.status_code == 503 and r.mimetype == "text/csv"


def test_snippets_are_bounded_and_the_bounds_are_said(corpus_index):
    small = make_app(corpus_index, EXPORT_SNIPPET_ROWS=5, EXPORT_SNIPPET_SECONDS=60)
    rows, headers = jsonl_rows(small.test_client(), q="revenue", sort="newest")
    assert headers["X-Export-Snippet-Rows"] == "5" and len(rows) > 5
    assert headers["X-Export-Snippet-Seconds"] == "60.0"
    assert all(r["snippet"] for r in rows[:5])
    assert not any(r["snippet"] or r["matched_documents"] for r in rows[5:])


def test_snippets_stop_at_their_time_budget(corpus_index):
    hurried = make_app(corpus_index, EXPORT_SNIPPET_SECONDS=0).test_client()
    rows, headers = jsonl_rows(hurried, q="revenue", sort="newest")
    assert headers["X-Export-Snippet-Seconds"] == "0.0" and len(rows) > 1
    assert not any(r["snippet"] or r["matched_documents"] for r in rows)
