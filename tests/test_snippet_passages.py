"""Snippets show each passage once: a copy of a document (the .htm and the .txt of one exhibit,
a cover repeated) must not fill a hit's snippets with the same text twice."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.snippets import (
    SAME_PASSAGE,
    SNIPPETS_PER_HIT,
    passage,
    same_passage,
    snippets,
)

PASSAGE = (
    "The Company entered into a material definitive agreement with the lenders on March 3, "
    "which amends the credit facility and extends its maturity by two years."
)
OTHER = "Separately, the board approved a new share repurchase agreement of up to $5 billion."
FILLER = " ".join(["lorem"] * 80)


def test_the_same_passage_in_two_documents_is_shown_once():
    texts = [PASSAGE, PASSAGE]  # the same document twice
    shown, docs = snippets(texts, [("agreement",)])
    assert len(shown) == 1 and docs == [0, 1]  # both documents still count as matched


def test_a_copy_cut_differently_is_still_the_same_passage():
    texts = [f"{FILLER} {PASSAGE} {FILLER}", f"Exhibit 99.1. {PASSAGE}"]
    shown, _ = snippets(texts, [("agreement",)])
    assert len(shown) == 1


def test_distinct_passages_all_show_in_text_order():
    texts = [f"{PASSAGE} {FILLER} {OTHER}", PASSAGE, f"{FILLER} {FILLER} {PASSAGE}"]
    shown, _ = snippets(texts, [("agreement",)])
    assert [("material" in s, "repurchase" in s) for s in shown] == [(True, False), (False, True)]


def test_a_repeated_passage_leaves_room_for_another():
    copies = [PASSAGE] * 5
    texts = [*copies, f"{FILLER} {OTHER}", "A third agreement, a lease, was signed in May."]
    shown, _ = snippets(texts, [("agreement",)])
    assert len(shown) == SNIPPETS_PER_HIT
    assert len({passage(s) for s in shown}) == SNIPPETS_PER_HIT


def test_passages_compare_words_not_marks_or_ellipses():
    a = passage("…the <mark>Agreement</mark> &amp; its terms…")
    assert a == "the agreement & its terms"
    assert same_passage(a, passage("the agreement &amp; <mark>its</mark> terms"))
    assert not same_passage(a, passage("a different sentence altogether, about leases"))


# what "the same passage" means, said the slow way: difflib's longest common run
def _by_difflib(a: str, b: str) -> bool:
    short = min(len(a), len(b))
    if short == 0:
        return True
    block = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
    return block.size >= SAME_PASSAGE * short


@settings(max_examples=500, deadline=None)
@given(st.text("ab c", max_size=40), st.text("ab c", max_size=40))
def test_same_passage_is_a_longest_common_run_of_most_of_the_shorter(a, b):
    assert same_passage(a, b) == _by_difflib(a, b) == same_passage(b, a)


@given(st.text("abc", min_size=5, max_size=60), st.integers(0, 20), st.integers(0, 20))
def test_a_passage_cut_from_a_longer_one_is_the_same_passage(text, cut_front, cut_back):
    piece = text[cut_front : len(text) - cut_back]
    assert same_passage(piece, f"xx {text} yy")
