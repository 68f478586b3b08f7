"""A run from start to end: the data-folder lock (for plain `scrapy crawl`), recovery of killed runs,
the run's record in state, and at the end the dataset merge, the high-water marks and stats.json.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from thcrawl.dataset import DATASET_DIR, iter_jsonl, merge_journal
from thcrawl.dates import VN_TZ, to_iso
from thcrawl.journal import ARTICLES_FILE
from thcrawl.jsonl import repair_tail
from thcrawl.lock import DataDirLock, LockHeldError
from thcrawl.run import run_dir
from thcrawl.runstate import state_for
from thcrawl.summary import STATS_FILE, build_summary

logger = logging.getLogger(__name__)
LOCK_HELD = "lock_held"
RECOVERY_BATCH = 500
# The settings that say how a run treated the site, kept with each run for provenance.
CRAWL_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "THCRAWL_HONOUR_CRAWL_DELAY", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
                  "CONCURRENT_REQUESTS_PER_DOMAIN", "THCRAWL_MODE", "THCRAWL_RECHECK_HOURS")


def recover_killed_runs(crawler: Crawler, current_run: str) -> int:
    """Commit and merge what earlier killed runs wrote; returns how many runs were recovered."""
    state = state_for(crawler)
    data_dir = Path(crawler.settings.get("THCRAWL_DATA_DIR", "data"))
    recovered = 0
    for run_id, folder in state.unmerged_runs(except_run=current_run):
        journal = Path(folder) / ARTICLES_FILE
        count = 0
        if journal.exists():
            repair_tail(journal)
            batch: list[dict] = []
            for item in iter_jsonl(journal):  # their lines are on disk: they count as crawled
                batch.append(item)
                if len(batch) >= RECOVERY_BATCH:
                    state.commit_articles(batch)
                    count += len(batch)
                    batch.clear()
            state.commit_articles(batch)
            count += len(batch)
            merge_journal(journal, data_dir, state)
        state.mark_merged(run_id)
        if not (Path(folder) / STATS_FILE).exists():
            state.finish_run(run_id, to_iso(datetime.now(VN_TZ)), "killed", {"articles": count})
        logger.warning("recovered %d articles of run %s, which did not finish", count, run_id)
        recovered += 1
    return recovered


class RunLifecycle:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.lock: DataDirLock | None = None
        self.lock_error: str | None = None
        self.summary: dict[str, Any] | None = None
        self.run_id = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLifecycle:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        if not self.crawler.settings.getbool("THCRAWL_LOCK_HELD"):
            try:
                self.lock = DataDirLock(self.crawler.settings.get("THCRAWL_DATA_DIR", "data")).acquire()
            except LockHeldError as exc:
                self.lock_error = str(exc)
                logger.error("%s", exc)
                self.crawler.engine.close_spider(spider, LOCK_HELD)
                return
        folder = run_dir(self.crawler)
        self.run_id = folder.name
        state = state_for(self.crawler)
        recovered = recover_killed_runs(self.crawler, self.run_id)
        self.crawler.stats.set_value("thcrawl/recovered_runs", recovered)
        state.start_run(self.run_id, str(folder), to_iso(datetime.now(VN_TZ)))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.lock_error:
            self.summary = {"status": LOCK_HELD, "finish_reason": LOCK_HELD, "message": self.lock_error}
            return
        state = state_for(self.crawler)
        folder = run_dir(self.crawler)
        data_dir = Path(self.crawler.settings.get("THCRAWL_DATA_DIR", "data"))
        stats = self.crawler.stats
        merged = merge_journal(folder / ARTICLES_FILE, data_dir, state)
        state.mark_merged(self.run_id)
        stats.set_value("thcrawl/dataset/superseded", merged.superseded)
        marks = getattr(spider, "completed_marks", {})
        if reason == "finished" and marks:
            state.set_marks(marks, self.run_id)
        logger.info("high-water marks kept for %d categories", len(marks) if reason == "finished" else 0)
        thresholds = self.crawler.settings.getdict("THCRAWL_MIN_COVERAGE")
        self.summary = build_summary(stats.get_stats(), reason, thresholds,
                                     self.crawler.settings.getdict("THCRAWL_MIN_CMS_SHARE"))
        self.summary["site"] = self.crawler.settings.get("THCRAWL_BASE_URL")
        self.summary["settings"] = {name: self.crawler.settings.get(name) for name in CRAWL_SETTINGS}
        self.summary["settings"]["source"] = getattr(spider, "source", None)
        self.summary["dataset"] = str(data_dir / DATASET_DIR)
        self.summary["state"] = str(state.path)
        path = folder / STATS_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.summary, ensure_ascii=False, indent=2, default=str) + "\n", "utf-8")
        tmp.replace(path)  # never a half-written stats.json
        state.finish_run(self.run_id, to_iso(datetime.now(VN_TZ)), self.summary["status"], self.summary)
        s = self.summary
        logger.log(logging.WARNING if s["status"] != "ok" else logging.INFO,
                   "run %s: %s; %s new, %s updated, %s unchanged, %s failed, %s requests, %.1f s -> %s",
                   self.run_id, s["status"], s["new"], s["updated"], s["unchanged"], s["failed"], s["requests"],
                   s["duration_seconds"] or 0.0, folder)
        if self.lock:
            self.lock.release()
