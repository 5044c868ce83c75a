"""Response headers, the sanitizing of filing markup, and the one filter that marks text safe.

Pages get a Content-Security-Policy that allows only this site's own CSS, script and frames;
a filing's original markup is cleaned with nh3 and served on its own URL under a policy that
allows no script, no fetch and no navigation, inside a sandboxed iframe.
"""

from __future__ import annotations

import html
import re

import nh3
from flask import Flask, Response
from markupsafe import Markup, escape

# Pages of the app: our own files only; frames only our own sanitized documents
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# A filing's sanitized original: inline styles and data: images, nothing else, no script
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Tags kept in filing markup: nh3's safe defaults plus the legacy table and font tags filings use
KEEP_TAGS = nh3.ALLOWED_TAGS | {"font", "center", "tfoot"}
# Tags removed with everything inside: hidden inline-XBRL facts, scripts, styles, titles
DROP_CONTENT = {"script", "style", "title", "ix:header", "xml", "object", "template"}
# Presentational attributes kept on every tag (layout of old filings), style filtered below
KEEP_ATTRIBUTES = {
    "*": {"align", "valign", "width", "height", "style", "colspan", "rowspan", "id"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "font": {"size", "color", "face"},
    "table": {"border", "cellpadding", "cellspacing"},
    "ol": {"start", "type"},
}
# CSS properties kept in style attributes: layout and type, nothing that can fetch
KEEP_STYLES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight",
    "text-align", "text-decoration", "text-indent", "text-transform", "vertical-align",
    "line-height", "letter-spacing", "white-space", "width", "min-width", "max-width", "height",
    "margin", "margin-top", "margin-bottom", "margin-left", "margin-right", "padding",
    "padding-top", "padding-bottom", "padding-left", "padding-right", "border", "border-top",
    "border-bottom", "border-left", "border-right", "border-collapse", "border-spacing",
    "display", "float", "clear",
}  # fmt: skip
# "data:image/png;base64,...": the only image source a sanitized document may load
DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]+", re.I)
# What a style value may never hold, whatever its property: old IE's expression() and
# behavior, anything that fetches (url(), image-set(), @import), script URLs, CSS escapes
# that could spell any of these, and comments that could split them
UNSAFE_STYLE = re.compile(
    r"expression|behavior|binding|url\s*\(|image-set|@import|javascript:|vbscript:",
    re.I,
)
# "<mark>", "</mark>": the only tags the search core puts in snippets and suggestions
MARK_TAG = re.compile(r"</?mark>")


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    """Keep only links inside the document and images inlined as data."""
    if attr == "href":
        return value if value.startswith("#") else None
    if attr == "src":
        return value if DATA_IMAGE.fullmatch(value) else None
    if attr == "style":
        return _safe_style(value)
    return value


def _safe_style(value: str) -> str | None:
    """Drop the declarations of a style that could run or fetch; escapes or comments drop all
    (they could hide a declaration's end). nh3 then keeps only the listed properties."""
    if "\\" in value or "/*" in value:
        return None
    kept = [d for d in value.split(";") if not UNSAFE_STYLE.search(d)]
    return ";".join(kept) or None


def sanitize(markup: str) -> str:
    """Return a filing's HTML with scripts, handlers, external URLs and hidden facts removed."""
    return nh3.clean(
        markup,
        tags=KEEP_TAGS,
        clean_content_tags=DROP_CONTENT,
        attributes=KEEP_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        filter_style_properties=KEEP_STYLES,
        url_schemes={"data"},
        link_rel=None,
    )


def document_page(title: str, markup: str, kind: str) -> str:
    """Return a standalone page for a document's original: sanitized HTML, or text in <pre>."""
    body = sanitize(markup) if kind == "html" else f"<pre>{html.escape(markup)}</pre>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )


def document_response(page: str) -> Response:
    """Serve a sanitized document under the strict document policy (framable by us only)."""
    resp = Response(page, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = DOCUMENT_CSP
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    return resp


def marked(core_html: str | None) -> Markup:
    """Mark text the search core escaped and highlighted safe, if `<mark>` is its only tag;
    anything else is escaped again, so a change in the core can never inject markup."""
    text = core_html or ""
    if "<" in MARK_TAG.sub("", text):
        return escape(text)
    return Markup(text)


def add_headers(resp: Response) -> Response:
    """Set the security headers a response does not set itself."""
    for name, value in COMMON_HEADERS.items():
        resp.headers.setdefault(name, value)
    resp.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp


def init_app(app: Flask) -> None:
    """Register the headers and the `marked` template filter."""
    app.after_request(add_headers)
    app.add_template_filter(marked, "marked")
