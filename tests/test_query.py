"""The query builder as data: query string → echo and Whoosh query repr; limits → QueryError."""

# The case tables hold one case per line, however long its Whoosh repr
# ruff: noqa: E501

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.backend.whoosh.lexicon import WordListLexicon, stem, stem_prefix
from indexer.query.filters import Filters, QueryError, build_filters
from indexer.query.language import (
    MAX_CLAUSES,
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    MAX_SLOP,
    MAX_WILDCARD_TERMS,
    parse_query,
)

README = Path(__file__).resolve().parents[1] / "README.md"
# "| `query` | `expected` |": a row of a table in README's "Search syntax" section
DOC_ROW = re.compile(r"^\| `(.+?)` \| `(.+?)` \|", re.M)


def syntax_section() -> str:
    """Return README's "Search syntax" section, the one place the syntax is documented."""
    text = README.read_text()
    start = text.index("## Search syntax")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


# (typed, echo, repr of the Whoosh query) without a lexicon: words match as typed
SYNTAX = [
    # words, case, AND
    ("revenue", "revenue", "Term('body', 'revenue')"),
    ("Revenue GUIDANCE", "revenue AND guidance", "And([Term('body', 'revenue'), Term('body', 'guidance')])"),
    ("a AND b", "a AND b", "And([Term('body', 'a'), Term('body', 'b')])"),
    ("and or not", "and AND or AND not", "And([Term('body', 'and'), Term('body', 'or'), Term('body', 'not')])"),
    # OR binds tighter than AND
    ("a OR b", "a OR b", "Or([Term('body', 'a'), Term('body', 'b')])"),
    ("a b OR c d", "a AND (b OR c) AND d", "And([Term('body', 'a'), Or([Term('body', 'b'), Term('body', 'c')]), Term('body', 'd')])"),
    ("(a b) OR c", "(a AND b) OR c", "Or([And([Term('body', 'a'), Term('body', 'b')]), Term('body', 'c')])"),
    # NOT and -
    ("a NOT b", "a AND NOT b", "And([Term('body', 'a'), Not(Term('body', 'b'))])"),
    ("a -b", "a AND NOT b", "And([Term('body', 'a'), Not(Term('body', 'b'))])"),
    ('a -"b c"', 'a AND NOT "b c"', "And([Term('body', 'a'), Not(Phrase('body', ['b', 'c'], slop=1))])"),
    ("-b", "NOT b", "And([Every(), Not(Term('body', 'b'))])"),
    ("NOT (a OR b)", "NOT (a OR b)", "And([Every(), Not(Or([Term('body', 'a'), Term('body', 'b')]))])"),
    ("NOT NOT a", "a", "Term('body', 'a')"),
    ("a - b", "a AND b", "And([Term('body', 'a'), Term('body', 'b')])"),
    # parentheses
    ("a (b OR c)", "a AND (b OR c)", "And([Term('body', 'a'), Or([Term('body', 'b'), Term('body', 'c')])])"),
    ("((a))", "a", "Term('body', 'a')"),
    # phrases and proximity
    ('"net income"', '"net income"', "Phrase('body', ['net', 'income'], slop=1)"),
    ('"Net  Income"~5', '"net income"~5', "Phrase('body', ['net', 'income'], slop=5)"),
    ('"revenue"', '"revenue"', "Term('body', 'revenue')"),
    ("AT&T", '"at t"', "Phrase('body', ['at', 't'], slop=1)"),
    # trailing wildcards (a Prefix without a lexicon; expanded and bounded with one)
    ("acqui*", "acqui*", "Prefix('body', 'acqui')"),
    ("company:app*", "company:app*", "Prefix('company', 'app')"),
    # numbers
    ("0-17999", "0-17999", "Term('body', '0-17999')"),
    ("17999", "17999", "Term('body', '17999')"),
    ("906 1350", "906 AND 1350", "And([Term('body', '906'), Term('body', '1350')])"),
    ("$1,234,567.89", "1,234,567.89", "Term('body', '1,234,567.89')"),
    ("U.S.C.", "u.s.c", "Term('body', 'u.s.c')"),
    # fields
    ("company:Apple", "company:apple", "Term('company', 'apple')"),
    ('company:"apple inc"', 'company:"apple inc"', "Phrase('company', ['apple', 'inc'], slop=1)"),
    ("company:(apple OR dell)", "company:apple OR company:dell", "Or([Term('company', 'apple'), Term('company', 'dell')])"),
    ("COMPANY:apple", "company:apple", "Term('company', 'apple')"),
    ("cik:320193", "cik:0000320193", "Term('cik', '0000320193')"),
    ("cik:0000320193", "cik:0000320193", "Term('cik', '0000320193')"),
    ("form:10-k", "form:10-K", "Term('root_form', '10-K')"),
    ("form:8-K/A", "form:8-K/A", "Term('form', '8-K/A')"),
    ('form:"sc 13d"', 'form:"SC 13D"', "Term('root_form', 'SC 13D')"),
    ("items:9", "items:7.01", "Term('items', '7.01')"),
    ("items:7.01", "items:7.01", "Term('items', '7.01')"),
    ("items:12", "items:2.02", "Term('items', '2.02')"),
    ('signer:"tim cook"', 'signer:"tim cook"', "Phrase('signer', ['tim', 'cook'], slop=1)"),
    ("signer:cook", "signer:cook", "Term('signer', 'cook')"),
    ("exhibit:99.1", "exhibit:EX-99.1", "Or([Term('exhibit_type', 'EX-99.1'), Prefix('exhibit_type', 'EX-99.1.')])"),
    ("exhibit:ex-99", "exhibit:EX-99", "Or([Term('exhibit_type', 'EX-99'), Prefix('exhibit_type', 'EX-99.')])"),
    ("exhibit:earnings", "exhibit:earnings", "Term('exhibit', 'earnings')"),
    ("filed:[2002-01-01 TO 2004-12-31]", "filed:[2002-01-01 TO 2004-12-31]", "DateRange('filed', '2002-01-01', '2004-12-31')"),
    ("filed:[2002 to *]", "filed:[2002-01-01 TO *]", "DateRange('filed', '2002-01-01', None)"),
    ("filed:[TO 2004-02]", "filed:[* TO 2004-02-29]", "DateRange('filed', None, '2004-02-29')"),
    ("period:2004", "period:[2004-01-01 TO 2004-12-31]", "DateRange('period', '2004-01-01', '2004-12-31')"),
    ("filed:(2003 OR 2005)", "filed:[2003-01-01 TO 2003-12-31] OR filed:[2005-01-01 TO 2005-12-31]", "Or([DateRange('filed', '2003-01-01', '2003-12-31'), DateRange('filed', '2005-01-01', '2005-12-31')])"),
    ("-form:4 revenue", "NOT form:4 AND revenue", "And([Not(Term('root_form', '4')), Term('body', 'revenue')])"),
    # an unknown field is text
    ("note:revenue", '"note revenue"', "Phrase('body', ['note', 'revenue'], slop=1)"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "echo", "expected"), SYNTAX, ids=[s[0] for s in SYNTAX])
def test_syntax(typed, echo, expected):
    parsed = parse_query(typed)
    assert repr(parsed.query) == expected
    assert parsed.echo == echo


def test_empty_query_matches_everything():
    parsed = parse_query("   ")
    assert parsed.query is None and parsed.echo == ""


def test_unknown_field_and_ignored_text_warn():
    assert parse_query("note:revenue").warnings == [
        "note: is not a field, searched as text "
        "(fields: cik, company, exhibit, filed, form, items, period, signer)"
    ]
    assert parse_query("a & b").warnings == ["ignored '&': no letters or digits"]


LEXICON = WordListLexicon(
    {
        "body": {
            "acquire": 4,
            "acquired": 6,
            "acquisition": 9,
            "acquisitions": 5,
            "merger": 7,
            "mergers": 2,
        },
        "company": {"apple": 3, "applied": 1},
    }
)


def test_unquoted_word_expands_to_indexed_words_with_its_stem():
    parsed = parse_query("acquisitions", LEXICON)
    assert repr(parsed.query) == (
        "Or([Term('body', 'acquisitions'), Term('body', 'acquisition', boost=0.7)])"
    )
    assert parsed.expansions == {"acquisitions": ["acquisitions", "acquisition"]}
    assert parsed.echo == "acquisitions"


def test_quoted_word_is_exact():
    assert repr(parse_query('"acquisitions"', LEXICON).query) == "Term('body', 'acquisitions')"


def test_stem_prefix_is_a_prefix_of_every_variant():
    for word in ("company", "companies", "possibility", "hoping", "taxes", "relational"):
        assert word.startswith(stem_prefix(word)), (word, stem(word))


def test_wildcard_expands_most_frequent_first():
    parsed = parse_query("acqui*", LEXICON)
    assert repr(parsed.query) == (
        "Or([Term('body', 'acquisition'), Term('body', 'acquired'), "
        "Term('body', 'acquisitions'), Term('body', 'acquire')])"
    )
    assert parsed.warnings == []
    assert repr(parse_query("company:app*", LEXICON).query) == (
        "Or([Term('company', 'apple'), Term('company', 'applied')])"
    )


def test_wildcard_expansion_is_bounded():
    words = {f"ab{i:04d}": i for i in range(MAX_WILDCARD_TERMS + 50)}
    parsed = parse_query("ab*", WordListLexicon({"body": words}))
    assert len(parsed.query.subqueries) == MAX_WILDCARD_TERMS
    assert parsed.query.subqueries[0].text == f"ab{MAX_WILDCARD_TERMS + 49:04d}"  # most frequent
    assert parsed.warnings == [
        f"ab* matches too many words: searched the {MAX_WILDCARD_TERMS} most frequent"
    ]


def test_wildcard_without_matches_matches_nothing():
    parsed = parse_query("zz* merger", LEXICON)
    assert "zz* matches no indexed word" in parsed.warnings
    assert "Nothing()" in repr(parsed.query)


def test_highlights_and_words_skip_negated_terms():
    parsed = parse_query('merger "net income" -acquisition company:apple', LEXICON)
    assert parsed.highlights == [("merger",), ("mergers",), ("net", "income")]
    assert [(w.start, w.end, w.term) for w in parsed.words] == [(0, 6, "merger")]
    near = parse_query('"net income"~3')
    assert near.highlights == [("net",), ("income",)]


@pytest.mark.parametrize(
    ("typed", "message", "position"),
    [
        ('"net income', "unclosed quote", 0),
        ("(a OR b", "unclosed '('", 0),
        ("a b)", "unmatched ')'", 3),
        ("()", "empty parentheses", 0),
        ("a OR", "OR needs a term on each side", 2),
        ("OR a", "OR needs a term on each side", 0),
        ("a AND", "AND needs a term on each side", 2),
        ("a AND OR b", "AND needs a term on each side", 2),
        ("NOT", "NOT needs a term after it", 0),
        ("a -", None, None),  # a lone dash is punctuation, ignored
        ("company:", "company: needs a value", 8),
        ("company: apple", "company: needs a value", 8),
        ("cik:apple", "cik: takes a number", 4),
        ("form:*", "wildcards work on words", 5),
        ("items:77", "unknown 8-K item '77'", 6),
        ("filed:[2004 TO 2002]", "range starts after it ends", 6),
        ("filed:[2004-13-01 TO 2005]", "not a date: '2004-13-01'", 6),
        ("filed:[2004 TO]x", None, None),
        ("filed:[2004", "unclosed [", 6),
        ("filed:[2004 2005]", "range must look like", 6),
        ("filed:[ TO ]", "range needs a start or an end", 6),
        ("company:[a TO b]", "takes no [range]", 8),
        ('"a b"~x', "~ after a phrase needs a number", 5),
        ("&&", "nothing to search for", 0),
        ("*quisition", "leading wildcards are not supported", 0),
        ("*a*", "leading wildcards are not supported", 0),
        ("*", "leading wildcards are not supported", 0),
        ("ac*ion", "only a trailing * is supported", 0),
        ("a*", "put at least 2 letters before the *", 0),
    ],
)
def test_syntax_errors_point_at_the_problem(typed, message, position):
    if message is None:
        parse_query(typed)
        return
    with pytest.raises(QueryError) as e:
        parse_query(typed)
    assert message in str(e.value)
    assert e.value.position == position
    assert e.value.param == "q"


def test_limit_query_length():
    parse_query("a" * MAX_QUERY_CHARS)
    with pytest.raises(QueryError, match="query too long: 1001 characters"):
        parse_query("a" * (MAX_QUERY_CHARS + 1))


def test_limit_nesting():
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert repr(parse_query(ok).query) == "Term('body', 'a')"
    with pytest.raises(QueryError, match="nested too deeply") as e:
        parse_query("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert e.value.position == MAX_DEPTH
    with pytest.raises(QueryError):  # a clean error, never a RecursionError
        parse_query("(" * 500 + "a" + ")" * 499)
    assert parse_query("NOT " * 200 + "a").echo == "a"  # NOT chains do not recurse


def test_limit_clauses():
    parse_query(" ".join(["w"] * MAX_CLAUSES))
    with pytest.raises(QueryError, match=f"too many terms \\(at most {MAX_CLAUSES}\\)"):
        parse_query(" ".join(["w"] * (MAX_CLAUSES + 1)))


def test_limit_slop():
    parse_query(f'"a b"~{MAX_SLOP}')
    with pytest.raises(QueryError, match="too wide"):
        parse_query(f'"a b"~{MAX_SLOP + 1}')


def doc_rows() -> list[tuple[str, str]]:
    return DOC_ROW.findall(syntax_section())


def test_docs_have_examples():
    assert len(doc_rows()) >= 30


@pytest.mark.parametrize(("typed", "expected"), doc_rows())
def test_docs_examples(typed, expected):
    """Every example of README: its echo, or its error message."""
    try:
        echo = parse_query(typed).echo
    except QueryError as e:
        assert expected in str(e)
    else:
        assert echo == expected


# ---------------------------------------------------------------- filters

FILTERS = [
    (Filters(), "None"),
    (Filters(forms=("8-K",)), "Term('root_form', '8-K')"),
    (Filters(forms=("8-k", "10-K/A")), "Or([Term('root_form', '8-K'), Term('form', '10-K/A')])"),
    (Filters(forms=("-4",)), "And([Every(), Not(Term('root_form', '4'))])"),
    (Filters(forms=("8-K", "-8-K/A")), "And([Term('root_form', '8-K'), Not(Term('form', '8-K/A'))])"),
    (Filters(ciks=("18230", "0000320193")), "Or([Term('cik', '0000018230'), Term('cik', '0000320193')])"),
    (Filters(company="Analog Devices"), "And([Term('company', 'analog'), Term('company', 'devices')])"),
    (Filters(companies=("6281",)), "Term('company_key', '0000006281')"),
    (Filters(companies=("ANALOG DEVICES INC",)), "Or([Term('company_key', 'ANALOG DEVICES INC'), Term('company_name', 'ANALOG DEVICES INC')])"),
    (Filters(filed_from="2002", filed_to="2004-06"), "DateRange('filed', '2002-01-01', '2004-06-30')"),
    (Filters(period_from="2022-03-31"), "DateRange('period', '2022-03-31', None)"),
    (Filters(years=("2022",)), "Term('year', '2022')"),
    (Filters(items=("9", "2.02")), "Or([Term('items', '7.01'), Term('items', '2.02')])"),
    (Filters(states=("de", "Massachusetts")), "Or([Term('inc_state', 'DE'), Term('inc_state', 'MA')])"),
    (Filters(biz_states=("IL",)), "Term('biz_state', 'IL')"),
    (Filters(sics=("3674",)), "Term('sic', '3674')"),
    (Filters(signer="Cook"), "Term('signer', 'cook')"),
    (Filters(signers=("Timothy D. Cook",)), "Term('signer_name', 'Timothy D. Cook')"),
    (Filters(exhibits=("EX-99.1",)), "Or([Term('exhibit_type', 'EX-99.1'), Prefix('exhibit_type', 'EX-99.1.')])"),
    (Filters(forms=("10-Q",), sics=("3674",)), "And([Term('root_form', '10-Q'), Term('sic', '3674')])"),
]  # fmt: skip


@pytest.mark.parametrize(("filters", "expected"), FILTERS)
def test_filters(filters, expected):
    assert repr(build_filters(filters)) == expected


@pytest.mark.parametrize(
    ("filters", "param"),
    [
        (Filters(ciks=("apple",)), "ciks"),
        (Filters(filed_from="yesterday"), "filed_from"),
        (Filters(filed_to="2004-02-30"), "filed_to"),
        (Filters(period_from="2005-13"), "period_from"),
        (Filters(items=("77",)), "items"),
        (Filters(states=("Atlantis",)), "states"),
        (Filters(sics=("x",)), "sics"),
    ],
)
def test_filter_errors_name_the_parameter(filters, param):
    with pytest.raises(QueryError) as e:
        build_filters(filters)
    assert e.value.param == param


def test_filters_toggle_and_json():
    f = Filters(forms=("8-K",))
    f2 = f.toggled("form", "10-Q").toggled("items", "7.01")
    assert f2.forms == ("8-K", "10-Q") and f2.items == ("7.01",)
    assert f2.toggled("form", "8-K").forms == ("10-Q",)
    assert f2.selected("items") == ("7.01",)
    assert f2.to_json() == {"forms": ["8-K", "10-Q"], "items": ["7.01"]}
    assert Filters().is_empty() and not f.is_empty()
