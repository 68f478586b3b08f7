"""Page objects on parsel: one class per page kind, taking (bytes, url) and knowing nothing of Scrapy's engine.

The generic body layer (trafilatura, with lxml's HTML cleaner) is imported here, eagerly, through
article.py: a broken install fails when the package loads, not on the first page that needs it.
"""

from thcrawl.extract.article import ArticlePage
from thcrawl.extract.document import NotHtmlError
from thcrawl.extract.kind import PageKind, detect_kind
from thcrawl.extract.listing import ListingPage

__all__ = ["ArticlePage", "ListingPage", "NotHtmlError", "PageKind", "detect_kind"]
