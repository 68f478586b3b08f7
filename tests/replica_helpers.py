"""Running real crawls against the replica: a subprocess per crawl (Scrapy's reactor runs once a process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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


def assert_dataset_is_truth(data: Path, site: Any, base_url: str, articles: int, state: Path | None = None) -> None:
    """After any fault and a rerun: every JSONL file holds whole lines only, the dataset holds each of the
    replica's articles exactly once with its true title and body, and the state is sound and complete."""
    from thcrawl.dataset import iter_dataset, read_jsonl
    from thcrawl.state import StateStore

    for path in data.rglob("*.jsonl"):  # journals, dataset, history, quarantine
        raw = path.read_bytes()
        assert not raw or raw.endswith(b"\n"), f"torn last line in {path}"
        if path.name != "quarantine.jsonl":
            for line in raw.splitlines():
                json.loads(line)
    rows = [row for path in iter_dataset(data) for row in read_jsonl(path)]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "duplicate article in the dataset"
    truth = {site.article(i).id: site.truth(i, base_url) for i in range(articles)}
    assert set(ids) == set(truth), f"{len(set(truth) - set(ids))} articles lost"
    wrong = [row["id"] for row in rows if (row["title"], row["body"]) != (truth[row["id"]]["title"],
                                                                           truth[row["id"]]["body"])]
    assert wrong == []
    store = StateStore(state or data / "state.sqlite")
    try:
        assert store.integrity_check() == "ok"
        assert store.article_count() == articles
    finally:
        store.close()


def crawl_command(base_url: str, data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "thcrawl.cli", "crawl", "--base-url", base_url, "--fast", "--out", str(data),
            *args]


def journal_lines(data: Path) -> int:
    return sum(path.read_bytes().count(b"\n") for path in data.glob("runs/*/articles.jsonl"))


def kill_when(process: subprocess.Popen, data: Path, lines: int | None = None, seconds: float | None = None) -> bool:
    """SIGKILL the crawl once its journals hold `lines` lines or after `seconds`; False if it ended first."""
    started = time.monotonic()
    while process.poll() is None:
        if (lines is not None and journal_lines(data) >= lines) or (
                seconds is not None and time.monotonic() - started >= seconds):
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            return True
        time.sleep(0.02)
    return False


def start_crawl(base_url: str, data: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(crawl_command(base_url, data, *args), cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def last_stats(data: Path) -> dict[str, Any]:
    runs = sorted((data / "runs").iterdir())
    return json.loads((runs[-1] / "stats.json").read_text("utf-8"))
