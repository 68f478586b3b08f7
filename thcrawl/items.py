"""The item schema, the product's public contract (docs/schema.md documents every field)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from itemadapter import ItemAdapter


@dataclass
class Image:
    url: str
    alt: str | None = None
    caption: str | None = None


@dataclass
class Video:
    url: str | None
    poster: str | None = None
    caption: str | None = None


@dataclass
class RelatedEntry:
    """An entry of the in-body related box."""

    id: str | None
    url: str
    title: str | None = None
    published_raw: str | None = None
    published_at: str | None = None


@dataclass
class SeeMoreEntry(RelatedEntry):
    """An entry of the "xem thêm" list: a related entry with its summary and thumbnail."""

    summary: str | None = None
    thumbnail: str | None = None


@dataclass
class Article:
    id: str | None
    url: str
    canonical_url: str | None = None
    category: str | None = None
    category_url: str | None = None
    title: str | None = None
    sapo: str | None = None
    authors: list[str] = field(default_factory=list)
    published_raw: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    id_created_at: str | None = None
    body: str = ""
    images: list[Image] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    related: list[RelatedEntry] = field(default_factory=list)
    see_more: list[SeeMoreEntry] = field(default_factory=list)
    lang: str | None = None
    crawled_at: str | None = None
    content_sha256: str | None = None
    extraction: dict[str, str | None] = field(default_factory=dict)
    version: int = 1
    updated_at: str | None = None


@dataclass
class ListingEntry(SeeMoreEntry):
    """One entry of a category, tag or timeline page."""

    category: str | None = None


_OUR_ITEMS = (Image, Video, RelatedEntry, SeeMoreEntry, ListingEntry, Article)


def as_dict(item: Any) -> dict[str, Any]:
    """A plain dict of an item (nested items included). Our own dataclasses are copied field by field:
    dataclasses.asdict deep-copies every value and costs ~1 ms an article; anything else goes through
    itemadapter like Scrapy's exporters."""
    if type(item) in _OUR_ITEMS:
        return _plain(item)
    return ItemAdapter(item).asdict()


_LEAVES = (str, type(None), int, float, bool)


def _plain(value: Any) -> Any:
    # Leaves (most values) are kept as they are without a call each.
    kind = type(value)
    if kind in _OUR_ITEMS:  # a dataclass's __dict__ holds its fields in declaration order
        return {name: v if type(v) in _LEAVES else _plain(v) for name, v in value.__dict__.items()}
    if kind is list:
        return [v if type(v) in _LEAVES else _plain(v) for v in value]
    if kind is dict:
        return {key: v if type(v) in _LEAVES else _plain(v) for key, v in value.items()}
    return value
