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
