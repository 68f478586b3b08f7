"""Provenance pipeline: counts, per field, which extraction layer served each article, and where the
page's metadata contradicted what it shows. The run summary turns the counts into each field's share of
articles served by the CMS layer and calls the run degraded when a share drops (THCRAWL_MIN_CMS_SHARE).

Stats: `thcrawl/provenance/articles`, `thcrawl/layer/<field>/<layer>` (`none` when no layer found the
field) and `thcrawl/metadata_disagreements/<field>`. Items pass through unchanged.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler


class ProvenancePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProvenancePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        self.stats.inc_value("thcrawl/provenance/articles")
        for field, layer in (adapter.get("extraction") or {}).items():
            self.stats.inc_value(f"thcrawl/layer/{field}/{layer or 'none'}")
        for field in adapter.get("metadata_disagreements") or {}:
            self.stats.inc_value(f"thcrawl/metadata_disagreements/{field}")
        return item
