"""Dates pipeline: turns the item into a plain dict and normalises every date field in it.

The reference for relative dates ("2 giờ trước") is the item's crawled_at, the fetch time. Counts by path
go to stats: thcrawl/dates/fast, thcrawl/dates/fallback, thcrawl/dates/failed.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from thcrawl.dates import normalize_date, normalize_item_dates
from thcrawl.items import as_dict


class DatesPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatesPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> dict[str, Any]:
        data = as_dict(item)
        reference = normalize_date(data.get("crawled_at")).value
        for path, count in normalize_item_dates(data, reference).items():
            self.stats.inc_value(f"thcrawl/dates/{path}", count)
        return data
