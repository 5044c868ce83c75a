"""The query as plain data: what the query language and the filters build, and what every
backend compiles into its engine's own queries (Whoosh query objects, tantivy queries, an
OpenSearch query DSL). No engine is imported here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class Node:
    """A query node; its dataclass fields are the whole of what it means."""


@dataclass(frozen=True)
class Term(Node):
    """An exact term of one field (a word of a text field, a keyword's value)."""

    fieldname: str
    text: str
    boost: float = 1.0

    def __repr__(self) -> str:
        boost = f", boost={self.boost:g}" if self.boost != 1.0 else ""
        return f"Term({self.fieldname!r}, {self.text!r}{boost})"


@dataclass(frozen=True)
class Phrase(Node):
    """Words in this order; `slop` 1 is exact, n lets n - 1 other words stand between."""

    fieldname: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.words))

    def __repr__(self) -> str:
        return f"Phrase({self.fieldname!r}, {list(self.words)!r}, slop={self.slop})"


@dataclass(frozen=True)
class Prefix(Node):
    """The terms of a field that start with `text` (a wildcard no lexicon expanded)."""

    fieldname: str
    text: str

    def __repr__(self) -> str:
        return f"Prefix({self.fieldname!r}, {self.text!r})"


@dataclass(frozen=True)
class DateRange(Node):
    """A date field within [startdate, enddate], either end open (None)."""

    fieldname: str
    startdate: datetime | None
    enddate: datetime | None

    def __repr__(self) -> str:
        ends = [d.date().isoformat() if d else None for d in (self.startdate, self.enddate)]
        return f"DateRange({self.fieldname!r}, {ends[0]!r}, {ends[1]!r})"


@dataclass(frozen=True)
class And(Node):
    subqueries: tuple[Node, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "subqueries", tuple(self.subqueries))

    def __repr__(self) -> str:
        return f"And({list(self.subqueries)!r})"


@dataclass(frozen=True)
class Or(Node):
    subqueries: tuple[Node, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "subqueries", tuple(self.subqueries))

    def __repr__(self) -> str:
        return f"Or({list(self.subqueries)!r})"


@dataclass(frozen=True)
class Not(Node):
    query: Node

    def __repr__(self) -> str:
        return f"Not({self.query!r})"


@dataclass(frozen=True)
class Every(Node):
    """Every filing."""

    def __repr__(self) -> str:
        return "Every()"


@dataclass(frozen=True)
class Nothing(Node):
    """No filing (a wildcard that matched no indexed word)."""

    def __repr__(self) -> str:
        return "Nothing()"


NOTHING = Nothing()
