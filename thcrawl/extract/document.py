"""Turning response bytes into a parsel Selector, and telling which kind of page they are."""

from __future__ import annotations

import enum
import re
from functools import lru_cache

from lxml import etree
from parsel import Selector
from w3lib.encoding import html_to_unicode

_HTML_SIGN_RE = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|div|p|article|h1|span|a)[\s>/]", re.I)


class NotHtmlError(ValueError):
    """The bytes are empty or are not an HTML document."""


class PageKind(enum.Enum):
    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


# Charsets a server claims by mistake for pages that are really UTF-8 (w3lib's names for them).
_SINGLE_BYTE_LATIN = {"cp1252", "latin-1", "latin_1", "iso8859-1", "iso-8859-1", "ascii", "us-ascii"}


def decode(body: bytes, content_type: str | None = None) -> str:
    """Decode like Scrapy does (HTTP header charset, then BOM, then <meta charset>, then UTF-8), except
    that a page claiming a Western single-byte charset but valid as multi-byte UTF-8 is read as UTF-8:
    Vietnamese text cannot be written in those charsets, so the claim is wrong."""
    return _decode(body, content_type)[0]


def _decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, the encoding it was decoded with)."""
    if not body or not body.strip():
        raise NotHtmlError("the page is empty")
    if b"\x00" in body[:4096] or not _HTML_SIGN_RE.search(body[:65536]):
        raise NotHtmlError("not an HTML page")
    encoding, text = html_to_unicode(content_type, body)
    if encoding.lower() in _SINGLE_BYTE_LATIN and not body.isascii():
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return text, encoding


@lru_cache(maxsize=16)
def _parser(encoding: str) -> etree.HTMLParser:
    return etree.HTMLParser(encoding=encoding)


def load(body: bytes, content_type: str | None = None) -> Selector:
    """Parse the page. A UTF-8 page without a BOM (nearly every page of the site) goes to lxml as bytes,
    which spares a decode-and-re-encode round trip; any other page takes the text path."""
    text, encoding = _decode(body, content_type)
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and not body.startswith(b"\xef\xbb\xbf"):
        try:
            root = etree.fromstring(body, _parser("utf-8"))
        except (LookupError, ValueError, etree.ParserError):
            root = None
        if root is not None:
            return Selector(root=root, type="html")
    return Selector(text=text, type="html")


def detect_kind(selector: Selector) -> PageKind:
    """An article has the CMS title (or NewsArticle metadata); a listing has stream entries."""
    if selector.css("h1.detail-title, [data-role=title]") or selector.xpath(
        "//script[@type='application/ld+json'][contains(., 'NewsArticle')]"
    ):
        return PageKind.ARTICLE
    if selector.css("div.box-stream-item, div.box-category-item, .box-stream-item, .box-category-item"):
        return PageKind.LISTING
    return PageKind.OTHER
