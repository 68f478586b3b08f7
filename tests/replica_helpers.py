"""Running real crawls against the replica: a subprocess per crawl (Scrapy's reactor runs once a process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, timeout: float = 300, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "thcrawl.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def crawl(base_url: str, out: Path, *args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Crawl the replica fast; returns (items, stats.json)."""
    result = run_cli("crawl", "--base-url", base_url, "--fast", "--out", str(out), *args)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = next((out / "runs").iterdir())
    items = [json.loads(line) for line in (run_dir / "articles.jsonl").read_text("utf-8").splitlines()]
    return items, json.loads((run_dir / "stats.json").read_text("utf-8"))
