"""Form 8-K items: the tables of both eras, the map from old to new codes, headings in text."""

from __future__ import annotations

import re

from .lines import fold, lines_with
from .model import Item

# Items 1-12 of the form as it stood until 23 August 2004, titles as first adopted.
LEGACY_ITEMS: dict[str, str] = {
    "1": "Changes in Control of Registrant",
    "2": "Acquisition or Disposition of Assets",
    "3": "Bankruptcy or Receivership",
    "4": "Changes in Registrant's Certifying Accountant",
    "5": "Other Events",
    "6": "Resignations of Registrant's Directors",
    "7": "Financial Statements and Exhibits",
    "8": "Change in Fiscal Year",
    "9": "Regulation FD Disclosure",
    "10": (
        "Amendments to the Registrant's Code of Ethics, "
        "or Waiver of a Provision of the Code of Ethics"
    ),
    "11": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "12": "Results of Operations and Financial Condition",
}

# Later wordings of legacy titles, still seen in filings and SEC headers.
LEGACY_ALIASES: dict[str, str] = {
    "Other Events and Regulation FD Disclosure": "5",
    "Financial Statements, Pro Forma Financial Information and Exhibits": "7",
}

# The items of today's form, with their official titles.
MODERN_ITEMS: dict[str, str] = {
    "1.01": "Entry into a Material Definitive Agreement",
    "1.02": "Termination of a Material Definitive Agreement",
    "1.03": "Bankruptcy or Receivership",
    "1.04": "Mine Safety - Reporting of Shutdowns and Patterns of Violations",
    "1.05": "Material Cybersecurity Incidents",
    "2.01": "Completion of Acquisition or Disposition of Assets",
    "2.02": "Results of Operations and Financial Condition",
    "2.03": (
        "Creation of a Direct Financial Obligation or an Obligation "
        "under an Off-Balance Sheet Arrangement of a Registrant"
    ),
    "2.04": (
        "Triggering Events That Accelerate or Increase a Direct Financial Obligation "
        "or an Obligation under an Off-Balance Sheet Arrangement"
    ),
    "2.05": "Costs Associated with Exit or Disposal Activities",
    "2.06": "Material Impairments",
    "3.01": (
        "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; "
        "Transfer of Listing"
    ),
    "3.02": "Unregistered Sales of Equity Securities",
    "3.03": "Material Modification to Rights of Security Holders",
    "4.01": "Changes in Registrant's Certifying Accountant",
    "4.02": (
        "Non-Reliance on Previously Issued Financial Statements "
        "or a Related Audit Report or Completed Interim Review"
    ),
    "5.01": "Changes in Control of Registrant",
    "5.02": (
        "Departure of Directors or Certain Officers; Election of Directors; "
        "Appointment of Certain Officers; Compensatory Arrangements of Certain Officers"
    ),
    "5.03": "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
    "5.04": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "5.05": (
        "Amendments to the Registrant's Code of Ethics, "
        "or Waiver of a Provision of the Code of Ethics"
    ),
    "5.06": "Change in Shell Company Status",
    "5.07": "Submission of Matters to a Vote of Security Holders",
    "5.08": "Shareholder Director Nominations",
    "6.01": "ABS Informational and Computational Material",
    "6.02": "Change of Servicer or Trustee",
    "6.03": "Change in Credit Enhancement or Other External Support",
    "6.04": "Failure to Make a Required Distribution",
    "6.05": "Securities Act Updating Disclosure",
    "6.06": "Static Pool",
    "6.10": "Alternative Filings of Asset-Backed Issuers",
    "7.01": "Regulation FD Disclosure",
    "8.01": "Other Events",
    "9.01": "Financial Statements and Exhibits",
}

# Earlier or EDGAR-list wordings of modern titles.
MODERN_ALIASES: dict[str, str] = {
    "Departure of Directors or Principal Officers; Election of Directors; "
    "Appointment of Principal Officers": "5.02",
    "Shareholder Nominations Pursuant to Exchange Act Rule 14a-11": "5.08",
}

LEGACY_TO_MODERN: dict[str, str] = {
    "1": "5.01",
    "2": "2.01",
    "3": "1.03",
    "4": "4.01",
    "5": "8.01",
    "6": "5.02",
    "7": "9.01",
    "8": "5.03",
    "9": "7.01",
    "10": "5.05",
    "11": "5.04",
    "12": "2.02",
}

# "9", "Item 7.01", "ITEM 2.02.", "5.02(e)": the code, never glued to a letter ("3C", "06b")
CODE = re.compile(r"(?:item ?)?(\d{1,2})(?:\.(\d{1,2}))?(?![0-9A-Za-z])(?!\.\d)", re.I)
# "8-K/A", "SC 13D / A": a trailing amendment suffix (on a form with single spaces)
AMENDMENT = re.compile(r" ?/ ?A$", re.I)
MIN_PREFIX = 10  # shortest title prefix (normalized characters) accepted as a match
# "ITEM 9.  REGULATION FD DISCLOSURE", "Item 2.02 Results", "Item - 5.02 Departure", "ITEM 7."
HEADING = re.compile(
    r"^\s*item\s{0,4}[-–—:]?\s{0,4}(?P<code>\d{1,2}(?:\.\d{1,2})?)(?!\d|[A-Za-z]\b)(?P<rest>.*)$",
    re.I,
)
# what may follow a heading's code: "(e)", punctuation, then nothing or a capital -- not "above"
HEADING_REST = re.compile(r"^(?:\s*\([a-z0-9]{1,3}\))?[\s.:|\-–—)]*(?:$|[A-Z(\"“])")
# "ITEM 8. CHANGE IN FISCAL YEAR. Not applicable.": a heading that reports nothing
NOTHING_TAIL = re.compile(r"(?:not\s+applicable|inapplicable|\bnone)\W{0,3}$", re.I)
# "None." or "Not applicable." as the whole line under a heading
NOTHING_LINE = re.compile(r"^\W*(?:not\s+applicable|inapplicable|none|n/a)\W*$", re.I)


def title_key(title: str) -> str:
    """Return a title folded for comparison: lower case, `&` as `and`, no punctuation."""
    text = title.lower().replace("&", " and ").replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _title_table(*eras: tuple[dict[str, str], dict[str, str]]) -> dict[str, str]:
    """Map every title key of the eras given to its code; a later era overwrites an earlier."""
    table: dict[str, str] = {}
    for titles, aliases in eras:
        table.update({title_key(t): code for code, t in titles.items()})
        table.update({title_key(t): code for t, code in aliases.items()})
    return table


LEGACY = (LEGACY_ITEMS, LEGACY_ALIASES)
MODERN = (MODERN_ITEMS, MODERN_ALIASES)
# A title both eras share ("Regulation FD Disclosure", legacy 9 and 7.01) has a code in each
# table; TITLES prefers the modern one, which is what a title alone means when nothing else in
# the filing tells its era (both codes normalize to the same item anyway).
TITLES = _title_table(LEGACY, MODERN)
LEGACY_TITLES = _title_table(MODERN, LEGACY)


def modern_code(code: str) -> str | None:
    """Return the post-2004 code of a legacy or modern code, or None if it is not an item."""
    if code in MODERN_ITEMS:
        return code
    return LEGACY_TO_MODERN.get(code)


def _item(code: str) -> Item | None:
    """Build the Item for a known code."""
    normalized = modern_code(code)
    if normalized is None:
        return None
    return Item(code=code, normalized=normalized, title=MODERN_ITEMS[normalized])


def _code_of(raw: str) -> str | None:
    """Return the code a raw item starts with, by its shape: `N` is legacy, `N.NN` modern."""
    match = CODE.match(raw)
    if match is None:
        return None
    major, minor = match.groups()
    if minor is None:
        return str(int(major))
    return f"{int(major)}.{int(minor):02d}"


def _code_of_title(raw: str, legacy: bool = False) -> str | None:
    """Return the code of a title, exact or a unique word-prefix of one (cut-short headers).

    A title both eras share gives the legacy code if `legacy`, else the modern one.
    """
    table = LEGACY_TITLES if legacy else TITLES
    key = title_key(raw)  # "...", like all punctuation, is dropped
    if key in table:
        return table[key]
    if len(key) < MIN_PREFIX:
        return None
    codes = {code for title, code in table.items() if title.startswith(key + " ")}
    if len({modern_code(c) for c in codes}) != 1:
        return None
    return max(codes, key=lambda c: ("." in c) != legacy)  # the code of the era asked for


def _era(raws: list[str]) -> str | None:
    """Tell the era a filing's items are numbered in by their shape: "legacy", "modern" or None.

    A code's shape decides ("9" is legacy, "7.01" modern), else a title only one era has
    ("Acquisition or Disposition of Assets" is legacy); a title both eras share says nothing.
    """
    eras = set()
    for raw in raws:
        text = " ".join(raw[:1000].split())
        code = _code_of(text)
        if code is None and _code_of_title(text, legacy=True) == _code_of_title(text):
            code = _code_of_title(text)
        if code is not None:
            eras.add("modern" if "." in code else "legacy")
    return eras.pop() if len(eras) == 1 else None


def normalize_item(raw: str, era: str | None = None) -> Item | None:
    """Read an item code or title as filed; return it with its modern code and title.

    A title both eras share takes the code of `era` ("legacy" or "modern"; modern if None).
    """
    if not raw or not raw.strip():
        return None
    raw = " ".join(raw[:1000].split())
    code = _code_of(raw)
    if code is None:
        code = _code_of_title(raw, legacy=era == "legacy")
    return None if code is None else _item(code)


def normalize_items(raws: list[str]) -> list[Item]:
    """Normalize a filing's raw items in order, keeping the first of each modern code.

    Titles both eras share take the era the filing's other items show: a 1995 header's
    "Financial statements and exhibits" is item 7 when the text heads it "ITEM 7.".
    """
    era = _era(raws)
    seen: set[str | None] = set()
    items = []
    for raw in raws:
        item = normalize_item(raw, era)
        if item is not None and item.normalized not in seen:
            seen.add(item.normalized)
            items.append(item)
    return items


def root_form(form_type: str) -> str:
    """Return the form without its amendment suffix: `8-K/A` is `8-K`, `NT 10-K` stays."""
    form = " ".join(form_type.upper().split())
    while AMENDMENT.search(form):
        form = AMENDMENT.sub("", form)
    return form


def heading_code(line: str) -> str | None:
    """Return the code of a known item a line opens as a heading; None for prose."""
    match = HEADING.match(line[:300])
    if match is None or not HEADING_REST.match(match["rest"]):
        return None
    code = match["code"]
    return code if normalize_item(code) is not None else None


def item_headings(lines: list[str]) -> list[str]:
    """Return the raw codes of the item headings in text lines, in order, once each."""
    return headings_in(lines, fold(lines))


def headings_in(lines: list[str], folded: bytes | None) -> list[str]:
    """Return the raw codes of the item headings in lines, given their fold (see lines.fold)."""
    codes: list[str] = []
    for i in lines_with(lines, folded, (b"item",)):  # a heading spells "item"
        code = heading_code(lines[i])
        if code and code not in codes and not _reports_nothing(lines, i):
            codes.append(code)
    return codes


def _reports_nothing(lines: list[str], i: int) -> bool:
    """Tell whether a heading, or the first text line under it, says `None` or `Not applicable`."""
    under = next((line for line in lines[i + 1 : i + 6] if re.search(r"[A-Za-z]", line)), "")
    return bool(NOTHING_TAIL.search(lines[i][:300]) or NOTHING_LINE.match(under[:100]))
