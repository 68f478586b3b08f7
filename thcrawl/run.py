"""Where one run writes: data/runs/<UTC timestamp>/ unless THCRAWL_RUN_DIR names another folder."""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from pathlib import Path

from scrapy.crawler import Crawler

from thcrawl.jsonl import repair_tail

_RUN_DIRS: weakref.WeakKeyDictionary[Crawler, Path] = weakref.WeakKeyDictionary()


def new_run_dir(data_dir: str | Path) -> Path:
    """A fresh, unused run folder named by the UTC start time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = Path(data_dir) / "runs"
    candidate = base / stamp
    n = 1
    while candidate.exists():
        n += 1
        candidate = base / f"{stamp}-{n}"
    return candidate


def repair_crashed_runs(data_dir: str | Path) -> list[Path]:
    """Cut torn last lines from the outputs of earlier runs that never finished (no stats.json)."""
    repaired = []
    for output in sorted(Path(data_dir).glob("runs/*/*.jsonl")):
        if not (output.parent / "stats.json").exists() and repair_tail(output):
            repaired.append(output)
    return repaired


def run_dir(crawler: Crawler) -> Path:
    """The run folder of this crawl, the same for every component that asks (created on first use)."""
    if crawler not in _RUN_DIRS:
        configured = crawler.settings.get("THCRAWL_RUN_DIR")
        path = Path(configured) if configured else new_run_dir(crawler.settings.get("THCRAWL_DATA_DIR", "data"))
        path.mkdir(parents=True, exist_ok=True)
        _RUN_DIRS[crawler] = path
    return _RUN_DIRS[crawler]
