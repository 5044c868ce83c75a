"""Did you mean: a corrected query when a word looks misspelled or the query finds little.

Corrections come from the body field's own term dictionary (a DFA walk per segment), ranked by
document frequency, so no spelling field is indexed.
"""

from __future__ import annotations

import html

from indexer.query.language import ParsedQuery

FEW_HITS = 3  # below this many hits, rare words get corrections too
MIN_WORD = 3  # shorter words are never corrected
RARE_RATIO = 20  # a correction of a word that exists must be this many times more frequent


def suggest(parsed: ParsedQuery, lexicon, total: int) -> dict | None:
    """Return {"q": corrected query, "html": same with the changes in <mark>}, or None."""
    changes = []
    for word in parsed.words:
        term = word.term
        if len(term) < MIN_WORD or not term.isalpha():
            continue
        forms = parsed.expansions.get(term, [term])
        df = max(lexicon.doc_frequency("body", t) for t in forms)
        if df and total >= FEW_HITS:
            continue
        best = lexicon.suggest(term)
        if best is not None and (df == 0 or best[1] >= RARE_RATIO * df):
            changes.append((word, best[0]))
    if not changes:
        return None
    return {"q": splice(parsed.text, changes, str), "html": splice(parsed.text, changes, mark)}


def mark(word: str) -> str:
    return f"<mark>{html.escape(word)}</mark>"


def splice(text: str, changes, wrap) -> str:
    """Replace each changed word in the query as typed; escape the rest when marking up."""
    escape = html.escape if wrap is mark else str
    out, pos = [], 0
    for word, new in sorted(changes, key=lambda c: c[0].start):
        out += [escape(text[pos : word.start]), wrap(new)]
        pos = word.end
    out.append(escape(text[pos:]))
    return "".join(out)
