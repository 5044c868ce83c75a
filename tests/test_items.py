"""8-K item tables, code and title normalization, item headings and root forms, as data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.edgar.items import (
    LEGACY_ITEMS,
    LEGACY_TO_MODERN,
    MODERN_ITEMS,
    heading_code,
    item_headings,
    normalize_item,
    normalize_items,
    root_form,
)
from indexer.edgar.model import Item


def modern(code: str, filed: str | None = None) -> Item:
    """Return the Item expected for a modern code, filed as `filed` (default: the code)."""
    return Item(code=filed or code, normalized=code, title=MODERN_ITEMS[code])


LEGACY_CODES = [(code, modern(new, code)) for code, new in LEGACY_TO_MODERN.items()]

MODERN_CODES = [(code, modern(code)) for code in MODERN_ITEMS]

CODE_SPELLINGS = [
    ("9", modern("7.01", "9")),
    ("Item 9", modern("7.01", "9")),
    ("ITEM 9.", modern("7.01", "9")),
    ("7.01", modern("7.01")),
    ("Item 5.02", modern("5.02")),
    ("ITEM 2.02.", modern("2.02")),
    ("item 9.01:", modern("9.01")),
    ("  Item 8.01 Other Events ", modern("8.01")),
    ("5.02(e)", modern("5.02")),  # a paragraph of the item, not another item
    ("Item 5.02(b) and (c)", modern("5.02")),
    ("7.1", modern("7.01")),  # the shape is modern; the code is written as the form writes it
    ("06", modern("5.02", "6")),
    ("12", modern("2.02", "12")),
]

TITLE_SPELLINGS = [
    # as SEC headers' ITEM INFORMATION lines hold them (checked in the shared corpus)
    ("Other events", modern("8.01")),  # legacy 5 and modern 8.01 share it: the modern code
    ("Other Events", modern("8.01")),
    ("Financial statements and exhibits", modern("9.01")),
    ("Financial Statements and Exhibits", modern("9.01")),
    ("Regulation FD Disclosure", modern("7.01")),  # legacy 9 and 7.01 share it
    ("Results of Operations and Financial Condition", modern("2.02")),
    ("Changes in control of registrant", modern("5.01")),
    ("Changes in registrant's certifying accountant", modern("4.01")),
    ("Changes in Registrant’s Certifying Accountant", modern("4.01")),  # curly apostrophe
    ("Acquisition or disposition of assets", modern("2.01", "2")),  # legacy only
    ("Submission of Matters to a Vote of Security Holders", modern("5.07")),
    (
        "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report "
        "or Completed Interim Review",
        modern("4.02"),
    ),
    ("Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year", modern("5.03")),
    (
        "Departure of Directors or Certain Officers; Election of Directors; Appointment of "
        "Certain Officers: Compensatory Arrangements of Certain Officers",  # ":" for ";"
        modern("5.02"),
    ),
    ("Departure of Directors or Certain Officers; Election of Directors; ...", modern("5.02")),
    (
        "DEPARTURE OF DIRECTORS OR PRINCIPAL OFFICERS; ELECTION OF DIRECTORS; APPOINTMENT OF "
        "PRINCIPAL OFFICERS",
        modern("5.02"),
    ),  # the 2004-2006 wording
    # legacy-only titles and their later wordings
    ("Other Events and Regulation FD Disclosure", modern("8.01", "5")),
    ("Financial Statements, Pro Forma Financial Information and Exhibits", modern("9.01", "7")),
    ("FINANCIAL STATEMENTS AND EXHIBITS.", modern("9.01")),
    ("Resignations of Registrant's Directors", modern("5.02", "6")),
    ("Change in Fiscal Year", modern("5.03", "8")),
    # modern titles, punctuation- and case-insensitive
    ("Mine Safety – Reporting of Shutdowns and Patterns of Violations", modern("1.04")),
    ("material cybersecurity incidents", modern("1.05")),
    ("Material Impairments.", modern("2.06")),
    ("Shareholder Nominations Pursuant to Exchange Act Rule 14a-11", modern("5.08")),
    ("Alternative Filings of Asset-Backed Issuers", modern("6.10")),
    ("Entry into a Material Definitive Agreement", modern("1.01")),
    ("Costs Associated with Exit or Disposal Activities", modern("2.05")),
]

JUNK = [
    "",
    "   ",
    "junk",
    "Item",
    "13",  # no legacy item 13
    "0",
    "3.04",
    "6.07",  # the ABS items jump from 6.06 to 6.10
    "99.1",  # an exhibit number
    "3C",  # Form D items in a daily-feed header (<ITEMS>3C)
    "06b",
    "3C.7",
    "Changes in",  # a prefix of several titles
    "Other",
    "Press release",
    "x" * 10_000,
]


@pytest.mark.parametrize(("raw", "expected"), LEGACY_CODES + MODERN_CODES + CODE_SPELLINGS)
def test_codes(raw: str, expected: Item) -> None:
    assert normalize_item(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), TITLE_SPELLINGS)
def test_titles(raw: str, expected: Item) -> None:
    assert normalize_item(raw) == expected


@pytest.mark.parametrize("raw", JUNK)
def test_junk_is_none(raw: str) -> None:
    assert normalize_item(raw) is None


@pytest.mark.parametrize(("code", "title"), LEGACY_ITEMS.items())
def test_every_legacy_title_reads_back_to_its_modern_item(code: str, title: str) -> None:
    item = normalize_item(title)
    assert item is not None and item.normalized == LEGACY_TO_MODERN[code]


def test_legacy_map_lands_on_modern_items() -> None:
    assert set(LEGACY_ITEMS) == set(LEGACY_TO_MODERN)
    assert set(LEGACY_TO_MODERN.values()) <= set(MODERN_ITEMS)


def test_normalize_items_keeps_order_and_drops_repeats() -> None:
    raws = [
        "9",
        "Regulation FD Disclosure",
        "7",
        "junk",
        "7.01",
        "Financial statements and exhibits",
    ]
    assert normalize_items(raws) == [modern("7.01", "9"), modern("9.01", "7")]


def test_normalize_items_of_the_seed_headings() -> None:
    assert [i.normalized for i in normalize_items(["9", "7"])] == ["7.01", "9.01"]
    assert [i.title for i in normalize_items(["9", "7"])] == [
        "Regulation FD Disclosure",
        "Financial Statements and Exhibits",
    ]


ROOT_FORMS = [
    ("8-K", "8-K"),
    ("8-K/A", "8-K"),
    ("10-K405/A", "10-K405"),
    ("SC 13D/A", "SC 13D"),
    ("sc  13d / a ", "SC 13D"),
    ("8-K /A", "8-K"),
    ("DEF 14A", "DEF 14A"),
    ("NT 10-K", "NT 10-K"),  # its own form, not an amendment
    ("NT 10-K/A", "NT 10-K"),
    ("S-1/A", "S-1"),
    (" 10-q ", "10-Q"),
    ("", ""),
]


@pytest.mark.parametrize(("form", "root"), ROOT_FORMS)
def test_root_form(form: str, root: str) -> None:
    assert root_form(form) == root


HEADINGS = [
    ("ITEM 9.  REGULATION FD DISCLOSURE", "9"),  # the seed
    ("ITEM  2.         ACQUISITION OR DISPOSITION OF ASSETS.", "2"),  # Cisco 1995
    ("ITEM 1.\tCHANGE OF CONTROL OF REGISTRANT.", "1"),  # ExperTelligence 2003
    ("             ITEM 4. CHANGES IN REGISTRANT'S CERTIFYING ACCOUNTANT.", "4"),  # indented
    ("Item 2.02 Results of Operations and Financial Condition.", "2.02"),
    ("Item 2.02.        Results of Operations and Financial Condition.", "2.02"),
    ("Item 8.01- Other Events", "8.01"),  # ExperTelligence 2007
    ("Item - 5.02 Departure of Directors", "5.02"),  # edgartools document-with-pre.html
    ("Item 2.02 | Results of Operations and Financial Condition", "2.02"),  # a table row
    ("Item 5.02(e) Compensatory Arrangements", "5.02"),
    ("ITEM 7.", "7"),
    ("Item 5.  Press Release", "5"),  # not the official title: still item 5
    ("as described in Item 2.02 above", None),
    ("Item 2.02 above, the Company", None),  # a wrapped sentence
    ("Item 304(a)(1)(iv)(A) of Regulation", None),
    ("Items 1 through 4, 6 and 8 Not Applicable.", None),
    ("Item 13. Exhibits", None),  # not an 8-K item
    ("Item 1A. Risk Factors", None),
]


@pytest.mark.parametrize(("line", "code"), HEADINGS)
def test_heading_code(line: str, code: str | None) -> None:
    assert heading_code(line) == code


def test_item_headings_skip_items_that_report_nothing() -> None:
    # Rock of Ages 2000 (84581/0000084581-00-500009) lists items 1-8 and says "None." under most
    lines = [
        "ITEM 1. CHANGES IN CONTROL OF REGISTRANT.",
        "None.",
        "ITEM 5. OTHER EVENTS.",
        "On September 26, 2000, the Registrant completed the acquisition.",
        "ITEM 7. FINANCIAL STATEMENTS AND EXHIBITS.",
        "",
        "    Not applicable.",
        "ITEM 8. CHANGE IN FISCAL YEAR. Not applicable.",
        "ITEM 9. REGULATION FD DISCLOSURE",
        "(a)      Not applicable.",  # a paragraph of the item, not the item itself (Aames 1998)
        "ITEM 5. OTHER EVENTS.",
    ]
    assert item_headings(lines) == ["5", "9"]


@given(st.text(max_size=300))
def test_any_text_normalizes_to_an_item_or_none(raw: str) -> None:
    item = normalize_item(raw)
    assert item is None or item.normalized in MODERN_ITEMS


@given(st.text(max_size=60))
def test_root_form_is_idempotent(form: str) -> None:
    assert root_form(root_form(form)) == root_form(form)


# --- a filing's items tell the era of the titles both eras share ------------------------------


def codes(raws: list[str]) -> list[tuple[str, str | None]]:
    """Return the (code, normalized) pairs a filing's raw items come to."""
    return [(i.code, i.normalized) for i in normalize_items(raws)]


def test_header_titles_take_the_era_of_the_text_headings() -> None:
    # Cisco 1995 (858877/0000891618-95-000727): ITEM INFORMATION holds titles; the text heads
    # the same items "ITEM  2." and "ITEM 7."
    header = ["Acquisition or disposition of assets", "Financial statements and exhibits"]
    assert codes([*header, "2", "7"]) == [("2", "2.01"), ("7", "9.01")]


def test_a_title_only_the_legacy_form_has_sets_the_era() -> None:
    # the same header alone: "Acquisition or disposition of assets" was never a modern title
    header = ["Acquisition or disposition of assets", "Financial statements and exhibits"]
    assert codes(header) == [("2", "2.01"), ("7", "9.01")]


def test_shared_title_with_a_legacy_heading_is_legacy() -> None:
    # Oasis Entertainment's 2002 8-K (1063262/0001104540-02-000064): header "Changes in
    # registrant's certifying accountant", text "ITEM 4."
    assert codes(["Changes in registrant's certifying accountant", "4"]) == [("4", "4.01")]


def test_shared_title_with_a_modern_heading_is_modern() -> None:
    # ExperTelligence 2007 (723533/0001164150-07-000163): "Other Events" and "Item 8.01"
    assert codes(["Other Events", "8.01"]) == [("8.01", "8.01")]


def test_shared_titles_alone_are_modern() -> None:
    assert codes(["Other events", "Financial statements and exhibits"]) == [
        ("8.01", "8.01"),
        ("9.01", "9.01"),
    ]


def test_items_of_both_eras_leave_shared_titles_modern() -> None:
    assert codes(["Financial Statements and Exhibits", "12", "2.02"]) == [
        ("9.01", "9.01"),
        ("12", "2.02"),
    ]
