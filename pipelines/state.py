"""State pipeline: says whether each article is new, updated (a different body: a new version) or
unchanged, stamps `version` / `updated_at`, and commits articles to the state database in batches, each
only after the journal lines of the batch are fsynced (counted as thcrawl/articles/new|updated|unchanged).

Scrapy runs this pipeline chain synchronously per item, so when item k+1 arrives here the writer has
already appended item k: a flush at that moment covers only written lines.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from thcrawl.journal import journal_for
from thcrawl.runstate import state_for

FLUSH_ITEMS = 50
FLUSH_SECONDS = 2.0


class StatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.pending: list[dict[str, Any]] = []
        self.flushed_at = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        if len(self.pending) >= FLUSH_ITEMS or time.monotonic() - self.flushed_at >= FLUSH_SECONDS:
            self.flush()
        kind, version, updated_at, first_seen = state_for(self.crawler).classify(item)
        item["version"], item["updated_at"] = version, updated_at
        self.stats.inc_value(f"thcrawl/articles/{kind}")
        self.pending.append({**item, "first_seen": first_seen})
        return item

    def flush(self) -> None:
        if self.pending:
            journal_for(self.crawler).sync()
            state_for(self.crawler).commit_articles(self.pending)
            self.pending.clear()
        self.flushed_at = time.monotonic()

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()
