"""Read what a results page shows from its HTML, to compare with its `.json` twin."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup


def soup(html: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def shown_hits(page: BeautifulSoup) -> list[str]:
    """Return the ids of the hits a results page lists, in order."""
    return [li["data-id"] for li in page.select("ol.hits > li.hit")]


def shown_total(page: BeautifulSoup) -> int:
    """Return the total the live region announces (its data attribute and its text agree)."""
    status = page.select_one("#result-count[role=status][aria-live=polite]")
    total = int(status["data-total"])
    text = status.get_text()
    assert (f"{total:,} filing" in text) if total else text.startswith("No filings")
    return total


def shown_facets(page: BeautifulSoup) -> dict[str, list[tuple[str, int, bool, str]]]:
    """Return, per facet, each value's (value, count, selected, toggle link) in order."""
    out = {}
    for section in page.select("aside.facets section.facet"):
        rows = []
        for li in section.select("li[data-value]"):
            count = int(li.select_one(".count").find(string=True, recursive=False))
            assert count == int(li["data-count"])
            rows.append((li["data-value"], count, "selected" in li.get("class", []), li.a["href"]))
        out[section["data-facet"]] = rows
    return out


def json_facets(data: dict) -> dict[str, list[tuple[str, int, bool, str]]]:
    """Return the same from a `.json` twin (facets without values are not shown)."""
    return {
        name: [(v["value"], v["count"], v["selected"], v["toggle_url"]) for v in f["values"]]
        for name, f in data["facets"].items()
        if f["values"]
    }


def close_index(app) -> None:
    """Close the index an app opened (it reopens on its next request)."""
    app.extensions["edgar_index"].close()


def query_of(url: str) -> list[tuple[str, str]]:
    """Return a URL's query parameters, sorted (so two URLs compare by their content)."""
    return sorted(parse_qsl(urlsplit(url).query))


def json_twin(url: str) -> str:
    """Return the URL of a page's `.json` twin."""
    parts = urlsplit(url)
    path = "/search" if parts.path == "/" else parts.path
    return f"{path}.json" + (f"?{parts.query}" if parts.query else "")
