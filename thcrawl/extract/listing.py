"""The listing page object: category and tag pages and the /timelinelist/ AJAX fragments."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from thcrawl.extract.document import load
from thcrawl.extract.nodes import Element, ancestors, attribute_of, class_has, text_of
from thcrawl.extract.stream import ENTRY_CSS, parse_entries
from thcrawl.items import ListingEntry
from thcrawl.urls import absolute

# Entries in containers of these classes (or in an <aside>) are side boxes ("most read", ads), not the page's
# own list; matched as parts of the class attribute, as the family's templates vary the suffixes.
_SIDEBAR_CLASSES = ("sidebar", "list__sub", "detail__sub", "most-view", "box-right")
_PAGE_IN_PATH_RE = re.compile(r"/trang-(\d+)\.htm$|/timeline\w*/[^/]+/(\d+)\.htm$")
_TIMELINE_TEMPLATE_RE = re.compile(r"""timeline\.url\s*=\s*['"]([^'"]*\{0\}[^'"]*\{1\}[^'"]*)['"]""")


def _in_sidebar(element: Element) -> bool:
    return any(a.tag == "aside" or class_has(a, _SIDEBAR_CLASSES) for a in ancestors(element))


class ListingPage:
    def __init__(self, body: bytes, url: str, content_type: str | None = None,
                 tree: LexborHTMLParser | None = None) -> None:
        self.url = url
        self.tree = tree if tree is not None else load(body, content_type)

    @cached_property
    def entries(self) -> list[ListingEntry]:
        return parse_entries([n for n in self.tree.css(ENTRY_CSS) if not _in_sidebar(n)], self.url)

    @cached_property
    def category(self) -> str | None:
        return text_of(self.tree.css_first("[data-role=cate-name]")) or text_of(self.tree.css_first("h1")) or None

    @cached_property
    def canonical_url(self) -> str:
        return absolute(attribute_of(self.tree, "link[rel=canonical]", "href"), self.url) or self.url

    @cached_property
    def hrefs(self) -> list[str]:
        """Every link's href, in document order."""
        return [href for a in self.tree.css("a[href]") if (href := a.attributes.get("href")) is not None]

    @cached_property
    def page_index(self) -> int:
        match = _PAGE_IN_PATH_RE.search(urlsplit(self.url).path)
        if match:
            return int(match.group(1) or match.group(2))
        value = attribute_of(self.tree, "#hdPageIndex", "value") or ""
        return int(value) if value.isdigit() else 1

    @cached_property
    def zone_id(self) -> str | None:
        return attribute_of(self.tree, "#hdZoneId", "value") or None

    @cached_property
    def timeline_template(self) -> str | None:
        """URL template of the AJAX pages ('{0}' = zone or tag, '{1}' = page), as the page's script says,
        else the family's route table."""
        for script in self.tree.css("script"):
            match = _TIMELINE_TEMPLATE_RE.search(script.text())
            if match:
                return match.group(1)
        if self.zone_id:
            return "/timelinelist/{0}/{1}.htm"
        return None

    @cached_property
    def timeline_pattern(self) -> str | None:
        """Absolute URL of this listing's AJAX pages with '{page}' left to fill, or None."""
        template = self.timeline_template
        key = self.zone_id or attribute_of(self.tree, "#hdCatUrl", "value")
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
