"""Which header-less documents are the same filing as an accession: the rule, as pure data.

A periodic report's primary document kept without its SEC header (edgartools' `Apple.10-K.html`)
parses to a filing with a CIK, a form and a period (read from its cover) but no accession, so it
is keyed by a hash of its text; the accession's header-only file (sec-edgar-downloader's first
1,000 bytes) has the accession and filing date but no text. A company files one report of a
periodic form per period, so the two are one filing when exactly one accession matches.
"""

from __future__ import annotations

from collections.abc import Iterable

# Forms a company files once per period. Not 8-K (several may be filed on one day, for the same
# date of report) nor proxy or registration forms (no period of report).
PERIODIC_FORMS = frozenset(
    {"10-K", "10-Q", "10-KT", "10-QT", "20-F", "40-F", "N-CSR", "N-CSRS", "11-K"}
)

LinkKey = tuple[str, str, str]  # (CIK, form type exactly, period)
ACCESSION, DOCUMENT = "accession", "document"  # the two roles a filing can play in a link


def link_key(rec: dict) -> LinkKey | None:
    """Return the (CIK, form type, period) a filing record links by, or None if it cannot link."""
    if rec.get("root_form") not in PERIODIC_FORMS:
        return None
    key = (rec.get("cik"), rec.get("form_type"), rec.get("period"))
    return key if all(key) else None


def role(rec: dict) -> str | None:
    """Return a record's role in linking: an accession filing, a header-less document, or None."""
    if link_key(rec) is None:
        return None
    if rec.get("accession"):
        return ACCESSION
    return DOCUMENT if rec.get("kind") == "document" else None


def link_of(rec: dict) -> tuple[str, LinkKey] | None:
    """Return a record's role and key in linking, or None when it takes no part."""
    what = role(rec)
    return None if what is None else (what, link_key(rec))


def links(filings: Iterable[tuple[str, str, LinkKey]]) -> dict[str, str]:
    """Map each document filing id to the accession it is the same filing as.

    `filings` are (id, role, key). A document links only when exactly one accession filing has
    its key: with two (an original and a refiled report of one period) it is left alone.
    """
    accessions: dict[LinkKey, set[str]] = {}
    documents: dict[LinkKey, set[str]] = {}
    for fid, what, key in filings:
        (accessions if what == ACCESSION else documents).setdefault(key, set()).add(fid)
    out = {}
    for key, ids in documents.items():
        found = accessions.get(key, set())
        if len(found) == 1:
            out.update(dict.fromkeys(ids, next(iter(found))))
    return out
