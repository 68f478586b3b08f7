"""JSONL writer: each article as one line of the run's journal (articles.jsonl), and the field coverage
of what was written, for the run summary.

A line goes out in one append; a SIGKILL can still cut a long write short, so a torn last line is cut
off before anything is appended to a file again (and by `thcrawl crawl` for earlier killed runs).
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from thcrawl.journal import journal_for

COVERAGE_FIELDS = ("title", "sapo", "authors", "published_at", "body", "category", "images", "tags", "source",
                   "see_more")


class JsonlWriterPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlWriterPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        journal = journal_for(self.crawler)
        if journal.repaired:
            self.stats.inc_value("thcrawl/output/repaired_torn_line")
        self.stats.set_value("thcrawl/output", str(journal.path))

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        journal_for(self.crawler).append(item)
        self.stats.inc_value("thcrawl/items/written")
        for field in COVERAGE_FIELDS:
            if item.get(field):
                self.stats.inc_value(f"thcrawl/coverage/{field}")
        # Which extraction layer answered each field (cms, jsonld, meta, fallback): a layout change on the
        # site shows as the CMS layer's share falling while the others rise.
        for layer in (item.get("extraction") or {}).values():
            if layer:
                self.stats.inc_value(f"thcrawl/layers/{layer}")
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        journal_for(self.crawler).close()
