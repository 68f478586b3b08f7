"""The `reparse` spider: feeds archived article pages (WARC files) to the crawl's pipelines instead of fetching.

It decides which captures to use and nothing else: worker processes read the WARC files and make the items with
the page object (`thcrawl.reparse.CaptureExtractor`), and the project's item pipelines and run machinery do the
rest, as in a crawl. Items come out of start(), which Scrapy (>= 2.13) sends straight to the item pipelines.

Arguments (given by `thcrawl reparse`): warcs (paths, in reading order), extractor (a CaptureExtractor shared by
the runs of one reparse; default: one job in this process), group (the crawl run the files came from), last_group
(no run of the same reparse follows, so the extractor's workers may end with this run).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy

from thcrawl.article_item import NOT_ARTICLE
from thcrawl.identity import AGREES
from thcrawl.items import Article
from thcrawl.owner import RunOwner
from thcrawl.reparse import CaptureExtractor, Extracted, plan_tasks
from thcrawl.state import StateStore
from thcrawl.urls import article_id

MAX_LISTED_FAILURES = 1000


class ReparseSpider(scrapy.Spider):
    name = "reparse"
    thcrawl_run = True  # a run of this spider owns the data folder, as a crawl does: see thcrawl.owner

    def __init__(self, warcs: list[str | Path] | str = (), extractor: CaptureExtractor | None = None,
                 group: str | None = None, last_group: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(warcs, str):  # `scrapy crawl reparse -a warcs=a.warc.gz,b.warc.gz`
            warcs = [w for w in warcs.split(",") if w]
        self.warcs = [Path(w) for w in warcs]
        self.extractor = extractor
        self.group = group
        self.last_group = last_group  # no run of the same reparse follows: its workers may end with this one
        self.source = "warc"

    async def start(self) -> AsyncIterator[Article]:
        stats = self.crawler.stats
        stats.set_value("thcrawl/mode", "reparse")
        stats.set_value("thcrawl/reparse/group", self.group)
        stats.set_value("thcrawl/reparse/warcs", [str(w) for w in self.warcs])
        state = self.crawler.get_extension(RunOwner).state
        if state is None:  # the data folder could not be opened (its lock is held): the run is stopping
            return
        extractor = self.extractor or CaptureExtractor(jobs=1)
        async for result in extractor.results(plan_tasks(self.warcs), last=self.last_group):
            stats.inc_value("thcrawl/reparse/captures", result.records)
            stats.inc_value("thcrawl/reparse/not_article_url", result.not_article_urls)
            # Where the byte ranges were read: this process takes its share with --jobs above 1 too.
            stats.inc_value("thcrawl/reparse/ranges_read_here" if result.pid == os.getpid()
                            else "thcrawl/reparse/ranges_read_by_workers")
            if result.error:
                stats.inc_value("thcrawl/errors/unreadable_warc")
                self.logger.error("WARC file not readable to its end: %s", result.error)
            for extracted in result.extracted:
                if self.older_than_state(state, extracted):
                    stats.inc_value("thcrawl/reparse/older_than_state")
                elif extracted.item is None:
                    if extracted.error:
                        self.logger.error("cannot extract %s: %s", extracted.url, extracted.error)
                    self.failed(extracted.url, extracted.failure)
                else:
                    if extracted.identity != AGREES:
                        stats.inc_value(f"thcrawl/canonical/{extracted.identity}")
                    yield extracted.item

    @staticmethod
    def older_than_state(state: StateStore, extracted: Extracted) -> bool:
        """The data folder already has a later capture of the article: this one is part of its history."""
        known = state.known(article_id(extracted.url))
        return bool(known and known.last_crawled and extracted.crawled_at < known.last_crawled)

    def failed(self, url: str, reason: str) -> None:
        """Counted and listed in stats.json like a crawl's failure (not kept as due again: no fetch can fix it)."""
        stats = self.crawler.stats
        if reason == NOT_ARTICLE:
            stats.inc_value("thcrawl/pages/not_article")
        stats.inc_value("thcrawl/failed")
        stats.inc_value(f"thcrawl/failed/{reason}")
        listed = stats.get_value("thcrawl/failures") or []
        if len(listed) < MAX_LISTED_FAILURES:
            stats.set_value("thcrawl/failures", [*listed, {"url": url, "reason": reason}])
