"""`thcrawl report`: the HTML page a person looks at after runs, built from real crawls of the replica,
opened in headless Chromium (Debian's `chromium`) for a screenshot and its console."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.replica_helpers import run_cli
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.faults import FaultPlan
from thcrawl.replica.server import ReplicaServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Three runs into one data folder: a full crawl, an incremental one, a full one of a failing site."""
    folder = tmp_path_factory.mktemp("data")
    site = ReplicaSite(articles=60, seed=12)
    outputs = []
    for faults, mode in ((None, ()), (None, ()), ("5xx=0.3", ("--full",))):
        with ReplicaServer(site, faults=FaultPlan.parse(faults) if faults else None) as server:
            result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(folder), *mode)
        assert result.returncode in (0, 3), result.stderr[-2000:]
        outputs.append(result.stdout)
    return folder, outputs


def chart(html: str, title: str) -> str:
    match = re.search(rf"<figcaption>{re.escape(title)}</figcaption><svg.*?</svg>", html, re.S)
    assert match, f"no chart {title!r}"
    return match.group(0)


def test_crawl_prints_the_report_path(data):
    folder, outputs = data
    assert all(f"report: {folder / 'report.html'}" in out.splitlines() for out in outputs)
    assert (folder / "report.html").stat().st_size > 5000


def test_report_shows_every_run(data, tmp_path):
    folder, _ = data
    result = run_cli("report", "--data", str(folder), "--out", str(tmp_path / "r.html"))
    assert result.returncode == 0 and result.stdout.strip() == str(tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text("utf-8")
    requests = chart(html, "Requests per run")
    assert len(re.findall(r"<rect [^>]*><title>[^<]*requests \d+</title>", requests)) == 3
    new = re.findall(r"new (\d+)</title>", chart(html, "Articles per run: new and updated"))
    assert int(new[0]) == 60  # the full crawl; the incremental runs found nothing new
    failures = chart(html, "Failed article URLs and errors by reason")
    assert "http_503" in failures or "http_500" in failures
    coverage = chart(html, "Share of articles with the field (dashed: 95 % threshold)")
    assert "title 100.0%" in coverage and "threshold 95%" in coverage
    cms = chart(html, "Share of articles whose field the CMS markup gave (the rest: generic layers)")
    assert "title 100.0%" in cms and "body 100.0%" in cms
    assert "Latest run" in html and html.count("<tr><td>2") == 3  # the table of all runs


def test_month_gaps_are_visible(data, tmp_path):
    """Months of the archive without an article are counted and marked under the axis."""
    folder, _ = data
    copy = tmp_path / "data"
    shutil.copytree(folder / "articles", copy / "articles")

    def gaps() -> tuple[int, list[str]]:
        assert run_cli("report", "--data", str(copy)).returncode == 0
        html = (copy / "report.html").read_text("utf-8")
        count = int(re.search(r"; (\d+) months without an article", html).group(1))
        per_month = chart(html, "Articles per publish month (red under the axis: no article that month)")
        return count, re.findall(r'class="gap"><title>([^<]+): no article', per_month)

    before = gaps()
    assert before[0] == len(before[1])  # 60 articles over 7 years leave months empty
    months = sorted(copy.glob("articles/20*/*.jsonl"))
    removed = months[len(months) // 2]
    removed.unlink()
    after = gaps()
    assert after[0] == before[0] + 1
    assert sorted(set(after[1]) - set(before[1])) == [f"{removed.parent.name}-{removed.stem}"]


def test_report_needs_nothing_from_the_network(data):
    html = (data[0] / "report.html").read_text("utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_report_refuses_a_folder_without_runs(tmp_path):
    result = run_cli("report", "--data", str(tmp_path / "none"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no run" in result.stderr


def open_in_chromium(page: Path, screenshot: Path, size: str = "960,2900") -> list[str]:
    """Screenshot of the page; returns what the page wrote to the console (Chromium logs each message)."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                                 f"--screenshot={screenshot}", page.as_uri()],
                                capture_output=True, text=True, timeout=120)
    assert screenshot.exists(), result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.skipif(not CHROMIUM, reason="headless Chromium is absent: apt-get install chromium")
def test_report_in_headless_chromium(data, tmp_path):
    page = data[0] / "report.html"
    console = open_in_chromium(page, tmp_path / "report.png")
    assert console == []
    assert png_size(tmp_path / "report.png") == (960, 2900)
    assert (tmp_path / "report.png").stat().st_size > 50_000  # charts and tables, not a blank page
    # The same check catches a page that does write errors to the console.
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><script>console.error('broken chart'); missingFunction();</script>", "utf-8")
    caught = open_in_chromium(broken, tmp_path / "broken.png", "400,300")
    assert any("broken chart" in line for line in caught) and any("missingFunction" in line for line in caught)
