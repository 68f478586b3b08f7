"""Structured metadata of a page: JSON-LD objects and <meta> properties (the first extraction layer)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml import etree
from parsel import Selector

_META = etree.XPath("//meta[@property = $name or @name = $name]/@content")
_JSONLD = etree.XPath("//script[@type='application/ld+json']/text()")
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href")
ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "VideoObject"}


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


class Metadata:
    def __init__(self, selector: Selector) -> None:
        self._root = selector.root
        self.jsonld: list[dict[str, Any]] = []
        for raw in _JSONLD(self._root):
            try:
                # strict=False: CMS templates leave raw newlines inside JSON strings.
                self.jsonld.extend(_objects(json.loads(raw, strict=False)))
            except ValueError:
                continue

    def first(self, types: set[str]) -> dict[str, Any]:
        for obj in self.jsonld:
            if _types(obj) & types:
                return obj
        return {}

    @property
    def article(self) -> dict[str, Any]:
        return self.first(ARTICLE_TYPES)

    @property
    def breadcrumb(self) -> list[dict[str, Any]]:
        """BreadcrumbList items in position order, as {'url', 'name'}."""
        items = self.first({"BreadcrumbList"}).get("itemListElement") or []
        out = []
        for entry in sorted((e for e in items if isinstance(e, dict)), key=lambda e: e.get("position", 0)):
            target = entry.get("item")
            if isinstance(target, dict):
                out.append({"url": target.get("@id") or target.get("url"), "name": target.get("name")})
            else:
                out.append({"url": target, "name": entry.get("name")})
        return out

    def meta(self, name: str) -> str | None:
        """Content of <meta property=name> or <meta name=name>."""
        found = _META(self._root, name=name)
        value = found[0].strip() if found else ""
        return value or None

    @property
    def canonical(self) -> str | None:
        found = _CANONICAL(self._root)
        return found[0] if found else self.meta("og:url")
