"""Page objects for RSS feeds and sitemaps, parsed without entity expansion, DTDs or network access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cached_property

from lxml import etree

from thcrawl.dates import normalize_date
from thcrawl.text import clean
from thcrawl.urls import absolute


class FeedError(ValueError):
    """The document is not a well-formed feed or sitemap."""


def _safe_parser() -> etree.XMLParser:
    # resolve_entities=False and load_dtd=False defuse entity bombs and external entities.
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                           recover=False, remove_comments=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class FeedEntry:
    url: str
    title: str | None = None
    published_at: datetime | None = None
    summary: str | None = None
    guid: str | None = None


class XmlPage:
    def __init__(self, body: bytes, url: str) -> None:
        self.url = url
        try:
            self.root = etree.fromstring(body.strip(), _safe_parser())
        except etree.XMLSyntaxError as exc:
            raise FeedError(f"not well-formed XML: {exc}") from exc
        if self.root is None:
            raise FeedError("empty document")

    def _children(self, parent: etree._Element, name: str) -> list[etree._Element]:
        return [child for child in parent if _local(child.tag) == name]

    def _text(self, parent: etree._Element, name: str) -> str | None:
        found = self._children(parent, name)
        return clean(found[0].text) if found and found[0].text else None


class FeedPage(XmlPage):
    """An RSS 2.0 feed: its items in document order."""

    @cached_property
    def entries(self) -> list[FeedEntry]:
        out = []
        for item in self.root.iter("{*}item", "item"):
            link = absolute(self._text(item, "link"), self.url)
            if not link:
                continue
            raw = self._text(item, "pubDate")
            try:
                when = parsedate_to_datetime(raw) if raw else None
            except (TypeError, ValueError):
                when = normalize_date(raw).value
            out.append(FeedEntry(url=link, title=self._text(item, "title"), published_at=when,
                                 summary=self._text(item, "description"), guid=self._text(item, "guid")))
        return out


class SitemapPage(XmlPage):
    """A sitemap index (child sitemaps) or a urlset (page URLs with lastmod)."""

    @property
    def is_index(self) -> bool:
        return _local(self.root.tag) == "sitemapindex"

    @cached_property
    def entries(self) -> list[FeedEntry]:
        name = "sitemap" if self.is_index else "url"
        out = []
        for node in self._children(self.root, name):
            loc = absolute(self._text(node, "loc"), self.url)
            if loc:
                lastmod = self._text(node, "lastmod")
                out.append(FeedEntry(url=loc, published_at=normalize_date(lastmod).value if lastmod else None))
        return out
