"""Shared test helpers: fixtures read as bytes, the ../shared folder, a frozen 'now'."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from thcrawl.dates import VN_TZ

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
# ../shared sits beside the checkout (the session's work tree and CI's clone alike).
SHARED = Path(__import__("os").environ.get("THCRAWL_SHARED", REPO.parent / "shared"))
REALPAGES = SHARED / "realpages" / "en.baochinhphu.vn"
SEED = SHARED / "seed" / "000_ecc8640e9721aadf.txt"
FROZEN_NOW = datetime(2026, 11, 26, 10, 0, 0, tzinfo=VN_TZ)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: it holds third-party pages that are read, never copied, by these tests")
    return path


# Modules whose tests run real crawls, servers or browsers in subprocesses (seconds to a minute each): the
# `slow` marker, so that `pytest -m "not slow"` is a first check in well under a minute. CI runs them all.
SLOW_MODULES = {
    "test_archive", "test_benchmark_quick", "test_crawl_e2e", "test_crawl_manners", "test_faults", "test_kill",
    "test_logs", "test_monitoring", "test_replica", "test_replica_weight", "test_report", "test_scheduled_runs",
    "test_scrapyd", "test_disk_full", "test_identity_and_bounds", "test_inputs_and_exit_codes", "test_lock",
    "test_plain_scrapy", "test_recovery", "test_reparse", "test_scrapy_commands",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
