"""Validation pipeline: items that break the JSON Schema go to the run's rejects.jsonl with the reasons,
and are counted (thcrawl/items/invalid); none is dropped silently."""

from __future__ import annotations

import os
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from thcrawl.jsonl import dumps_line_bytes
from thcrawl.run import run_dir
from thcrawl.validation import validation_errors

REJECTS_FILE = "rejects.jsonl"


class ValidationPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self._fd: int | None = None

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
        if self._fd is None:
            path = run_dir(self.crawler) / REJECTS_FILE
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.write(self._fd, dumps_line_bytes({"reasons": errors, "item": item}))
        raise DropItem(f"invalid item {item.get('url')}: {errors[0]}")

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._fd is not None:
            os.close(self._fd)
