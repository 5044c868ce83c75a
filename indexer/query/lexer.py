"""The query language's tokens: words, phrases, fields, ranges, parentheses and operators."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.query.filters import QueryError

TEXT_FIELDS = {"body", "company", "signer", "exhibit"}  # analyzed; words and phrases
VALUE_FIELDS = {"cik", "form", "items"}  # one exact value each
DATE_FIELDS = {"filed", "period"}
FIELDS = (TEXT_FIELDS - {"body"}) | VALUE_FIELDS | DATE_FIELDS

# "~5" right after a closing quote
SLOP = re.compile(r"~(\d+)")
# "company:" at the start of a word, any field name (unknown ones are searched as text)
FIELD_PREFIX = re.compile(r"([A-Za-z_]+):")
# Characters that end a bare word
WORD_END = re.compile(r'[\s()"]')
OPERATORS = {"AND", "OR", "NOT"}
# The first character that is not blank
NOT_BLANK = re.compile(r"\S")
FIELD_LIST = ", ".join(sorted(FIELDS))


# An edit of the query text: replace text[start:end] with the string
Edit = tuple[int, int, str]


class QuerySyntaxError(QueryError):
    """A query that does not parse: where, and when one edit surely repairs it, that edit."""

    def __init__(self, message: str, pos: int, fix: Edit | None = None):
        super().__init__(f"{message} (at position {pos})", pos)
        self.reason, self.fix = message, fix  # what is wrong, without the position


def error_at(message: str, pos: int, fix: Edit | None = None) -> QuerySyntaxError:
    """Return a QueryError that says where in the query the problem is (and its repair)."""
    return QuerySyntaxError(message, pos, fix)


def append(text: str, closing: str) -> Edit:
    """Return the edit that closes what is open at the end of the text (before trailing blanks)."""
    end = len(text.rstrip())
    return end, end, closing


def remove(start: int, end: int) -> Edit:
    """Return the edit that deletes text[start:end]."""
    return start, end, ""


@dataclass
class Token:
    kind: str  # word | phrase | field | range | ( | ) | AND | OR | NOT | -
    text: str  # as typed
    pos: int
    slop: int | None = None  # phrases only: the N of ~N
    slop_pos: int = 0  # where the ~ is


def tokenize(text: str) -> list[Token]:
    """Split the query into tokens; raise QueryError on an unclosed quote or an empty field."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(Token(c, c, i))
            i += 1
        elif c == '"':
            i = _phrase(text, i, tokens)
        elif c == "-" and i + 1 < len(text) and not (text[i + 1].isspace() or text[i + 1] == ")"):
            tokens.append(Token("-", c, i))
            i += 1
        elif (m := FIELD_PREFIX.match(text, i)) and m[1].lower() in FIELDS:
            i = _field(text, m, tokens)
        else:
            end = WORD_END.search(text, i)
            end = end.start() if end else len(text)
            word = text[i:end]
            tokens.append(Token(word if word in OPERATORS else "word", word, i))
            i = end
    return tokens


def _phrase(text: str, i: int, tokens: list[Token]) -> int:
    """Lex a quoted phrase and its optional ~N; return the position after it."""
    close = text.find('"', i + 1)
    if close < 0:
        raise error_at("unclosed quote", i, append(text, '"'))
    tok = Token("phrase", text[i + 1 : close], i)
    end = close + 1
    if text.startswith("~", end):
        m = SLOP.match(text, end)
        if m is None:
            raise error_at(
                '~ after a phrase needs a number, as in "a b"~5', end, remove(end, end + 1)
            )
        tok.slop, tok.slop_pos = int(m[1]), end
        end = m.end()
    tokens.append(tok)
    return end


def _field(text: str, m: re.Match, tokens: list[Token]) -> int:
    """Lex `field:` and, for a date range, the range; return the position after them."""
    name, end = m[1].lower(), m.end()
    if end >= len(text) or text[end].isspace() or text[end] == ")":
        raise error_at(f"{name}: needs a value right after the colon", end, _field_fix(text, m))
    tokens.append(Token("field", name, m.start()))
    if text[end] == "[":
        close = text.find("]", end)
        if close < 0:
            raise error_at(f"unclosed [ in {name}: range", end, append(text, "]"))
        tokens.append(Token("range", text[end : close + 1], end))
        return close + 1
    return end


def _field_fix(text: str, m: re.Match) -> Edit:
    """Join `field: value` into `field:value`; drop a field name that has no value at all."""
    value = NOT_BLANK.search(text, m.end())
    if value and text[value.start()] != ")":
        return remove(m.end(), value.start())
    return remove(m.start(), m.end())
