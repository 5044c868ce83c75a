"""A search page's links are built with its shared parts worked out once (webapp/urls.Links);
every link must still be the URL the request it leads to gives, argument for argument."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.query.fields import FACET_ATTR
from indexer.query.filters import Filters
from indexer.search.core import SearchRequest
from webapp import create_app
from webapp.urls import Links, request_args

VALUES = st.text("ab &=+/é%", min_size=1, max_size=6)
FACETS = sorted(FACET_ATTR)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"INDEX_DIR": str(tmp_path_factory.mktemp("none"))})


def expected(req: SearchRequest, **changes) -> str:
    """The link the slow way: the changed request's arguments, encoded whole."""
    args = request_args(replace(req, **changes))
    return "/search" + (f"?{urlencode(args, doseq=True)}" if args else "")


requests = st.builds(
    lambda q, forms, companies, years, sort, page, per_page: SearchRequest(
        q=q,
        filters=Filters(forms=forms, companies=companies, years=years),
        sort=sort,
        page=page,
        per_page=per_page,
    ),
    st.sampled_from(["", "merger", "a&b c"]),
    st.lists(VALUES, max_size=2).map(tuple),
    st.lists(VALUES, max_size=2).map(tuple),
    st.lists(st.sampled_from(["2001", "2024"]), max_size=2, unique=True).map(tuple),
    st.sampled_from(["relevance", "newest", "oldest"]),
    st.integers(1, 3),
    st.sampled_from([10, 25, 100]),
)


@settings(max_examples=150, deadline=None)
@given(requests, st.sampled_from(FACETS), VALUES, st.integers(1, 5), st.sampled_from([10, 50]))
def test_every_link_is_the_url_of_the_request_it_leads_to(app, req, facet, value, page, per):
    with app.test_request_context("/search"):
        links = Links("search.search", req)
        toggled = req.filters.toggled(facet, value)
        assert links.toggle(facet, value) == expected(req, filters=toggled, page=1)
        values = [value, "2001", *req.filters.forms, *req.filters.companies]
        assert links.toggles(facet, values) == [
            expected(req, filters=req.filters.toggled(facet, v), page=1) for v in values
        ]
        assert links.page(page) == expected(req, page=page)
        assert links.sort("newest") == expected(req, sort="newest", page=1)
        assert links.query("x y") == expected(req, q="x y", page=1)
        assert links.clear() == expected(req, filters=Filters(), page=1)
        assert links.per_page(per) == expected(req, per_page=per, page=req.first // per + 1)
        assert links.url() == expected(req)


@settings(max_examples=100, deadline=None)
@given(requests, st.sampled_from(FACETS), st.lists(VALUES, max_size=4), st.sampled_from(FACETS))
def test_a_listed_facets_toggles_keep_the_list_open(app, req, facet, values, more):
    """On a page listing a facet in full (`more=`, `find=`), a toggle is the page's own URL
    with the filter changed, the list still open."""
    with app.test_request_context("/search"):
        links = Links("search.search", req, more=more, find="a&b")
        assert links.toggles(facet, values) == [
            links.url(filters=req.filters.toggled(facet, v), page=1) for v in values
        ]
        assert all("more=" in url and "find=a%26b" in url for url in links.toggles(facet, values))


def test_a_link_cannot_change_what_a_url_does_not_hold(app):
    with app.test_request_context("/search"), pytest.raises(TypeError, match="offset"):
        Links("search.search", SearchRequest(q="x")).url(offset=3)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["0000320193-24-000005", "f3a9c2e1d0b4a5968778", "0001193125-02-029093"]),
    st.sampled_from([None, "", "merger agreement", "a&b é"]),
    st.sampled_from([None, 1, 12]),
    st.sampled_from([None, "form=8-K&page=2"]),
    st.sampled_from([{}, {"_anchor": "first-match"}]),
    st.sampled_from(["320193", "0000320193", "0", "000"]),
)
def test_filing_and_company_links_are_what_url_for_makes(app, fid, q, doc, back, extra, cik):
    from flask import url_for

    from webapp.urls import company_url, filing_url

    with app.test_request_context("/search"):
        for _ in range(2):  # made once per request, then reused
            assert filing_url(fid, q=q, doc=doc, back=back, **extra) == url_for(
                "filings.filing", fid=fid, q=q or None, doc=doc, back=back or None, **extra
            )
            assert company_url(cik) == url_for("companies.company", cik=cik.lstrip("0") or "0")
