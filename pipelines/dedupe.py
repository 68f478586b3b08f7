"""Dedupe pipeline: one item per article ID in a run (a legacy URL and the current one share the ID)."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem


class DedupePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        key = item.get("id") or item.get("url")
        if key in self.seen:
            self.stats.inc_value("thcrawl/items/duplicate")
            raise DropItem(f"duplicate article {key}")
        self.seen.add(key)
        return item
