"""One page in, items out: what `thcrawl parse` and the spider both run on a fetched page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from thcrawl.dates import VN_TZ, normalize_date, normalize_item_dates, to_iso
from thcrawl.extract import ArticlePage, ListingPage, PageKind, detect_kind
from thcrawl.extract.document import load
from thcrawl.items import as_dict


class NotAnArticleError(ValueError):
    """The page is HTML but neither an article (a title and a body) nor a listing."""


@dataclass
class ParsedPage:
    kind: PageKind
    items: list[dict[str, Any]]
    # Which layer gave the listing's entries ("cms", "generic"), or None: see ListingPage.extraction.
    extraction: dict[str, str | None] | None = None


def parse_page(body: bytes, url: str, content_type: str | None = None,
               fetched_at: datetime | None = None) -> ParsedPage:
    """Extract the items of one page with dates normalised against `fetched_at` (default: now)."""
    fetched_at = fetched_at or datetime.now(VN_TZ)
    page = load(body, content_type)
    if not url.startswith(("http://", "https://")):
        # A saved file: its own canonical URL is the right base for the links it holds.
        canonical = (page.css("link[rel=canonical]::attr(href)").get()
                     or page.css("meta[property='og:url']::attr(content)").get())
        if canonical and canonical.strip().startswith(("http://", "https://")):
            url = canonical.strip()
    kind = detect_kind(page, url)
    if kind is PageKind.ARTICLE:
        article = ArticlePage.from_selector(page, url)
        if not article.is_article():
            raise NotAnArticleError("the page has no article title or body")
        item = as_dict(article.to_item(crawled_at=to_iso(fetched_at)))
        normalize_item_dates(item, fetched_at)
        return ParsedPage(kind, [item])
    if kind is PageKind.LISTING:
        listing = ListingPage.from_selector(page, url)
        items = []
        for entry in listing.entries:
            row = as_dict(entry)
            row["published_at"] = normalize_date(row["published_raw"], fetched_at).iso
            row["category"] = row["category"] or listing.category
            items.append(row)
        return ParsedPage(kind, items, dict(listing.extraction))
    raise NotAnArticleError("the page is neither an article nor a listing: no title and body, no list of articles")
