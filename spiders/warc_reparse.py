"""The `reparse` spider: feeds archived article pages (WARC files) to the crawl's pipelines instead of fetching.

It decides which captures to read and nothing else: the page object makes the item (in worker processes, through
`thcrawl.reparse.CaptureExtractor`), and the project's item pipelines and run machinery do the rest, as in a
crawl. Items come out of start(), which Scrapy (>= 2.13) sends straight to the item pipelines.

Arguments (given by `thcrawl reparse`): warcs (paths, in reading order), extractor (a CaptureExtractor shared by
the runs of one reparse; default: one job in this process), group (the crawl run the files came from).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy

from thcrawl.items import Article
from thcrawl.reparse import Capture, CaptureExtractor, archived_pages
from thcrawl.runstate import state_for
from thcrawl.urls import article_id

MAX_LISTED_FAILURES = 1000


class ReparseSpider(scrapy.Spider):
    name = "reparse"

    def __init__(self, warcs: list[str | Path] | str = (), extractor: CaptureExtractor | None = None,
                 group: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(warcs, str):  # `scrapy crawl reparse -a warcs=a.warc.gz,b.warc.gz`
            warcs = [w for w in warcs.split(",") if w]
        self.warcs = [Path(w) for w in warcs]
        self.extractor = extractor
        self.group = group
        self.source = "warc"

    async def start(self) -> AsyncIterator[Article]:
        stats = self.crawler.stats
        stats.set_value("thcrawl/mode", "reparse")
        stats.set_value("thcrawl/reparse/group", self.group)
        stats.set_value("thcrawl/reparse/warcs", [str(w) for w in self.warcs])
        extractor = self.extractor or CaptureExtractor(jobs=1)
        async for capture, item in extractor.items(self.captures()):
            if item is None:
                self.not_an_article(capture)
                continue
            yield item

    def captures(self) -> Iterator[Capture]:
        """The article captures worth parsing, in archive order (lazily: read as the workers take them)."""
        stats = self.crawler.stats
        state = state_for(self.crawler)
        for path in self.warcs:
            for capture in archived_pages(path):
                stats.inc_value("thcrawl/reparse/captures")
                key = article_id(capture.url)
                if not key:
                    stats.inc_value("thcrawl/reparse/not_article_url")
                    continue
                known = state.known(key)
                if known and known.last_crawled and capture.crawled_at < known.last_crawled:
                    # The data folder already has a later capture: this one is part of its history.
                    stats.inc_value("thcrawl/reparse/older_than_state")
                    continue
                yield capture

    def not_an_article(self, capture: Capture) -> None:
        """Counted and listed in stats.json like a crawl's failure (not kept as due again: no fetch can fix it)."""
        stats = self.crawler.stats
        stats.inc_value("thcrawl/pages/not_article")
        stats.inc_value("thcrawl/failed")
        stats.inc_value("thcrawl/failed/not_article")
        listed = stats.get_value("thcrawl/failures") or []
        if len(listed) < MAX_LISTED_FAILURES:
            stats.set_value("thcrawl/failures", [*listed, {"url": capture.url, "reason": "not_article"}])
