"""The query language's repairs: each syntax error's edit, and the query they lead to, as data."""

from __future__ import annotations

import pytest

from indexer.query.language import parse_query
from indexer.query.lexer import QuerySyntaxError
from indexer.query.repair import suggest_fix


@pytest.mark.parametrize(
    ("typed", "edit", "fixed"),
    [
        ('"net income', (11, 11, '"'), '"net income"'),
        ('"net income  ', (11, 11, '"'), '"net income"'),  # closed before the trailing blanks
        ("(merger OR acquisition", (22, 22, ")"), "(merger OR acquisition)"),
        ("merger)", (6, 7, ""), "merger"),
        ("a b)", (3, 4, ""), "a b"),
        ("merger OR", (7, 9, ""), "merger"),
        ("OR a", (0, 2, ""), "a"),
        ("a AND AND b", (2, 5, ""), "a AND b"),
        ("revenue NOT", (8, 11, ""), "revenue"),
        ("a () b", (2, 4, ""), "a b"),
        ("company: apple", (8, 9, ""), "company:apple"),
        ("revenue form:", (8, 13, ""), "revenue"),
        ("filed:[2004 TO 2005", (19, 19, "]"), "filed:[2004 TO 2005]"),
        ('"a b"~x', (5, 6, ""), '"a b"x'),
        ('"a b"~90', (5, 8, "~50"), '"a b"~50'),
        ("*quisition", (0, 1, ""), "quisition"),
        ("filed:[2004 TO 2002]", (6, 20, "[2002 TO 2004]"), "filed:[2002 TO 2004]"),
        # several errors, each repaired in turn
        ('"net income OR (x', (17, 17, '"'), '"net income OR (x"'),
        ("(a OR b) OR", (9, 11, ""), "(a OR b)"),
    ],
)
def test_an_error_carries_the_edit_that_repairs_it(typed, edit, fixed):
    with pytest.raises(QuerySyntaxError) as e:
        parse_query(typed)
    assert e.value.fix == edit
    assert suggest_fix(typed) == fixed
    parse_query(fixed)  # the suggestion itself parses


def test_edits_chain_until_the_query_parses():
    assert suggest_fix("((merger OR") == "((merger))"
    assert suggest_fix('(a OR "b c') == '(a OR "b c")'


@pytest.mark.parametrize(
    "typed",
    [
        "cik:apple",  # no sure repair: which company?
        "items:77",
        "a*",
        "*a*",  # dropping the * leaves `a*`, still too short
        "ac*ion",
        "filed:[2004-13-01 TO 2005]",
        "company:[a TO b]",
        "NOT",  # the repair would delete everything typed
        "()",
        "form:",
        "&&",
        "filed:[2004",  # closed, `[2004]` is still no range
    ],
)
def test_no_suggestion_when_no_edit_surely_repairs(typed):
    assert suggest_fix(typed) is None


def test_a_query_that_parses_is_its_own_fix():
    assert suggest_fix("net income") == "net income"
