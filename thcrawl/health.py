"""Errors that would otherwise only reach the log: an exception raised in a signal handler, an extension,
a middleware, a pipeline or a callback is logged by Scrapy with its traceback and the crawl goes on. This
extension counts each such log record in the crawl's stats (`thcrawl/errors/unhandled`), so the run's
summary lists it and a run that had one is not "ok".
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

UNHANDLED = "thcrawl/errors/unhandled"


class _CountingHandler(logging.Handler):
    def __init__(self, stats: StatsCollector) -> None:
        super().__init__(level=logging.ERROR)
        self.stats = stats

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] is not None:  # a traceback: something raised
            self.stats.inc_value(UNHANDLED)


class UnhandledErrors:
    """Counts, for one crawler, the error log records that carry an exception."""

    def __init__(self, crawler: Crawler) -> None:
        self.handler = _CountingHandler(crawler.stats)
        # On the root logger, as Scrapy's own log counter is: every component logs below it.
        logging.getLogger().addHandler(self.handler)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnhandledErrors:
        return cls(crawler)

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self.handler)
