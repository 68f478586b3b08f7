"""The listing page object: category and tag pages and the /timelinelist/ AJAX fragments.

Entries come from the CMS family's entry boxes (`cms`), else from the page's article links grouped into
entries by structure (`generic`: another template, another CMS). `extraction["entries"]` says which.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from parsel import Selector, SelectorList

from thcrawl.extract.document import load
from thcrawl.extract.entries import cms_entries, link_entries, read_entries
from thcrawl.items import ListingEntry
from thcrawl.text import clean
from thcrawl.urls import absolute

CMS, GENERIC = "cms", "generic"
# Entries in these parts of a page are not the page's own list: side boxes ("most read", ads), menus.
_OUTSIDE_LIST = ("ancestor::aside or ancestor::header or ancestor::footer or ancestor::nav or "
                 "ancestor::*[contains(@class, 'sidebar') or contains(@class, 'list__sub') or "
                 "contains(@class, 'detail__sub') or contains(@class, 'most-view') or contains(@class, 'box-right') "
                 "or contains(@class, 'menu') or contains(@class, 'footer') or contains(@class, 'header')]")
_PAGE_IN_PATH_RE = re.compile(r"/trang-(\d+)\.htm$|/timeline\w*/[^/]+/(\d+)\.htm$")
_TIMELINE_TEMPLATE_RE = re.compile(r"""timeline\.url\s*=\s*['"]([^'"]*\{0\}[^'"]*\{1\}[^'"]*)['"]""")


def _outside_list(entry: Selector) -> bool:
    return entry.xpath(f"boolean({_OUTSIDE_LIST})").get() == "1"


class ListingPage:
    def __init__(self, body: bytes | None, url: str, content_type: str | None = None,
                 selector: Selector | None = None) -> None:
        self.url = url
        self.selector = selector if selector is not None else load(body or b"", content_type)
        self.extraction: dict[str, str | None] = {}

    @classmethod
    def from_selector(cls, selector: Selector, url: str) -> ListingPage:
        return cls(None, url, selector=selector)

    def css(self, query: str) -> SelectorList:
        return self.selector.css(query)

    @cached_property
    def entries(self) -> list[ListingEntry]:
        """The page's list, in document order; side boxes, menus and footers left out."""
        cms = [e for e in cms_entries(self.selector) if not _outside_list(e)]
        if found := read_entries(cms, self.url):
            self.extraction["entries"] = CMS
            return found
        main = self.selector.xpath("//body")
        linked = [e for e in link_entries(main[0]) if not _outside_list(e)] if main else []
        # A headline has words; a menu's or a tag's link text rarely has three.
        found = [e for e in read_entries(linked, self.url) if len((e.title or "").split()) >= 3]
        self.extraction["entries"] = GENERIC if found else None
        return found

    @cached_property
    def category(self) -> str | None:
        return (clean(self.css("[data-role=cate-name]").xpath("string()").get())
                or clean(self.css("h1").xpath("string()").get()) or None)

    @cached_property
    def canonical_url(self) -> str:
        return absolute(self.css("link[rel=canonical]::attr(href)").get(), self.url) or self.url

    @cached_property
    def hrefs(self) -> list[str]:
        """Every link's href, in document order."""
        return self.css("a::attr(href)").getall()

    @cached_property
    def page_index(self) -> int:
        match = _PAGE_IN_PATH_RE.search(urlsplit(self.url).path)
        if match:
            return int(match.group(1) or match.group(2))
        value = self.css("#hdPageIndex::attr(value)").get() or ""
        return int(value) if value.isdigit() else 1

    @cached_property
    def zone_id(self) -> str | None:
        return self.css("#hdZoneId::attr(value)").get() or None

    @cached_property
    def timeline_template(self) -> str | None:
        """URL template of the AJAX pages ('{0}' = zone or tag, '{1}' = page), as the page's script says,
        else the family's route table."""
        for script in self.css("script::text").getall():
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
        key = self.zone_id or self.css("#hdCatUrl::attr(value)").get()
        if template and key:
            return absolute(template.replace("{0}", key).replace("{1}", "{page}"), self.url)
        return None

    def page_url(self, number: int) -> str | None:
        """URL of page `number` of this listing: a /trang-N.htm link if the page has one, else the
        timeline fragment built from the zone id (or the tag for tag pages)."""
        for href in self.hrefs:
            match = re.search(r"/trang-(\d+)\.htm$", href)
            if match and int(match.group(1)) == number:
                return absolute(href, self.url)
        return self.timeline_pattern.replace("{page}", str(number)) if self.timeline_pattern else None

    @property
    def next_page_url(self) -> str | None:
        return self.page_url(self.page_index + 1) if self.entries else None
