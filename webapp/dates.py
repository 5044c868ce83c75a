"""The search form's filing-date presets: the same search over all dates, the last 10 or 5
years, the last year or 30 days (EFTS' dateRange presets), as server-built links.

A preset sets `filed_from` counted back from today and clears `filed_to`; the preset whose dates
a page shows is marked, and any other range is "custom" (the two boxes). Today comes from a
clock tests can fix: the app config TODAY (an ISO date), else the system's date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask import current_app

from webapp.efts import DATE_RANGES, years_back
from webapp.urls import Links

# The presets in the order the form offers them, with their labels
PRESETS = (
    ("all", "All dates"),
    ("10y", "Last 10 years"),
    ("5y", "Last 5 years"),
    ("1y", "Last year"),
    ("30d", "Last 30 days"),
)


def today() -> date:
    """Return the day presets count back from: config TODAY when set, else the system's."""
    fixed = current_app.config.get("TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def preset_start(name: str, day: date) -> str | None:
    """Return the first filing date a preset keeps (None: every date)."""
    span = DATE_RANGES[name]
    if span is None:
        return None
    years, days = span
    return (years_back(day, years) - timedelta(days=days)).isoformat()


def date_presets(links: Links) -> dict:
    """Return each preset's link and whether the page shows it; else the range is custom."""
    filters, day = links.req.filters, today()
    presets = []
    for name, label in PRESETS:
        start = preset_start(name, day)
        dates = replace(filters, filed_from=start, filed_to=None)
        presets.append(
            {
                "name": name,
                "label": label,
                "filed_from": start,
                "url": links.url(filters=dates, page=1),
                "selected": filters.filed_from == start and filters.filed_to is None,
            }
        )
    return {"presets": presets, "custom": not any(p["selected"] for p in presets)}
