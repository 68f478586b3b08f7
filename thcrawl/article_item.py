"""A fetched article page to its item: the one step that the crawl (spiders/ttv.py) and the re-extraction from
WARC files (`thcrawl reparse`) share, so that a page gives the same item whichever of the two reads it.

Dates stay as the page shows them; the dates pipeline normalises them against `crawled_at`, in both paths.
"""

from __future__ import annotations

from typing import NamedTuple

from thcrawl.extract import ArticlePage, NotHtmlError
from thcrawl.identity import settle_identity
from thcrawl.items import Article

NOT_ARTICLE, PARSE_ERROR = "not_article", "parse_error"


class ArticleResult(NamedTuple):
    item: Article | None
    failure: str | None = None  # not_article, or parse_error for nesting deeper than the page object's walk
    identity: str | None = None  # how the page's canonical link compared with the fetched URL (thcrawl.identity)


def article_item(body: bytes, url: str, content_type: str | None, crawled_at: str, site_url: str) -> ArticleResult:
    """The article of the page fetched from `url` (after redirects), or why there is none. Other exceptions
    (bugs) are the caller's to report."""
    try:
        page = ArticlePage(body, url, content_type=content_type)
        if not page.is_article():
            return ArticleResult(None, NOT_ARTICLE)
        item = page.to_item(crawled_at=crawled_at)
    except NotHtmlError:
        return ArticleResult(None, NOT_ARTICLE)
    except RecursionError:
        return ArticleResult(None, PARSE_ERROR)
    return ArticleResult(item, identity=settle_identity(item, url, page.canonical_url, site_url))
