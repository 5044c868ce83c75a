"""Companies as CIKs: the side store's `entities` table, rebuilt at the end of every build.

A company files under its CIK while its name changes (APPLE COMPUTER INC → APPLE INC); EFTS
groups and labels by CIK with the latest name. For each CIK any filing names, the table keeps
the name on its newest filing (by filing date), every name it filed under with the first and
last filing date, the header's FORMER COMPANY names with their change dates, and how many
filings name it. `entity_words` holds every word of every name and the CIK's digits, so the
company lookup is a prefix range scan on an index.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field

from indexer.store.sidestore import unpack

MAX_SUGGEST_CHARS = 100  # a lookup's text
MAX_SUGGESTIONS = 10
MAX_CANDIDATES = 5000  # entities read per typed word before ranking, bounding a one-letter prefix
# "apple", "320193", "o'neil" → words as they are indexed and looked up
WORD = re.compile(r"[0-9a-z]+")

DDL = """
DROP TABLE IF EXISTS entities;
DROP TABLE IF EXISTS entity_words;
CREATE TABLE entities (cik TEXT PRIMARY KEY, name TEXT NOT NULL, filings INTEGER NOT NULL,
                       info TEXT NOT NULL);
CREATE TABLE entity_words (word TEXT NOT NULL, cik TEXT NOT NULL, PRIMARY KEY (word, cik))
    WITHOUT ROWID;
"""


@dataclass
class Entity:
    cik: str
    name: str  # the name on its newest filing
    filings: int = 0  # filings naming the CIK
    names: list[dict] = field(default_factory=list)  # {name, first, last}: names filed under
    former_names: list[dict] = field(default_factory=list)  # {name, changed}: from headers
    tickers: list[str] = field(default_factory=list)  # none yet: the parser keeps no symbols

    def label(self) -> str:
        """Return how a facet shows the entity: `APPLE INC (CIK 0000320193)`."""
        return f"{self.name} (CIK {self.cik})"


def words(text: str) -> list[str]:
    """Return the lower-case words of a name or of typed text."""
    return WORD.findall(text.casefold())


class _Collect:
    """Entities gathered filing by filing."""

    def __init__(self) -> None:
        self.names: dict[str, dict[str, list]] = {}  # cik → name → [first, last]
        self.latest: dict[str, tuple[str, str]] = {}  # cik → (filed, name)
        self.former: dict[str, dict[str, str | None]] = {}
        self.counts: dict[str, int] = {}

    def add(self, record: dict) -> None:
        filed = record.get("filed") or ""
        for cik, filer in {f["cik"]: f for f in record["filers"] if f.get("cik")}.items():
            self.counts[cik] = self.counts.get(cik, 0) + 1
            for former in filer.get("former_names") or []:
                seen = self.former.setdefault(cik, {})
                seen[former["name"]] = max(seen.get(former["name"]) or "", former["changed"] or "")
            if name := filer.get("name"):
                self._name(cik, name, filed)

    def _name(self, cik: str, name: str, filed: str) -> None:
        span = self.names.setdefault(cik, {}).setdefault(name, [filed, filed])
        if filed:  # a filing without a date widens no span
            span[0], span[1] = min(span[0] or filed, filed), max(span[1], filed)
        if cik not in self.latest or (filed, name) > self.latest[cik]:
            self.latest[cik] = (filed, name)

    def entities(self):
        for cik, count in self.counts.items():
            spans = self.names.get(cik, {})
            names = [
                {"name": n, "first": a or None, "last": b or None} for n, (a, b) in spans.items()
            ]
            names.sort(key=lambda n: n["last"] or "", reverse=True)
            formers = [
                {"name": n, "changed": c or None} for n, c in self.former.get(cik, {}).items()
            ]
            formers.sort(key=lambda n: n["changed"] or "", reverse=True)
            name = self.latest[cik][1] if cik in self.latest else f"CIK {cik}"
            yield Entity(cik, name, count, names, formers)


def write_entities(db: sqlite3.Connection) -> int:
    """Rebuild the entity tables from every filing record in the store; return how many."""
    collect = _Collect()
    for (blob,) in db.execute("SELECT record FROM filings"):
        collect.add(unpack(blob))
    db.executescript(DDL)
    n = 0
    for e in collect.entities():
        info = {"names": e.names, "former_names": e.former_names, "tickers": e.tickers}
        db.execute("INSERT INTO entities VALUES (?, ?, ?, ?)", (e.cik, e.name, e.filings,
                                                                 json.dumps(info)))  # fmt: skip
        keys = {w for n in e.names for w in words(n["name"])}
        keys |= {w for n in e.former_names for w in words(n["name"])}
        keys |= {e.cik, e.cik.lstrip("0")}
        db.executemany(
            "INSERT OR IGNORE INTO entity_words VALUES (?, ?)", ((w, e.cik) for w in keys)
        )
        n += 1
    return n


def _entity(row) -> Entity:
    cik, name, filings, info = row
    return Entity(cik, name, filings, **json.loads(info))


def has_entities(db: sqlite3.Connection) -> bool:
    """Tell whether the store has the entity tables (a store built before them has not)."""
    q = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entities'"
    return db.execute(q).fetchone() is not None


def get_entities(db: sqlite3.Connection, ciks) -> dict[str, Entity]:
    """Return the entities of these CIKs that the store knows."""
    ciks = list(dict.fromkeys(ciks))
    if not ciks or not has_entities(db):
        return {}
    marks = ",".join("?" * len(ciks))
    rows = db.execute(f"SELECT * FROM entities WHERE cik IN ({marks})", ciks)
    return {e.cik: e for e in map(_entity, rows)}


def _prefixed(db: sqlite3.Connection, word: str) -> set[str]:
    """Return the CIKs with a word starting with `word`."""
    rows = db.execute(
        "SELECT cik FROM entity_words WHERE word >= ? AND word < ? LIMIT ?",
        (word, word + "\U0010ffff", MAX_CANDIDATES),
    )
    return {cik for (cik,) in rows}


def suggest(db: sqlite3.Connection, text: str, limit: int = MAX_SUGGESTIONS) -> list[Entity]:
    """Return the entities every typed word starts a word of (a name, former name or CIK),
    most filings first."""
    typed = words(text[:MAX_SUGGEST_CHARS])[:8]
    if not typed or not has_entities(db):
        return []
    ciks = _prefixed(db, typed[0])
    for w in typed[1:]:
        ciks &= _prefixed(db, w)
    found = sorted(get_entities(db, ciks).values(), key=lambda e: (-e.filings, e.name))
    return found[: max(1, min(limit, MAX_SUGGESTIONS))]


def label_companies(db: sqlite3.Connection, facet: dict) -> None:
    """Label the company facet's CIK values with the company's latest name and its CIK."""
    known = get_entities(db, (v["value"] for v in facet["values"] if v["value"].isdigit()))
    for v in facet["values"]:
        if e := known.get(v["value"]):
            v["label"] = e.label()


def entity_json(e: Entity) -> dict:
    """Return an entity as the JSON answers show it."""
    return {**asdict(e), "label": e.label()}


NEAR_SCAN = 400  # name words read per typed word when looking for a near miss two edits away
# A name word in more companies' names than this is a common word ("income", "fund", "bank"),
# not a near miss of one company's name
NAME_WORD_CIKS = 5


def within_two(a: str, b: str) -> bool:
    """Tell whether two words are at most two edits (Levenshtein) apart."""
    if abs(len(a) - len(b)) > 2:
        return False
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > 2:
            return False
    return row[-1] <= 2


def near_names(db: sqlite3.Connection, word: str, nearby=()) -> dict[str, list[Entity]]:
    """Return the name words near `word` (not `word` itself) with the entities they name (most
    filings first): one of `nearby` (the caller's one-edit words) sharing its first letter, or a
    word of 7 letters or more two edits away sharing its first three; never a word common to
    many names."""
    word = word.casefold()
    if len(word) < 4 or not word.isalpha() or not has_entities(db):
        return {}
    rows = db.execute(
        "SELECT DISTINCT word FROM entity_words WHERE word >= ? AND word < ? LIMIT ?",
        (word[:3], word[:3] + "\U0010ffff", NEAR_SCAN),
    )
    near = {w for (w,) in rows if len(w) >= 7 and w.isalpha() and within_two(word, w)}
    near |= {w for w in nearby if w[:1] == word[:1]}
    near.discard(word)
    named: dict[str, list[str]] = {}
    for chunk in _chunks(sorted(near), 500):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(f"SELECT word, cik FROM entity_words WHERE word IN ({marks})", chunk)
        for w, cik in rows:
            named.setdefault(w, []).append(cik)
    return {
        w: sorted(get_entities(db, ciks).values(), key=lambda e: (-e.filings, e.name))
        for w, ciks in named.items()
        if len(ciks) <= NAME_WORD_CIKS
    }


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i : i + n]
