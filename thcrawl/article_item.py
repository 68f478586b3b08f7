"""A fetched article page to its item: the one step that the crawl (spiders/ttv.py) and the re-extraction from
WARC files (`thcrawl reparse`) share, so that a page gives the same item whichever of the two reads it.

Dates stay as the page shows them; the dates pipeline normalises them against `crawled_at`, in both paths.
"""

from __future__ import annotations

from thcrawl.extract import ArticlePage, NotHtmlError
from thcrawl.items import Article


def article_item(body: bytes, url: str, content_type: str | None, crawled_at: str) -> Article | None:
    """The article of the page, or None when the page is not an article (no title or body, or not HTML)."""
    try:
        page = ArticlePage(body, url, content_type=content_type)
        if not page.is_article():
            return None
    except NotHtmlError:
        return None
    return page.to_item(crawled_at=crawled_at)
