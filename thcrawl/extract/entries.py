"""Entries of lists of articles: category and tag pages, timeline fragments, see-more and related lists.

An entry is read from what its parts are: the title link (a link-title class, else the link in a heading,
else the first link with text), the time, the summary, the thumbnail. Two ways to find the entries:
the CMS family's entry boxes (`box-stream-item`, `box-category-item`, `box-item`), and, for lists laid out
otherwise, the entry of each article link: the largest element around it that links to no other article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from parsel import Selector, SelectorList

from thcrawl.items import ListingEntry, SeeMoreEntry
from thcrawl.text import clean
from thcrawl.urls import absolute, article_id

# The family's entry boxes, by whole class token: box-stream-item, box-category-item, box-item, and the
# sub-entries of a category's head box (box-category-item-sub).
CMS_ENTRY_XPATH = "descendant-or-self::*[re:test(@class, '(^|\\s)box-(stream-|category-)?item(-sub)?(\\s|$)')]"
# Article URLs of other sites: a numeric ID of 6+ digits ending the slug (vnexpress: "-5047363.html").
_GENERIC_ARTICLE_RE = re.compile(r"-\d{6,}(?:\.[a-z]{2,5})?/?$")
_PLACEHOLDER_PIECES = ("data:", "placeholder", "blank.gif", "loading", "lazy.", "1x1")


def is_article_link(url: str | None) -> bool:
    if not url:
        return False
    path = url.split("?", 1)[0].split("#", 1)[0]
    return article_id(path) is not None or bool(_GENERIC_ARTICLE_RE.search(path))


def image_url(img: Selector) -> str | None:
    """The real image of an <img>: data-original, then data-src (lazy loading), then a real src."""
    for attribute in ("data-original", "data-src", "src"):
        value = (img.attrib.get(attribute) or "").strip()
        if value and not any(piece in value.lower() for piece in _PLACEHOLDER_PIECES):
            return value
    return None


def _first_text(found: SelectorList) -> str | None:
    for element in found:
        if text := clean(element.xpath("string()").get()):
            return text
    return None


def _class_has(piece: str) -> str:
    return f"contains(@class, '{piece}')"


def read_entry(element: Selector, base_url: str, kind: type[SeeMoreEntry] = ListingEntry) -> Any:
    """One entry as `kind` (ListingEntry or SeeMoreEntry), or None when it links to no page."""
    links = element.xpath(f".//a[{_class_has('link-title')}][@href]") \
        or element.xpath(".//*[self::h2 or self::h3 or self::h4 or self::h5]//a[@href]") \
        or [a for a in element.xpath(".//a[@href]") if is_article_link(a.attrib["href"])] \
        or element.xpath("descendant-or-self::a[@href]")
    if not links:
        return None
    link = links[0]
    url = absolute(link.attrib["href"], base_url)
    if not url:
        return None
    title = clean(link.xpath("string()").get()) or clean(link.attrib.get("title")) \
        or clean(element.xpath(".//a/@title").get())
    time = _first_text(element.xpath(f".//*[{_class_has('time')} or {_class_has('date')} or self::time]"))
    summary = _first_text(element.xpath(f".//*[{_class_has('sapo')} or {_class_has('description')}"
                                        f" or {_class_has('summary')}]"))
    img = element.xpath(".//img")
    thumbnail = image_url(img[0]) if img else None
    entry = kind(id=element.attrib.get("data-id") or element.attrib.get("data-focus-id") or article_id(url),
                 url=url, title=title or None, published_raw=time, summary=summary,
                 thumbnail=absolute(thumbnail, base_url) if thumbnail else None)
    if isinstance(entry, ListingEntry):
        # A class token ending in "-category" (box-stream-category), not box-category-* parts.
        entry.category = _first_text(element.xpath(".//*[re:test(@class, '(^|\\s)[\\w-]+-category(\\s|$)')]"))
    return entry


def cms_entries(scope: Selector) -> list[Selector]:
    """The family's entry boxes in the scope, outermost only, in document order."""
    boxes = scope.xpath(CMS_ENTRY_XPATH)
    roots = {box.root for box in boxes}
    return [box for box in boxes if not any(a in roots for a in box.root.iterancestors())]


def link_entries(scope: Selector) -> list[Selector]:
    """For each article linked in the scope, the largest element around its first link that links to no
    other article: a list laid out in rows, cells or containers of any class reads whole."""
    entries: list[Selector] = []
    seen: set[str] = set()
    stop = scope.root
    for link in scope.xpath(".//a[@href]"):
        href = link.attrib["href"].split("#", 1)[0]
        if href in seen or not is_article_link(href):
            continue
        seen.add(href)
        element = link.root
        while (parent := element.getparent()) is not None and parent is not stop and all(
                h.split("#", 1)[0] == href or not is_article_link(h) for h in parent.xpath(".//a/@href")):
            element = parent
        entries.append(Selector(root=element, type="html"))
    return entries


def read_entries(elements: Iterable[Selector], base_url: str, kind: type[SeeMoreEntry] = ListingEntry,
                 exclude_id: str | None = None) -> list[Any]:
    """Entries in document order, each article once (a thumbnail and a title link are one entry)."""
    seen: set[str] = set()
    out = []
    for element in elements:
        entry = read_entry(element, base_url, kind)
        if entry is None or not entry.title:
            continue
        key = entry.id or entry.url
        if key in seen or (exclude_id and entry.id == exclude_id):
            continue
        seen.add(key)
        out.append(entry)
    return out
