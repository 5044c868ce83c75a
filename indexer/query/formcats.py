"""EDGAR full-text search's form categories (`category=form-cat1`): pure data.

The SEC's search page groups forms under these eleven names; its API takes the group's key
(`form-cat0` … `form-cat10`). Each group is a forms filter as `Filters.forms` reads it: a form
includes its amendments (`10-K` matches 10-K/A), and `-4` excludes form 4 (so form-cat0, "all but
insider reports", is three exclusions).
"""

from __future__ import annotations

# key → (label, forms filter); the lists follow EDGAR's form descriptions of each group
FORM_CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "form-cat0": (
        "Exclude insider equity awards, transactions, and ownership (Section 16 reports)",
        ("-3", "-4", "-5"),
    ),
    "form-cat1": (
        "Annual, quarterly, and current reports",
        (
            "10-K", "10-KT", "10-Q", "10-QT", "11-K", "11-KT", "13F-HR", "13F-NT", "15-12B",
            "15-12G", "15-15D", "15F-12B", "15F-12G", "15F-15D", "18-K", "20-F", "24F-2NT", "25",
            "25-NSE", "40-17F2", "40-17G", "40-F", "6-K", "8-K", "8-K12G3", "8-K15D5",
            "ABS-15G", "ABS-EE", "ANNLRPT", "DSTRBRPT", "IRANNOTICE", "N-30B-2", "N-30D", "N-CEN",
            "N-CSR", "N-CSRS", "N-MFP", "N-MFP1", "N-MFP2", "N-MFP3", "N-PX", "N-Q", "NPORT-P",
            "NSAR-A", "NSAR-B", "NSAR-U", "NT 10-D", "NT 10-K", "NT 10-Q", "NT 11-K", "NT 20-F",
            "NT N-CEN", "NT NCSR", "QRTLYRPT", "SD", "SP 15D2", "10-D", "1-K", "1-SA", "1-U",
        ),
    ),
    "form-cat2": (
        "Insider equity awards, transactions, and ownership (Section 16 reports)",
        ("3", "4", "5"),
    ),
    "form-cat3": (
        "Beneficial ownership reports",
        ("SC 13D", "SC 13G", "SCHEDULE 13D", "SCHEDULE 13G", "13H"),
    ),
    "form-cat4": (
        "Exempt offerings",
        (
            "1-A", "1-A POS", "1-A-W", "1-E", "1-E AD", "1-Z", "1-Z-W", "253G1", "253G2",
            "253G3", "253G4", "C", "C-AR", "C-AR-W", "C-TR", "C-TR-W", "C-U", "C-U-W", "C-W", "D",
            "DOS", "DOSLTR", "144", "REG-NR",
        ),
    ),
    "form-cat5": (
        "Registration statements and prospectuses",
        (
            "S-1", "S-1MEF", "S-3", "S-3ASR", "S-3D", "S-3DPOS", "S-3MEF", "S-4", "S-4 POS",
            "S-4EF", "S-4MEF", "S-6", "S-8", "S-8 POS", "S-11", "S-11MEF", "F-1", "F-1MEF", "F-3",
            "F-3ASR", "F-3D", "F-3DPOS", "F-3MEF", "F-4", "F-4 POS", "F-4EF", "F-4MEF", "F-6",
            "F-6 POS", "F-6EF", "F-7", "F-8", "F-9", "F-10", "F-10EF", "F-10POS", "F-80", "F-N",
            "SF-1", "SF-3", "N-1A", "N-2", "N-2ASR", "N-2MEF", "N-3", "N-4", "N-5", "N-6",
            "N-14", "N-14 8C", "POS AM", "POS EX", "POS462B", "POS462C", "POSASR", "424A",
            "424B1", "424B2", "424B3", "424B4", "424B5", "424B7", "424B8", "424H", "425",
            "485APOS", "485BPOS", "485BXT", "486APOS", "486BPOS", "497", "497AD", "497J", "497K",
            "10-12B", "10-12G", "8-A12B", "8-A12G", "20FR12B", "20FR12G", "40FR12B", "40FR12G",
            "FWP", "DRS", "DRSLTR", "S-B", "F-X", "CB",
        ),
    ),
    "form-cat6": ("Filing review correspondence", ("CORRESP", "UPLOAD", "LETTER")),
    "form-cat7": (
        "SEC orders and notices",
        ("EFFECT", "QUALIF", "34-12H", "40-OIP", "ORDER", "NOTICE", "AW", "AW WD", "RW", "RW WD"),
    ),
    "form-cat8": (
        "Proxy materials",
        (
            "ARS", "DEF 14A", "DEF 14C", "DEFA14A", "DEFA14C", "DEFC14A", "DEFC14C", "DEFM14A",
            "DEFM14C", "DEFN14A", "DEFR14A", "DEFR14C", "DFAN14A", "DFRN14A", "PRE 14A",
            "PRE 14C", "PREC14A", "PREC14C", "PREM14A", "PREM14C", "PREN14A", "PRER14A",
            "PRER14C", "PRRN14A", "PX14A6G", "PX14A6N", "N-14",
        ),
    ),
    "form-cat9": (
        "Tender offers and going private transactions",
        (
            "SC TO-C", "SC TO-I", "SC TO-T", "SC 13E3", "SC 13E4", "SC 14D1", "SC 14D9",
            "SC 14D9C", "SC 14F1", "SC14D1F", "SC14D9F", "SC13E4F", "SC 13E1",
        ),
    ),
    "form-cat10": ("Trust indentures", ("305B2", "T-3", "T-6")),
}  # fmt: skip


def category_forms(key: str) -> tuple[str, ...] | None:
    """Return the forms filter of a category key like `form-cat1`, None for an unknown key."""
    entry = FORM_CATEGORIES.get(key.strip().lower())
    return entry[1] if entry else None


def category_choices() -> list[tuple[str, str]]:
    """Return (key, label) of every category, in EDGAR's order, for a select box."""
    return [(key, label) for key, (label, _) in FORM_CATEGORIES.items()]
