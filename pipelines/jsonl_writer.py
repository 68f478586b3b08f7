"""JSONL writer: each article as one line of the run's articles.jsonl, and the field coverage of what was
written, for the run summary.

A line goes out in one append; a SIGKILL can still cut a long write short, so a torn last line is cut
off before anything is appended to a file again (and by `thcrawl crawl` for earlier killed runs).
"""

from __future__ import annotations

import os
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from thcrawl.jsonl import dumps_line, repair_tail
from thcrawl.run import run_dir

ARTICLES_FILE = "articles.jsonl"
COVERAGE_FIELDS = ("title", "sapo", "authors", "published_at", "body", "category", "images", "tags", "source",
                   "see_more")


def write_whole(fd: int, data: bytes) -> None:
    """Append `data`; O_APPEND makes each write land at the end in one piece."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class JsonlWriterPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self._fd: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlWriterPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        path = run_dir(self.crawler) / ARTICLES_FILE
        if repair_tail(path):  # a reused run folder whose last run was killed mid-line
            self.stats.inc_value("thcrawl/output/repaired_torn_line")
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.stats.set_value("thcrawl/output", str(path))

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        write_whole(self._fd, dumps_line(item).encode("utf-8"))
        self.stats.inc_value("thcrawl/items/written")
        for field in COVERAGE_FIELDS:
            if item.get(field):
                self.stats.inc_value(f"thcrawl/coverage/{field}")
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
