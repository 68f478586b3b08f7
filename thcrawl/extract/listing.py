"""The listing page object: category and tag pages and the /timelinelist/ AJAX fragments."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from parsel import Selector

from thcrawl.extract.document import load
from thcrawl.extract.stream import ENTRY_XPATH, parse_entries
from thcrawl.items import ListingEntry
from thcrawl.text import clean
from thcrawl.urls import absolute

# Entries in these containers are side boxes ("most read", ads), not the page's own list.
_SIDEBAR_XPATH = (
    "ancestor::*[self::aside or contains(@class, 'sidebar') or contains(@class, 'list__sub')"
    " or contains(@class, 'detail__sub') or contains(@class, 'most-view') or contains(@class, 'box-right')]"
)
_PAGE_IN_PATH_RE = re.compile(r"/trang-(\d+)\.htm$|/timeline\w*/[^/]+/(\d+)\.htm$")
_TIMELINE_TEMPLATE_RE = re.compile(r"""timeline\.url\s*=\s*['"]([^'"]*\{0\}[^'"]*\{1\}[^'"]*)['"]""")


class ListingPage:
    def __init__(self, body: bytes, url: str, content_type: str | None = None,
                 selector: Selector | None = None) -> None:
        self.url = url
        self.sel = selector if selector is not None else load(body, content_type)

    @cached_property
    def entries(self) -> list[ListingEntry]:
        nodes = [n for n in self.sel.xpath(ENTRY_XPATH) if not n.xpath(_SIDEBAR_XPATH)]
        return parse_entries(nodes, self.url)

    @cached_property
    def category(self) -> str | None:
        named = self.sel.css("[data-role=cate-name]").xpath("string()").get()
        return clean(named) or clean(self.sel.css("h1").xpath("string()").get()) or None

    @cached_property
    def canonical_url(self) -> str:
        return absolute(self.sel.xpath("//link[@rel='canonical']/@href").get(), self.url) or self.url

    @cached_property
    def page_index(self) -> int:
        match = _PAGE_IN_PATH_RE.search(urlsplit(self.url).path)
        if match:
            return int(match.group(1) or match.group(2))
        value = self.sel.css("#hdPageIndex::attr(value)").get() or ""
        return int(value) if value.isdigit() else 1

    @cached_property
    def zone_id(self) -> str | None:
        return self.sel.css("#hdZoneId::attr(value)").get() or None

    @cached_property
    def timeline_template(self) -> str | None:
        """URL template of the AJAX pages ('{0}' = zone or tag, '{1}' = page), as the page's script says,
        else the family's route table."""
        for script in self.sel.xpath("//script/text()").getall():
            match = _TIMELINE_TEMPLATE_RE.search(script)
            if match:
                return match.group(1)
        if self.zone_id:
            return "/timelinelist/{0}/{1}.htm"
        return None

    @cached_property
    def timeline_pattern(self) -> str | None:
        """Absolute URL of this listing's AJAX pages with '{page}' left to fill, or None."""
        template = self.timeline_template
        key = self.zone_id or self.sel.css("#hdCatUrl::attr(value)").get()
        if template and key:
            return absolute(template.replace("{0}", key).replace("{1}", "{page}"), self.url)
        return None

    def page_url(self, number: int) -> str | None:
        """URL of page `number` of this listing: a /trang-N.htm link if the page has one, else the
        timeline fragment built from the zone id (or the tag for tag pages)."""
        for href in self.sel.xpath("//a/@href").getall():
            match = re.search(r"/trang-(\d+)\.htm$", href)
            if match and int(match.group(1)) == number:
                return absolute(href, self.url)
        return self.timeline_pattern.replace("{page}", str(number)) if self.timeline_pattern else None

    @property
    def next_page_url(self) -> str | None:
        return self.page_url(self.page_index + 1) if self.entries else None
