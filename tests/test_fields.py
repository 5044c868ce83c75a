"""The fields registry: one row per filter, and every layer reads the same rows.

The registry (indexer/query/fields.py) is checked against what each layer really does: the
Filters dataclass, the web app's parameters and OpenAPI description, the facets a search
returns, the EFTS endpoint and `indexer search`'s options and results.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.backend.whoosh.schema import FACET_FIELDS
from indexer.cli import EXIT_BAD_QUERY, main
from indexer.edgar.cik import cik10, normalize_cik
from indexer.query.fields import (
    AGGREGATIONS,
    CHOICE,
    EFTS_PARAM_OF,
    FACET_LABELS,
    FACETS,
    FIELDS,
    FILTER_PARAMS,
    LIST,
)
from indexer.query.filters import Filters, QueryError, build_filters
from webapp.openapi import document

ROOT = Path(__file__).resolve().parent.parent
# Parameters of /search.json that are not filters
NOT_FILTERS = {"q", "sort", "page", "per_page", "facet_size", "more", "find"}
# A valid value of each filter, found in the session index
SAMPLE = {
    "forms": "8-K",
    "category": "form-cat1",
    "ciks": "320193",
    "company": "apple",
    "companies": "320193",
    "filed_from": "2020",
    "filed_to": "2025-06",
    "period_from": "2020-01-01",
    "period_to": "2025",
    "years": "2024",
    "items": "9",
    "states": "DE",
    "biz_states": "CA",
    "sics": "3571",
    "exhibits": "99.1",
    "signer": "cook",
    "signers": "Luca Maestri",
    "include_undated": "include",
}
# A CIK written the way the old copies of the rule disagreed on
CIK_COPY = re.compile(r"zfill\(10\)|\{1,10\}")


def search_parameters(path: str) -> set[str]:
    """Return the names of the query parameters the OpenAPI description gives a path."""
    doc = document()
    out = set()
    for p in doc["paths"][path]["get"]["parameters"]:
        if "$ref" in p:
            p = doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        if p["in"] == "query":
            out.add(p["name"])
    return out


# ---------------------------------------------------------------- the table


def test_every_filters_attribute_has_exactly_one_row():
    attrs = [f.attr for f in FIELDS]
    assert sorted(attrs) == sorted(f.name for f in dataclasses.fields(Filters))
    assert len(set(attrs)) == len(attrs)


def test_each_row_says_how_its_attribute_holds_values():
    defaults = {f.name: f.default for f in dataclasses.fields(Filters)}
    for f in FIELDS:
        expected = () if f.kind == LIST else False if f.kind == CHOICE else None
        assert defaults[f.attr] == expected, f.attr
        assert f.multiple == (f.kind == LIST)


def test_names_are_unique_and_well_formed():
    params = [f.param for f in FIELDS if f.param]
    flags = [f.flag for f in FIELDS]
    assert len(set(params)) == len(params) and len(set(flags)) == len(flags)
    assert all(re.fullmatch(r"--[a-z][a-z-]*", flag) for flag in flags)
    assert all(f.label and f.help.endswith(".") for f in FIELDS)


def test_every_facet_has_a_label_and_an_index_field():
    assert FACET_LABELS and all(FACET_LABELS.values())
    assert list(FACET_FIELDS) == [f.facet for f in FACETS]  # the backend counts each facet
    assert set(AGGREGATIONS.values()) <= set(FACET_LABELS)


# ---------------------------------------------------------------- the web app


def test_url_parameters_are_the_registry_and_the_openapi_description():
    documented = search_parameters("/search.json") - NOT_FILTERS
    assert documented == set(FILTER_PARAMS)
    assert set(SAMPLE) == set(FILTER_PARAMS.values())


def test_the_app_reads_every_registry_parameter(client):
    for param, attr in FILTER_PARAMS.items():
        body = client.get("/search.json", query_string={param: SAMPLE[attr]}).get_json()
        assert body["ok"], (param, body)
        assert attr in body["filters"], param
        (active,) = body["active_filters"]
        assert active["param"] == param and active["label"] == FILTERS_BY_ATTR[attr].label


FILTERS_BY_ATTR = {f.attr: f for f in FIELDS}


def test_facets_come_in_registry_order_with_registry_labels(client):
    body = client.get("/search.json?per_page=1").get_json()
    assert [(n, f["label"]) for n, f in body["facets"].items()] == list(FACET_LABELS.items())


def test_efts_parameters_are_described(client):
    described = search_parameters("/LATEST/search-index")
    assert set(EFTS_PARAM_OF.values()) <= described
    body = client.get("/LATEST/search-index?q=revenue").get_json()
    assert set(body["aggregations"]) == set(AGGREGATIONS)


def test_efts_names_the_parameter_at_fault(client):
    r = client.get("/LATEST/search-index?locationCodes=Narnia&locationType=incorporated")
    assert r.status_code == 400 and r.get_json()["error"].startswith("locationCodes: ")
    r = client.get("/LATEST/search-index?items=77")
    assert r.status_code == 400 and r.get_json()["error"].startswith("items: ")


# ---------------------------------------------------------------- the command line


def test_the_cli_has_an_option_for_every_filter():
    result = CliRunner().invoke(main, ["search", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for f in FIELDS:
        assert re.search(rf"^\s+{f.flag} ", result.output, re.M), f.flag
    assert "--undated [include|exclude]" in result.output


def cli_ids(corpus_index, *args: str) -> list[str]:
    """Return the ids `indexer search` finds (one page of 100)."""
    argv = ["search", "", *args, "--per-page", "100", "--json", "--index-dir", str(corpus_index)]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    return [h["id"] for h in json.loads(result.output)["hits"]]


def web_ids(client, **params) -> list[str]:
    """Return the ids /search.json finds (one page of 100)."""
    body = client.get("/search.json", query_string={**params, "per_page": 100}).get_json()
    assert body["ok"], body
    return [h["id"] for h in body["hits"]]


@pytest.mark.parametrize(
    "params",
    [
        {"biz_state": "CA"},
        {"year": "2024"},
        {"signer_name": "Luca Maestri"},
        {"biz_state": "CA", "year": "2024", "state": "DE"},
        {"year": "undated"},
        {"filed_from": "2024", "undated": "include", "category": "form-cat1"},
        {"company_name": "320193", "signer": "cook"},
    ],
)
def test_the_cli_finds_what_the_web_finds(client, corpus_index, params):
    args = [a for p, v in params.items() for a in (FLAG_OF_PARAM[p], v)]
    web = web_ids(client, **params)
    assert web and cli_ids(corpus_index, *args) == web


FLAG_OF_PARAM = {f.param: f.flag for f in FIELDS if f.param}


def test_a_bad_option_is_named_before_any_index_is_opened(tmp_path):
    argv = ["search", "x", "--biz-state", "Narnia", "--index-dir", str(tmp_path / "none")]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == EXIT_BAD_QUERY
    assert result.output.startswith("Error: --biz-state: not a US state or EDGAR location code")


# ---------------------------------------------------------------- validation


def outcome(call) -> tuple | None:
    """Return what a call raised (type, message, param), None when it returned."""
    try:
        call()
    except QueryError as e:
        return ("QueryError", e.message, e.param)
    except Exception as e:  # compared, not hidden: both sides must agree
        return (type(e).__name__, str(e), None)
    return None


def mixed(valid: list[str], invalid: list[str]):
    """Return a strategy of one value: valid, invalid or any short text."""
    return st.one_of(st.sampled_from(valid + invalid), st.text(max_size=6))


def many(values):
    return st.lists(values, max_size=3).map(tuple)


DATES = mixed(["2004", "2004-03", "2004-02-29", " 2004-3-1 "], ["2003-02-29", "2004-13", "20045"])
# Each attribute's values: valid ones, invalid ones, and any short text
VALUES = {
    "forms": many(mixed(["8-K", "10-K/A", "-4", "8-k"], ["", "  ", "-", " -4"])),
    "ciks": many(mixed(["320193", "0000320193", " 18230 "], ["", "abc", "12345678901", "٣"])),
    "company": st.none() | st.text(max_size=8),
    "companies": many(st.text(max_size=8)),
    "filed_from": st.none() | DATES,
    "filed_to": st.none() | DATES,
    "period_from": st.none() | DATES,
    "period_to": st.none() | DATES,
    "years": many(st.text(max_size=6)),
    "items": many(mixed(["9", "7.01", "2.02", " 5.02"], ["77", "10", "", "x"])),
    "states": many(mixed(["DE", "de", "Delaware", "A6"], ["Narnia", "", "D"])),
    "biz_states": many(mixed(["CA", "ny", "X0"], ["Q", " "])),
    "sics": many(mixed(["2834", "0100", " 3571"], ["12345", "", "abc", "٣"])),
    "signer": st.none() | st.text(max_size=8),
    "signers": many(st.text(max_size=8)),
    "exhibits": many(mixed(["99.1", "EX-10"], ["", "x"])),
    "include_undated": st.booleans(),
    "accessions": many(st.text(max_size=8)),
    "category": st.none() | mixed(["form-cat0", "form-cat10", "all"], ["form-cat11", ""]),
}
# Filters with a few attributes set (so a late attribute's error is not always hidden by an
# earlier one's), or with all of them (so the order errors are found in is checked too)
FILTERS = st.one_of(
    st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=4, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({n: VALUES[n] for n in names})
    ),
    st.fixed_dictionaries(VALUES),
).map(lambda values: Filters(**values))


@settings(max_examples=400, deadline=None)
@given(FILTERS)
def test_validate_accepts_and_rejects_what_build_filters_does(filters):
    assert outcome(filters.validate) == outcome(lambda: build_filters(filters))


def test_validate_names_the_parameter():
    with pytest.raises(QueryError) as e:
        Filters(forms=("8-K",), sics=("2834",), biz_states=("Narnia",)).validate()
    assert e.value.param == "biz_states"
    assert Filters(filed_from="2004", filed_to="2003").validate()  # an empty range is no error


# ---------------------------------------------------------------- one CIK rule


def test_one_cik_rule():
    assert normalize_cik("320193") == cik10(" 320193 ") == "0000320193"
    for bad in ("", "٣", "12345678901", "32 0193", "-1"):
        assert cik10(bad) is None
        with pytest.raises(ValueError):
            normalize_cik(bad)


def test_no_module_keeps_its_own_copy_of_the_cik_rule():
    sources = [*ROOT.glob("indexer/**/*.py"), *ROOT.glob("webapp/*.py")]
    copies = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources
        if p.name != "cik.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if CIK_COPY.search(line)
    ]
    assert copies == []
