"""Decode filing bytes and turn document bodies (HTML, inline XBRL, plain text) into clean text."""

from __future__ import annotations

import codecs
import re

from lxml import etree

# --- decoding -------------------------------------------------------------------------------

# C0 controls but \t and \n (\r and \f became \n already): single bytes in UTF-8 and cp1252
_C0_CONTROLS = bytes(range(0x00, 0x09)) + b"\x0b" + bytes(range(0x0E, 0x20)) + b"\x7f"
_C0_BYTES = [bytes([b]) for b in _C0_CONTROLS]
# C1 controls U+0080-U+009F as UTF-8 bytes: b"\xc2\x85"
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


# Bytes that never start a UTF-8 character: continuation bytes, overlong and out-of-range leads
_NEVER_UTF8_START = re.compile(rb"[\x80-\xc1\xf5-\xff]*")


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Read the bytes that are not UTF-8 as cp1252, with the run of bytes after them that could
    not start a UTF-8 character either (one call per run, not per byte: a megabyte of cp1252
    no-break spaces decodes in milliseconds)."""
    assert isinstance(err, UnicodeDecodeError)
    end = _NEVER_UTF8_START.match(err.object, err.end).end()
    # cp1252 is one byte per character; its five undefined bytes are dropped, as C1 controls are
    return err.object[err.start : end].decode("cp1252", errors="ignore"), end


codecs.register_error("edgar-cp1252", _cp1252_fallback)


def decode_bytes(data: bytes) -> str:
    """Decode filing bytes (UTF-8, else cp1252 byte by byte) into text with plain \\n line ends."""
    data = data.removeprefix(codecs.BOM_UTF8)
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\f", b"\n")
    # Work on bytes, where C-level scans are fast: 100 MB take well under a second.
    if any(byte in data for byte in _C0_BYTES):  # rare, and bytes.translate is the slow part
        data = data.translate(None, _C0_CONTROLS)
    data = _C1_UTF8.sub(b"", data)
    # Valid UTF-8 stays UTF-8; each invalid byte is read as cp1252, so a submission that
    # concatenates a UTF-8 document and a cp1252 one decodes both correctly.
    return data.decode("utf-8", errors="edgar-cp1252")


# --- what a body is -------------------------------------------------------------------------

# The SGML wrapper EDGAR puts around a <TEXT> body: "<XBRL>", "<XML>", "<PDF>"
_WRAPPER = re.compile(r"\A\s*<(XML|XBRL|PDF)>\s*", re.IGNORECASE)
# An XML prolog item: '<?xml version="1.0"?>', "<!-- note -->", "<!DOCTYPE html ...>"
_PROLOG = re.compile(r"\A\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL | re.IGNORECASE)
# The first start tag and its local name: "<ns2:edgarSubmission " → "edgarSubmission"
_FIRST_TAG = re.compile(r"\A\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")
# HTML tags that never occur in SGML text documents: "<p>", "</font>", "<BR>", '<td align="r">'
_HTML_TAG = re.compile(
    r"</?(?:html|body|head|div|p|br|font|td|tr|th|b|i|u|center|hr|a|span|img|strong|em)\b[^>]*>",
    re.IGNORECASE,
)
# First elements of HTML documents and pieces: "<html", "<HEAD>", "<title>", "<p>", "<table"
_HTML_ROOTS = frozenset("html head title body meta p div span font table center b h1 h2 h3".split())
# SGML markers of old text documents, never HTML roots: "<TABLE>", "<CAPTION>"
_SGML_MARKERS = frozenset({"TABLE", "CAPTION"})
# A uuencode header line: "begin 644 Financial_Report.xlsx"
_UU_BEGIN = re.compile(r"\A\s*begin [0-7]{3,4} \S[^\n]*\n[\x20-\x60]+\n")
_HTML_SCAN = 20_000  # characters scanned for HTML tags when a body starts with none
_HTML_MIN_TAGS = 3  # HTML tags needed in that scan to call a body HTML


def is_uuencoded(body: str) -> bool:
    """Return True when a body is an encoded binary (uuencoded file or <PDF> payload) to skip."""
    head = body[:2000]
    if re.match(r"\s*<PDF>", head, re.IGNORECASE):
        return True
    return bool(_UU_BEGIN.match(_WRAPPER.sub("", head, count=1)))


def _strip_prolog(text: str) -> str:
    """Drop the XML declaration, comments and doctype in front of the first element."""
    while m := _PROLOG.match(text):
        text = text[m.end() :]
    return text


def _root_name(text: str) -> str | None:
    """Return the local name of the first element of a markup body."""
    m = _FIRST_TAG.match(_strip_prolog(text))
    return m.group(1) if m else None


def detect_markup(body: str) -> str:
    """Return "html", "xml" or "text" for the content of a <TEXT> section or a standalone file."""
    head = _WRAPPER.sub("", body[:_HTML_SCAN], count=1)
    if re.match(r"\s*<!DOCTYPE\s+html", head, re.IGNORECASE):
        return "html"
    root = _root_name(head)
    if root and root.lower() in _HTML_ROOTS and root not in _SGML_MARKERS:
        return "html"
    if len(_HTML_TAG.findall(head, 0, _HTML_SCAN)) >= _HTML_MIN_TAGS:
        return "html"
    # XML forms open and close with one camelCase root; SGML markers are upper case: "<TABLE>"
    if head.lstrip().startswith("<?xml") or (root and not root.isupper() and _closes(body, root)):
        return "xml"
    return "text"


def _closes(body: str, root: str) -> bool:
    """Return True when a body ends with the end tag of its root: "</ownershipDocument>"."""
    end = re.search(r"</(?:[\w.-]+:)?([\w.-]+)\s*>\s*(?:</XML>\s*)?\Z", body[-300:], re.IGNORECASE)
    return bool(end) and end.group(1) == root


# --- not filing documents -------------------------------------------------------------------

# An XBRL viewer R page: '<table class="report"' ... "Show.showAR(" or "defref_us-gaap_..."
_R_PAGE_TABLE = re.compile(r"<table[^>]*\bclass=[\"']?report\b", re.IGNORECASE)
_R_PAGE_LINK = re.compile(r"Show\.showAR|defref_")
# Signs of a whole HTML document rather than a cut-out piece: "<!DOCTYPE", "<head>", "<title>"
_WHOLE_DOC = re.compile(r"<!DOCTYPE|<head\b|<title\b|<\?xml", re.IGNORECASE)
_FRAGMENT_BYTES = 60_000  # larger HTML is never treated as a fragment
_FRAGMENT_CHARS = 5_000  # text of a headless HTML piece below this is a fragment
_TINY_CHARS = 100  # any HTML with less text than this is a fragment

# XML roots that are XBRL or viewer files, not filings: "xbrl", "linkbase", "schema"
_XBRL_ROOTS = {
    "xbrl": "XBRL instance document",
    "linkbase": "XBRL linkbase",
    "schema": "XBRL schema",
    "FilingSummary": "XBRL viewer filing summary",
}


# Viewer support files EDGAR files as <TYPE>XML / JSON: "{ "version": ...", "/* v2.2 */", "var Show"
_SUPPORT_FILE = re.compile(r"\A\s*(?:[{\[]\s*\"|/[*/]|var\s|function\s|\.?[\w-]+\s*\{)")


def classify_text(body: str) -> str | None:
    """Return why a plain-text body is not a filing document (JSON, JavaScript, CSS), else None."""
    if _SUPPORT_FILE.match(body):
        return "XBRL viewer support file (JSON, JavaScript or CSS)"
    return None


def classify_xml(xml: str) -> str | None:
    """Return why an XML body is not a filing document (XBRL instance, linkbase, ...), else None."""
    return _XBRL_ROOTS.get(_root_name(_WRAPPER.sub("", xml[:_HTML_SCAN], count=1)) or "")


def is_r_page(html: str) -> bool:
    """Tell whether HTML is an XBRL viewer R page (R1.htm ...), standalone or in a submission."""
    return bool(_R_PAGE_TABLE.search(html) and _R_PAGE_LINK.search(html))


def classify_html(html: str) -> str | None:
    """Return why a standalone HTML file is not a filing document (R page, fragment), else None."""
    if is_r_page(html):
        return "XBRL viewer R page"
    if len(html) > _FRAGMENT_BYTES:
        return None
    chars = len(html_to_text(html)[0])
    if chars < _TINY_CHARS:
        return "HTML fragment (almost no text)"
    if chars < _FRAGMENT_CHARS and not _WHOLE_DOC.search(html, 0, 2000):
        return "HTML fragment (no head, title or doctype)"
    return None


# --- HTML → text ----------------------------------------------------------------------------

# Marks placed in the raw text stream and resolved by _finish_text: private-use characters,
# so that str.split() (which also splits on \x1c-\x1f) collapses whitespace around them.
_PRE_SPACE = "\ue000"  # a space inside <pre>, kept as is
_LINE = "\ue001"  # a line break
_PARA = "\ue002"  # a paragraph break (blank line)
_BR = "\ue003"  # a <br>: two in a row make a blank line
_CELL = "\ue004"  # the start of a table cell
_MARKS = (_PRE_SPACE, _LINE, _PARA, _BR, _CELL)

_PARA_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 table ul ol blockquote pre hr dl address section article".split()
)
_LINE_TAGS = frozenset("div tr li dt dd caption title header footer form fieldset center".split())
_SKIP_TAGS = frozenset("head script style noscript template object iframe svg ix:header".split())
_CELL_TAGS = frozenset({"td", "th"})

# An inline style that hides an element: "display:none", "DISPLAY: none"
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# Characters that render as nothing: zero-width space, soft hyphen, BOM
_INVISIBLE = ("\u200b", "\u00ad", "\ufeff")
# <pre> spaces at the end of a line: "\ue000\ue000" before a break. Tried only where a run
# starts, and never given back, so a long run inside a line costs its length, not its square.
_PRE_TRAILING = re.compile("(?<!\ue000)\ue000++(?=[\ue001-\ue003]|$)")
# What a <pre> keeps: its spaces and line breaks
_PRE_TABLE = str.maketrans({" ": _PRE_SPACE, "\n": _BR, "\r": None, "\xa0": _PRE_SPACE})
# Closing root tags, after which libxml2 drops all content: "</body>", "</HTML >"
_CLOSE_ROOT = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
# A table cell laid out as blocks, not kept on its row's line: one that holds a nested table
# or three paragraphs (old filings put whole documents in one layout cell)
_BLOCK_CELL = etree.XPath("boolean(descendant::table or descendant::p[3] or descendant::div[3])")
_TEXT_LIKE_LINES = 8  # source lines per element above which HTML is laid out like text
# An iXBRL cover fact: <ix:nonNumeric name="dei:EntityRegistrantName">
_FACT_TAGS = ("ix:nonnumeric", "ix:nonfraction")


def _parse_html(html: str) -> etree._Element | None:
    """Parse HTML with lxml (huge text nodes allowed, comments dropped); None when empty."""
    # Some filings put their content after "</html>" (HtmlWithNoBody.html), which libxml2 drops.
    body = _CLOSE_ROOT.sub("", _WRAPPER.sub("", html, count=1)).strip()
    for mark in _MARKS:  # so that text never holds our marks (they are private-use characters)
        body = body.replace(mark, "") if mark in body else body
    if not body:
        return None
    parser = etree.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True, no_network=True
    )
    return etree.fromstring(body.encode("utf-8", errors="replace"), parser)


def _squeeze(text: str, old: str, new: str) -> str:
    """Replace `old` by `new` until none is left (str.replace beats regexes on big text)."""
    while old in text:
        text = text.replace(old, new)
    return text


def _finish_breaks(text: str) -> str:
    """Turn runs of break marks into one line break, or a blank line when one is a paragraph."""
    # Each step only where its marks occur: a pass over a megabyte costs even when it finds none.
    if _BR in text:
        text = _squeeze(text, _BR + _BR, _PARA)  # <br><br> starts a new paragraph
        text = text.replace(_BR, _LINE)
    if _LINE in text:
        text = _squeeze(text, _LINE + _LINE, _LINE)
        if _PARA in text:
            text = _squeeze(_squeeze(text, _LINE + _PARA, _PARA), _PARA + _LINE, _PARA)
    text = _squeeze(text, _PARA + _PARA, _PARA)
    return text.replace(_PARA, "\n\n").replace(_LINE, "\n")


def _finish_text(raw: str) -> str:
    """Turn the marked-up text stream into lines: spaces, cells, breaks, blank lines."""
    for char in _INVISIBLE:
        raw = raw.replace(char, "") if char in raw else raw
    text = " ".join(raw.split())  # the fast way to collapse whitespace, &nbsp; included
    # The marks the text holds (no step below adds one): each replace costs a pass over the
    # text even when it finds nothing, and simple documents hold only paragraphs.
    marks = [mark for mark in (_CELL, _LINE, _PARA, _BR) if mark in text]
    for mark in marks:
        text = text.replace(" " + mark, mark).replace(mark + " ", mark)
    if _CELL in marks:
        text = _squeeze(text, _CELL + _CELL, _CELL)  # empty cells
        for mark in marks[1:]:  # cells at the start or end of a line
            text = text.replace(_CELL + mark, mark).replace(mark + _CELL, mark)
    if _PRE_SPACE in text:
        text = _PRE_TRAILING.sub("", text).replace(_PRE_SPACE, " ")
    text = _finish_breaks(text.strip(_CELL)).replace(_CELL, " | ")
    return _squeeze(text, "\n\n\n", "\n\n").strip("\n")


def _break_for(tag: str, in_cell: bool) -> str:
    """Return the mark a tag's start and end put in the text: a break, a space, or nothing."""
    if tag not in _PARA_TAGS and tag not in _LINE_TAGS:
        return ""
    if in_cell:  # keep a table row on one line
        return " "
    return _PARA if tag in _PARA_TAGS else _LINE


def _start_kind(el: etree._Element, tag: str) -> str:
    """Classify an element when the walk enters it: skip, pre, cell (one line), or plain."""
    if tag in _SKIP_TAGS or _HIDDEN.search(el.get("style") or ""):
        return "skip"
    if tag == "pre":
        return "pre"
    if tag in _CELL_TAGS and not _BLOCK_CELL(el):
        return "cell"
    return ""


def _walk_text(root: etree._Element, preformatted: bool) -> str:
    """Walk the tree once and return its visible text with break and cell marks."""
    out: list[str] = []
    kinds: list[str] = []  # the kind of every open element
    pre, cell = int(preformatted), 0  # how many open <pre> / one-line cells
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            kind = _start_kind(el, tag)
            kinds.append(kind)
            if kind == "skip":
                walker.skip_subtree()
                continue
            pre += kind == "pre"
            cell += kind == "cell"
            if tag in _CELL_TAGS:
                out.append(_CELL)
            elif tag == "br":
                out.append(" " if cell else _BR)
            else:
                out.append(_break_for(tag, cell > 0))
            if el.text:
                out.append(el.text.expandtabs().translate(_PRE_TABLE) if pre else el.text)
            continue
        kind = kinds.pop()
        if kind != "skip":
            out.append(_break_for(tag, cell > 0))
            pre -= kind == "pre"
            cell -= kind == "cell"
        if el.tail:
            out.append(el.tail.expandtabs().translate(_PRE_TABLE) if pre else el.tail)
    return "".join(out)


def _cover_facts(root: etree._Element) -> dict[str, str]:
    """Return the inline-XBRL dei: facts of a document, hidden header included, first wins."""
    facts: dict[str, str] = {}
    for el in root.iter(*_FACT_TAGS):
        name = el.get("name") or ""
        if name.startswith("dei:"):
            value = " ".join(el.xpath("string()").split())
            facts.setdefault(name[4:], value)
    return facts


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Return the visible text of an HTML or iXBRL document and its dei: cover facts."""
    try:
        root = _parse_html(html)
    except etree.ParserError:  # lxml's "Document is empty" for markup without content
        root = None
    if root is None:
        return "", {}
    # A text document with a few tags around it (no <pre>) keeps its line layout.
    preformatted = html.count("\n") > _TEXT_LIKE_LINES * sum(1 for _ in root.iter())
    return _finish_text(_walk_text(root, preformatted)), _cover_facts(root)


# --- plain text -----------------------------------------------------------------------------

# An SGML marker inside a line of text: "<CAPTION> Balance", "<S>Net sales"
_MARKER = re.compile(r"</?(?:PAGE|S|C|TABLE|CAPTION|FN)>", re.IGNORECASE)
# A line holding nothing but SGML markers: "<PAGE>   3", "<S>     <C>      <C>", "</TABLE>"
_MARKERS_ONLY = re.compile(
    r"[ \t]*(?:</?(?:S|C|TABLE|CAPTION|FN)>[ \t]*|<PAGE>[ \t]*\d*[ \t]*)+", re.IGNORECASE
)
# Four or more line breaks; spelled with a literal head so that the search skips to "\n\n\n\n"
# in C (as "\n{4,}" it tried every character)
_MANY_BLANKS = re.compile(r"\n\n\n\n+")


def plain_to_text(body: str) -> str:
    """Return an old plain-text document without its SGML markers, keeping its line layout."""
    text = body if body.endswith("\n") else body + "\n"
    # Line by line, and regexes only on lines with a "<": multiline regexes try every character.
    lines = (_unmark(line) if "<" in line else line for line in text.split("\n"))
    text = "\n".join([line.rstrip(" \t") for line in lines if line is not None])
    return _MANY_BLANKS.sub("\n\n\n", text).strip("\n")


def _unmark(line: str) -> str | None:
    """Return a line with its SGML markers blanked out, or None if it holds nothing else.

    The markers are blanked, not removed, so that the columns after them stay aligned.
    """
    if _MARKERS_ONLY.fullmatch(line):
        return None
    return _MARKER.sub(lambda m: " " * len(m.group()), line)
