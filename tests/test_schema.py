"""The index schema: tokens for numbers and compounds, and the fast body field's equivalence."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.fields import TEXT

from indexer.backend.whoosh import schema
from indexer.backend.whoosh.positions import decode_groups, encode_groups
from indexer.backend.whoosh.schema import TOKEN_RE, FilingSchema, body_analyzer, pieces, to_fields
from indexer.edgar.parse import parse_path
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
@pytest.mark.parametrize("array_max", [schema.ARRAY_MAX_CHARS, 0], ids=["arrays", "loop"])
def test_fast_body_field_indexes_exactly_what_the_analyzer_would(
    path, piece_chars, array_max, monkeypatch
):
    monkeypatch.setattr(schema, "PIECE_CHARS", piece_chars)  # small: many pieces, one position
    monkeypatch.setattr(schema, "ARRAY_MAX_CHARS", array_max)
    text = parse_path(path)[0].text
    plain = TEXT(analyzer=body_analyzer(), phrase=True)
    fast = FilingSchema()["body"]

    def decoded(field, postings):  # term, frequency, weight, positions
        return sorted((w, f, wt, field.format.decode_positions(v)) for w, f, wt, v in postings)

    assert decoded(fast, fast.index(text)) == decoded(plain, plain.index(text))


WORDS = ["word", "0-17999", "1,234.5", "u.s.c", "7.01", "0", "s", " ", "\n", "\t", "é", "-", "ΑΣ"]
# The token pattern before its look-ahead and possessive repeats (kept only to test that)
PLAIN_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\w+(?:[.\-/']\w+)*")


@given(st.lists(st.sampled_from([*WORDS, ",", "12", "345", ".", "/", "'", "_", "a"])).map("".join))
def test_token_pattern_finds_what_the_plain_pattern_finds(text):
    assert TOKEN_RE.findall(text) == PLAIN_TOKEN.findall(text)


def body_postings_both_ways(text: str, monkeypatch) -> tuple[list, list]:
    """The body field's postings of a text by arrays and by the loop over tokens."""
    field = FilingSchema()["body"]
    by_arrays = sorted(field.index(text))
    monkeypatch.setattr(schema, "ARRAY_MAX_CHARS", 0)
    by_loop = sorted(field.index(text))
    monkeypatch.undo()
    return by_arrays, by_loop


@given(text=st.lists(st.sampled_from(WORDS)).map("".join))
def test_array_and_loop_indexing_write_the_same_postings(text):
    with pytest.MonkeyPatch.context() as mp:
        by_arrays, by_loop = body_postings_both_ways(text, mp)
    assert by_arrays == by_loop


def test_array_indexing_encodes_every_delta_width(monkeypatch):
    # "far" comes back after 300 and then 70,000 words: 1-, 2- and 4-byte deltas
    text = " ".join(["far", *["x"] * 300, "far", *["y 0-1"] * 35_000, "far", "u.s.c"])
    by_arrays, by_loop = body_postings_both_ways(text, monkeypatch)
    assert by_arrays == by_loop
    fmt = FilingSchema()["body"].format
    far = next(v for w, *_, v in by_arrays if w == b"far")
    assert far[:1] == b"I" and fmt.decode_positions(far) == [0, 301, 70_302]
    assert {v[:1] for *_, v in by_arrays} == {b"B", b"H", b"I"}
    assert {w for w, *_ in by_arrays} == {
        b"far",
        b"x",
        b"y",
        b"0-1",
        b"0",
        b"1",
        b"u.s.c",
        b"u",
        b"s",
        b"c",
    }


@given(
    text=st.lists(st.sampled_from(WORDS)).map("".join),
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
    assert fields["inc_state"] == "MA" and fields["year"] == "undated"  # no header: no filing date


@given(
    st.lists(
        st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=30).map(lambda p: sorted(set(p))),
        max_size=20,
    )
)
def test_positions_decoded_all_at_once_equal_one_by_one(lists):
    fmt = FilingSchema()["body"].format
    values = [fmt.encode(p) for p in lists]
    counts, positions = decode_groups(values)
    assert counts.tolist() == [len(p) for p in lists]
    assert positions.tolist() == [x for p in lists for x in p]
    flat = np.array([x for p in lists for x in p], np.uint32)
    if lists:  # and encoding them all at once gives the same values
        assert encode_groups(flat, np.array([len(p) for p in lists])) == values


def test_positions_decoding_refuses_other_values():
    with pytest.raises(ValueError, match="CompactPositions"):
        decode_groups([b"B\x01", b"Q\x01\x02"])


def test_the_pinned_whoosh_is_what_is_installed():
    """segment.py and engine.py rely on Whoosh internals: pyproject pins the release they fit."""
    from importlib.metadata import requires

    from indexer.backend.whoosh import WHOOSH_DIST, WHOOSH_VERSION, check_whoosh

    check_whoosh()  # raises WrongWhoosh, naming what to install, for any other release
    pins = [r for r in requires("edgar-search") if r.lower().startswith(WHOOSH_DIST)]
    assert pins == [f"{WHOOSH_DIST}=={WHOOSH_VERSION}"]


@given(st.text(alphabet=st.sampled_from("ab1-.,/' \n$é_AZ9"), max_size=60))
def test_query_words_are_the_analyzers_query_tokens(text):
    """The query layer's own tokenizer (no engine) reads a text as Whoosh's analyzers do."""
    from indexer.backend.whoosh.schema import name_analyzer
    from indexer.query.tokens import query_words

    for analyzer in (body_analyzer(), name_analyzer()):
        assert query_words(text) == [t.text for t in analyzer(text, mode="query")]


def test_indexes_from_before_the_layer_packages_still_open():
    """Their table of contents pickled the schema as indexer.schema.FilingSchema."""
    import pickle

    from indexer.backend.whoosh.schema import BodyText, CompactPositions, FilingSchema

    for cls in (FilingSchema, BodyText, CompactPositions):
        old = f"cindexer.schema\n{cls.__name__}\n.".encode()  # a pickle naming the old module
        assert pickle.loads(old) is cls
