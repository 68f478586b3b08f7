"""One page in, items out: what `thcrawl parse` and the spider both run on a fetched page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from thcrawl.dates import VN_TZ, normalize_date, normalize_item_dates, to_iso
from thcrawl.extract import ArticlePage, ListingPage, PageKind, detect_kind
from thcrawl.extract.document import load
from thcrawl.extract.nodes import attribute_of
from thcrawl.items import as_dict


class NotAnArticleError(ValueError):
    """The page is HTML but neither an article nor a listing of this site's CMS."""


@dataclass
class ParsedPage:
    kind: PageKind
    items: list[dict[str, Any]]


def parse_page(body: bytes, url: str, content_type: str | None = None,
               fetched_at: datetime | None = None) -> ParsedPage:
    """Extract the items of one page with dates normalised against `fetched_at` (default: now)."""
    fetched_at = fetched_at or datetime.now(VN_TZ)
    tree = load(body, content_type)
    kind = detect_kind(tree)
    if not url.startswith(("http://", "https://")):
        # A saved file: its own canonical URL is the right base for the links it holds.
        canonical = (attribute_of(tree, "link[rel=canonical]", "href")
                     or attribute_of(tree, "meta[property='og:url']", "content"))
        if canonical and canonical.strip().startswith(("http://", "https://")):
            url = canonical.strip()
    if kind is PageKind.ARTICLE:
        page = ArticlePage(body, url, tree=tree)
        if not page.is_article():
            raise NotAnArticleError("the page has no article title or body")
        item = as_dict(page.to_item(crawled_at=to_iso(fetched_at)))
        normalize_item_dates(item, fetched_at)
        return ParsedPage(kind, [item])
    if kind is PageKind.LISTING:
        listing = ListingPage(body, url, tree=tree)
        items = []
        for entry in listing.entries:
            row = as_dict(entry)
            row["published_at"] = normalize_date(row["published_raw"], fetched_at).iso
            row["category"] = row["category"] or listing.category
            items.append(row)
        return ParsedPage(kind, items)
    raise NotAnArticleError("the page is neither an article nor a listing of the site")
