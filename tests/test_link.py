"""The rule linking a header-less periodic document to its accession, as data."""

from __future__ import annotations

import pytest

from indexer.indexing.link import ACCESSION, DOCUMENT, link_of, links

KEY = ("0000320193", "10-K", "2024-09-28")


def rec(accession=None, kind="document", form="10-K", root=None, cik=KEY[0], period=KEY[2]):
    return {
        "accession": accession,
        "kind": kind,
        "form_type": form,
        "root_form": root or form.removesuffix("/A"),
        "cik": cik,
        "period": period,
    }


@pytest.mark.parametrize(
    ("record", "want"),
    [
        (rec(), (DOCUMENT, KEY)),
        (rec("0000320193-24-000123", kind="header"), (ACCESSION, KEY)),
        (rec("0000320193-24-000123", kind="submission"), (ACCESSION, KEY)),
        (rec(form="10-K/A", root="10-K"), (DOCUMENT, (KEY[0], "10-K/A", KEY[2]))),
        (rec(form="20-F"), (DOCUMENT, (KEY[0], "20-F", KEY[2]))),
        (rec(form="N-CSRS"), (DOCUMENT, (KEY[0], "N-CSRS", KEY[2]))),
        (rec(form="8-K"), None),  # several 8-Ks may share a date of report
        (rec(form="S-1"), None),
        (rec(period=None), None),
        (rec(cik=None), None),
        (rec(kind="submission"), None),  # a submission without accession is no document
    ],
)
def test_link_of(record, want):
    assert link_of(record) == want


OTHER = (KEY[0], "10-Q", "2024-06-29")


@pytest.mark.parametrize(
    ("filings", "want"),
    [
        ([("local-a", DOCUMENT, KEY), ("A", ACCESSION, KEY)], {"local-a": "A"}),
        # copies under two hashes (different text) both link
        (
            [("local-a", DOCUMENT, KEY), ("local-b", DOCUMENT, KEY), ("A", ACCESSION, KEY)],
            {"local-a": "A", "local-b": "A"},
        ),
        # ambiguous: two accessions of one key (an original and a refiling) leave both alone
        ([("local-a", DOCUMENT, KEY), ("A", ACCESSION, KEY), ("B", ACCESSION, KEY)], {}),
        ([("local-a", DOCUMENT, KEY), ("A", ACCESSION, OTHER)], {}),  # another period
        ([("local-a", DOCUMENT, KEY)], {}),
        ([("A", ACCESSION, KEY)], {}),
    ],
)
def test_links(filings, want):
    assert links(filings) == want
