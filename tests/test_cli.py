"""The `indexer` command line through click's CliRunner: parse, build, stats and their errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from indexer.cli import EXIT_NO_INDEX, main
from tests.corpus import EDGARTOOLS, SEED, needs_corpus


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


@needs_corpus
def test_parse_prints_one_json_record_per_filing():
    result = run("parse", SEED, EDGARTOOLS / "data/sgml/0001011438-98-000429.txt")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["form_type"] for r in records] == ["8-K", "8-K"]
    assert records[1]["accession"] == "0001011438-98-000429"


def test_parse_reports_skips_on_stderr(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("parse", tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "skipped:" in result.stderr and "empty file" in result.stderr


@needs_corpus
def test_build_json_summary_then_stats(tmp_path):
    index = tmp_path / "index"
    result = run("build", SEED, "--index-dir", index, "--json", "--jobs", "1")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["filings"] == 1 and summary["filings_added"] == 1
    assert summary["mb_per_s"] >= 0 and summary["skipped"] == [] and summary["failed"] == []
    stats = json.loads(run("stats", "--index-dir", index, "--json").stdout)
    assert stats["filings"] == 1
    assert stats["by_form"] == {"8-K": 1}
    assert stats["by_year"] == {"2002": 1}


def test_build_text_summary_lists_skips(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "empty.txt").write_bytes(b"")
    result = run("build", tmp_path / "src", "--index-dir", tmp_path / "index")
    assert result.exit_code == 0
    assert "1 skipped:" in result.stdout and "empty file" in result.stdout
    assert "MB/s" in result.stdout


@needs_corpus
def test_index_dir_from_environment(tmp_path):
    index = tmp_path / "from-env"
    assert run("build", SEED, "--jobs", "1", env={"EDGAR_INDEX_DIR": str(index)}).exit_code == 0
    assert (index / "CURRENT").exists()


def test_stats_without_an_index_says_what_to_do(tmp_path):
    result = run("stats", "--index-dir", tmp_path / "nothing")
    assert result.exit_code == EXIT_NO_INDEX
    assert "run `indexer build" in result.stderr


def test_missing_path_is_a_usage_error(tmp_path):
    result = run("build", tmp_path / "nope", "--index-dir", tmp_path / "index")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
