"""Entries of the CMS's stream lists: category and tag pages, timeline fragments, the "xem thêm" list."""

from __future__ import annotations

from parsel import Selector

from thcrawl.items import ListingEntry
from thcrawl.text import clean
from thcrawl.urls import absolute, article_id

# Both class families: box-stream-* (this CMS's timelines) and box-category-* (other family sites).
ENTRY_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' box-stream-item ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' box-category-item ')]"
)
_TITLE_LINK = ".//a[contains(@class, 'box-stream-link-title') or contains(@class, 'box-category-link-title')]"
_AVATAR_LINK = (
    ".//a[contains(@class, 'box-stream-link-with-avatar') or contains(@class, 'box-category-link-with-avatar')]"
)
_TIME = ".//*[contains(@class, 'box-stream-time') or contains(@class, 'box-category-time')]"
_SAPO = ".//*[contains(@class, 'box-stream-sapo') or contains(@class, 'box-category-sapo')]"
_PLACEHOLDER_HINTS = ("data:", "placeholder", "blank.gif", "loading", "lazy.")


def image_url(img: Selector) -> str | None:
    """The real image of an <img>: data-original, then data-src (lazy loading), then a real src."""
    for attribute in ("data-original", "data-src", "src"):
        value = (img.attrib.get(attribute) or "").strip()
        if value and not any(hint in value.lower() for hint in _PLACEHOLDER_HINTS):
            return value
    return None


def parse_entry(node: Selector, base_url: str) -> ListingEntry | None:
    link = node.xpath(_TITLE_LINK)
    href = link.attrib.get("href") if link else None
    if not href:
        href = next((h for h in node.xpath(".//a/@href").getall() if article_id(h)), None)
    url = absolute(href, base_url)
    if not url:
        return None
    title = clean(link.xpath("string()").get()) if link else ""
    if not title:
        title = clean(link.attrib.get("title") if link else None) or clean(node.xpath(".//a/@title").get())
    img = node.xpath(f"{_AVATAR_LINK}//img | .//img")
    thumbnail = absolute(image_url(img[0]), base_url) if img else None
    category = node.xpath(".//a[contains(@class, 'box-stream-category') or contains(@class, 'box-category-category')]")
    return ListingEntry(
        id=node.attrib.get("data-id") or article_id(url),
        url=url,
        title=title or None,
        published_raw=clean(node.xpath(f"string({_TIME})").get()) or None,
        summary=clean(node.xpath(f"string({_SAPO})").get()) or None,
        thumbnail=thumbnail,
        category=clean(category.xpath("string()").get()) or None if category else None,
    )


def parse_entries(nodes: list[Selector], base_url: str) -> list[ListingEntry]:
    """Entries in document order, each article once (a thumbnail and a title link are one entry)."""
    seen: set[str] = set()
    entries = []
    for node in nodes:
        entry = parse_entry(node, base_url)
        if entry is None:
            continue
        key = entry.id or entry.url
        if key in seen:
            continue
        seen.add(key)
        entries.append(entry)
    return entries
