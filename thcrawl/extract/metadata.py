"""Structured metadata of a page: JSON-LD objects and <meta> properties (the first extraction layer)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from thcrawl.extract.index import PageIndex

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


def _load_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):
            raise  # nested past orjson's 1,024 levels: no metadata; the lenient parser would only recurse
        # CMS templates leave raw newlines inside JSON strings, which only the lenient parser reads.
        return json.loads(text, strict=False)


class Metadata:
    def __init__(self, index: PageIndex) -> None:
        self.jsonld: list[dict[str, Any]] = []
        self._meta: dict[str, str] = {}  # property or name -> the first such tag's content
        for script in index.with_type("application/ld+json"):
            text = script.text() if script.tag == "script" else ""
            if text:
                try:
                    self.jsonld.extend(_objects(_load_json(text)))
                except ValueError:
                    continue
        for tag in index.with_tag("meta"):
            attributes = tag.attributes
            content = attributes.get("content")
            if content is not None:
                for key in (attributes.get("property"), attributes.get("name")):
                    if key and key not in self._meta:
                        self._meta[key] = content
        self._canonical: str | None = None
        for link in index.with_tag("link"):
            attributes = link.attributes
            if attributes.get("rel") == "canonical" and (href := attributes.get("href")) is not None:
                self._canonical = href
                break

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
        return self._meta.get(name, "").strip() or None

    @property
    def canonical(self) -> str | None:
        return self._canonical if self._canonical is not None else self.meta("og:url")
