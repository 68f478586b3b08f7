"""Entries of the CMS's stream lists: category and tag pages, timeline fragments, the "xem thêm" list.

Entries are many per page, so this module works on lxml elements with precompiled XPath expressions
(parsel's per-call wrappers cost more than the queries themselves here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from thcrawl.extract.entry_parts import first_parts, markers
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


def _parts(element: etree._Element) -> dict[str, etree._Element]:
    """One walk over the entry instead of a query per part (the page index files the parts of an
    article's entries in its own walk; listing pages come here)."""
    return first_parts((child, markers(classes)) for child in element.iterdescendants()
                       if (classes := child.get("class")))


def _part_text(parts: dict[str, etree._Element], name: str) -> str | None:
    element = parts.get(name)
    return clean(string_value(element)) or None if element is not None else None


def parse_entry(node: Any, base_url: str, kind: type[SeeMoreEntry] = ListingEntry,
                parts: dict[str, etree._Element] | None = None) -> SeeMoreEntry | None:
    """One entry as `kind`: a ListingEntry (with its category), or a SeeMoreEntry under an article.
    `parts`: the entry's parts when the caller has them already (see entry_parts.first_parts)."""
    element = _element(node)
    if parts is None:
        parts = _parts(element)
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
                  parts_of: Callable[[etree._Element], dict[str, etree._Element]] | None = None) -> list[Any]:
    """Entries in document order, each article once (a thumbnail and a title link are one entry).
    `parts_of`: where the caller has each entry's parts (a page index), else each entry is walked."""
    seen: set[str] = set()
    entries = []
    for node in nodes:
        element = _element(node)
        entry = parse_entry(element, base_url, kind, parts_of(element) if parts_of is not None else None)
        if entry is None:
            continue
        key = entry.id or entry.url
        if key in seen:
            continue
        seen.add(key)
        entries.append(entry)
    return entries
