"""`indexer fetch` end to end against a replay of real SEC responses, with injected faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.backend.whoosh import open_whoosh
from indexer.cli import main
from indexer.fetch.sources import Selection, index_paths, parse_index
from indexer.indexing.builder import build
from indexer.store import generations as indexdir
from tests.replay_server import REPLAY, Replay

pytestmark = pytest.mark.skipif(
    not (REPLAY / "responses.tsv").is_file(), reason="../shared/edgar-replay is not beside the repo"
)

UA = "Edgar Search Tests tests@example.com"
RATE = 5  # requests/s: low, to keep the rate assertion meaningful and the tests quick
ARCHIVE = "/www.sec.gov/Archives/edgar/data"
VINC_S3 = f"{ARCHIVE}/1796129/000119312525012209/0001193125-25-012209.txt"
VINC_S3A = f"{ARCHIVE}/1796129/000119312525068723/0001193125-25-068723.txt"
APPLE_UPLOADS = [
    f"{ARCHIVE}/320193/000000000024003505/0000000000-24-003505.txt",
    f"{ARCHIVE}/320193/000000000024005673/0000000000-24-005673.txt",
]
IMUNON = f"{ARCHIVE}/749647/000149315225029712/0001493152-25-029712.txt"
# Each run selects filings whose full submissions were all recorded (edgar-replay's README)
RUNS = [
    ["--ticker", "VINC", "--form", "S-3", "--filed-from", "2025"],
    ["--cik", "320193", "--form", "UPLOAD", "--filed-from", "2024-04", "--filed-to", "2024-05"],
    ["--cik", "749647", "--form", "424B5", "--filed-from", "2025-12"],
]
FETCHED = [VINC_S3, VINC_S3A, *APPLE_UPLOADS, IMUNON]


@pytest.fixture
def replay(monkeypatch):
    r = Replay().load().start()
    for k, v in r.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("EDGAR_USER_AGENT", raising=False)
    yield r
    r.stop()


def run(into: Path, args: list[str], ua: str | None = UA, rate: float = RATE):
    """Invoke `indexer fetch` in this process; return click's result."""
    extra = ["--user-agent", ua] if ua else []
    argv = ["fetch", *args, "--into", str(into), "--rate", str(rate), *extra]
    return CliRunner().invoke(main, argv)


def recorded(url_path: str) -> Path:
    return REPLAY / "responses" / url_path.lstrip("/")


def on_disk(into: Path) -> dict[str, Path]:
    """Map each fetched accession to its file."""
    return {p.parent.name: p for p in into.glob("sec-edgar-filings/*/*/*/full-submission.txt")}


def max_per_second(times: list[float]) -> int:
    """Return the most requests that started within any one-second window."""
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times)), default=0)


def test_refuses_without_a_contact_user_agent(replay, tmp_path):
    for ua in (None, "python-requests/2.32", "Jane Doe"):
        result = run(tmp_path, ["--cik", "320193"], ua=ua)
        assert result.exit_code == 2, result.output
        assert "User-Agent" in result.output and "EDGAR_USER_AGENT" in result.output
    assert replay.hits() == []


def test_bad_flags_are_usage_errors(replay, tmp_path):
    for args, named in (
        (["--form", "8-K"], "--filed-from"),
        (["--cik", "apple"], "--cik"),
        (["--cik", "1", "--filed-from", "2024-13"], "--filed-from"),
        ([], "--cik, --ticker or --form"),
    ):
        result = run(tmp_path, args)
        assert result.exit_code == 2 and named in result.output, (args, result.output)
    assert run(tmp_path, ["--cik", "1"], rate=11).exit_code == 2


def test_fetch_with_faults_lands_the_recorded_files_and_builds_the_same(replay, tmp_path):
    replay.faults = {
        VINC_S3: ["429"],
        VINC_S3A: ["truncate"],
        APPLE_UPLOADS[0]: ["reset"],
        APPLE_UPLOADS[1]: ["corrupt"],
        IMUNON: ["503"],
        "/data.sec.gov/submissions/CIK0001796129.json": ["503"],
    }
    into = tmp_path / "dl"
    for args in RUNS:
        result = run(into, args)
        assert result.exit_code == 0, result.output
        assert "0 failed" in result.output
    files = on_disk(into)
    assert len(files) == len(FETCHED)
    for url in FETCHED:
        accession = Path(url).stem
        assert files[accession].read_bytes() == recorded(url).read_bytes(), accession
    for url, faults in replay.faults.items():
        assert faults == [] and len(replay.hits(url)) == 2, url  # each fault met and retried
    assert files["0001193125-25-068723"].parts[-4:-2] == ("VINC", "S-3")  # S-3/A under S-3
    assert all(h.headers.get("User-Agent") == UA for h in replay.hits())
    assert max_per_second([h.t for h in replay.hits()]) <= RATE
    assert not list(into.rglob("*.part"))
    assert fetched_filings(tmp_path / "ix1", into) == fetched_filings(
        tmp_path / "ix2", *(recorded(u) for u in FETCHED)
    )


def fetched_filings(index: Path, *paths) -> set[tuple]:
    """Build the paths into a fresh index; return each filing's accession, form, company, date."""
    build([str(p) for p in paths], index, jobs=1)
    ix, store = open_whoosh(indexdir.require_generation(index))
    try:
        return {(r["accession"], r["form_type"], r["company"], r["filed"]) for r in store.records()}
    finally:
        store.close()
        ix.close()


def test_second_run_requests_nothing_complete_and_asks_if_modified(replay, tmp_path):
    into = tmp_path / "dl"
    assert run(into, RUNS[0]).exit_code == 0
    first = len(replay.hits())
    result = run(into, RUNS[0])
    assert result.exit_code == 0 and "2 already complete" in result.output, result.output
    again = replay.hits()[first:]
    assert [h.path for h in again if "/Archives/" in h.path] == []
    tickers = [h for h in again if h.path.endswith("company_tickers.json")]
    assert tickers[0].headers["If-Modified-Since"] and "1 not modified" in result.output


def test_a_corrupt_file_on_disk_is_fetched_again(replay, tmp_path):
    into = tmp_path / "dl"
    assert run(into, RUNS[2]).exit_code == 0
    path = on_disk(into)["0001493152-25-029712"]
    path.write_bytes(path.read_bytes()[:1000])  # no longer the size it was fetched at
    assert run(into, RUNS[2]).exit_code == 0
    assert path.read_bytes() == recorded(IMUNON).read_bytes()
    assert len(replay.hits(IMUNON)) == 2


def test_killed_fetch_resumes_where_it_stopped(replay, tmp_path):
    replay.faults = {VINC_S3A: ["slow"], VINC_S3: ["slow"]}
    into = tmp_path / "dl"
    argv = [sys.executable, "-m", "indexer.cli", "fetch", *RUNS[0], "--into", str(into)]
    env = {**os.environ, "EDGAR_USER_AGENT": UA}
    proc = subprocess.Popen([*argv, "--workers", "1"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not on_disk(into) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the second file is now mid-body: its 10 slices take 1.5 s
    assert len(on_disk(into)) == 1, "the first file should land while the second is slow"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = {h.path for h in replay.hits("/Archives/")}
    assert len(done_before) == 2  # killed mid-body of the second file
    result = run(into, RUNS[0])
    assert result.exit_code == 0 and "1 fetched" in result.output, result.output
    assert "1 already complete" in result.output
    landed = on_disk(into)
    for url in (VINC_S3, VINC_S3A):
        assert landed[Path(url).stem].read_bytes() == recorded(url).read_bytes()
    assert not list(into.rglob("*.part"))


def test_since_last_starts_from_the_previous_fetch(replay, tmp_path):
    into = tmp_path / "dl"
    assert run(into, RUNS[2]).exit_code == 0
    replay.log.clear()
    result = run(into, ["--cik", "749647", "--form", "424B5", "--since-last"])
    assert result.exit_code == 0 and "0 filings selected" in result.output, result.output


def test_form_wide_fetch_reads_the_daily_index_conditionally(replay, tmp_path):
    into = tmp_path / "dl"
    args = ["--form", "10-12B/A", "--filed-from", "2020-03-18", "--filed-to", "2020-03-18"]
    result = run(into, args)
    # the one 10-12B/A of that day is listed; its file was not recorded, so it fails by name
    assert result.exit_code == 1 and "0001193125-20-076863" in result.output, result.output
    assert "1 filings selected" in result.output and "HTTP 404" in result.output
    result = run(into, args)
    index = [h for h in replay.hits("form.20200318.idx")]
    assert len(index) == 2 and "If-Modified-Since" in index[1].headers
    assert "1 not modified" in result.output


def test_index_plan_uses_daily_files_for_short_stretches():
    sel = Selection.from_flags([], "2020-03-16", "2020-03-22")
    assert index_paths(sel.filed_from, sel.filed_to) == [
        f"daily-index/2020/QTR1/form.202003{d}.idx" for d in range(16, 21)
    ]
    sel = Selection.from_flags([], "2025-03-30", "2025-06-30")
    assert index_paths(sel.filed_from, sel.filed_to) == [
        "daily-index/2025/QTR1/form.20250331.idx",
        "full-index/2025/QTR2/form.idx",
    ]


def test_parse_index_reads_form_company_and_master_files():
    daily = REPLAY / "responses/www.sec.gov/Archives/edgar/daily-index"
    forms = list(parse_index((daily / "2020/QTR1/form.20200318.idx").read_text("latin-1")))
    companies = list(parse_index((daily / "2022/QTR4/company.20221003.idx").read_text("latin-1")))
    assert len(forms) > 1000 and len(companies) > 1000
    first = forms[0]
    assert (first.form, first.company, first.cik, first.filed) == (
        "1-A",
        "DLP Positive Note Fund LLC",
        "0001806014",
        "2020-03-18",
    )
    row = next(f for f in companies if f.accession == "0001104659-22-104841")
    assert (row.form, row.company, row.cik) == ("SC 13D/A", "36Kr Holdings Inc.", "0001779476")
    master = "CIK|Company Name|Form Type|Date Filed|Filename\n---\n"
    master += "320193|Apple Inc.|10-Q|2024-05-03|edgar/data/320193/0000320193-24-000069.txt\n"
    (only,) = parse_index(master)
    assert (only.accession, only.form, only.filed) == ("0000320193-24-000069", "10-Q", "2024-05-03")


def test_form_selection_follows_search():
    sel = Selection.from_flags(["s-3", "-S-3/A"], None, None)
    assert sel.matching_form("S-3") == "S-3"
    assert sel.matching_form("S-3/A") is None
    assert Selection.from_flags(["8-K/A"], None, None).matching_form("8-K") is None


def test_workers_together_keep_to_the_rate_cap(replay, tmp_path):
    # 18 SC 13G(/A) filed 2020-03-18, by the daily index: none recorded, each a quick 404
    args = ["--form", "SC 13G", "--filed-from", "2020-03-18", "--filed-to", "2020-03-18"]
    result = run(tmp_path, [*args, "--workers", "8"])
    assert result.exit_code == 1 and "18 failed" in result.output, result.output
    hits = replay.hits()
    assert len(hits) == 19 and all(h.headers.get("User-Agent") == UA for h in hits)
    assert RATE - 1 <= max_per_second([h.t for h in hits]) <= RATE  # near the cap, never past


def test_fetch_then_build(replay, tmp_path):
    index = tmp_path / "ix"
    result = run(tmp_path / "dl", [*RUNS[2], "--build", "--index-dir", str(index)])
    assert result.exit_code == 0, result.output
    assert "1 filings added" in result.output
    assert fetched_filings(index, tmp_path / "dl") == {
        ("0001493152-25-029712", "424B5", "Imunon, Inc.", "2025-12-31")
    }
