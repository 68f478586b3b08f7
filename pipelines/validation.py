"""Validation pipeline: items that break the JSON Schema go to the run's rejects.jsonl (written by the
run's owner) with the reasons, and are counted (thcrawl/items/invalid); none is dropped silently."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from thcrawl.owner import REJECTS_FILE, RunOwner
from thcrawl.validation import validation_errors

__all__ = ["REJECTS_FILE", "ValidationPipeline"]


class ValidationPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        errors = validation_errors(item)
        if not errors:
            return item
        self.stats.inc_value("thcrawl/items/invalid")
        for error in errors:
            self.stats.inc_value(f"thcrawl/items/invalid/{error.split(':', 1)[0].split('.', 1)[0]}")
        owner = self.crawler.get_extension(RunOwner)
        if owner is not None:
            owner.reject({"reasons": errors, "item": item})
        raise DropItem(f"invalid item {item.get('url')}: {errors[0]}")
