"""Where a crawl's state database lives: THCRAWL_STATE, or DATA/state.sqlite."""

from __future__ import annotations

from pathlib import Path

STATE_FILE = "state.sqlite"


def state_path(settings: object) -> Path:
    configured = settings.get("THCRAWL_STATE")
    return Path(configured) if configured else Path(settings.get("THCRAWL_DATA_DIR", "data")) / STATE_FILE
