"""Entries of the CMS's stream lists: category and tag pages, timeline fragments, the "xem thêm" list.

Entries are many per page, so this module reads each entry's parts from one walk of it (or from the page
index) rather than with a query per part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thcrawl.extract.entry_parts import first_parts, markers
from thcrawl.extract.nodes import Element, descendants, first_with_tag, string_value, with_tag
from thcrawl.items import ListingEntry, SeeMoreEntry
from thcrawl.text import clean
from thcrawl.urls import absolute, article_id

# Both class families: box-stream-* (this CMS's timelines) and box-category-* (other family sites).
ENTRY_CSS = ".box-stream-item, .box-category-item"


def _is_placeholder(src: str) -> bool:
    lowered = src.lower()  # plain `in` tests: a case-insensitive regex is ten times slower on CDN URLs
    return ("data:" in lowered or "placeholder" in lowered or "blank.gif" in lowered or "loading" in lowered
            or "lazy." in lowered)


def image_url(img: Element) -> str | None:
    """The real image of an <img>: data-original, then data-src (lazy loading), then a real src."""
    attributes = img.attributes
    for attribute in ("data-original", "data-src", "src"):
        value = attributes.get(attribute)
        if value and (value := value.strip()) and not _is_placeholder(value):
            return value
    return None


def _parts(element: Element) -> dict[str, Element]:
    """One walk over the entry instead of a query per part (the page index files the parts of an
    article's entries in its own walk; listing pages come here)."""
    return first_parts((child, markers(classes)) for child in descendants(element)
                       if (classes := child.attributes.get("class")))


def _part_text(parts: dict[str, Element], name: str) -> str | None:
    element = parts.get(name)
    return clean(string_value(element)) or None if element is not None else None


def parse_entry(element: Element, base_url: str, kind: type[SeeMoreEntry] = ListingEntry,
                parts: dict[str, Element] | None = None) -> SeeMoreEntry | None:
    """One entry as `kind`: a ListingEntry (with its category), or a SeeMoreEntry under an article.
    `parts`: the entry's parts when the caller has them already (see entry_parts.first_parts)."""
    if parts is None:
        parts = _parts(element)
    link = parts.get("link")
    href = link.attributes.get("href") if link is not None else None
    if not href:
        href = next((h for a in with_tag(element, "a") if (h := a.attributes.get("href")) and article_id(h)), None)
    url = absolute(href, base_url)
    if not url:
        return None
    title = clean(string_value(link)) if link is not None else ""
    if not title:
        titled = link if link is not None else first_with_tag(element, "a")
        title = clean(titled.attributes.get("title")) if titled is not None else ""
    avatar = parts.get("avatar")
    img = first_with_tag(avatar if avatar is not None else element, "img")
    if img is None and avatar is not None:
        img = first_with_tag(element, "img")
    source = image_url(img) if img is not None else None
    entry = kind(
        id=element.attributes.get("data-id") or article_id(url),
        url=url,
        title=title or None,
        published_raw=_part_text(parts, "time"),
        summary=_part_text(parts, "sapo"),
        thumbnail=absolute(source, base_url) if source else None,
    )
    if kind is ListingEntry:
        entry.category = _part_text(parts, "category")
    return entry


def parse_entries(elements: list[Element], base_url: str, kind: type[SeeMoreEntry] = ListingEntry,
                  parts_of: Callable[[Element], dict[str, Element]] | None = None) -> list[Any]:
    """Entries in document order, each article once (a thumbnail and a title link are one entry).
    `parts_of`: where the caller has each entry's parts (a page index), else each entry is walked."""
    seen: set[str] = set()
    entries = []
    for element in elements:
        entry = parse_entry(element, base_url, kind, parts_of(element) if parts_of is not None else None)
        if entry is None:
            continue
        key = entry.id or entry.url
        if key in seen:
            continue
        seen.add(key)
        entries.append(entry)
    return entries
