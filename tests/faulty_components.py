"""A component with a bug, for the test that such a bug is counted: it raises in a signal handler."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler


class RaisesOnEveryResponse:
    def __init__(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RaisesOnEveryResponse:
        return cls(crawler)

    def response_downloaded(self, response, request, spider) -> None:
        raise RuntimeError("a bug in a signal handler")
