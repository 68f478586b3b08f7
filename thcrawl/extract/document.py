"""Turning response bytes into a parsed page, and telling which kind of page they are.

Pages are parsed with lexbor (selectolax), an HTML5 parser: it parses the site's pages about three times
faster than libxml2, and a walk over its tree from Python costs about half as much as one over lxml's
(measured in BENCHMARKS.md). Only the generic fallback extractor still builds an lxml tree.
"""

from __future__ import annotations

import enum
import re

from selectolax.lexbor import LexborHTMLParser
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
)

from thcrawl.extract.allocator import keep_heap_top

keep_heap_top()  # wherever pages are parsed (crawl, parse, reparse, benchmark): see allocator.py

_HTML_SIGN_RE = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|div|p|article|h1|span|a)[\s>/]", re.I)


class NotHtmlError(ValueError):
    """The bytes are empty or are not an HTML document."""


class PageKind(enum.Enum):
    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


# Charsets a server claims by mistake for pages that are really UTF-8 (w3lib's names for them).
_SINGLE_BYTE_LATIN = {"cp1252", "latin-1", "latin_1", "iso8859-1", "iso-8859-1", "ascii", "us-ascii"}


def _check_html(body: bytes) -> None:
    if not body or body.isspace():
        raise NotHtmlError("the page is empty")
    if body.find(b"\x00", 0, 4096) >= 0 or not _HTML_SIGN_RE.search(body, 0, 65536):  # no copies of the body
        raise NotHtmlError("not an HTML page")


def _encoding(body: bytes, content_type: str | None) -> str | None:
    """"utf-8" for a UTF-8 page without a BOM, None for any other page (w3lib decodes those, BOM included).
    Decided like Scrapy does (HTTP header charset, then BOM, then <meta charset>, then UTF-8), except that a
    page claiming a Western single-byte charset but valid as multi-byte UTF-8 is read as UTF-8: Vietnamese
    text cannot be written in those charsets, so the claim is wrong. Found without decoding the body: most
    pages are UTF-8, and lexbor reads their bytes directly."""
    if read_bom(body)[0] is not None:
        return None
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body) or "utf-8"
    if declared in ("utf-8", "utf8"):
        return "utf-8"
    if declared in _SINGLE_BYTE_LATIN and not body.isascii():
        try:
            body.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    return None


def load(body: bytes, content_type: str | None = None) -> LexborHTMLParser:
    """Parse the page. lexbor reads bytes as UTF-8, so a UTF-8 page without a BOM (nearly every page of
    the site) goes to it as bytes, which spares a decode; any other page is decoded first."""
    _check_html(body)
    encoding = _encoding(body, content_type)
    return LexborHTMLParser(body if encoding == "utf-8" else html_to_unicode(content_type, body)[1])


def detect_kind(tree: LexborHTMLParser) -> PageKind:
    """An article has the CMS title (or NewsArticle metadata); a listing has stream entries."""
    if tree.css_first("h1.detail-title, [data-role=title]") is not None or any(
            "NewsArticle" in script.text() for script in tree.css('script[type="application/ld+json"]')):
        return PageKind.ARTICLE
    if tree.css_first(".box-stream-item, .box-category-item") is not None:
        return PageKind.LISTING
    return PageKind.OTHER
