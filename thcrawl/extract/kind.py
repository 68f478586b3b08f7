"""Which kind of page a parsed page is: an article, a listing, or neither."""

from __future__ import annotations

import enum
import re

from parsel import Selector

from thcrawl.extract.article import ArticlePage
from thcrawl.extract.listing import ListingPage

_ARTICLE_TYPES_RE = re.compile(r'"@type"\s*:\s*"(?:News)?Article"')


class PageKind(enum.Enum):
    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


def detect_kind(page: Selector, url: str = "https://localhost/") -> PageKind:
    """The family's article markup or NewsArticle metadata make an article; else entries make a listing;
    else a title over a body (any site's article) makes an article. A page with none of them is OTHER."""
    if page.css("h1[data-role=title], h1.detail-title, [data-role=content]"):
        return PageKind.ARTICLE
    if any(_ARTICLE_TYPES_RE.search(text) for text in page.css('script[type="application/ld+json"]::text').getall()):
        return PageKind.ARTICLE
    if ListingPage.from_selector(page, url).entries:
        return PageKind.LISTING
    if ArticlePage.from_selector(page, url).is_article():
        return PageKind.ARTICLE
    return PageKind.OTHER
