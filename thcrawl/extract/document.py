"""Turning response bytes into a parsel Selector.

Pages are decoded the way Scrapy decodes them (HTTP charset, BOM, <meta charset>, then UTF-8) and parsed by
parsel, so a selector that works in `scrapy shell` works here unchanged.
"""

from __future__ import annotations

import re

from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

_HTML_SIGN_RE = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|div|p|article|h1|span|a)[\s>/]", re.I)
# Charsets a server claims by mistake for pages that are really UTF-8 (w3lib's names for them).
_SINGLE_BYTE_LATIN = {"cp1252", "latin-1", "latin_1", "iso8859-1", "iso-8859-1", "ascii", "us-ascii"}


class NotHtmlError(ValueError):
    """The bytes are empty or are not an HTML document."""


def _check_html(body: bytes) -> None:
    if not body or body.isspace():
        raise NotHtmlError("the page is empty")
    if body.find(b"\x00", 0, 4096) >= 0 or not _HTML_SIGN_RE.search(body, 0, 65536):
        raise NotHtmlError("not an HTML page")


def _is_utf8(body: bytes, content_type: str | None) -> bool:
    """Whether the page is read as UTF-8, decided like Scrapy (HTTP charset, BOM, <meta charset>, UTF-8);
    a page claiming a Western single-byte charset but valid as UTF-8 is read as UTF-8: Vietnamese cannot be
    written in those charsets, so the claim is wrong."""
    if read_bom(body)[0] is not None:
        return False
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body) or "utf-8"
    if declared in ("utf-8", "utf8"):
        return True
    if declared in _SINGLE_BYTE_LATIN and not body.isascii():
        try:
            body.decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False
    return False


def decode(body: bytes, content_type: str | None = None) -> str:
    """The page's text (see _is_utf8 for the charset)."""
    _check_html(body)
    return body.decode("utf-8", "replace") if _is_utf8(body, content_type) else html_to_unicode(content_type, body)[1]


def load(body: bytes, content_type: str | None = None) -> Selector:
    """The parsed page, as the Selector a Scrapy user gets from `response.selector`. A UTF-8 page (nearly
    every page of the site) goes to the parser as bytes, which spares a decode and an encode."""
    _check_html(body)
    if _is_utf8(body, content_type):
        return Selector(body=body, encoding="utf-8", type="html")
    return Selector(text=html_to_unicode(content_type, body)[1], type="html")
