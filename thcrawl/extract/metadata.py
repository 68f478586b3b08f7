"""Structured metadata of a page: JSON-LD objects and <meta> properties, read with parsel.

Text from here is decoded exactly once per layer of encoding it went through: JSON escapes by the JSON
parser, then HTML character references once (templates write them into JSON-LD, where the HTML parser
does not decode them). <meta> attributes are decoded by the HTML parser already.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import orjson
from lxml import etree
from parsel import Selector

from thcrawl.text import clean

_HEAD_META = etree.XPath("/html/head/meta[@content]")
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "VideoObject", "AnalysisNewsArticle"}


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _objects(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _load_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):
            raise  # nested past orjson's 1,024 levels: no metadata; the lenient parser would only recurse
        # CMS templates leave raw newlines inside JSON strings, which only the lenient parser reads.
        return json.loads(text, strict=False)


def jsonld_text(value: Any) -> str:
    """A JSON-LD string as shown: HTML character references decoded once, whitespace collapsed."""
    return clean(html.unescape(value)) if isinstance(value, str) else ""


class Metadata:
    """JSON-LD and <meta> of one page. A block that does not parse, or nests past Python's recursion
    limit, is skipped: the fields it would have given fall to the next layer."""

    def __init__(self, page: Selector) -> None:
        self.page = page

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        objects: list[dict[str, Any]] = []
        for text in self.page.xpath('/descendant::script[@type="application/ld+json"]/text()').getall():
            try:
                objects.extend(_objects(_load_json(text)))
            except (ValueError, RecursionError):
                continue
        return objects

    def first(self, types: set[str]) -> dict[str, Any]:
        for obj in self.jsonld:
            if _types(obj) & types:
                return obj
        return {}

    @cached_property
    def article(self) -> dict[str, Any]:
        return self.first(ARTICLE_TYPES)

    def article_text(self, key: str) -> str:
        return jsonld_text(self.article.get(key))

    @cached_property
    def breadcrumb(self) -> list[tuple[str, str | None]]:
        """BreadcrumbList items in position order, as (name, url)."""
        items = self.first({"BreadcrumbList"}).get("itemListElement") or []
        out = []
        for entry in sorted((e for e in items if isinstance(e, dict)),
                            key=lambda e: e.get("position", 0) if isinstance(e.get("position"), int) else 0):
            target = entry.get("item")
            name, url = (target.get("name"), target.get("@id") or target.get("url")) if isinstance(target, dict) \
                else (entry.get("name"), target)
            if jsonld_text(name):
                out.append((jsonld_text(name), url if isinstance(url, str) else None))
        return out

    @cached_property
    def _head_meta(self) -> dict[str, str]:
        """<meta> of the <head>: property, name or itemprop -> the first such tag's content."""
        found: dict[str, str] = {}
        for tag in _HEAD_META(self.page.root):  # lxml elements: no Selector is built for each of the ~40 tags
            attributes = tag.attrib
            for key in (attributes.get("property"), attributes.get("name"), attributes.get("itemprop")):
                if key and key not in found:
                    found[key] = attributes["content"]
        return found

    def meta(self, *names: str) -> str | None:
        """Content of the first <meta property|name|itemprop=name> of the <head> present, whitespace
        collapsed; a page without a <head> (a fragment) is searched whole."""
        for name in names:
            if self._head_meta:
                found = self._head_meta.get(name)
            else:
                found = self.page.xpath("/descendant::meta[@property = $name or @name = $name or @itemprop = $name]"
                                        "/@content", name=name).get()
            if value := clean(found):
                return value
        return None
