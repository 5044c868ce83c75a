"""What to fetch: filings listed by the submissions JSON, the EDGAR indexes and the tickers file."""

from __future__ import annotations

import json
import re
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from indexer.edgar.cik import CIK_DIGITS, cik10
from indexer.edgar.cik import normalize_cik as ten_digits
from indexer.edgar.items import root_form
from indexer.query import filters
from indexer.query.filters import QueryError

# "2004", "2004-03", "2004-03-31": the date shapes `indexer search` accepts
# "AAPL", "BRK-B": a ticker as company_tickers.json spells it
TICKER = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,9}")
# "0000320193-24-000005": an accession number
ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
# "CIK0000320193-submissions-001.json": an older page of a submissions JSON
SUBMISSIONS_PAGE = re.compile(r"CIK\d{10}-submissions-\d{3}\.json")
# "edgar/data/1806014/0001140361-20-006155.txt": an index line's file name
INDEX_FILE = re.compile(rf"edgar/data/({CIK_DIGITS})/(\d{{10}}-\d{{2}}-\d{{6}})\.txt")
# A quarter partly covered by the dates asked is read from daily indexes up to this many days
DAILY_MAX_DAYS = 7


class SelectionError(ValueError):
    """Flags that select nothing fetchable; the message names the flag."""


@dataclass(frozen=True)
class Filing:
    cik: str  # 10 digits
    accession: str
    form: str
    filed: str  # YYYY-MM-DD
    company: str = ""


def parse_date(text: str, flag: str, end: bool = False) -> date:
    """Read a year, month or day as `indexer search` does: its first day, or last when `end`."""
    try:
        return filters.parse_date(text, end).date()
    except QueryError:
        raise SelectionError(
            f"{flag}: not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None


def normalize_cik(text: str) -> str:
    """Return a CIK as ten digits."""
    if (cik := cik10(text)) is None:
        raise SelectionError(f"--cik: takes a number like 320193, not {text!r}")
    return cik


@dataclass(frozen=True)
class Selection:
    forms: tuple[str, ...] = ()  # wanted forms; `8-K` includes 8-K/A
    excluded: tuple[str, ...] = ()  # `-4` on the command line
    filed_from: date | None = None
    filed_to: date | None = None

    @classmethod
    def from_flags(cls, forms, filed_from, filed_to) -> Selection:
        """Build a selection from the flags `indexer search` also takes."""
        norm = [" ".join(f.upper().split()) for f in forms]
        lo = parse_date(filed_from, "--filed-from") if filed_from else None
        hi = parse_date(filed_to, "--filed-to", end=True) if filed_to else None
        if lo and hi and lo > hi:
            raise SelectionError(f"--filed-from: range starts after it ends ({lo} > {hi})")
        wanted = tuple(f for f in norm if f and not f.startswith("-"))
        excluded = tuple(f[1:].strip() for f in norm if f.startswith("-"))
        return cls(wanted, excluded, lo, hi)

    def matching_form(self, form: str) -> str | None:
        """Return the asked form a filing's form falls under (its own root if none asked)."""
        form = " ".join(form.upper().split())
        if any(form_matches(form, x) for x in self.excluded):
            return None
        if not self.forms:
            return root_form(form)
        return next((f for f in self.forms if form_matches(form, f)), None)

    def wants_date(self, filed: str) -> bool:
        """Tell whether an ISO filing date falls in the range asked."""
        lo, hi = self.filed_from, self.filed_to
        return (lo is None or filed >= lo.isoformat()) and (hi is None or filed <= hi.isoformat())


def form_matches(form: str, asked: str) -> bool:
    """Match as search does: `S-3` takes S-3 and S-3/A; `S-3/A` only the amendment."""
    return form == asked or (root_form(asked) == asked and root_form(form) == asked)


# ---------------------------------------------------------------- submissions JSON


def submissions_url(data_url: str, cik: str) -> str:
    """Return the URL of a company's submissions JSON."""
    return f"{data_url}/submissions/CIK{cik}.json"


def recent_filings(cik: str, company: str, columns: dict) -> Iterator[Filing]:
    """Yield the filings of a submissions JSON's column block (`recent` or an older page)."""
    rows = zip(columns["accessionNumber"], columns["form"], columns["filingDate"], strict=False)
    for accession, form, filed in rows:
        if ACCESSION.fullmatch(accession):
            yield Filing(cik, accession, form, filed, company)


def older_pages(data: dict, sel: Selection) -> list[str]:
    """Return the names of the older submissions pages that overlap the dates asked."""
    names = []
    for page in data.get("filings", {}).get("files", []):
        name = page.get("name", "")
        lo, hi = page.get("filingFrom", ""), page.get("filingTo", "9999")
        too_old = sel.filed_from and hi < sel.filed_from.isoformat()
        too_new = sel.filed_to and lo > sel.filed_to.isoformat()
        if SUBMISSIONS_PAGE.fullmatch(name) and not too_old and not too_new:
            names.append(name)
    return names


def parse_json(body: bytes, what: str) -> dict:
    """Decode a JSON body, naming what it was when it is not JSON."""
    try:
        return json.loads(body)
    except ValueError:
        raise SelectionError(f"{what}: not JSON") from None


# ---------------------------------------------------------------- indexes


def index_paths(lo: date, hi: date) -> list[str]:
    """Return the index files that list the filings of [lo, hi], fewest requests first.

    A quarter the range covers for more than a week is read from its full index (`form.idx`);
    a shorter stretch from the daily index of each weekday in it.
    """
    paths, day = [], lo
    while day <= hi:
        q = (day.month - 1) // 3
        q_end = date(day.year, 3 * q + 3, monthrange(day.year, 3 * q + 3)[1])
        end = min(hi, q_end)
        if (end - day).days + 1 > DAILY_MAX_DAYS:
            paths.append(f"full-index/{day.year}/QTR{q + 1}/form.idx")
        else:
            paths += daily_paths(day, end, q + 1)
        day = end + timedelta(days=1)
    return paths


def daily_paths(lo: date, hi: date, quarter: int) -> list[str]:
    """Return the daily form indexes of the weekdays in [lo, hi]."""
    days = (lo + timedelta(days=i) for i in range((hi - lo).days + 1))
    return [
        f"daily-index/{d.year}/QTR{quarter}/form.{d:%Y%m%d}.idx" for d in days if d.weekday() < 5
    ]


def parse_index(text: str) -> Iterator[Filing]:
    """Yield the filings of a form, company or master index (full or daily)."""
    lines = text.splitlines()
    if any("|" in line and line.startswith("CIK|") for line in lines[:20]):
        yield from _parse_master(lines)
        return
    starts = ("Form Type", "Company Name")  # the column header line, not the description
    header = next((line for line in lines[:20] if line.startswith(starts)), "")
    form_first = header.startswith("Form Type")
    split_at = header.find("Company Name" if form_first else "Form Type")
    for line in lines:
        row = _fixed_width_row(line, form_first, split_at)
        if row:
            yield row


def _fixed_width_row(line: str, form_first: bool, split_at: int) -> Filing | None:
    """Read one line of form.idx or company.idx: columns by the header's positions."""
    parts = line.rstrip().rsplit(None, 3)
    if len(parts) != 4 or split_at <= 0:
        return None
    prefix, _cik, filed, name = parts
    m = INDEX_FILE.fullmatch(name)
    if not m or not filed.replace("-", "").isdigit():
        return None
    first, second = prefix[:split_at].strip(), prefix[split_at:].strip()
    form, company = (first, second) if form_first else (second, first)
    return Filing(ten_digits(m[1]), m[2], form, iso_date(filed), company)


def _parse_master(lines: list[str]) -> Iterator[Filing]:
    """Read master.idx: `CIK|Company Name|Form Type|Date Filed|Filename`."""
    for line in lines:
        parts = line.split("|")
        if len(parts) == 5 and (m := INDEX_FILE.fullmatch(parts[4].strip())):
            yield Filing(ten_digits(m[1]), m[2], parts[2].strip(), iso_date(parts[3]), parts[1])


def iso_date(text: str) -> str:
    """Return `20200318` or `2020-03-18` as `2020-03-18`."""
    digits = text.strip().replace("-", "")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"


# ---------------------------------------------------------------- tickers


def ticker_ciks(body: bytes, tickers: list[str]) -> dict[str, str]:
    """Map each ticker asked to its ten-digit CIK by company_tickers.json; refuse unknown ones."""
    for t in tickers:
        if not TICKER.fullmatch(t):
            raise SelectionError(f"--ticker: not a ticker: {t!r}")
    data = parse_json(body, "company_tickers.json")
    known = {str(row["ticker"]).upper(): ten_digits(str(row["cik_str"])) for row in data.values()}
    missing = [t for t in tickers if t.upper() not in known]
    if missing:
        raise SelectionError(f"--ticker: not in SEC's company_tickers.json: {', '.join(missing)}")
    return {t.upper(): known[t.upper()] for t in tickers}
