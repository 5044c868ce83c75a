"""Splitting SGML: PEM wrappers, archives of several submissions, documents cut short."""

from __future__ import annotations

import time

from indexer.edgar import sgml
from tests.corpus import EDGARTOOLS

PEM_FILE = EDGARTOOLS / "data/sgml/0001011438-98-000429.txt"

TWO = (
    "<SUBMISSION>\n<ACCESSION-NUMBER>0000000001-01-000001\n<DOCUMENT>\n<TYPE>8-K\n<TEXT>\none\n"
    "</TEXT>\n</DOCUMENT>\n</SUBMISSION>\n"
    "<SUBMISSION>\n<ACCESSION-NUMBER>0000000001-01-000002\n<DOCUMENT>\n<TYPE>8-K\n<TEXT>\n"
    "a quoted header:\n<SUBMISSION>\n<ACCESSION-NUMBER>9\n</TEXT>\n</DOCUMENT>\n</SUBMISSION>\n"
)


def test_pem_wrapper_and_dash_escapes_are_removed():
    raw = PEM_FILE.read_text("latin-1")
    assert "\n- --" in raw
    text = sgml.strip_pem(raw)
    assert text.startswith("<SEC-DOCUMENT>")
    assert "PRIVACY-ENHANCED" not in text and "\n- --" not in text


def test_archive_splits_at_submissions_but_not_inside_text():
    parts = sgml.split_submissions(TWO)
    assert len(parts) == 2
    assert "a quoted header" in parts[1]


def test_documents_tags_and_bodies():
    header, docs = sgml.split_submission(sgml.split_submissions(TWO)[1])
    assert "0000000001-01-000002" in header
    (doc,) = docs
    assert (doc.type, doc.sequence) == ("8-K", None)
    assert doc.body.strip().endswith("<ACCESSION-NUMBER>9")


def test_one_line_feed_tags_and_a_document_cut_short():
    text = "<SUBMISSION><DOCUMENT><TYPE>4<SEQUENCE>1<FILENAME>f.xml<TEXT><XML>x</XML></TEXT>"
    text += "</DOCUMENT><DOCUMENT><TYPE>EX-99<SEQUENCE>2<TEXT>cut he"
    _, docs = sgml.split_submission(text)
    assert [(d.type, d.sequence, d.filename) for d in docs] == [
        ("4", 1, "f.xml"),
        ("EX-99", 2, None),
    ]
    assert docs[0].body == "<XML>x</XML>" and docs[1].body == "cut he"


def test_what_opens_a_submission_or_a_bare_document():
    assert sgml.looks_like_submission("\n<SEC-DOCUMENT>0001.txt : 19990101\n")
    assert sgml.looks_like_submission("<ACCEPTANCE-DATETIME>2023\nACCESSION NUMBER:\t1\n")
    assert sgml.looks_like_submission("<HTML><!--\n<SEC-HEADER>0001.hdr.sgml\n")
    assert not sgml.looks_like_submission("<html><body>an 8-K</body></html>")
    assert sgml.looks_like_document("<DOCUMENT>\n<TYPE>8-K\n")


def test_thousands_of_unclosed_documents_split_in_linear_time():
    """A hostile file of 50,000 bare <DOCUMENT> tags: quadratic splitting would take minutes."""
    text = "<SUBMISSION>\n<ACCESSION-NUMBER>0000000001-01-000001\n" + "<DOCUMENT>\nx\n" * 50_000
    start = time.monotonic()
    _, docs = sgml.split_submission(text)
    assert len(docs) == 50_000
    assert time.monotonic() - start < 10  # a hang bound, not a speed figure (linear: ~0.1 s)


def test_thousands_of_quoted_submission_tags_split_in_linear_time():
    quoted = "<SUBMISSION>\n<DOCUMENT>\n<TEXT>\n" + "<SEC-DOCUMENT>\n" * 50_000 + "</TEXT>\n"
    start = time.monotonic()
    assert len(sgml.split_submissions(quoted)) == 1
    assert time.monotonic() - start < 10  # a hang bound, not a speed figure
