"""The `ttv` spider: walks the site's listings (or its RSS feeds, or its sitemaps) and hands article pages
to the article page object. It decides what to fetch next and nothing else: no string is cleaned here.

Arguments (`-a name=value`): categories (comma-separated slugs; default: the home page's menu),
source=listing|rss|sitemap, since / until (date or ISO date-time, by listing/feed/sitemap time),
max_articles, follow_see_more=1 (also follow "xem thêm" and related links), max_pages (per category).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from thcrawl.article_item import article_item
from thcrawl.dates import VN_TZ, normalize_date, parse_bound, to_iso
from thcrawl.extract import ListingPage, NotHtmlError
from thcrawl.extract.feed import FeedError, FeedPage, SitemapPage
from thcrawl.runstate import state_for
from thcrawl.urls import absolute, article_id

SOURCES = ("listing", "rss", "sitemap")
_SITEMAP_NAME_RE = re.compile(r"sitemaps-(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2})\.xml$")
# Menu links that are pages of the site but not article listings ("truyen-hinh" = live TV).
NOT_CATEGORIES = {"truyen-hinh", "index", "lien-he", "gioi-thieu"}
ARTICLE_PRIORITY = 10
RETRY_PRIORITY = 20
MAX_LISTED_FAILURES = 1000
# Download exceptions by the reason a reader of stats.json understands.
FAILURE_REASONS = {
    "DownloadCancelledError": "too_large",
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "ResponseDataLossError": "truncated",
    "ResponseFailed": "connection_failed",
    "ConnectionRefusedError": "connection_refused",
    "ConnectionLost": "connection_lost",
    "DNSLookupError": "dns_failed",
}


class ArgumentError(ValueError):
    """A spider argument the user gave is not valid."""


class TtvSpider(scrapy.Spider):
    name = "ttv"

    def __init__(self, base_url: str | None = None, categories: str | None = None, source: str = "listing",
                 since: str | None = None, until: str | None = None, max_articles: str | int | None = None,
                 follow_see_more: str | bool = False, max_pages: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = (base_url or "").rstrip("/")
        self.categories = [c.strip().removesuffix(".htm").strip("/") for c in (categories or "").split(",")
                           if c.strip()]
        if source not in SOURCES:
            raise ArgumentError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        self.source = source
        self.since = parse_bound(since, "since")
        self.until = parse_bound(until, "until")
        self.max_articles = int(max_articles) if max_articles not in (None, "", 0, "0") else None
        self.follow_see_more = str(follow_see_more).lower() in ("1", "true", "yes", "on")
        self.max_pages = int(max_pages) if max_pages else 100_000
        self.requested: set[str] = set()
        self.seen_in_listing: dict[str, set[str]] = {}
        self.walk_top: dict[str, str] = {}  # newest listing time seen on page 1 of each category
        self.completed_marks: dict[str, str] = {}  # categories walked without a gap: their new marks
        self.incremental = False
        self.recheck_after: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TtvSpider:
        kwargs.setdefault("base_url", crawler.settings.get("THCRAWL_BASE_URL"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.allowed_domains = [urlsplit(spider.base_url).hostname or ""]
        return spider

    # -- where it starts ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        state = state_for(self.crawler)
        mode = self.crawler.settings.get("THCRAWL_MODE", "auto")
        self.incremental = mode != "full" and state.has_finished_run()
        self.crawler.stats.set_value("thcrawl/mode", "incremental" if self.incremental else "full")
        hours = self.crawler.settings.getfloat("THCRAWL_RECHECK_HOURS", 48)
        self.recheck_after = datetime.now(VN_TZ) - timedelta(hours=hours)
        for url, reason in state.due_failures():
            self.logger.info("fetching again %s (failed before: %s)", url, reason)
            for request in self.article_request(url, force=True):
                request.priority = RETRY_PRIORITY
                yield request
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        if self.source == "sitemap":
            yield scrapy.Request(f"{self.base_url}/sitemap.xml", callback=self.parse_sitemap)
        elif self.source == "rss":
            for slug in self.categories or ["home"]:
                yield scrapy.Request(f"{self.base_url}/rss/{slug}.rss", callback=self.parse_feed)
        elif self.categories:
            yield from (self.category_request(slug) for slug in self.categories)
        else:
            yield scrapy.Request(f"{self.base_url}/", callback=self.parse_home)

    def category_request(self, slug: str) -> scrapy.Request:
        return scrapy.Request(f"{self.base_url}/{slug}.htm", callback=self.parse_listing,
                              cb_kwargs={"category": slug, "page": 1, "timeline": None})

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        """Categories are the home menu's /{slug}.htm links that are not articles."""
        found = []
        for href in response.css(".menu-nav a::attr(href), nav a::attr(href), .menu a::attr(href)").getall():
            url = absolute(href, response.url)
            path = urlsplit(url or "").path
            match = re.fullmatch(r"/([a-z0-9-]+)\.htm", path)
            if url and match and not article_id(url) and match[1] not in NOT_CATEGORIES and match[1] not in found:
                found.append(match[1])
        self.crawler.stats.set_value("thcrawl/categories", len(found))
        self.logger.info("categories from the home menu: %s", ", ".join(found) or "none")
        for slug in found:
            yield self.category_request(slug)

    # -- listings ----------------------------------------------------------------------------------------
    def parse_listing(self, response: Response, category: str, page: int, timeline: str | None) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if page > 1 and not response.body.strip():
            self.walk_complete(category)  # an empty timeline fragment: the category's end
            return
        try:
            listing = ListingPage(response.body, response.url, content_type=self.content_type(response))
        except NotHtmlError:
            self.crawler.stats.inc_value("thcrawl/errors/bad_listing")
            return
        self.crawler.stats.inc_value("thcrawl/listing_pages")
        state = state_for(self.crawler)
        mark = state.mark(category) if self.incremental else None
        seen = self.seen_in_listing.setdefault(category, set())
        new = 0
        past_since = False
        known_and_old = bool(listing.entries)
        for entry in listing.entries:
            when = normalize_date(entry.published_raw, self.fetched_at(response)).value
            if page == 1 and when:
                self.walk_top[category] = max(self.walk_top.get(category, ""), to_iso(when))
            if not (mark and when and to_iso(when) < mark and state.known(entry.id)):
                known_and_old = False
            key = entry.id or entry.url
            if key in seen:
                continue
            seen.add(key)
            new += 1
            if self.since and when and when < self.since:
                past_since = True  # the list is newest first: everything after this is older still
                break
            if self.until and when and when > self.until:
                continue
            yield from self.article_request(entry.url, when)
        if past_since or self.limit_reached:
            return  # the walk stops early: it proves nothing about older pages, so no mark
        if known_and_old:
            self.crawler.stats.inc_value("thcrawl/incremental/stopped_at_mark")
            self.walk_complete(category)
            return
        next_url = self._next_page(listing, page, timeline or listing.timeline_pattern) if new else None
        if new == 0 and listing.entries:
            self.crawler.stats.inc_value("thcrawl/pagination/stopped_no_new_entries")
        if next_url is None or page >= self.max_pages:
            self.walk_complete(category)
            return
        yield scrapy.Request(next_url, callback=self.parse_listing,
                             cb_kwargs={"category": category, "page": page + 1,
                                        "timeline": timeline or listing.timeline_pattern})

    def walk_complete(self, category: str) -> None:
        """The category was walked down to its end or to its previous mark: its new mark may be kept."""
        if category in self.walk_top and not self.since and not self.until:
            self.completed_marks[category] = self.walk_top[category]

    @staticmethod
    def _next_page(listing: ListingPage, page: int, timeline: str | None) -> str | None:
        """A /trang-N.htm link of the page itself first, else the category's timeline fragments."""
        for href in listing.hrefs:
            if href.endswith(f"/trang-{page + 1}.htm"):
                return absolute(href, listing.url)
        if timeline:
            return timeline.replace("{page}", str(page + 1))
        return listing.page_url(page + 1)

    # -- feeds and sitemaps ------------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            entries = FeedPage(response.body, response.url).entries
        except FeedError as exc:
            self.crawler.stats.inc_value("thcrawl/errors/bad_feed")
            self.logger.warning("feed %s unreadable: %s", response.url, exc)
            return
        for entry in entries:
            if self.in_bounds(entry.published_at):
                yield from self.article_request(entry.url, entry.published_at)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            page = SitemapPage(response.body, response.url)
            entries = page.entries
        except FeedError as exc:
            self.crawler.stats.inc_value("thcrawl/errors/bad_sitemap")
            self.logger.warning("sitemap %s unreadable: %s", response.url, exc)
            return
        if page.is_index:
            for entry in entries:
                if self._sitemap_may_hold_since(entry.url):
                    yield scrapy.Request(entry.url, callback=self.parse_sitemap)
            return
        for entry in entries:
            if self.in_bounds(entry.published_at):
                yield from self.article_request(entry.url, entry.published_at)

    def _sitemap_may_hold_since(self, url: str) -> bool:
        match = _SITEMAP_NAME_RE.search(url)
        if not self.since or not match:
            return True
        year, month, _, last = map(int, match.groups())
        return (year, month, last) >= (self.since.year, self.since.month, self.since.day)

    # -- articles ----------------------------------------------------------------------------------------
    def article_request(self, url: str, listed_at: datetime | None = None,
                        force: bool = False) -> Iterator[scrapy.Request]:
        """One request per article ID in a run (a legacy URL and the current one are one article).

        In incremental mode a known article is fetched again only when listed within the re-check window.
        """
        key = article_id(url) or url
        if key in self.requested or (self.limit_reached and not force):
            return
        if not url.startswith(self.base_url + "/"):
            self.crawler.stats.inc_value("thcrawl/links/offsite_skipped")
            return
        if self.incremental and not force and state_for(self.crawler).known(article_id(url)):
            if listed_at is None or listed_at < self.recheck_after:
                self.crawler.stats.inc_value("thcrawl/articles/skipped_known")
                return
            self.crawler.stats.inc_value("thcrawl/articles/rechecked")
        self.requested.add(key)
        yield scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                             priority=ARTICLE_PRIORITY)

    def article_failed(self, failure: Failure) -> None:
        request = failure.request
        if failure.check(HttpError):
            reason = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            message = str(failure.value)
            reason = ("offsite_redirect" if message.startswith("offsite redirect") else
                      "offsite" if message.startswith("offsite") else
                      "redirect_loop" if "max redirections" in message else "ignored")
        else:
            reason = FAILURE_REASONS.get(failure.type.__name__, failure.type.__name__)
        self.record_failure(request.url, reason)

    def record_failure(self, url: str, reason: str) -> None:
        """Listed in stats.json and kept in state, so the next run fetches the URL again."""
        stats = self.crawler.stats
        stats.inc_value("thcrawl/failed")
        stats.inc_value(f"thcrawl/failed/{reason.split(':', 1)[0]}")
        listed = stats.get_value("thcrawl/failures") or []
        if len(listed) < MAX_LISTED_FAILURES:
            stats.set_value("thcrawl/failures", [*listed, {"url": url, "reason": reason}])
        state_for(self.crawler).record_failure(url, article_id(url), reason, to_iso(datetime.now(VN_TZ)))
        self.logger.warning("could not fetch %s: %s", url, reason)

    @property
    def limit_reached(self) -> bool:
        return self.max_articles is not None and len(self.requested) >= self.max_articles

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("thcrawl/pages/not_html")
            self.record_failure(response.url, "not_html")
            return
        item = article_item(response.body, response.url, self.content_type(response),
                            to_iso(self.fetched_at(response)))
        if item is None:
            self.crawler.stats.inc_value("thcrawl/pages/not_article")
            self.record_failure(response.url, "not_article")
            return
        yield item
        if self.follow_see_more:
            for entry in [*item.see_more, *item.related]:
                yield from self.article_request(entry.url, normalize_date(entry.published_raw).value)

    # -- helpers -----------------------------------------------------------------------------------------
    def in_bounds(self, when: datetime | None) -> bool:
        if when is None:
            return True
        return not (self.since and when < self.since) and not (self.until and when > self.until)

    @staticmethod
    def content_type(response: Response) -> str | None:
        value = response.headers.get(b"Content-Type")
        return value.decode("latin-1") if value else None

    @staticmethod
    def fetched_at(response: Response) -> datetime:
        """When the page arrived (stamped by FetchTimeMiddleware; the WARC-Date too): the reference for
        relative dates and the item's crawled_at."""
        stamped = response.meta.get("fetched_at")
        return datetime.fromisoformat(stamped) if stamped else datetime.now(VN_TZ).replace(microsecond=0)

    def closed(self, reason: str) -> None:
        if reason not in ("finished", "closespider_itemcount"):
            self.logger.warning("spider closed: %s", reason)

