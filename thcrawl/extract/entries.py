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

from lxml import etree
from parsel import Selector

from thcrawl.items import ListingEntry, SeeMoreEntry
from thcrawl.text import clean
from thcrawl.urls import absolute, article_id

# The family's entry boxes, by whole class token: box-stream-item, box-category-item, box-item, and the
# sub-entries of a category's head box (box-category-item-sub). The contains() comes first because libxml2
# tests it in C, while re:test calls back into Python for each element (5x the cost over a see-more list).
CMS_ENTRY_XPATH = ("descendant-or-self::*[contains(@class, 'box-')]"
                   "[re:test(@class, '(^|\\s)box-(stream-|category-)?item(-sub)?(\\s|$)')]")
_LINK_HREFS = etree.XPath("descendant::a/@href")  # compiled once: element.xpath() compiles at every call
# Article URLs of other sites: a numeric ID of 6+ digits ending the slug (vnexpress: "-5047363.html").
_GENERIC_ARTICLE_RE = re.compile(r"-\d{6,}(?:\.[a-z]{2,5})?/?$")
_PLACEHOLDER_PIECES = ("data:", "placeholder", "blank.gif", "loading", "lazy.", "1x1")


def is_article_link(url: str | None) -> bool:
    if not url:
        return False
    path = url.split("?", 1)[0].split("#", 1)[0]
    return article_id(path) is not None or bool(_GENERIC_ARTICLE_RE.search(path))


def links_to_an_article(scope: Selector) -> bool:
    """Whether a link in the scope leads to an article (hrefs read as strings: no Selector for each)."""
    return any(is_article_link(href) for href in _LINK_HREFS(scope.root))


def image_url(img: Selector) -> str | None:
    """The real image of an <img>: data-original, then data-src (lazy loading), then a real src."""
    attributes = img.attrib  # parsel builds this dict at each access
    for attribute in ("data-original", "data-src", "src"):
        value = (attributes.get(attribute) or "").strip()
        if value and not any(piece in value.lower() for piece in _PLACEHOLDER_PIECES):
            return value
    return None


def _text(element: etree._Element | None) -> str | None:
    return clean(" ".join(element.itertext())) or None if element is not None else None


_HEADINGS = {"h2", "h3", "h4", "h5"}
_CATEGORY_RE = re.compile(r"(?:^|\s)[\w-]+-category(?:\s|$)")  # box-stream-category, not box-category-*


def _under_heading(node: etree._Element, root: etree._Element) -> bool:
    """Whether a heading (h2-h5) inside the entry holds the node."""
    for ancestor in node.iterancestors():
        if ancestor.tag in _HEADINGS:
            return True
        if ancestor is root:
            return False
    return False


def _parts(root: etree._Element) -> dict[str, etree._Element]:
    """An entry's parts from one walk over it (an entry has a dozen elements; a query per part costs more):
    the first element of each kind that has text (images and links need none)."""
    parts: dict[str, etree._Element] = {}
    for node in root.iter(tag=etree.Element):
        tag, classes = node.tag, node.get("class", "")
        if tag == "a" and node.get("href"):
            if "link-title" in classes:
                parts.setdefault("title_link", node)
            if "heading_link" not in parts and _under_heading(node, root):
                parts["heading_link"] = node
            if "article_link" not in parts and is_article_link(node.get("href")):
                parts["article_link"] = node
            parts.setdefault("any_link", node)
        elif tag == "img":
            parts.setdefault("img", node)
        if not classes and tag != "time":
            continue
        for part, found in (("time", tag == "time" or "time" in classes or "date" in classes),
                            ("summary", "sapo" in classes or "description" in classes or "summary" in classes),
                            ("category", "-category" in classes and bool(_CATEGORY_RE.search(classes)))):
            if found and part not in parts and _text(node):
                parts[part] = node
    return parts


def read_entry(element: Selector, base_url: str, kind: type[SeeMoreEntry] = ListingEntry) -> Any:
    """One entry as `kind` (ListingEntry or SeeMoreEntry), or None when it links to no page. The title link
    is the link-title one, else the link in a heading, else the first link to an article."""
    root = element.root
    parts = _parts(root)
    # (lxml elements are tested against None, never for truth: an element without children is falsy.)
    link = next((parts[k] for k in ("title_link", "heading_link", "article_link", "any_link") if k in parts),
                root if root.tag == "a" and root.get("href") else None)
    if link is None:
        return None
    url = absolute(link.get("href"), base_url)
    if not url:
        return None
    title = _text(link) or clean(link.get("title")) or clean(next((a.get("title") for a in root.iter("a")
                                                                    if a.get("title")), None))
    img = parts.get("img")
    thumbnail = image_url(Selector(root=img, type="html")) if img is not None else None
    entry = kind(id=root.get("data-id") or root.get("data-focus-id") or article_id(url),
                 url=url, title=title or None, published_raw=_text(parts.get("time")),
                 summary=_text(parts.get("summary")), thumbnail=absolute(thumbnail, base_url) if thumbnail else None)
    if isinstance(entry, ListingEntry):
        entry.category = _text(parts.get("category"))
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
    for link in scope.xpath("descendant::a[@href]"):
        href = link.attrib["href"].split("#", 1)[0]
        if href in seen or not is_article_link(href):
            continue
        seen.add(href)
        element = link.root
        while (parent := element.getparent()) is not None and parent is not stop and all(
                h.split("#", 1)[0] == href or not is_article_link(h) for h in _LINK_HREFS(parent)):
            element = parent
        entries.append(scope.__class__(root=element, type="html"))
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
