"""Running the `ttv` spider from the CLI: options checked up front, Scrapy started, the summary read back."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import Settings

from thcrawl import SITE_URL
from thcrawl.dates import parse_bound
from thcrawl.logs import install_run_log_handler
from thcrawl.run import new_run_dir
from thcrawl.safety import is_loopback_url, manners_problem
from thcrawl.spiders.ttv import SOURCES, TtvSpider

# Exit codes of `thcrawl crawl` (documented in the README).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DEGRADED = 3
EXIT_LOCKED = 4
EXIT_BY_STATUS = {"ok": EXIT_OK, "degraded": EXIT_DEGRADED, "failed": EXIT_FAILURE, "lock_held": EXIT_LOCKED}
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "THCRAWL_HONOUR_CRAWL_DELAY": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def _check_data_folder(out: Path) -> None:
    """--out must be (or be creatable as) a folder: its nearest existing part must be a writable folder."""
    for part in (out, *out.parents):
        if part.exists():
            if not part.is_dir():
                raise ValueError(f"--out must name a folder, and {part} is a file")
            if not os.access(part, os.W_OK):
                raise ValueError(f"--out: cannot write in {part}")
            return


@dataclass
class CrawlOptions:
    base_url: str
    data_dir: Path
    spider_args: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_args(cls, base_url: str | None = None, out: str | Path = "data", source: str = "listing",
                  since: str | None = None, until: str | None = None, categories: str | None = None,
                  max_articles: int | None = None, fast: bool = False, follow_see_more: bool = False,
                  settings: dict[str, Any] | None = None, log_level: str = "WARNING", full: bool = False,
                  recheck_hours: float | None = None, warc: bool = False) -> CrawlOptions:
        """Check every option before Scrapy starts; a bad one raises ValueError with a one-line reason."""
        base_url = (base_url or SITE_URL).rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--base-url must be an http(s) URL, not {base_url!r}")
        if fast and not is_loopback_url(base_url):
            raise ValueError("--fast is only for a replica on a loopback address (127.0.0.1, localhost)")
        if source not in SOURCES:
            raise ValueError(f"--source must be one of {', '.join(SOURCES)}")
        _check_data_folder(Path(out))
        low, high = parse_bound(since, "--since"), parse_bound(until, "--until", end_of_day=True)
        if low and high and low > high:
            raise ValueError("--since is after --until")
        if max_articles is not None and max_articles < 1:
            raise ValueError("--max-articles must be at least 1")
        if categories and not all(c.strip().replace("-", "").isalnum() for c in categories.split(",")):
            raise ValueError(f"--categories takes slugs such as thoi-su,kinh-te, not {categories!r}")
        if log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(f"--log-level must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {log_level!r}")
        if recheck_hours is not None and recheck_hours < 0:
            raise ValueError("--recheck-hours must be 0 or more")
        merged: dict[str, Any] = {"LOG_LEVEL": log_level.upper()}
        if fast:
            merged.update(FAST_SETTINGS)
        if full:
            merged["THCRAWL_MODE"] = "full"
        if warc:
            merged["THCRAWL_WARC"] = True
        if recheck_hours is not None:
            merged["THCRAWL_RECHECK_HOURS"] = recheck_hours
        merged.update(settings or {})
        probe = Settings()
        probe.setmodule("thcrawl.settings", priority="project")
        probe.setdict(merged, priority="cmdline")
        problem = manners_problem(probe, base_url)
        if problem:
            raise ValueError(problem)
        spider_args = {"base_url": base_url, "source": source, "since": since, "until": until,
                       "categories": categories, "max_articles": max_articles,
                       "follow_see_more": "1" if follow_see_more else "0"}
        TtvSpider(**spider_args)  # the spider's own checks too (ArgumentError is a ValueError): one line, exit 2
        return cls(base_url=base_url, data_dir=Path(out), spider_args=spider_args, settings=merged)


@dataclass
class CrawlResult:
    run_dir: Path | None
    summary: dict[str, Any] | None
    exit_code: int
    write_failed: str | None = None  # "disk full: <path>" when a write failed and stopped the run


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Run one crawl in this process (Scrapy's reactor can run once per process). The run's owner
    (thcrawl.owner.RunOwner) takes the data folder's lock, recovers unfinished runs and writes the run;
    its outcome is read back from it."""
    from scrapy.crawler import CrawlerProcess

    from thcrawl.owner import RunOwner

    settings = Settings()
    settings.setmodule("thcrawl.settings", priority="project")
    settings.set("THCRAWL_BASE_URL", options.base_url, priority="cmdline")
    settings.set("THCRAWL_DATA_DIR", str(options.data_dir), priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    # The run folder's name is the run id in JSON log lines, so it is chosen here; the owner creates it
    # once it holds the data folder's lock.
    run_dir = Path(settings.get("THCRAWL_RUN_DIR") or new_run_dir(options.data_dir))
    settings.set("THCRAWL_RUN_DIR", str(run_dir), priority="cmdline")
    log_handler = install_run_log_handler(settings, run_dir.name)  # text or JSON lines, periodic stats
    settings.set("LOG_ENABLED", False, priority="cmdline")  # Scrapy's own handler would replace ours
    process = CrawlerProcess(settings)
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    log_handler.open_periodic_stats()
    crawler = process.create_crawler(TtvSpider)
    process.crawl(crawler, **{k: v for k, v in options.spider_args.items() if v is not None})
    try:
        process.start()
    finally:
        logging.getLogger().removeHandler(log_handler)
    owner = crawler.get_extension(RunOwner)
    if owner.lock_error:
        return CrawlResult(run_dir=None, summary={"status": "lock_held", "message": owner.lock_error},
                           exit_code=EXIT_LOCKED)
    summary = owner.summary
    exit_code = EXIT_BY_STATUS.get(summary["status"], EXIT_FAILURE) if summary else EXIT_FAILURE
    if owner.failed_write:
        exit_code = EXIT_FAILURE
    return CrawlResult(run_dir=owner.run_dir, summary=summary, exit_code=exit_code, write_failed=owner.failed_write)
