"""`scrapy crawl ttv -a ...` from the repository root behaves as `thcrawl crawl`: the same arguments, the
same site check, the same refusal to drop the manners off loopback, the same one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.replica_helpers import REPO, run_cli
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer

ARTICLES = 40
FAST = ["-s", "THCRAWL_HONOUR_CRAWL_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0"]


def scrapy_crawl(data, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "ttv", "-s", f"THCRAWL_DATA_DIR={data}", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


@pytest.fixture(scope="module")
def site():
    return ReplicaSite(articles=ARTICLES, seed=7)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site, crawl_delay=0.3) as running:  # a short Crawl-delay: the polite run stays quick
        yield running


def test_base_url_argument_is_the_site_it_crawls(server, tmp_path):
    out = tmp_path / "out.jsonl"
    result = scrapy_crawl(tmp_path / "data", "-a", f"base_url={server.base_url}", "-a", "categories=thoi-su",
                          "-a", "max_articles=3", "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 3 and all(row["url"].startswith(server.base_url + "/") for row in rows)
    stats = json.loads(next((tmp_path / "data").glob("runs/*/stats.json")).read_text("utf-8"))
    assert stats["status"] == "ok" and stats["site"] is not None
    assert stats["robots_crawl_delay"] == 0.3  # shipped, polite settings
    # No way into the running crawl.
    assert "TelnetConsole" not in result.stderr and "RemoteControl" not in result.stderr
    assert "Enabled extensions" in result.stderr


def test_the_same_arguments_give_the_same_articles(site, server, tmp_path):
    date = f"{site.article(1).published:%Y-%m-%d}"
    args = {"source": "sitemap", "since": date, "until": date}
    out = tmp_path / "scrapy.jsonl"
    plain = scrapy_crawl(tmp_path / "a", "-a", f"base_url={server.base_url}",
                         *[f"-a{k}={v}" for k, v in args.items()], *FAST, "-O", str(out))
    assert plain.returncode == 0, plain.stderr[-3000:]
    cli = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path / "b"),
                  *[f"--{k}={v}" for k, v in args.items()])
    assert cli.returncode == 0, cli.stderr[-3000:]
    plain_ids = {json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()}
    cli_ids = {json.loads(line)["id"] for line in next((tmp_path / "b").glob("runs/*/articles.jsonl")).open()}
    truth = {site.article(i).id for i in range(ARTICLES) if f"{site.article(i).published:%Y-%m-%d}" == date}
    assert plain_ids == cli_ids == truth and site.article(1).id in truth


@pytest.mark.parametrize(("argument", "message"), [
    ("source=atom", "source must be one of listing, rss, sitemap"),
    ("max_articles=many", "max_articles must be a whole number"),
    ("max_articles=-2", "max_articles must be at least 1"),
    ("since=yesterdayish", "cannot read 'yesterdayish' as a date"),
    ("follow_see_more=maybe", "follow_see_more takes 1 or 0"),
    ("categories=thoi su", "categories takes slugs"),
    ("base_url=ftp://127.0.0.1/", "base_url must be an http(s) URL"),
])
def test_a_bad_argument_is_one_line_and_exit_2(argument, message, tmp_path):
    result = scrapy_crawl(tmp_path / "data", "-a", argument, "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"ttv: error: {result.stderr.split('error: ', 1)[1].strip()}"]
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_manners_cannot_be_dropped_for_the_real_site(tmp_path):
    for setting in ("THCRAWL_HONOUR_CRAWL_DELAY=0", "ROBOTSTXT_OBEY=0"):
        result = scrapy_crawl(tmp_path / "data", "-s", setting, "-s", "LOG_LEVEL=WARNING")
        assert result.returncode == 2 and "only for a replica on a loopback address" in result.stderr
        assert "Traceback" not in result.stderr and not (tmp_path / "data").exists()
        cli = run_cli("crawl", "--out", str(tmp_path / "cli"), "-s", setting)
        assert cli.returncode == 2 and "only for a replica on a loopback address" in cli.stderr
        assert "Traceback" not in cli.stderr
