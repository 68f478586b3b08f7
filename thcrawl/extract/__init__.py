"""Page objects: one class per page kind, taking (bytes, url) and knowing nothing of Scrapy's engine."""

from thcrawl.extract.article import ArticlePage
from thcrawl.extract.document import NotHtmlError, PageKind, detect_kind
from thcrawl.extract.listing import ListingPage

__all__ = ["ArticlePage", "ListingPage", "NotHtmlError", "PageKind", "detect_kind"]
