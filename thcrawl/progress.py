"""A one-line progress display on a terminal (pages, articles, errors, rate, ETA); silent otherwise."""

from __future__ import annotations

import sys
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressLine:
    interval = 1.0

    def __init__(self, crawler: Crawler, stream: object = None) -> None:
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        enabled = crawler.settings.get("THCRAWL_PROGRESS")
        if enabled is None:
            enabled = sys.stderr.isatty()
        if not enabled or str(enabled).lower() in ("0", "false", "no"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def line(self, spider: Spider) -> str:
        stats = self.crawler.stats
        # A reparse reads archived captures instead of receiving responses.
        pages = stats.get_value("response_received_count", 0) or stats.get_value("thcrawl/reparse/captures", 0)
        articles = stats.get_value("thcrawl/items/written", 0)
        errors = sum(v for k, v in stats.get_stats().items()
                     if k.startswith(("downloader/exception_type_count/", "spider_exceptions/"))) + \
            stats.get_value("thcrawl/items/invalid", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = pages / elapsed
        text = f"pages {pages} | articles {articles} | errors {errors} | {rate:.1f} pages/s"
        limit = getattr(spider, "max_articles", None)
        if limit and articles:
            remaining = max(limit - articles, 0) * elapsed / articles
            text += f" | ETA {int(remaining // 60)}m{int(remaining % 60):02d}s"
        return text

    def show(self, spider: Spider) -> None:
        self.stream.write("\r\033[K" + self.line(spider))
        self.stream.flush()

    def spider_closed(self, spider: Spider) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.show(spider)
        self.stream.write("\n")
        self.stream.flush()
