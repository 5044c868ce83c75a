"""The OpenAPI description: a valid 3.1 document, served, covering every JSON route, and every
endpoint's real answers (hits, errors, exports) valid against the schemas it states."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from indexer.query.fields import FILTER_PARAMS
from webapp import create_app, export, openapi, params

DOC = openapi.document()
SHAPE = json.loads((Path(__file__).parent / "fixtures" / "efts_response_shape.json").read_text())
BASE = "urn:edgar-search:openapi"
REGISTRY = Registry().with_resource(BASE, Resource(contents=DOC, specification=DRAFT202012))
AMAZON_8K = "0000891020-98-001352"  # an 8-K of 1998 with items 2 and 7
# "<fid>", "{accession}": a path parameter, in Flask's spelling or OpenAPI's
PATH_PARAM = re.compile(r"<[^>]+>|\{[^}]+\}")


@pytest.fixture(scope="module")
def client(corpus_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)}).test_client()


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("no-index")
    return create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()


def resolve(node: dict) -> dict:
    """Follow a `$ref` inside the document."""
    while "$ref" in node:
        node = REGISTRY.resolver(BASE).lookup(node["$ref"]).contents
    return node


def validator(pointer: str) -> Draft202012Validator:
    """Return a validator for the schema at a JSON pointer of the document."""
    return Draft202012Validator(
        {"$ref": f"{BASE}#{pointer}"}, registry=REGISTRY, format_checker=FormatChecker()
    )


def response_spec(path: str, status: int) -> dict:
    return resolve(DOC["paths"][path]["get"]["responses"][str(status)])


def assert_valid(path: str, url: str, client, status: int = 200) -> dict:
    """Fetch `url`, check its status, and validate its JSON body against `path`'s schema."""
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/json"
    content = response_spec(path, status)["content"]["application/json"]
    schema = content["schema"]
    pointer = schema["$ref"].removeprefix("#") if "$ref" in schema else None
    check = validator(pointer) if pointer else Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(r.get_json())]
    assert errors == [], f"{url} does not match the description of {path} {status}"
    return r.get_json()


# ---------------------------------------------------------------- the document


def test_the_document_is_valid_openapi_3_1():
    assert DOC["openapi"].startswith("3.1")
    validate(DOC)


def test_the_document_is_served(client):
    assert assert_valid("/openapi.json", "/openapi.json", client) == DOC


def test_every_json_route_is_described_and_every_description_is_a_route(client):
    def shape(path: str) -> str:
        return PATH_PARAM.sub("{}", path)

    rules = {
        shape(r.rule)
        for r in client.application.url_map.iter_rules()
        if r.rule.endswith((".json", ".jsonl", ".csv")) or r.rule.startswith("/LATEST/")
    }
    assert rules == {shape(p) for p in DOC["paths"]}


def test_search_parameters_are_those_the_app_reads():
    documented = {
        p["name"] for p in map(resolve, DOC["paths"]["/search.json"]["get"]["parameters"])
    }
    read = {"q", "sort", "page", "per_page", "facet_size", "more", "find", *FILTER_PARAMS}
    assert documented == read


def test_efts_source_is_the_recorded_shape():
    source = DOC["components"]["schemas"]["EftsSource"]
    assert set(source["properties"]) == set(SHAPE["shape"]["hits"]["hits"][0]["_source"])


def test_export_row_columns_are_the_export_columns():
    row = DOC["components"]["schemas"]["ExportRow"]
    assert tuple(row["properties"]) == export.COLUMNS == tuple(row["required"])


# ---------------------------------------------------------------- real answers


@pytest.mark.parametrize(
    "url",
    [
        "/search.json",
        "/search.json?q=revenue",
        "/search.json?q=revenu",  # a did-you-mean suggestion
        "/search.json?q=revenue&form=8-K&cik=320193&sort=newest",
        "/search.json?form=-4&item=9&state=DE&biz_state=CA&sic=3571&exhibit=99.1&per_page=3",
        "/search.json?company_name=APPLE+INC&year=2004&signer=cook&signer_name=Tim+Cook",
        "/search.json?filed_from=2000&filed_to=2010-06&period_from=2001&page=2&facet_size=3",
        "/search.json?q=zzyzxnotaword",
        "/search.json?company_name=320193",
    ],
)
def test_search_json(client, url):
    assert_valid("/search.json", url, client)


@pytest.mark.parametrize(
    "url",
    [
        f"/filings/{AMAZON_8K}.json",
        f"/filings/{AMAZON_8K}.json?q=revenue",
        f"/filings/{AMAZON_8K}.json?view=original",
        f"/filings/{AMAZON_8K}.json?doc=2",
    ],
)
def test_filing_json(client, url):
    assert_valid("/filings/{accession}.json", url, client)


def test_filing_json_of_a_filing_without_accession(client):
    hit = assert_valid("/search.json", "/search.json?q=immunogen&per_page=100", client)["hits"]
    local = next(h["id"] for h in hit if h["id"].startswith("local-"))
    assert_valid("/filings/{accession}.json", f"/filings/{local}.json?q=immunogen", client)


@pytest.mark.parametrize(
    "url", ["/companies/320193.json", "/companies/0000320193.json?q=revenue&per_page=2&year=2004"]
)
def test_company_json(client, url):
    assert_valid("/companies/{cik}.json", url, client)


@pytest.mark.parametrize("url", ["/companies/suggest.json?q=app", "/companies/suggest.json"])
def test_company_suggest_json(client, url):
    assert_valid("/companies/suggest.json", url, client)


@pytest.mark.parametrize(
    "url",
    [
        "/LATEST/search-index?q=revenue",
        "/LATEST/search-index?forms=8-K,-8-K/A&dateRange=custom&startdt=1995-01-01&enddt=2024-12-31",
        "/LATEST/search-index?entityName=apple&from=3",
        "/LATEST/search-index?locationType=incorporated&locationCodes=DE&page=2",
        "/LATEST/search-index?category=form-cat1&items=2.02&locationCodes=A6&snippets=1",
        "/LATEST/search-index?keysTyped=app",
    ],
)
def test_efts_json(client, url):
    assert_valid("/LATEST/search-index", url, client)


@pytest.mark.parametrize(
    ("path", "url", "status"),
    [
        ("/search.json", "/search.json?sort=bogus", 400),
        ("/search.json", "/search.json?q=(revenue", 400),
        ("/search.json", "/search.json?filed_from=yesterday", 400),
        ("/filings/{accession}.json", "/filings/0000000000-00-000000.json", 404),
        ("/filings/{accession}.json", "/filings/not-a-filing.json", 404),
        ("/filings/{accession}.json", f"/filings/{AMAZON_8K}.json?view=fancy", 400),
        ("/companies/{cik}.json", "/companies/9999999999.json", 404),
        ("/companies/{cik}.json", "/companies/apple.json", 404),
        ("/companies/{cik}.json", "/companies/320193.json?page=0", 400),
        ("/LATEST/search-index", "/LATEST/search-index?from=-5", 400),
        ("/LATEST/search-index", "/LATEST/search-index?dateRange=2y", 400),
    ],
)
def test_errors(client, path, url, status):
    body = assert_valid(path, url, client, status)
    assert body["status"] == status


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/search.json", "/search.json?q=revenue"),
        ("/filings/{accession}.json", f"/filings/{AMAZON_8K}.json"),
        ("/companies/{cik}.json", "/companies/320193.json"),
        ("/LATEST/search-index", "/LATEST/search-index?q=revenue"),
    ],
)
def test_no_index_yet(empty_client, path, url):
    body = assert_valid(path, url, empty_client, 503)
    assert "indexer build" in body["hint"]


def export_spec(path: str) -> tuple[dict, dict]:
    """Return the 200 response of an export and its one media type's entry."""
    ok = response_spec(path, 200)
    ((_, media),) = ok["content"].items()
    return ok, media


def test_jsonl_export_rows_match_their_schema(client):
    ok, media = export_spec("/search.jsonl")
    r = client.get("/search.jsonl?q=revenue&sort=oldest")
    assert r.status_code == 200 and r.mimetype in ok["content"]
    assert set(ok["headers"]) <= set(r.headers.keys())
    row = validator(media["x-row-schema"]["$ref"].removeprefix("#"))
    lines = r.get_data(as_text=True).splitlines()
    r.close()
    assert lines
    for line in lines:
        row.validate(json.loads(line))


def test_csv_export_has_the_described_columns(client):
    ok, media = export_spec("/search.csv")
    r = client.get("/search.csv?form=8-K")
    assert r.status_code == 200 and r.mimetype in ok["content"]
    assert set(ok["headers"]) <= set(r.headers.keys())
    header = next(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))  # after the BOM
    r.close()
    assert header == list(resolve(media["x-row-schema"])["properties"])


def test_the_described_shapes_are_the_ones_the_server_checks():
    described = {p["name"]: p["schema"] for p in DOC["components"]["parameters"].values()}
    for name, shape in params.SHAPES.items():
        assert described[name]["items"]["pattern"] == f"^({shape.pattern})?$"
        assert described[name]["maxItems"] == params.MAX_VALUES
    assert described["item"]["items"]["enum"] == ["", *params.ITEM_CODES]
    assert described["q"]["maxLength"] == params.MAX_QUERY_CHARS
