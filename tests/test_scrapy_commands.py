"""Scrapy's own commands, run from the repository root as a user would, leave the data folder untouched:
the run machinery (lock, state, journal, the pipelines' writes) belongs to a thcrawl crawl only. Before,
`scrapy shell` left a run marked "running" and `scrapy fetch` recorded an "ok" run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.replica_helpers import REPO
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer

QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "THCRAWL_HONOUR_CRAWL_DELAY=0",
         "-s", "LOG_LEVEL=WARNING"]


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=40, seed=71)) as running:
        yield running


def scrapy(*args: str, data, server) -> subprocess.CompletedProcess:
    # THCRAWL_BASE_URL: the project's requests stay on the configured site (thcrawl/safety.py).
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"THCRAWL_DATA_DIR={data}",
                           "-s", f"THCRAWL_BASE_URL={server.base_url}", *QUICK],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def article_url(server) -> str:
    return server.base_url + server.replica.site.article(0).path


COMMANDS = {
    "shell": lambda url: ["shell", url, "-c", "response.status"],
    "shell --spider ttv": lambda url: ["shell", url, "--spider", "ttv", "-c", "response.status"],
    "fetch": lambda url: ["fetch", "--nolog", url],
    "fetch --spider ttv": lambda url: ["fetch", "--nolog", "--spider", "ttv", url],
    "parse --spider ttv --pipelines": lambda url: ["parse", "--spider", "ttv", "--pipelines", "-c",
                                                   "parse_article", url],
    "check": lambda url: ["check", "ttv"],
    "bench": lambda url: ["bench", "-s", "CLOSESPIDER_TIMEOUT=1"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_scrapy_command_leaves_no_trace(server, tmp_path, command):
    data = tmp_path / "data"
    result = scrapy(*COMMANDS[command](article_url(server)), data=data, server=server)
    assert result.returncode == 0, result.stderr[-2000:]
    if command.startswith("parse"):
        assert server.replica.site.article(0).id in result.stdout  # the spider's callback did run
    if command.startswith("shell"):
        assert result.stdout.strip() == "200"
    if command.startswith("fetch"):
        assert "<html" in result.stdout.lower()
    assert not data.exists() or list(data.iterdir()) == []


def test_scrapy_crawl_ttv_is_a_run(server, tmp_path):
    """The control: the project's own spider, crawled, does own a run."""
    data = tmp_path / "data"
    result = scrapy("crawl", "ttv", "-a", "max_articles=3", data=data, server=server)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (data / "state.sqlite").exists() and len(list(data.glob("runs/*/stats.json"))) == 1
