"""The fields a search filters and counts: one row each, read by every layer that names them.

Each row ties a `Filters` attribute to its URL parameter (the web app), its `indexer search`
option, its label, its facet (a neutral key and label) and its EFTS parameter and aggregation.
The core, the web app, the CLI and the EFTS endpoint derive their tables from `FIELDS`, so a new
filter appears everywhere by adding one row here and one attribute to `Filters`.

A facet is named by a neutral key ("form", "company"), not by an index field: which index field
counts it ("root_form", "company_key") is the backend's choice (backend/whoosh/schema.py maps the
keys), so this layer names no engine's fields and another backend may store them differently.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a field's values are given
LIST = "list"  # repeatable; values ORed (a tuple attribute)
TEXT = "text"  # one free-text value
DATE = "date"  # one date: YYYY, YYYY-MM or YYYY-MM-DD
CHOICE = "choice"  # one of `choices`; the attribute is True for the first
UNDATED_CHOICES = ("include", "exclude")


@dataclass(frozen=True)
class Field:
    """One filterable field of a filing, under every name it goes by."""

    attr: str  # the Filters attribute
    param: str | None  # the web's URL parameter; None when only the core and EFTS set it
    flag: str  # the `indexer search` option
    label: str  # how an active filter is named
    help: str  # what a value is (the CLI's help)
    kind: str = LIST
    facet: str | None = None  # the facet counting this field's values
    facet_label: str | None = None  # the facet's label, when not `label`
    efts: str | None = None  # the EFTS parameter that sets it
    aggregation: str | None = None  # the EFTS aggregation of its facet
    choices: tuple[str, ...] = ()  # CHOICE values, the one meaning True first

    @property
    def multiple(self) -> bool:
        """Tell whether the field takes several values (ORed)."""
        return self.kind == LIST


# In this order: URLs list parameters, pages list facets, and the CLI lists options
FIELDS: tuple[Field, ...] = (
    Field("forms", "form", "--form", "Form", "Form (8-K includes 8-K/A); -FORM excludes.",
          facet="form", efts="forms", aggregation="form_filter"),
    Field("category", "category", "--category", "Form category",
          "An EDGAR form group: form-cat0 … form-cat10.", TEXT, efts="category"),
    Field("ciks", "cik", "--cik", "CIK", "Filer CIK, leading zeros optional.", efts="ciks"),
    Field("company", "company", "--company", "Company name has",
          "Words in a filer's name (former names too).", TEXT, efts="entityName"),
    Field("companies", "company_name", "--company-name", "Company",
          "The company facet's value: a primary filer's CIK, or an exact name.",
          facet="company", aggregation="entity_filter"),
    Field("filed_from", "filed_from", "--filed-from", "Filed from",
          "Filed on or after (YYYY, YYYY-MM or YYYY-MM-DD).", DATE, efts="startdt"),
    Field("filed_to", "filed_to", "--filed-to", "Filed to", "Filed on or before.", DATE,
          efts="enddt"),
    Field("period_from", "period_from", "--period-from", "Period from",
          "Period of report on or after.", DATE),
    Field("period_to", "period_to", "--period-to", "Period to", "Period of report on or before.",
          DATE),
    Field("years", "year", "--year", "Year", "Filing year (YYYY), or 'undated'.", facet="year"),
    Field("items", "item", "--item", "8-K item", "8-K item, either numbering (9 or 7.01).",
          facet="items", efts="items"),
    Field("states", "state", "--state", "State of incorporation",
          "State of incorporation (DE, or an EDGAR location code like A6).", facet="state",
          efts="locationCodes"),
    Field("biz_states", "biz_state", "--biz-state", "Business state",
          "Business address state (CA, or an EDGAR location code like A6).", facet="biz_state",
          efts="locationCodes", aggregation="biz_states_filter"),
    Field("sics", "sic", "--sic", "SIC code", "SIC code (2834).", facet="sic",
          aggregation="sic_filter"),
    Field("exhibits", "exhibit", "--exhibit", "Exhibit", "Exhibit type (EX-99.1 or 99).",
          facet="exhibit", facet_label="Exhibit type"),
    Field("signer", "signer", "--signer", "Signer has", "Words in a signer's name or title.",
          TEXT),
    Field("signers", "signer_name", "--signer-name", "Signer",
          "The signer facet's value: a signer's exact name.", facet="signer"),
    Field("include_undated", "undated", "--undated", "Filings with no known date",
          "include: the filing-date filters keep filings with no known filing date.", CHOICE,
          choices=UNDATED_CHOICES),
    Field("accessions", None, "--accession", "Filing",
          "Filing id: an accession (0000320193-24-000005) or local-<16 hex>.", efts="q"),
)  # fmt: skip

BY_ATTR = {f.attr: f for f in FIELDS}
# URL parameter → Filters attribute, and back
FILTER_PARAMS = {f.param: f.attr for f in FIELDS if f.param}
PARAM_OF = {attr: param for param, attr in FILTER_PARAMS.items()}
# Filters attribute → how an active filter is named
FILTER_LABELS = {f.attr: f.label for f in FIELDS}
# Filters attribute → its `indexer search` option
FLAG_OF = {f.attr: f.flag for f in FIELDS}
# Facet → the Filters attribute holding its selected values, and its label
FACETS = tuple(f for f in FIELDS if f.facet)
FACET_ATTR = {f.facet: f.attr for f in FACETS}
FACET_LABELS = {f.facet: f.facet_label or f.label for f in FACETS}
# Filters attribute → the EFTS parameter naming it in errors; EFTS aggregation → facet
EFTS_PARAM_OF = {f.attr: f.efts for f in FIELDS if f.efts}
AGGREGATIONS = {f.aggregation: f.facet for f in FACETS if f.aggregation}
