"""Honouring robots.txt's Crawl-delay, which Scrapy reads (RobotParser.crawl_delay) but does not apply.

`CrawlDelay` (an extension) takes the delay from Scrapy's own robots.txt parsing (the `robots_parsed`
signal, for ROBOTSTXT_USER_AGENT or else USER_AGENT) and keeps it as the floor of that site's download
slot; `CrawlDelayAutoThrottle` asks it for the floor after each of AutoThrottle's adjustments, so
AutoThrottle can slow the crawl down but never below the Crawl-delay.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


class CrawlDelay:
    """The Crawl-delay of each download slot of one crawl (state on the instance: one per crawler)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
        self.floors: dict[str, float] = {}
        self.jitter = 0.5  # the crawl's own delay jitter, read from the downloader when robots.txt comes
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelay:
        if not crawler.settings.getbool("THCRAWL_HONOUR_CRAWL_DELAY"):
            raise NotConfigured  # --fast against a loopback replica: no floor (no message: Scrapy would warn)
        return cls(crawler)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay or delay <= 0:
            return
        downloader = self.crawler.engine.downloader
        self.jitter = getattr(downloader, "_jitter", self.jitter)
        key = downloader.get_slot_key(request)
        self.floors[key] = float(delay)
        # A slot Scrapy recycles after a quiet minute is rebuilt from these settings, floor included.
        downloader.per_slot_settings.setdefault(key, {}).update(delay=float(delay), jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            self.hold(key, slot)
        self.crawler.stats.set_value("thcrawl/robots/crawl_delay", float(delay))
        logger.info("robots.txt asks for Crawl-delay %.1f s on %s: honoured", delay, key)

    def hold(self, key: str | None, slot: Slot) -> None:
        """Keep the slot at or above its floor. Scrapy's jitter draws each wait from delay × (1 ± jitter):
        near the floor the jitter narrows, so that no drawn wait falls below the Crawl-delay, and it
        widens back to the crawl's own as AutoThrottle raises the delay."""
        floor = self.floors.get(key or "")
        if not floor:
            return
        slot.delay = max(slot.delay, floor)
        slot.jitter = max(0.0, min(self.jitter, 1.0 - floor / slot.delay))


class RetryAfterMiddleware:
    """On 429 or 503 with Retry-After, the site's slot waits that long (up to THCRAWL_RETRY_AFTER_MAX
    seconds) before its next request, and goes back to its own pace after the next good response.
    Scrapy's RetryMiddleware (which runs after this) sends the retry."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("THCRAWL_RETRY_AFTER_MAX", 120.0)
        self.saved: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return response
        if response.status in (429, 503) and b"Retry-After" in response.headers:
            wait = retry_after_seconds(response.headers.get(b"Retry-After", b"").decode("latin-1"))
            if wait is not None:
                self.saved.setdefault(key, slot.delay)
                slot.delay = max(slot.delay, min(wait, self.cap))
                self.crawler.stats.inc_value("thcrawl/retry_after/honoured")
        elif 200 <= response.status < 300 and key in self.saved:
            slot.delay = self.saved.pop(key)
        return response


def retry_after_seconds(value: str) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        from datetime import UTC, datetime
        from email.utils import parsedate_to_datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class CrawlDelayAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, whose every adjustment is held at or above the slot's Crawl-delay.

    Reads the slot from the request: in Scrapy ≥ 2.19 `response_downloaded` fires before the response
    is tied to its request, so `response.meta` is not available there."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        crawl_delay = self.crawler.get_extension(CrawlDelay)
        key, slot = self._get_slot(request, spider)
        if crawl_delay is not None and slot is not None:
            crawl_delay.hold(key, slot)
