"""How a crawl's log reads when nobody watches it: one JSON object per line (`--log-format json`) for log
collectors, and Scrapy's periodic stats line (LogStats, every LOGSTATS_INTERVAL seconds) when the output
is not a terminal, where the progress line does not show.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOG_FORMATS = ("text", "json")
PERIODIC_STATS_LOGGER = "scrapy.extensions.logstats"


class JsonLogFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "run"} per record, plus "data" when the message's arguments
    are a mapping (Scrapy's periodic stats: pages, items and their rates) and "exception" when there is one."""

    def __init__(self, run_id: str | None = None) -> None:
        super().__init__()
        self.run_id = run_id

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self.run_id:
            entry["run"] = self.run_id
        if isinstance(record.args, dict) and record.args:
            entry["data"] = record.args
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _AtLevelOrPeriodicStats(logging.Filter):
    """Lets through what the log level lets through, and the periodic stats line below it."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level
        self.started = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        if record.name != PERIODIC_STATS_LOGGER:
            return False
        # LogStats' first line comes as the spider opens and always says 0 pages: skipped, so that a run
        # that stops at once (lock held, disk full, bad site) still says only its one line.
        first, self.started = not self.started, True
        return not first


def periodic_stats_wanted(setting: object) -> bool:
    """THCRAWL_PERIODIC_STATS: on, off, or (unset) on exactly when stdout is not a terminal."""
    if setting is None or setting == "":
        return not sys.stdout.isatty()
    return str(setting).lower() in ("1", "true", "yes", "on")


class RunLogHandler(logging.StreamHandler):
    """stderr, in the chosen format, at LOG_LEVEL (plus the periodic stats line when wanted)."""

    periodic_stats = False

    def open_periodic_stats(self) -> None:
        """Called once Scrapy has configured logging (its dictConfig resets the levels of scrapy.* loggers)."""
        if self.periodic_stats:
            logging.getLogger(PERIODIC_STATS_LOGGER).setLevel(logging.INFO)


def install_run_log_handler(settings: Any, run_id: str | None) -> RunLogHandler:
    """thcrawl's stderr handler on the root logger for one `thcrawl crawl`, in place of Scrapy's.

    Scrapy re-creates its own handler from LOG_FORMAT whenever a crawler starts, which would undo a JSON
    formatter; so the caller turns LOG_ENABLED off for Scrapy and this handler does the job. The caller
    removes it when the crawl is over (`logging.getLogger().removeHandler`).
    """
    log_format = settings.get("THCRAWL_LOG_FORMAT") or "text"
    if log_format not in LOG_FORMATS:
        raise ValueError(f"THCRAWL_LOG_FORMAT must be {' or '.join(LOG_FORMATS)}, not {log_format!r}")
    handler = RunLogHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLogFormatter(run_id))
    else:
        handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    level = logging.getLevelName(str(settings.get("LOG_LEVEL")).upper())
    handler.setLevel(level)
    if periodic_stats_wanted(settings.get("THCRAWL_PERIODIC_STATS")) and level > logging.INFO:
        handler.periodic_stats = True
        handler.addFilter(_AtLevelOrPeriodicStats(level))
        handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    return handler
