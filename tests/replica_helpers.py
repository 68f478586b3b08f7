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
