"""The state database of a crawl (one StateStore per crawler), at THCRAWL_STATE or DATA/state.sqlite."""

from __future__ import annotations

import weakref
from pathlib import Path

from scrapy.crawler import Crawler

from thcrawl.state import StateStore

STATE_FILE = "state.sqlite"
_STORES: weakref.WeakKeyDictionary[Crawler, StateStore] = weakref.WeakKeyDictionary()


def state_path(settings: object) -> Path:
    configured = settings.get("THCRAWL_STATE")
    return Path(configured) if configured else Path(settings.get("THCRAWL_DATA_DIR", "data")) / STATE_FILE


def state_for(crawler: Crawler) -> StateStore:
    if crawler not in _STORES:
        _STORES[crawler] = StateStore(state_path(crawler.settings))
    return _STORES[crawler]
