"""Where one run writes: data/runs/<UTC timestamp>/ unless THCRAWL_RUN_DIR names another folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path


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
