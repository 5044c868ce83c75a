"""The index schema: tokens for numbers and compounds, and the fast body field's equivalence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.fields import TEXT

from indexer import schema
from indexer.parse import parse_path
from indexer.schema import TOKEN_RE, FilingSchema, body_analyzer, pieces, to_fields
from tests.corpus import COVER, EDGARTOOLS, SEED


def terms(text: str, mode: str = "index") -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in body_analyzer()(text, positions=True, mode=mode)]


def test_numbers_and_compounds_are_tokens_with_their_parts():
    assert terms("file 0-17999 under 18 U.S.C. 1350") == [
        ("file", 0), ("0-17999", 1), ("0", 1), ("17999", 1), ("under", 2), ("18", 3),
        ("u.s.c", 4), ("u", 4), ("s", 4), ("c", 4), ("1350", 5),
    ]  # fmt: skip
    assert terms("1,234,567.89 dollars") == [("1,234,567.89", 0), ("dollars", 1)]  # no parts
    assert terms("Item 7.01") == [("item", 0), ("7.01", 1)]


def test_queries_keep_compounds_whole():
    assert terms("0-17999 Item 7.01", mode="query") == [("0-17999", 0), ("item", 1), ("7.01", 2)]


@pytest.mark.parametrize(
    "path",
    [
        SEED,
        EDGARTOOLS / "data/sgml/0001011438-98-000429.txt",
        COVER / "18230/0000018230-22-000107/0000018230-22-000107.txt",
        EDGARTOOLS / "data/form4.snow.xml",
    ],
    ids=lambda p: p.name,
)
@pytest.mark.parametrize("piece_chars", [schema.PIECE_CHARS, 500])
def test_fast_body_field_indexes_exactly_what_the_analyzer_would(path, piece_chars, monkeypatch):
    monkeypatch.setattr(schema, "PIECE_CHARS", piece_chars)  # small: many pieces, one position
    text = parse_path(path)[0].text
    plain = TEXT(analyzer=body_analyzer(), phrase=True)
    fast = FilingSchema()["body"]

    def decoded(field, postings):  # term, frequency, weight, positions
        return sorted((w, f, wt, field.format.decode_positions(v)) for w, f, wt, v in postings)

    assert decoded(fast, fast.index(text)) == decoded(plain, plain.index(text))


@given(
    text=st.lists(
        st.sampled_from(["word", "0-17999", "1,234.5", " ", "\n", "\t", "é", "-", "ΑΣ"])
    ).map("".join),
    size=st.integers(1, 12),
)
def test_pieces_never_cut_a_token(text, size):
    cut = list(pieces(text, size))
    assert "".join(cut) == text
    assert [t for p in cut for t in TOKEN_RE.findall(p.lower())] == TOKEN_RE.findall(text.lower())


@given(st.lists(st.integers(0, 2**32 - 1), max_size=40).map(lambda p: sorted(set(p))))
def test_compact_positions_round_trip(positions):
    fmt = FilingSchema()["body"].format
    value = fmt.encode(positions)
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert len(value) <= 1 + 4 * len(positions)


def test_every_field_of_the_mapping_exists_in_the_schema():
    fields = to_fields(parse_path(SEED)[0])
    assert set(fields) <= set(FilingSchema().names())
    assert fields["items"] == "7.01,9.01" and fields["items_legacy"] == "9,7"
    assert fields["inc_state"] == "MA" and fields["year"] == "2002"
