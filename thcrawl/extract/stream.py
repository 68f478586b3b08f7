"""Entries of the CMS's stream lists: category and tag pages, timeline fragments, the "xem thêm" list.

Entries are many per page, so this module works on lxml elements with precompiled XPath expressions
(parsel's per-call wrappers cost more than the queries themselves here).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lxml import etree

from thcrawl.extract.index import string_value
from thcrawl.items import ListingEntry, SeeMoreEntry
from thcrawl.text import clean
from thcrawl.urls import absolute, article_id

# Both class families: box-stream-* (this CMS's timelines) and box-category-* (other family sites).
ENTRY_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' box-stream-item ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' box-category-item ')]"
)
_HREFS = etree.XPath(".//a/@href")


def _is_placeholder(src: str) -> bool:
    lowered = src.lower()  # plain `in` tests: a case-insensitive regex is ten times slower on CDN URLs
    return ("data:" in lowered or "placeholder" in lowered or "blank.gif" in lowered or "loading" in lowered
            or "lazy." in lowered)


def _element(node: Any) -> etree._Element:
    return getattr(node, "root", node)  # a parsel Selector or an lxml element


def image_url(img: Any) -> str | None:
    """The real image of an <img>: data-original, then data-src (lazy loading), then a real src."""
    element = _element(img)
    for attribute in ("data-original", "data-src", "src"):
        value = element.get(attribute)
        if value and (value := value.strip()) and not _is_placeholder(value):
            return value
    return None


# Parts of an entry, by a class name each part carries in both families (…-link-title, …-time, …).
_PARTS = (("link-title", "link"), ("link-with-avatar", "avatar"), ("-time", "time"), ("-sapo", "sapo"),
          ("-category", "category"))


@lru_cache(maxsize=512)  # a template repeats the same few class attributes in every entry
def _markers(classes: str) -> tuple[str, ...]:
    """The parts a class attribute can mark, in _PARTS order."""
    return tuple(part for marker, part in _PARTS if marker in classes) if "box-" in classes else ()


def _parts(element: etree._Element, class_of: dict[etree._Element, str] | None = None) -> dict[str, etree._Element]:
    """One walk over the entry instead of a query per part (entries are many per page). `class_of`, the
    page index's class attributes, spares reading each attribute again."""
    found: dict[str, etree._Element] = {}
    for child in element.iterdescendants():
        classes = class_of.get(child) if class_of is not None else child.get("class")
        if not classes:
            continue
        for part in _markers(classes):
            if part not in found:
                found[part] = child
                break
    return found


def _part_text(parts: dict[str, etree._Element], name: str) -> str | None:
    element = parts.get(name)
    return clean(string_value(element)) or None if element is not None else None


def parse_entry(node: Any, base_url: str, kind: type[SeeMoreEntry] = ListingEntry,
                class_of: dict[etree._Element, str] | None = None) -> SeeMoreEntry | None:
    """One entry as `kind`: a ListingEntry (with its category), or a SeeMoreEntry under an article."""
    element = _element(node)
    parts = _parts(element, class_of)
    link = parts.get("link")
    href = link.get("href") if link is not None else None
    if not href:
        href = next((h for h in _HREFS(element) if article_id(h)), None)
    url = absolute(href, base_url)
    if not url:
        return None
    title = clean(string_value(link)) if link is not None else ""
    if not title:
        titled = link if link is not None else next(iter(element.iter("a")), None)
        title = clean(titled.get("title")) if titled is not None else ""
    avatar = parts.get("avatar")
    img = next(iter((avatar if avatar is not None else element).iter("img")), None)
    if img is None:
        img = next(iter(element.iter("img")), None)
    source = image_url(img) if img is not None else None
    entry = kind(
        id=element.get("data-id") or article_id(url),
        url=url,
        title=title or None,
        published_raw=_part_text(parts, "time"),
        summary=_part_text(parts, "sapo"),
        thumbnail=absolute(source, base_url) if source else None,
    )
    if kind is ListingEntry:
        entry.category = _part_text(parts, "category")
    return entry


def parse_entries(nodes: list[Any], base_url: str, kind: type[SeeMoreEntry] = ListingEntry,
                  class_of: dict[etree._Element, str] | None = None) -> list[Any]:
    """Entries in document order, each article once (a thumbnail and a title link are one entry)."""
    seen: set[str] = set()
    entries = []
    for node in nodes:
        entry = parse_entry(node, base_url, kind, class_of)
        if entry is None:
            continue
        key = entry.id or entry.url
        if key in seen:
            continue
        seen.add(key)
        entries.append(entry)
    return entries
