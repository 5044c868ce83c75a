"""What the pages around a search read from the serving generation: a filing's record, texts
and the query's terms to highlight; companies by CIK or by what was typed. Engine-neutral: each
call goes through the generation's backend (`Reader.store()`, `Reader.lexicon()`)."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.query.language import parse_query
from indexer.search.index import SearchIndex
from indexer.store.entities import Entity, get_entities, suggest


@dataclass
class Loaded:
    record: dict
    texts: list[str]
    highlights: list[tuple[str, ...]]  # body terms and phrases of the query, stem variants too


def load_filing(index: SearchIndex, fid: str, q: str = "") -> Loaded | None:
    """Return a filing's record, its documents' texts and the query's terms; None if unknown.

    Raises QueryError for a query that does not parse, NoIndex when nothing is built.
    """
    with index.using() as gen:
        store = gen.store()
        record = store.record(fid)
        if record is None:
            return None
        texts = store.texts(fid) or []
        highlights = parse_query(q, gen.lexicon()).highlights if q else []
    return Loaded(record, texts, [h for h in highlights if h])


def load_record(index: SearchIndex, fid: str) -> dict | None:
    """Return a filing's record, None if the serving generation does not hold it."""
    with index.using() as gen:
        return gen.store().record(fid)


def company(index: SearchIndex, cik: str) -> Entity | None:
    """Return the company of a 10-digit CIK, None when no filing names it."""
    with index.using() as gen:
        return get_entities(gen.store().db, [cik]).get(cik)


def companies_like(index: SearchIndex, text: str) -> list[Entity]:
    """Return the companies whose names, former names or CIK start with the typed words."""
    with index.using() as gen:
        return suggest(gen.store().db, text)
