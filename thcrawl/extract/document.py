"""Turning response bytes into a parsel Selector.

Pages are decoded the way Scrapy decodes them (HTTP charset, BOM, <meta charset>, then UTF-8) and parsed by
parsel, so a selector that works in `scrapy shell` works here unchanged.
"""

from __future__ import annotations

import re

from lxml import etree
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


# lxml's own element classes: lxml.html's parser (parsel's default) calls back into Python to choose a class for
# every element the page object touches, which cost 4 % of the extraction time (measured on ../shared/realpages);
# the tree, and so every selector's answer, is the same.
_ENCODING_ERRORS = frozenset({etree.ErrorTypes.ERR_INVALID_CHAR, etree.ErrorTypes.ERR_INVALID_ENCODING})


def _selector(utf8: bytes) -> Selector:
    """The page parsed from UTF-8 bytes as parsel parses them (NUL bytes dropped; bytes that are not UTF-8
    replaced, since libxml2 would cut the text there), with lxml's plain elements."""
    utf8 = utf8.replace(b"\x00", b"")
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(utf8, parser=parser)
    if any(error.type in _ENCODING_ERRORS for error in parser.error_log):
        return _selector(utf8.decode("utf-8", "replace").encode("utf-8"))
    return Selector(root=root if root is not None else etree.fromstring(b"<html/>", parser=parser), type="html")


def load(body: bytes, content_type: str | None = None) -> Selector:
    """The parsed page as a parsel Selector, which answers every query as `response.selector` does in
    `scrapy shell`. A UTF-8 page (nearly every page of the site) goes to the parser as bytes, which spares a
    decode and an encode."""
    _check_html(body)
    if _is_utf8(body, content_type):
        return _selector(body)
    return _selector(html_to_unicode(content_type, body)[1].encode("utf-8"))
