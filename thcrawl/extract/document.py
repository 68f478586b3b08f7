"""Turning response bytes into a parsel Selector.

Pages are decoded the way Scrapy decodes them (HTTP charset, BOM, <meta charset>, then UTF-8), parsed by lxml's
HTML parser as parsel parses them, and wrapped in a parsel Selector (PageSelector), so a selector that works in
`scrapy shell` works here unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from lxml import etree
from parsel import Selector, SelectorList
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


def _body_declared_encoding(body: bytes) -> str | None:
    """w3lib's reading of a <meta> charset or XML encoding declaration in the first 4 KB. A declaration spells
    "charset" or "encoding", so without either word there is none, and w3lib's scan of the 4 KB (35 µs on
    pages whose head declares no charset early) is spared."""
    head = body[:4096].lower()
    if b"charset" not in head and b"encoding" not in head:
        return None
    return html_body_declared_encoding(body)


def _is_utf8(body: bytes, content_type: str | None) -> bool:
    """Whether the page is read as UTF-8, decided like Scrapy (HTTP charset, BOM, <meta charset>, UTF-8);
    a page claiming a Western single-byte charset but valid as UTF-8 is read as UTF-8: Vietnamese cannot be
    written in those charsets, so the claim is wrong."""
    if read_bom(body)[0] is not None:
        return False
    declared = http_content_type_encoding(content_type) or _body_declared_encoding(body) or "utf-8"
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


_ENCODING_ERRORS = frozenset({etree.ErrorTypes.ERR_INVALID_CHAR, etree.ErrorTypes.ERR_INVALID_ENCODING})


class PageSelector(Selector):
    """A parsel Selector that compiles each XPath query once. parsel rebuilds its namespace map and the key of
    its compiled-query cache at every `.xpath()` (and `.css()`) call: 4-5 µs a call, which over the ~30 queries
    of an article page was 5-7 % of its extraction (measured on ../shared/realpages). The queries, the
    namespaces they see and the answers are parsel's own; a query with variables or namespaces of its own, or
    one that parsel would not cache, goes to parsel's code."""

    def xpath(self, query: str, namespaces: Mapping[str, str] | None = None, **kwargs: Any) -> SelectorList:
        evaluator = (_compiled(query) if namespaces is None and not kwargs and self.type == "html"
                     and isinstance(self.root, etree._Element) and self.namespaces == self._default_namespaces
                     else None)
        if evaluator is None:
            return super().xpath(query, namespaces, **kwargs)
        try:
            result = evaluator(self.root)
        except etree.XPathError as exc:
            raise ValueError(f"XPath error: {exc} in {query}") from exc
        return self.selectorlist_cls([self.__class__(root=node, type="html", _expr=query)
                                      for node in (result if isinstance(result, list) else [result])])


@lru_cache(maxsize=2048)
def _compiled(query: str) -> etree.XPath | None:
    """The query compiled with the namespaces parsel gives it (its EXSLT regular expressions always, its other
    EXSLT namespaces when the query names them); None for a query parsel compiles at each call (one naming those
    other EXSLT namespaces) or cannot compile (parsel's error is raised then)."""
    namespaces = {prefix: uri for prefix, uri in Selector._default_namespaces.items()
                  if prefix == "re" or f"{prefix}:" in query}
    if len(namespaces) > 1:
        return None
    try:
        return etree.XPath(query, namespaces=namespaces, smart_strings=False)
    except etree.XPathError:
        return None


def _selector(utf8: bytes) -> Selector:
    """The page parsed from UTF-8 bytes as parsel parses them (NUL bytes dropped; bytes that are not UTF-8
    replaced, since libxml2 would cut the text there), into lxml's plain element classes: lxml.html's parser
    (parsel's default) calls back into Python to choose a class for every element the page object touches,
    which cost 4 % of the extraction time (measured on ../shared/realpages). The tree, and so every selector's
    answer, is the same."""
    utf8 = utf8.replace(b"\x00", b"")
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(utf8, parser=parser)
    if any(error.type in _ENCODING_ERRORS for error in parser.error_log):
        return _selector(utf8.decode("utf-8", "replace").encode("utf-8"))
    return PageSelector(root=root if root is not None else etree.fromstring(b"<html/>", parser=parser), type="html")


def load(body: bytes, content_type: str | None = None) -> Selector:
    """The parsed page as a parsel Selector, which answers every query as `response.selector` does in
    `scrapy shell`. A UTF-8 page (nearly every page of the site) goes to the parser as bytes, which spares a
    decode and an encode."""
    _check_html(body)
    if _is_utf8(body, content_type):
        return _selector(body)
    return _selector(html_to_unicode(content_type, body)[1].encode("utf-8"))
