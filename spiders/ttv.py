"""The `ttv` spider: walks the site's listings (or its RSS feeds, or its sitemaps) and hands article pages
to the article page object. It decides what to fetch next and nothing else: no string is cleaned here.

Arguments (`-a name=value`, the same under `thcrawl crawl` and plain `scrapy crawl ttv`): base_url (default:
the THCRAWL_BASE_URL setting), categories (comma-separated slugs; default: the home page's menu),
source=listing|rss|sitemap, since / until (date or ISO date-time, by listing/feed/sitemap time; a bare
`until` date includes that whole day), max_articles, follow_see_more=1 (also follow "xem thêm" and related
links), max_pages (per category). A bad one stops the crawl before any request with a one-line error.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from thcrawl.article_item import NOT_ARTICLE, PARSE_ERROR, article_item
from thcrawl.dates import VN_TZ, normalize_date, parse_bound, to_iso
from thcrawl.extract import ListingPage, NotHtmlError
from thcrawl.extract.feed import FeedError, FeedPage, SitemapPage
from thcrawl.identity import AGREES
from thcrawl.owner import OWNER_REASONS, RunOwner
from thcrawl.reachability import reach_problem
from thcrawl.safety import manners_problem
from thcrawl.urls import absolute, article_id

SOURCES = ("listing", "rss", "sitemap")
_SITEMAP_NAME_RE = re.compile(r"sitemaps-(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2})\.xml$")
# Menu links that are pages of the site but not article listings ("truyen-hinh" = live TV).
NOT_CATEGORIES = {"truyen-hinh", "index", "lien-he", "gioi-thieu"}
ARTICLE_PRIORITY = 10
RETRY_PRIORITY = 20
MAX_LISTED_FAILURES = 1000
UNREACHABLE = "site_unreachable"  # the close reason of a crawl whose site did not answer at all
SITEMAP_URLS_MAX = 50_000  # the sitemap protocol's own limit per file
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
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


def _positive_int(value: str | int | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise ArgumentError(f"{name} must be at least 1, not {number}")
    return number


def _flag(value: str | bool, name: str) -> bool:
    text = str(value).strip().lower()
    if text not in TRUE + FALSE:
        raise ArgumentError(f"{name} takes 1 or 0, not {value!r}")
    return text in TRUE


class TtvSpider(scrapy.Spider):
    name = "ttv"
    thcrawl_run = True  # a run of this spider owns the data folder (lock, state, journal): see thcrawl.owner

    def __init__(self, base_url: str | None = None, categories: str | None = None, source: str = "listing",
                 since: str | None = None, until: str | None = None, max_articles: str | int | None = None,
                 follow_see_more: str | bool = False, max_pages: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = (base_url or "").rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ArgumentError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.categories = [c.strip().removesuffix(".htm").strip("/") for c in (categories or "").split(",")
                           if c.strip()]
        if not all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in self.categories):
            raise ArgumentError(f"categories takes slugs such as thoi-su,kinh-te, not {categories!r}")
        if source not in SOURCES:
            raise ArgumentError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
        self.source = source
        try:
            self.since = parse_bound(since, "since")
            self.until = parse_bound(until, "until", end_of_day=True)
        except ValueError as exc:
            raise ArgumentError(str(exc)) from None
        if self.since and self.until and self.since > self.until:
            raise ArgumentError("since is after until")
        # 0 (or none) means no limit, as the CLI's default; a negative number or a word is a mistake.
        self.max_articles = None if str(max_articles).strip() == "0" else _positive_int(max_articles, "max_articles")
        self.follow_see_more = _flag(follow_see_more, "follow_see_more")
        self.max_pages = _positive_int(max_pages, "max_pages") or 100_000
        self.requested: set[str] = set()
        self.seen_in_listing: dict[str, set[str]] = {}
        self.walk_top: dict[str, str] = {}  # newest listing time seen on page 1 of each category
        self.completed_marks: dict[str, str] = {}  # categories walked without a gap: their new marks
        self.incremental = False
        self.resuming = False
        self.recheck_after: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TtvSpider:
        kwargs["base_url"] = kwargs.get("base_url") or crawler.settings.get("THCRAWL_BASE_URL")
        try:
            spider = super().from_crawler(crawler, *args, **kwargs)
            spider.check_manners()
        except ArgumentError as exc:
            # One line and exit code 2 before any request, under `scrapy crawl` as under `thcrawl crawl`.
            print(f"{cls.name}: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        spider.allowed_domains = [urlsplit(spider.base_url).hostname or ""]
        return spider

    def check_manners(self) -> None:
        """The polite settings may be switched off (--fast) only for a replica on this machine."""
        problem = manners_problem(self.crawler.settings, self.base_url)
        if problem:
            raise ArgumentError(problem)

    @property
    def links_per_page(self) -> int:
        return self.crawler.settings.getint("THCRAWL_MAX_LINKS_PER_PAGE", 500)

    def capped(self, links: list[Any], kind: str, cap: int | None = None) -> list[Any]:
        """At most `cap` (THCRAWL_MAX_LINKS_PER_PAGE) links of one page are followed; the rest are counted."""
        cap = self.links_per_page if cap is None else cap
        if len(links) > cap:
            self.crawler.stats.inc_value(f"thcrawl/links/capped/{kind}", len(links) - cap)
            return links[:cap]
        return links

    # -- where it starts ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.run_owner or not self.run_owner.is_open:
            return  # the data folder could not be opened (held by another run, full): the run stops
        problem = await reach_problem(self.base_url, self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 30))
        if problem:
            message = f"cannot reach {urlsplit(self.base_url).hostname}: {problem}"
            self.crawler.stats.set_value("thcrawl/unreachable", message)
            self.logger.error("%s", message)
            raise CloseSpider(UNREACHABLE)
        self.crawler.stats.set_value("thcrawl/limits/links_per_page", self.links_per_page)
        state = self.run_owner.state
        mode = self.crawler.settings.get("THCRAWL_MODE", "auto")
        self.incremental = mode != "full" and state.has_finished_run()
        # A first crawl that did not finish is resumed: what it committed is not fetched again.
        self.resuming = mode != "full" and not self.incremental and state.article_count() > 0
        self.crawler.stats.set_value("thcrawl/mode", "incremental" if self.incremental else
                                     "resumed" if self.resuming else "full")
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
            entries = self.capped(listing.entries, "listing")
        except (NotHtmlError, RecursionError):
            self.crawler.stats.inc_value("thcrawl/errors/bad_listing")
            return
        self.crawler.stats.inc_value("thcrawl/listing_pages")
        if not listing.entries:  # counted, never passed silently: a first page without entries is drift
            self.crawler.stats.inc_value("thcrawl/listing_pages/without_entries")
            if page == 1:
                self.crawler.stats.inc_value("thcrawl/listing_pages/first_without_entries")
        state = self.run_owner.state if self.incremental else None
        mark = state.mark(category) if self.incremental else None
        seen = self.seen_in_listing.setdefault(category, set())
        new = 0
        past_since = False
        known_and_old = bool(entries)
        for entry in entries:
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
        for entry in self.capped(entries, "feed"):
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
                if self._sitemap_may_hold_since(entry.url) and self.sitemap_allowed():
                    yield scrapy.Request(entry.url, callback=self.parse_sitemap)
            return
        for entry in self.capped(entries, "sitemap", SITEMAP_URLS_MAX):
            if self.in_bounds(entry.published_at):
                yield from self.article_request(entry.url, entry.published_at)

    def sitemap_allowed(self) -> bool:
        """At most THCRAWL_MAX_SITEMAPS sub-sitemaps a run: an index that lists more is not the site's."""
        stats = self.crawler.stats
        if stats.get_value("thcrawl/sitemaps/followed", 0) >= self.crawler.settings.getint("THCRAWL_MAX_SITEMAPS", 5000):
            stats.inc_value("thcrawl/sitemaps/capped")
            return False
        stats.inc_value("thcrawl/sitemaps/followed")
        return True

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
        if (self.incremental or self.resuming) and not force and self.run_owner.state.known(article_id(url)):
            if self.resuming or listed_at is None or listed_at < self.recheck_after:
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
        if self.run_owner:
            self.run_owner.record_failure(url, article_id(url), reason)
        self.logger.warning("could not fetch %s: %s", url, reason)

    @property
    def limit_reached(self) -> bool:
        return self.max_articles is not None and len(self.requested) >= self.max_articles

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("thcrawl/pages/not_html")
            self.record_failure(response.url, "not_html")
            return
        try:
            result = article_item(response.body, response.url, self.content_type(response),
                                  to_iso(self.fetched_at(response)), self.base_url)
        except Exception:
            self.logger.exception("cannot extract %s", response.url)  # a bug: counted as unhandled
            self.record_failure(response.url, PARSE_ERROR)
            return
        item = result.item
        if item is None:
            if result.failure == NOT_ARTICLE:
                self.crawler.stats.inc_value("thcrawl/pages/not_article")
            # Nesting deeper than the page object's walk can go (parse_error): listed, fetched again next run.
            self.record_failure(response.url, result.failure)
            return
        if result.identity != AGREES:
            self.crawler.stats.inc_value(f"thcrawl/canonical/{result.identity}")
        yield item
        if self.follow_see_more:
            for entry in self.capped([*item.see_more, *item.related], "see_more"):
                yield from self.article_request(entry.url, normalize_date(entry.published_raw).value)

    # -- helpers -----------------------------------------------------------------------------------------
    @property
    def run_owner(self) -> RunOwner | None:
        """The owner of the run's data folder (state, journal, lock); None outside a crawler."""
        crawler = getattr(self, "crawler", None)
        return crawler.get_extension(RunOwner) if crawler else None

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
        # UNREACHABLE was said already; the owner reports its own reasons.
        if reason not in ("finished", "closespider_itemcount", UNREACHABLE, *OWNER_REASONS):
            self.logger.warning("spider closed: %s", reason)

