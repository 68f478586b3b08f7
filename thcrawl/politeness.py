"""Honouring robots.txt's Crawl-delay, which Scrapy's robots.txt support does not do by itself.

The middleware reads the delay when robots.txt is fetched and raises the site's download slot to it;
the AutoThrottle subclass keeps AutoThrottle from lowering the delay below it again.
"""

from __future__ import annotations

import logging
from typing import Any

from protego import Protego
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

logger = logging.getLogger(__name__)


class RobotsCrawlDelayMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("USER_AGENT") or "*"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCrawlDelayMiddleware:
        if not crawler.settings.getbool("THCRAWL_HONOUR_CRAWL_DELAY"):
            raise NotConfigured  # --fast: off every response's path (no message: Scrapy would warn with it)
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status == 200 and request.url.endswith("/robots.txt"):
            try:
                delay = Protego.parse(response.text).crawl_delay(self.user_agent)
            except (AttributeError, ValueError, UnicodeDecodeError):
                delay = None
            if delay:
                self._apply(request, float(delay))
        return response

    def _apply(self, request: Request, delay: float) -> None:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        downloader.per_slot_settings.setdefault(key, {})["delay"] = delay  # survives slot recycling
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
        CrawlDelayAutoThrottle.floors[key] = delay
        self.crawler.stats.set_value("thcrawl/robots/crawl_delay", delay)
        logger.info("robots.txt asks for Crawl-delay %.1f s on %s: honoured", delay, key)


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
    floors: dict[str, float] = {}

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        floor = self.floors.get(response.meta.get("download_slot") or "", 0.0) or max(self.floors.values(), default=0.0)
        if slot.delay < floor:
            slot.delay = floor
