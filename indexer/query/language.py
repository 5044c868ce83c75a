"""The query language: what a user types → a Whoosh query, a normalized echo, and warnings.

A pure function of the text (plus an optional lexicon for stem and wildcard expansion), tested as
data. Whoosh's own QueryParser is not used: it accepts anything (turning errors into odd terms),
expands `*a*` over the whole lexicon and recurses once per parenthesis. Grammar, loosest first:

    query   := and ( [AND] and )*          words side by side are ANDed
    or      := unary ( OR unary )*         OR binds tighter: `a b OR c` is a AND (b OR c)
    unary   := ( NOT | - )* atom
    atom    := ( query ) | FIELD:value | "phrase"[~N] | word[*]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.query import nodes as N
from indexer.query.filters import (
    EXHIBIT_TYPE,
    QueryError,
    cik_query,
    date_range,
    exhibit_type,
    exhibit_type_query,
    form_query,
    items_query,
)
from indexer.query.lexer import (
    DATE_FIELDS,
    FIELD_LIST,
    FIELD_PREFIX,
    TEXT_FIELDS,
    VALUE_FIELDS,
    Edit,
    QuerySyntaxError,
    Token,
    append,
    error_at,
    remove,
    tokenize,
)
from indexer.query.tokens import query_words

# Limits: every query costs a bounded amount of work
MAX_QUERY_CHARS = 1000  # length of the query string
MAX_DEPTH = 8  # nested parentheses
MAX_CLAUSES = 64  # words, phrases and field values in one query
MAX_SLOP = 50  # the N of "a b"~N
MIN_WILDCARD_PREFIX = 2  # characters before a trailing *
MAX_WILDCARD_TERMS = 200  # indexed words one wildcard expands to (the most frequent)
MAX_WILDCARD_SCAN = 20_000  # dictionary entries looked at for one wildcard
MAX_STEM_TERMS = 16  # indexed words one unquoted word expands to
MAX_STEM_SCAN = 2_000  # dictionary entries looked at for one word's stem variants
MAX_PER_PAGE = 100  # hits on one page

# Relative weights of what a word matches: the word as typed ranks above its other forms
BOOSTS = {"word": 1.0, "variant": 0.7}

# A range after a date field: "[2002-01-01 TO 2004-12-31]", "[2002 TO *]", "[TO 2004]"
RANGE = re.compile(r"\[\s*(\S*?)\s*\bTO\b\s*(\S*?)\s*\]", re.I)


@dataclass
class QueryWord:
    """A plain word of the query as typed, where a spelling suggestion may replace it."""

    start: int
    end: int
    term: str


@dataclass
class ParsedQuery:
    text: str  # as typed
    query: N.Node | None  # None when nothing was typed: every filing matches
    echo: str  # the query as understood, precedence made explicit
    warnings: list[str] = field(default_factory=list)
    highlights: list[tuple[str, ...]] = field(default_factory=list)  # body terms and phrases
    words: list[QueryWord] = field(default_factory=list)  # plain positive body words
    expansions: dict[str, list[str]] = field(default_factory=dict)  # word → terms searched

    def to_json(self) -> dict:
        return {
            "q": self.text,
            "echo": self.echo,
            "warnings": self.warnings,
            "expansions": self.expansions,
        }


@dataclass
class Built:
    """One parsed part: its query (None if it had no searchable text) and its echo."""

    q: N.Node | None
    echo: str
    kind: str = "atom"  # atom | and | or | not


class Parser:
    """Recursive descent over the tokens; depth is bounded, so no RecursionError."""

    def __init__(self, text: str, tokens: list[Token], lexicon=None):
        self.text, self.tokens, self.lexicon = text, tokens, lexicon
        self.i = 0
        self.clauses = 0
        self.out = ParsedQuery(text, None, "")

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> ParsedQuery:
        built = self.and_expr(None, 0, False)
        if (tok := self.peek()) is not None:
            raise error_at("unmatched ')'", tok.pos, remove(tok.pos, tok.pos + 1))
        if built.q is None:
            raise QueryError("nothing to search for: the query has no letters or digits", 0)
        self.out.query, self.out.echo = built.q, built.echo
        return self.out

    def and_expr(self, fld: str | None, depth: int, neg: bool) -> Built:
        parts: list[Built] = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            if tok.kind in ("AND", "OR"):
                nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
                if not parts or tok.kind == "OR" or nxt is None or nxt.kind in ("AND", "OR", ")"):
                    raise self.dangling(tok, "a term on each side")
                self.take()
                continue
            parts.append(self.or_expr(fld, depth, neg))
        return _combine(parts, "and")

    def or_expr(self, fld: str | None, depth: int, neg: bool) -> Built:
        parts = [self.unary(fld, depth, neg)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("AND", "OR", ")"):
                raise self.dangling(tok, "a term on each side")
            parts.append(self.unary(fld, depth, neg))
        return _combine(parts, "or")

    def unary(self, fld: str | None, depth: int, neg: bool) -> Built:
        negate = False
        while (tok := self.peek()) is not None and tok.kind in ("NOT", "-"):
            self.take()
            negate = not negate
            nxt = self.peek()
            if nxt is None or nxt.kind in ("AND", "OR", ")"):
                raise self.dangling(tok, "a term after it")
        built = self.atom(fld, depth, neg or negate)
        if not negate or built.q is None:
            return built
        inner = f"({built.echo})" if built.kind in ("and", "or") else built.echo
        return Built(N.Not(built.q), f"NOT {inner}", "not")

    def atom(self, fld: str | None, depth: int, neg: bool) -> Built:
        tok = self.take()
        if tok.kind == "(":
            if depth + 1 > MAX_DEPTH:
                raise error_at(f"parentheses nested too deeply (at most {MAX_DEPTH})", tok.pos)
            start = self.i
            built = self.and_expr(fld, depth + 1, neg)
            close = self.peek()
            if close is None or close.kind != ")":
                raise error_at("unclosed '('", tok.pos, append(self.text, ")"))
            if self.i == start:
                raise error_at("empty parentheses", tok.pos, remove(tok.pos, close.pos + 1))
            self.take()
            return built
        if tok.kind == "field":
            return self.field_value(tok, depth, neg)
        if tok.kind == ")":
            raise error_at("unmatched ')'", tok.pos, remove(tok.pos, tok.pos + 1))
        if tok.kind == "range":
            raise error_at("a [range] needs filed: or period: before it", tok.pos)
        self.count(tok)
        if tok.kind == "phrase":
            return self.phrase(fld or "body", tok, neg)
        return self.word(fld or "body", tok, neg)

    def count(self, tok: Token) -> None:
        if tok.slop and tok.slop > MAX_SLOP:
            end = tok.slop_pos + 1 + len(str(tok.slop))
            fix = (tok.slop_pos, end, f"~{MAX_SLOP}")
            raise error_at(
                f"proximity ~{tok.slop} is too wide (at most ~{MAX_SLOP})", tok.slop_pos, fix
            )
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise error_at(f"too many terms (at most {MAX_CLAUSES})", tok.pos)

    def field_value(self, ftok: Token, depth: int, neg: bool) -> Built:
        fld = ftok.text
        tok = self.peek()
        if tok is not None and tok.kind == "(":
            return self.atom(fld, depth, neg)
        if tok is None or tok.kind not in ("word", "phrase", "range"):
            raise error_at(f"{fld}: needs a value", ftok.pos)
        self.take()
        self.count(tok)
        if tok.kind == "range":
            return self.range(fld, tok)
        if tok.kind == "phrase" and fld in TEXT_FIELDS:
            return self.phrase(fld, tok, neg)
        return self.word(fld, tok, neg)

    def range(self, fld: str, tok: Token) -> Built:
        if fld not in DATE_FIELDS:
            raise error_at(f"{fld}: takes no [range]; only filed: and period: do", tok.pos)
        m = RANGE.fullmatch(tok.text)
        if m is None:
            raise error_at(f"{fld}: range must look like [2002-01-01 TO 2004-12-31]", tok.pos)
        lo, hi = (None if v in ("", "*") else v for v in m.groups())
        return self.dates(fld, lo, hi, tok)

    def dates(self, fld: str, lo: str | None, hi: str | None, tok: Token) -> Built:
        try:
            q = date_range(fld, lo, hi)
        except QueryError as e:
            raise error_at(e.message, tok.pos, _swapped(fld, lo, hi, tok)) from None
        start = q.startdate.date().isoformat() if q.startdate else "*"
        end = q.enddate.date().isoformat() if q.enddate else "*"
        return Built(q, f"{fld}:[{start} TO {end}]")

    def value(self, fld: str, tok: Token) -> Built:
        """An exact-value field: cik:, form:, items:, or a single date."""
        if "*" in tok.text:
            raise error_at(f"wildcards work on words, not {fld}:", tok.pos)
        if fld in DATE_FIELDS:
            return self.dates(fld, tok.text, tok.text, tok)
        make = {"cik": cik_query, "form": form_query, "items": items_query}[fld]
        try:
            q = make(tok.text)
        except QueryError as e:
            raise error_at(e.message, tok.pos) from None
        shown = q.text if isinstance(q, N.Term) else tok.text
        shown = f'"{shown}"' if " " in shown else shown
        return Built(q, f"{fld}:{shown}")

    def analyze(self, fld: str, text: str) -> list[str]:
        return query_words(text)  # the same rules for text and names

    def word(self, fld: str, tok: Token, neg: bool) -> Built:
        if fld in VALUE_FIELDS or fld in DATE_FIELDS:
            return self.value(fld, tok)
        if fld == "exhibit" and EXHIBIT_TYPE.fullmatch(tok.text.strip()):
            return Built(exhibit_type_query(tok.text), f"exhibit:{exhibit_type(tok.text)}")
        if "*" in tok.text:
            return self.wildcard(fld, tok, neg)
        if (m := FIELD_PREFIX.match(tok.text)) and m.end() < len(tok.text):
            self.warn(f"{m[1]}: is not a field, searched as text (fields: {FIELD_LIST})")
        terms = self.analyze(fld, tok.text)
        if len(terms) != 1:
            return self.terms(fld, terms, tok, neg, slop=1)
        term = terms[0]
        prefix = "" if fld == "body" else f"{fld}:"
        if fld != "body":
            return Built(N.Term(fld, term), prefix + term)
        if not neg:
            self.out.words.append(QueryWord(tok.pos, tok.pos + len(tok.text), term))
        variants = self.lexicon.variants(term) if self.lexicon else [term]
        if not neg:
            self.out.highlights.extend((v,) for v in variants)
        if len(variants) == 1:
            return Built(N.Term("body", term), term)
        self.out.expansions[term] = variants
        qs = [N.Term("body", term, boost=BOOSTS["word"])]
        qs += [N.Term("body", v, boost=BOOSTS["variant"]) for v in variants[1:]]
        return Built(N.Or(qs), term)

    def phrase(self, fld: str, tok: Token, neg: bool) -> Built:
        if fld not in TEXT_FIELDS:
            return self.value(fld, tok)
        return self.terms(fld, self.analyze(fld, tok.text), tok, neg, tok.slop or 1, quoted=True)

    def terms(self, fld, terms, tok: Token, neg: bool, slop: int, quoted=False) -> Built:
        """Words that must appear together: an exact phrase, or one exact (unstemmed) term."""
        prefix = "" if fld == "body" else f"{fld}:"
        if not terms:
            self.warn(f"ignored {tok.text!r}: no letters or digits")
            return Built(None, "")
        if fld == "body" and not neg:
            self.out.highlights.extend([(t,) for t in terms] if slop > 1 else [tuple(terms)])
        if len(terms) == 1 and not quoted:
            return Built(N.Term(fld, terms[0]), prefix + terms[0])
        near = f"~{slop}" if slop > 1 else ""
        echo = f'{prefix}"{" ".join(terms)}"{near}'
        if len(terms) == 1:
            return Built(N.Term(fld, terms[0]), echo)
        return Built(N.Phrase(fld, terms, slop=slop), echo)

    def wildcard(self, fld: str, tok: Token, neg: bool) -> Built:
        raw = tok.text
        if raw.startswith("*"):
            stars = len(raw) - len(raw.lstrip("*"))
            raise error_at(
                f"leading wildcards are not supported: {raw!r} "
                f"(put at least {MIN_WILDCARD_PREFIX} letters before the *)",
                tok.pos,
                remove(tok.pos, tok.pos + stars) if stars < len(raw) else None,
            )
        stem = raw[:-1]
        terms = self.analyze(fld, stem)
        if "*" in stem or len(terms) != 1:
            raise error_at(f"only a trailing * is supported, as in acqui*: {raw!r}", tok.pos)
        prefix = terms[0]
        if len(prefix) < MIN_WILDCARD_PREFIX:
            raise error_at(
                f"{raw!r} is too short: put at least {MIN_WILDCARD_PREFIX} letters before the *",
                tok.pos,
            )
        echo = ("" if fld == "body" else f"{fld}:") + prefix + "*"
        if self.lexicon is None:
            return Built(N.Prefix(fld, prefix), echo)
        found, cut = self.lexicon.expand(fld, prefix)
        if cut:
            self.warn(f"{echo} matches too many words: searched the {len(found)} most frequent")
        if not found:
            self.warn(f"{echo} matches no indexed word")
            return Built(N.NOTHING, echo)
        self.out.expansions[echo] = found
        if fld == "body" and not neg:
            self.out.highlights.extend((t,) for t in found)
        qs = [N.Term(fld, t) for t in found]
        return Built(qs[0] if len(qs) == 1 else N.Or(qs), echo)

    def dangling(self, tok: Token, needs: str) -> QuerySyntaxError:
        """Return the error of an operator missing a term, whose fix deletes the operator."""
        return error_at(
            f"{tok.text} needs {needs}", tok.pos, remove(tok.pos, tok.pos + len(tok.text))
        )

    def warn(self, message: str) -> None:
        if message not in self.out.warnings:
            self.out.warnings.append(message)


def _swapped(fld: str, lo: str | None, hi: str | None, tok: Token) -> Edit | None:
    """Return the edit that puts a backwards range the right way round, if that repairs it."""
    if tok.kind != "range" or not lo or not hi:
        return None
    try:
        date_range(fld, hi, lo)
    except QueryError:
        return None
    return tok.pos, tok.pos + len(tok.text), f"[{hi} TO {lo}]"


def _combine(parts: list[Built], kind: str) -> Built:
    """AND or OR parsed parts, dropping empty ones; a group of only NOTs matches all but them."""
    parts = [p for p in parts if p.q is not None]
    if not parts:
        return Built(None, "")
    if len(parts) == 1:
        return parts[0]
    other = "or" if kind == "and" else "and"
    echo = f" {kind.upper()} ".join(f"({p.echo})" if p.kind == other else p.echo for p in parts)
    qs = [p.q for p in parts]
    if kind == "or":
        return Built(N.Or(qs), echo, "or")
    if all(p.kind == "not" for p in parts):
        qs.insert(0, N.Every())
    return Built(N.And(qs), echo, "and")


def parse_query(text: str, lexicon=None) -> ParsedQuery:
    """Parse what a user typed; raise QueryError pointing at the first problem.

    With a lexicon (a backend's), unquoted body words match the indexed words sharing
    their stem and wildcards expand to indexed words; without one, words match as typed and
    wildcards become Prefix queries.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query too long: {len(text)} characters (at most {MAX_QUERY_CHARS})", MAX_QUERY_CHARS
        )
    tokens = tokenize(text)
    if not tokens:
        return ParsedQuery(text, None, "")
    parsed = Parser(text, tokens, lexicon).parse()
    if isinstance(parsed.query, N.Not):
        parsed.query = N.And([N.Every(), parsed.query])
    return parsed
