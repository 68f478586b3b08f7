"""The run summary: stats.json in the run folder and one log line (counts, coverage, errors, duration)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from thcrawl.pipelines.jsonl_writer import COVERAGE_FIELDS
from thcrawl.run import run_dir

logger = logging.getLogger(__name__)
STATS_FILE = "stats.json"
ERROR_PREFIXES = ("downloader/exception_type_count/", "spider_exceptions/", "thcrawl/errors/")


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    kinds = {key.split("/", 1)[1] if key.startswith("thcrawl/") else key.rsplit("/", 1)[-1]: value
             for key, value in stats.items() if key.startswith(ERROR_PREFIXES)}
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/") and key[-3] in "45":
            kinds[f"http_{key[-3:]}"] = value
        if key in ("thcrawl/items/invalid", "retry/max_reached", "log_count/ERROR"):
            kinds[key.rsplit("/", 1)[-1] if key != "thcrawl/items/invalid" else "invalid_items"] = value
    return dict(sorted(kinds.items()))


def build_summary(stats: dict[str, Any], reason: str) -> dict[str, Any]:
    written = stats.get("thcrawl/items/written", 0)
    start = stats.get("start_time")
    finish = stats.get("finish_time") or datetime.now(UTC)
    duration = (finish - start).total_seconds() if start else None
    return {
        "finish_reason": reason,
        "articles": written,
        "duplicates": stats.get("thcrawl/items/duplicate", 0),
        "invalid": stats.get("thcrawl/items/invalid", 0),
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "listing_pages": stats.get("thcrawl/listing_pages", 0),
        "robots_crawl_delay": stats.get("thcrawl/robots/crawl_delay"),
        "coverage": {f: round(stats.get(f"thcrawl/coverage/{f}", 0) / written, 4) if written else None
                     for f in COVERAGE_FIELDS},
        "dates": {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("thcrawl/dates/")},
        "errors": errors_by_kind(stats),
        "duration_seconds": round(duration, 3) if duration is not None else None,
        "output": stats.get("thcrawl/output"),
    }


class RunSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.summary: dict[str, Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.summary = build_summary(self.crawler.stats.get_stats(), reason)
        path = run_dir(self.crawler) / STATS_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.summary, ensure_ascii=False, indent=2, default=str) + "\n", "utf-8")
        tmp.replace(path)  # never a half-written stats.json
        s = self.summary
        logger.info("run summary: %s articles, %s duplicates, %s invalid, %s requests, %s errors, %.1f s -> %s",
                    s["articles"], s["duplicates"], s["invalid"], s["requests"], sum(s["errors"].values()),
                    s["duration_seconds"] or 0.0, path.parent)
