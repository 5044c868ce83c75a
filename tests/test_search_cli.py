"""`indexer search` through click's CliRunner, against the session index."""

from __future__ import annotations

import json
import re
import shlex

import pytest
from click.testing import CliRunner

from indexer.cli import EXIT_BAD_QUERY, EXIT_NO_INDEX, main
from indexer.query.filters import Filters
from indexer.search.core import SearchRequest, search
from tests.test_query import syntax_section

# "indexer search ..." lines of the docs' shell examples
DOC_COMMAND = re.compile(r"^indexer (search .*)$", re.M)


@pytest.fixture
def cli(corpus_index):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["search", *args, "--index-dir", str(corpus_index)])

    return invoke


def test_readable_results(cli, corpus_index):
    result = cli("cik:18230 retail")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "1-1 of 1 filings for cik:0000018230 AND retail (page 1 of 1, relevance)"
    assert "1. caterpillar inc: 8-k filed 2022-04-28, period 2022-04-28" in result.output.lower()
    assert "0000018230-22-000107  CIK 0000018230" in result.output
    assert "[retail]" in result.output and "<mark>" not in result.output
    assert "matched in: 8-K, EX-99.1, EX-99.2" in result.output
    assert "by form: 8-K (1)" in result.output


def test_json_matches_the_library(cli, corpus_index):
    result = cli("revenue", "--form", "10-Q", "--json", "--per-page", "5")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    lib = search(corpus_index, SearchRequest("revenue", Filters(forms=("10-Q",)), per_page=5))
    assert data["total"] == lib.total > 0
    assert [h["accession"] for h in data["hits"]] == [h.accession for h in lib.hits]
    assert data["facets"]["form"]["values"] == [
        {"value": "10-Q", "label": "10-Q", "count": lib.total, "selected": True}
    ]


def test_filter_options(cli, corpus_index):
    args = ["--item", "9", "--filed-from", "2000", "--sort", "newest", "--json"]
    data = json.loads(cli("", *args).output)
    lib = search(corpus_index, SearchRequest(filters=Filters(items=("9",), filed_from="2000")))
    assert data["total"] == lib.total > 0
    assert data["sort"] == "newest"
    for option, value in [
        ("--cik", "18230"),
        ("--company", "caterpillar"),
        ("--state", "DE"),
        ("--sic", "3531"),
        ("--exhibit", "99.2"),
        ("--period-from", "2022-04-01"),
    ]:
        result = cli("", option, value, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["total"] > 0, option


def test_paging(cli):
    first = json.loads(cli("revenue", "--per-page", "3", "--json").output)
    second = json.loads(cli("revenue", "--per-page", "3", "--page", "2", "--json").output)
    both = json.loads(cli("revenue", "--per-page", "6", "--json").output)
    ids = [h["id"] for h in first["hits"] + second["hits"]]
    assert ids == [h["id"] for h in both["hits"]]


def test_bad_query_points_at_the_problem(cli):
    result = cli("merger OR")
    assert result.exit_code == EXIT_BAD_QUERY
    assert result.output.splitlines()[:4] == [
        "Error: OR needs a term on each side (at position 7)",
        "  merger OR",
        "         ^",
        "did you mean: merger",
    ]
    assert "hint: see README, Search syntax" in result.output
    assert "did you mean" not in cli("cik:apple").output  # no sure repair


def test_bad_option_names_it(cli):
    result = cli("revenue", "--per-page", "101")
    assert result.exit_code == EXIT_BAD_QUERY
    assert "--per-page: per_page must be between 1 and 100" in result.output
    result = cli("", "--filed-from", "last week")
    assert result.exit_code == EXIT_BAD_QUERY
    assert "--filed-from: not a date: 'last week'" in result.output
    result = cli("", "--cik", "apple")
    assert "--cik: cik: takes a number like 320193, not 'apple'" in result.output


def test_no_index(tmp_path):
    result = CliRunner().invoke(main, ["search", "revenue", "--index-dir", str(tmp_path)])
    assert result.exit_code == EXIT_NO_INDEX
    assert "indexer build" in result.output


def doc_commands() -> list[str]:
    return DOC_COMMAND.findall(syntax_section())


@pytest.mark.parametrize("command", doc_commands())
def test_docs_commands_run(cli, command):
    result = cli(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert " filings" in result.output.splitlines()[0] or result.output.startswith("{")


def test_docs_have_commands():
    assert len(doc_commands()) >= 4
