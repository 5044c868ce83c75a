"""One filing as one index document, engine-neutral: the fields every backend indexes (the one
filing → document mapping), the stored summary a hit shows, and which field counts each facet."""

from __future__ import annotations

from datetime import datetime

from indexer.edgar.model import Filing, filing_id
from indexer.edgar.states import state_code
from indexer.query.filters import UNDATED

FACET_FIELDS = {
    "form": "root_form",
    "company": "company_key",
    "year": "year",
    "items": "items",
    "state": "inc_state",
    "biz_state": "biz_state",
    "sic": "sic",
    "exhibit": "exhibit_type",
    "signer": "signer_name",
}


def _keywords(values) -> str:
    """Join exact values for a KEYWORD field; commas inside a value would split it."""
    seen = dict.fromkeys(v.replace(",", " ").strip() for v in values if v)
    return ",".join(v for v in seen if v)


def summary(filing: Filing, fid: str) -> dict:
    """Return the small dict a search hit shows, stored with each indexed filing."""
    return {
        "id": fid,
        "accession": filing.accession,
        "form_type": filing.form_type,
        "root_form": filing.root_form,
        "company": filing.company,
        "cik": filing.cik,
        "filed": filing.filed,
        "period": filing.period,
        "items": [[i.code, i.normalized, i.title] for i in filing.items],
        "filers": [[f.name, f.cik, f.role] for f in filing.filers],
        "inc_states": sorted(set(summary_states(filing, "state_of_incorporation"))),
        "biz_states": sorted(set(summary_states(filing, "business_state"))),
        "biz_locations": biz_locations(filing),
        "sics": sorted({f.sic for f in filing.filers if f.sic}),
        "file_numbers": sorted({f.file_number for f in filing.filers if f.file_number}),
        "signers": [[g.name, g.title, g.date] for g in filing.signers],
        "primary": _primary_doc(filing),
        "text_chars": filing.text_chars,
    }


def _primary_doc(filing: Filing) -> dict | None:
    """Return type, filename and description of a filing's first document."""
    if not filing.documents:
        return None
    d = filing.documents[0]
    return {"type": d.type, "filename": d.filename, "description": d.description}


def _date(iso: str | None) -> datetime | None:
    """Parse an ISO date for a DATETIME field."""
    try:
        return datetime.strptime(iso, "%Y-%m-%d") if iso else None
    except ValueError:
        return None


def to_fields(filing: Filing, fid: str | None = None) -> dict:
    """Map a filing to the fields of one index document: the one row → document mapping.

    `fid` is the key the filing was staged and stored under (the build passes it, so the index
    and the side store can never disagree); without it, the key is computed from the filing.
    """
    fid = fid or filing_id(filing)
    names = [f.name for f in filing.filers]
    names += [n.name for f in filing.filers for n in f.former_names]
    fields = {
        "id": fid,
        "accession": filing.accession or "",
        "summary": summary(filing, fid),
        "body": filing.text,
        "company": "\n".join(n for n in [filing.company, *names] if n),
        "signer": "\n".join(f"{s.name} {s.title or ''}" for s in filing.signers),
        "exhibit": "\n".join(f"{e.type} {e.description or ''}" for e in filing.exhibits),
        "form": filing.form_type or "",
        "root_form": filing.root_form or "",
        "cik": _keywords([filing.cik, *(f.cik for f in filing.filers)]),
        "company_name": filing.company or "",
        "company_key": filing.cik or filing.company or "",
        "items": _keywords(i.normalized for i in filing.items),
        "items_legacy": _keywords(i.code for i in filing.items),
        "inc_state": _keywords(summary_states(filing, "state_of_incorporation")),
        "biz_state": _keywords(summary_states(filing, "business_state")),
        "sic": _keywords(f.sic for f in filing.filers),
        "file_number": _keywords(f.file_number for f in filing.filers),
        "exhibit_type": _keywords(e.type for e in filing.exhibits),
        "signer_name": _keywords(s.name for s in filing.signers),
        # the same date the filed-date filters read, so the two always agree
        "year": filing.filed[:4] if filing.filed else UNDATED,
    }
    for name in ("filed", "period"):
        if (value := _date(getattr(filing, name))) is not None:
            fields[name] = value
    return {k: v for k, v in fields.items() if v != ""}


def biz_locations(filing: Filing) -> list[str]:
    """Return each filer's business address as EFTS shows it: "Cupertino, CA" ("City, code")."""
    out = {}
    for f in filing.filers:
        city = (f.business_address or {}).get("city")
        code = state_code(f.business_state)
        if city:
            out[f"{city.title()}, {code}" if code else city.title()] = None
    return list(out)


def summary_states(filing: Filing, attr: str) -> list[str]:
    """Return the two-letter codes of one state attribute over all filers."""
    return [c for f in filing.filers if (c := state_code(getattr(f, attr)))]
