"""Store pipeline, the last one: hands each article to the run's owner, which makes it durable in one
step (journal append, fsync, state commit), and counts what was stored and its field coverage.

An article the owner could not store (the disk filled up, the run is stopping) is dropped here, quietly:
the owner has already reported the one cause, and the article is not in state, so a later run fetches it.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from thcrawl.owner import RunOwner
from thcrawl.summary import COVERAGE_FIELDS


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.owner: RunOwner | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.owner = self.crawler.get_extension(RunOwner)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        if self.owner is None or not self.owner.is_open:
            return item  # not a thcrawl run (another spider, scrapy parse): nothing to store
        if not self.owner.store(item):
            self.stats.inc_value("thcrawl/items/not_stored")
            raise DropItem(f"not stored, the run is stopping: {item.get('url')}", log_level="DEBUG")
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
