"""The owner of a run's data folder: one Scrapy extension opens everything a run writes when the spider
opens (the lock, recovery of unfinished runs, the state, the run folder and its journal), makes each
article durable in one step (append to the journal, fsync, commit to state: state never knows an article
whose line could still be lost), and when the spider closes merges the dataset, keeps the high-water
marks, writes stats.json and releases the lock.

Other components reach it with `crawler.get_extension(RunOwner)`. It acts only for a spider that opts in
(`thcrawl_run = True`, as `ttv` does) and only when that spider really crawls: `scrapy shell`, `fetch`,
`parse`, `check` and `bench` leave the data folder untouched.

A write that fails (a full disk) stops the run at once: fetching ends, what is on disk stays recoverable
by the next run, one line `disk full: <path>` is logged, and stats.json is written if it still fits.
"""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from thcrawl.dataset import DATASET_DIR, merge_journal
from thcrawl.dates import VN_TZ, to_iso
from thcrawl.journal import ARTICLES_FILE, RunJournal
from thcrawl.lock import FOLDER_MOVED, DataDirLock, LockHeldError
from thcrawl.recovery import recover_unfinished_runs
from thcrawl.run import new_run_dir
from thcrawl.runstate import state_path
from thcrawl.state import StateStore
from thcrawl.summary import RECOVERY_KEYS, STATS_FILE, build_summary

logger = logging.getLogger(__name__)
# Finish reasons the owner gives; it reports them itself (the spider need not).
LOCK_HELD, DISK_FULL, WRITE_FAILED, DATA_DIR_MOVED = "lock_held", "disk_full", "write_failed", "data_dir_moved"
OWNER_REASONS = (LOCK_HELD, DISK_FULL, WRITE_FAILED, DATA_DIR_MOVED)
REJECTS_FILE = "rejects.jsonl"
FLUSH_ITEMS = 50
FLUSH_SECONDS = 2.0
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# The settings that say how a run treated the site, kept with each run for provenance.
CRAWL_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "THCRAWL_HONOUR_CRAWL_DELAY", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
                  "CONCURRENT_REQUESTS_PER_DOMAIN", "THCRAWL_MODE", "THCRAWL_RECHECK_HOURS")


def crawls_for_thcrawl(crawler: Crawler, spider: Spider) -> bool:
    """A spider that opted in, running its own crawl. Scrapy's fetch, parse and check commands replace the
    spider's start() with their own; the shell opens the spider but keeps it open when idle and never
    starts it; bench runs a spider of its own."""
    if not getattr(spider, "thcrawl_run", False):
        return False
    if getattr(type(spider).start, "__module__", "").startswith("scrapy.commands"):
        return False
    slot = getattr(_engine(crawler), "_slot", None)
    return getattr(slot, "close_if_idle", True)


def _engine(crawler: Crawler) -> object | None:
    try:
        return crawler.engine
    except RuntimeError:  # not crawling yet (Scrapy raises rather than answering None)
        return None


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _FULL_ERRNOS
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)


class RunOwner:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.data_dir = Path(self.settings.get("THCRAWL_DATA_DIR", "data"))
        self.is_open = False
        self.lock: DataDirLock | None = None
        self.lock_error: str | None = None
        self.failed_write: str | None = None  # "disk full: <path>" (or another write error) once it happens
        self.state: StateStore | None = None
        self.journal: RunJournal | None = None
        self.run_dir: Path | None = None
        self.run_id = ""
        self.summary: dict[str, Any] | None = None
        self.previous_summary: dict[str, Any] = {}  # the last finished run's stats.json, for comparisons
        self._pending: list[dict[str, Any]] = []
        self._flushed_at = time.monotonic()
        self._rejects: RunJournal | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunOwner:
        owner = cls(crawler)
        crawler.signals.connect(owner.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(owner.spider_closed, signal=signals.spider_closed)
        return owner

    # -- opening ---------------------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        if not crawls_for_thcrawl(self.crawler, spider):
            return
        try:
            self.lock = DataDirLock(self.data_dir).acquire()
        except LockHeldError as exc:
            self.lock_error = str(exc)
            logger.error("%s", exc)
            self._stop(LOCK_HELD)
            return
        except OSError as exc:  # the folder cannot be created or opened (read-only, a file in its place)
            self.write_failed(exc, self.data_dir)
            return
        path = self.data_dir
        try:
            path = state_path(self.settings)
            self.state = StateStore(path)
            path = self.data_dir  # recovery writes the dataset mostly (an OSError may name its file)
            recovered = recover_unfinished_runs(self.data_dir, self.state)
            configured = self.settings.get("THCRAWL_RUN_DIR")
            self.run_dir = Path(configured) if configured else new_run_dir(self.data_dir)
            path = self.run_dir
            self.run_dir.mkdir(parents=True, exist_ok=True)
            self.run_id = self.run_dir.name
            self.journal = RunJournal(self.run_dir / ARTICLES_FILE)
            self.previous_summary = self.state.last_finished_summary()
            self.state.start_run(self.run_id, str(self.run_dir), to_iso(datetime.now(VN_TZ)))
        except (OSError, sqlite3.OperationalError) as exc:
            self.write_failed(exc, path)
            return
        self.is_open = True
        self.stats.set_value("thcrawl/recovered_runs", recovered.runs)
        for key in RECOVERY_KEYS:
            self.stats.set_value(f"thcrawl/recovery/{key}", getattr(recovered, key))
        if self.journal.repaired:
            self.stats.inc_value("thcrawl/output/repaired_torn_line")
        self.stats.set_value("thcrawl/output", str(self.journal.path))
        if recovered.runs:
            logger.warning("recovered %d articles of %d run(s) that did not finish (%d unreadable lines set "
                           "aside)", recovered.articles, recovered.runs, recovered.quarantined_lines)

    # -- the one step that makes an article durable ------------------------------------------------------
    def store(self, item: dict[str, Any]) -> bool:
        """Stamp the article's version, append its line; commit to state, in batches, only lines that were
        fsynced. False when it could not be stored (the run is stopping)."""
        if not self.is_open or self.failed_write:
            return False
        if len(self._pending) >= FLUSH_ITEMS or time.monotonic() - self._flushed_at >= FLUSH_SECONDS:
            if not self.flush():
                return False
        kind, version, updated_at, first_seen = self.state.classify(item)
        item["version"], item["updated_at"] = version, updated_at
        try:
            self.journal.append(item)
        except OSError as exc:
            self.write_failed(exc, self.journal.path)
            return False
        self.stats.inc_value(f"thcrawl/articles/{kind}")
        self._pending.append({**item, "first_seen": first_seen})
        return True

    def flush(self) -> bool:
        """fsync the journal, then commit its new lines to state; False if either failed."""
        self._flushed_at = time.monotonic()
        if not self._pending or self.failed_write:
            return not self.failed_write
        path = self.journal.path
        try:
            self.journal.sync()
            path = self.state.path
            self.state.commit_articles(self._pending)
        except (OSError, sqlite3.OperationalError) as exc:
            self.write_failed(exc, path)  # the lines stay in the journal: the next run commits them
            return False
        self._pending.clear()
        self._check_lock()
        return True

    def reject(self, record: dict[str, Any]) -> None:
        """Append an item that failed validation, with its reasons, to the run's rejects.jsonl."""
        if not self.is_open or self.failed_write:
            return
        path = self.run_dir / REJECTS_FILE
        try:
            if self._rejects is None:
                self._rejects = RunJournal(path)  # whole lines or none, like the articles
            self._rejects.append(record)
        except OSError as exc:
            self.write_failed(exc, path)

    def record_failure(self, url: str, article_id: str | None, reason: str) -> None:
        """An article URL that could not be fetched or parsed (any reason, e.g. parse_error): fetched again
        by the next runs."""
        if not self.is_open or self.failed_write:
            return
        try:
            self.state.record_failure(url, article_id, reason, to_iso(datetime.now(VN_TZ)))
        except sqlite3.OperationalError as exc:
            self.write_failed(exc, self.state.path)

    # -- stopping --------------------------------------------------------------------------------------
    def write_failed(self, exc: BaseException, path: Path | str) -> None:
        """A write of the run failed (any component's): report it once and stop the run."""
        if self.failed_write:
            return
        if isinstance(exc, OSError) and exc.filename:
            path = exc.filename  # the very file (a month file of the dataset during the merge)
        elif isinstance(exc, sqlite3.Error) and self.state is not None:
            path = self.state.path
        if _is_disk_full(exc):
            self.failed_write = f"disk full: {path}"
            reason = DISK_FULL
        else:
            self.failed_write = f"write failed: {path}: {getattr(exc, 'strerror', None) or exc}"
            reason = WRITE_FAILED
        logger.error("%s", self.failed_write)
        self.stats.set_value("thcrawl/write_failed", self.failed_write)
        self._stop(reason)

    def _check_lock(self) -> None:
        problem = self.lock.check() if self.lock else None
        if problem == FOLDER_MOVED:
            logger.error("the data folder %s was moved away during the run; stopping", self.data_dir)
            self.failed_write = f"data folder moved: {self.data_dir}"
            self._stop(DATA_DIR_MOVED)
        elif problem:
            logger.warning("the lock file %s was %s during the run; written again", self.lock.path, problem)
            self.stats.inc_value(f"thcrawl/lock/{problem}")

    def _stop(self, reason: str) -> None:
        """Close the spider now: no further request is sent."""
        engine = _engine(self.crawler)
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    # -- closing ---------------------------------------------------------------------------------------
    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.lock_error:
            self.summary = {"status": LOCK_HELD, "finish_reason": LOCK_HELD, "message": self.lock_error}
            return
        if self.state is None:
            return  # not a thcrawl run
        try:
            if self.is_open:
                self._close_run(spider, reason)
        finally:
            if self._rejects is not None:
                try:
                    self._rejects.close()
                except OSError as exc:
                    logger.info("rejects.jsonl not synced: %s", exc)
            self.state.close()
            self.is_open = False
            if self.lock:
                self.lock.release()

    def _close_run(self, spider: Spider, reason: str) -> None:
        self.flush()
        try:
            self.journal.close()
        except OSError as exc:
            self.write_failed(exc, self.journal.path)
        self._check_lock()
        stats = self.stats
        if not self.failed_write:
            try:
                merged = merge_journal(self.journal.path, self.data_dir, self.state)
                self.state.mark_merged(self.run_id)
                stats.set_value("thcrawl/dataset/superseded", merged.superseded)
            except (OSError, sqlite3.OperationalError) as exc:  # left unmerged: the next run merges it
                self.write_failed(exc, self.data_dir / DATASET_DIR)
        if self.failed_write:
            reason = DISK_FULL if self.failed_write.startswith("disk full") else WRITE_FAILED
        marks = getattr(spider, "completed_marks", {})
        if reason == "finished" and marks:
            self.state.set_marks(marks, self.run_id)
        logger.info("high-water marks kept for %d categories", len(marks) if reason == "finished" else 0)
        summary = build_summary(stats.get_stats(), reason, self.settings.getdict("THCRAWL_MIN_COVERAGE"),
                                max_lost_share=self.settings.getfloat("THCRAWL_MAX_LOST_SHARE", 0.05),
                                min_cms_share=self.settings.getdict("THCRAWL_MIN_CMS_SHARE"))
        summary["write_failed"] = self.failed_write
        summary["site"] = self.settings.get("THCRAWL_BASE_URL")
        summary["settings"] = {name: self.settings.get(name) for name in CRAWL_SETTINGS}
        summary["settings"]["source"] = getattr(spider, "source", None)
        summary["dataset"] = str(self.data_dir / DATASET_DIR)
        summary["state"] = str(self.state.path)
        self.summary = summary
        self._write_stats(summary)
        try:
            self.state.finish_run(self.run_id, to_iso(datetime.now(VN_TZ)), summary["status"], summary)
        except sqlite3.OperationalError as exc:  # the state's disk is full: the run stays "running", recovered
            logger.info("run %s not recorded as finished: %s", self.run_id, exc)
        s = summary
        # A failed write or an unreachable site was already reported in its one line; the summary is then
        # only a detail.
        said = self.failed_write or s.get("unreachable")
        logger.log(logging.WARNING if s["status"] != "ok" and not said else logging.INFO,
                   "run %s: %s; %s new, %s updated, %s unchanged, %s failed, %s requests, %.1f s -> %s",
                   self.run_id, s["status"], s["new"], s["updated"], s["unchanged"], s["failed"], s["requests"],
                   s["duration_seconds"] or 0.0, self.run_dir)

    def _write_stats(self, summary: dict[str, Any]) -> None:
        """stats.json whole or not at all (a temporary file and a rename); on a full disk, as much of it as
        fits is lost, never the rest of the run."""
        path = self.run_dir / STATS_FILE
        tmp = path.with_suffix(".json.tmp")
        try:
            tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", "utf-8")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            logger.info("stats.json not written: %s", exc)
