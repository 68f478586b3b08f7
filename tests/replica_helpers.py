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


def write_archive(site: Any, folder: Path, runs: int = 1, revise_every: int = 0, count: int | None = None,
                  base: str = "https://truyenhinhthanhhoa.vn") -> list[Path]:
    """WARC files of `runs` monthly captures of the replica's first `count` articles, one file per run (a
    warcinfo record naming the run, then a request and a 200 response per article, as `crawl --warc` writes
    them). Before each run after the first, every `revise_every`-th article is corrected (a new version)."""
    import io
    from datetime import UTC, datetime, timedelta

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from thcrawl.replica.pages import article_page

    count = count or site.visible_count
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for run in range(runs):
        if run and revise_every:
            for i in range(0, count, revise_every):
                site.revise(i)
        started = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=30 * run)
        path = folder / f"capture-run{run:03d}.warc.gz"
        with path.open("wb") as handle:
            writer = WARCWriter(handle, gzip=True, warc_version="WARC/1.1")
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests", "isPartOf": f"run-{run}"}))
            for i in range(count):
                url = base + site.article(i).path
                date = (started + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
                body = article_page(site, i, base).encode("utf-8")
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                response = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                                     warc_headers_dict={"WARC-Date": date})
                writer.write_record(response)
                request = writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b""), warc_headers_dict={"WARC-Date": date},
                    http_headers=StatusAndHeaders(f"GET {site.article(i).path} HTTP/1.1", [], is_http_request=True))
                writer.write_record(request)
        paths.append(path)
    return paths
