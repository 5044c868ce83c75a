"""Golden records: real corpus files parsed to exactly the records checked by hand.

Each tests/golden/*.json holds {"file": <path under ../shared/corpus>, "records": [...]} or, for
a file that is no filing, {"file": ..., "skip": <part of the reason>}; tests/golden/README.md
says what was checked in each. `python -m tests.golden_update FILE...` rewrites a golden from
the parser's output, to be checked again by hand before it is kept.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from pathlib import Path

import pytest

from indexer.edgar.model import NotAFiling, ParseError
from indexer.edgar.parse import parse_path
from indexer.edgar.states import state_code
from tests.corpus import CORPUS, COVER, SEED, corpus_cases, needs_corpus
from tests.golden_update import GOLDEN, golden_of

GOLDENS = sorted(GOLDEN.glob("*.json"))


def test_goldens_span_the_formats() -> None:
    files = [json.loads(p.read_text())["file"] for p in GOLDENS]
    assert len(files) >= 30 and len(set(files)) == len(files)
    assert "seed/000_6d5e9457938f6054.txt" in files
    for needle in (".nc", ".hdr.sgml", "index-headers", "archive.txt", "multiplefilers", ".xml"):
        assert any(needle in f for f in files), needle


def diff(expected: dict, got: dict) -> str:
    """Return a unified diff of two goldens as indented JSON."""
    lines = [json.dumps(x, indent=1, ensure_ascii=False).splitlines() for x in (expected, got)]
    return "\n".join(difflib.unified_diff(*lines, "golden", "parsed", lineterm="", n=2))


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_golden(golden: Path) -> None:
    expected = json.loads(golden.read_text())
    got = golden_of(expected["file"])
    if "skip" in expected:
        assert "skip" in got, f"{expected['file']} parsed, but should be skipped"
        assert expected["skip"] in got["skip"]
        return
    assert got == expected, (
        f"{golden.name} differs from what the parser makes of {expected['file']} "
        f"(rewrite with `python -m tests.golden_update '{expected['file']}'` only once the new "
        f"values are checked against the filing):\n{diff(expected, got)}"
    )


# --- the seed, spelled out ---------------------------------------------------------------------


def test_seed_record() -> None:
    (filing,) = parse_path(SEED)
    rec = filing.to_record()
    assert (rec["company"], rec["form_type"], rec["period"]) == (
        "ImmunoGen, Inc.",
        "8-K",
        "2002-11-12",
    )
    assert [(i["code"], i["normalized"], i["title"]) for i in rec["items"]] == [
        ("9", "7.01", "Regulation FD Disclosure"),
        ("7", "9.01", "Financial Statements and Exhibits"),
    ]
    assert [(s["name"], s["title"]) for s in rec["signers"]] == [
        ("Gregg D. Beloff", "Chief Financial Officer and Vice President, Finance")
    ]
    (filer,) = rec["filers"]
    assert (filer["file_number"], filer["irs_number"], filer["state_of_incorporation"]) == (
        "0-17999",
        "04-2726691",
        "Massachusetts",
    )
    (exhibit,) = rec["exhibits"]
    assert exhibit["type"] == "EX-99.1"
    assert exhibit["description"].startswith("Certification Pursuant to Section 906")


# --- the hand-labelled cover pages of ryankfrench/sec_cover_page_parser ------------------------

LABELS = sorted(COVER.glob("*/*/correct_data.json"))

# Where the filing contradicts itself, the record keeps the SEC header's value and the label the
# cover page's: (accession, label key) -> the value the record holds, and why.
CONFLICTS = {
    ("0001564590-22-023099", "state"): "CA",  # cover: Austin, Texas; EDGAR's record: Redwood City
    (
        "0000723533-04-000001",
        "date",
    ): "2003-12-31",  # cover's "Date of Report" is a stale 2003-04-30
    ("0000723533-04-000001", "commission_file_number"): "001-16851",  # cover prints 0-11596
    ("0001164150-07-000163", "commission_file_number"): "001-16851",
    ("0001213900-09-002194", "commission_file_number"): "001-16851",
}
# EDGAR's codes for places outside the United States that the labels name
EDGAR_PLACES = {"ontario": "A6"}
# EDGAR's conformed names abbreviate: "Oracle Corporation" is filed as "ORACLE CORP"
CONFORMED_WORDS = {"corporation": "corp", "incorporated": "inc", "company": "co", "limited": "ltd"}


def conformed(name: str) -> str:
    """Return a company name as EDGAR conforms it: no case, punctuation or long suffixes."""
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower()).split()
    return " ".join(CONFORMED_WORDS.get(w, w) for w in words)


def place(value: str) -> str:
    """Return the EDGAR code of a state or place as a label or header writes it."""
    return EDGAR_PLACES.get(value.lower()) or state_code(value) or value


def file_key(number: str) -> str:
    """Drop a file number prefix's leading zeros: EDGAR writes 001-35992 for 1-35992."""
    prefix, _, rest = number.partition("-")
    return f"{int(prefix)}-{rest}"


def iso(label_date: str) -> str:
    """Turn "June 13, 2022" into "2022-06-13"."""
    return time.strftime("%Y-%m-%d", time.strptime(label_date, "%B %d, %Y"))


def record_values(rec: dict) -> dict[str, str | None]:
    """Map a record's fields to the labels' keys, in the shape the labels compare in."""
    filer = next(f for f in rec["filers"] if f["cik"] == rec["cik"])
    return {
        "name": rec["company"],
        "form": rec["form_type"],
        "date": rec["period"],
        "state_of_incorporation": filer["state_of_incorporation"],
        "state": filer["business_state"],
        "commission_file_number": filer["file_number"],
        "irs_employer_id": filer["irs_number"],
    }


# label key -> how both sides are compared
COMPARE = {
    "name": conformed,
    "form": str,
    "date": str,
    "state_of_incorporation": place,
    "state": place,
    "commission_file_number": file_key,
    "irs_employer_id": lambda v: v.replace("-", ""),
}


@needs_corpus
def test_labelled_folders_are_found() -> None:
    assert len(LABELS) == 6


@pytest.mark.parametrize("label", corpus_cases(LABELS), ids=lambda p: p.parent.name)
def test_correct_data_agrees(label: Path) -> None:
    data = json.loads(label.read_text())
    accession = label.parent.name
    (filing,) = parse_path(label.parent / f"{accession}.txt")
    ours = record_values(filing.to_record())
    labelled = {**data, "date": iso(data["date"])}
    compared = 0
    for key, norm in COMPARE.items():
        if labelled.get(key) is None or ours[key] is None:
            continue
        compared += 1
        if (accession, key) in CONFLICTS:
            assert ours[key] == CONFLICTS[accession, key]
            assert norm(ours[key]) != norm(labelled[key]), f"{key} no longer conflicts: drop it"
        else:
            assert norm(ours[key]) == norm(labelled[key]), key
    assert compared == len(COMPARE)


@needs_corpus
def test_goldens_are_corpus_files() -> None:
    for golden in GOLDENS:
        rel = json.loads(golden.read_text())["file"]
        assert (CORPUS / rel).is_file(), rel


def test_skip_goldens_name_a_reason() -> None:
    skips = [json.loads(p.read_text()) for p in GOLDENS]
    for g in (g for g in skips if "skip" in g):
        with pytest.raises((NotAFiling, ParseError), match=re.escape(g["skip"])):
            parse_path(CORPUS / g["file"])
