"""How the crawl behaves toward the site and the user: Crawl-delay, progress, crashed-run repair."""

from __future__ import annotations

import json

import pytest

from tests.replica_helpers import run_cli
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=60, seed=5)) as running:
        yield running


def stats_of(out):
    return json.loads(next(out.glob("runs/*/stats.json")).read_text("utf-8"))


def polite_crawl(server, out, *settings: str):
    args = ["crawl", "--base-url", server.base_url, "--out", str(out), "--categories", "thoi-su",
            "--max-articles", "2", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
    for setting in settings:
        args += ["-s", setting]
    return run_cli(*args)


def test_robots_crawl_delay_is_honoured(server, tmp_path):
    result = polite_crawl(server, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    stats = stats_of(tmp_path)
    assert stats["robots_crawl_delay"] == 2.0
    # robots.txt, the category page and 2 articles: three gaps of at least 2 s after robots.txt.
    assert stats["requests"] == 4 and stats["duration_seconds"] >= 3 * 2.0 * 0.9


def test_crawl_delay_can_be_switched_off_for_the_replica(server, tmp_path):
    result = polite_crawl(server, tmp_path, "THCRAWL_HONOUR_CRAWL_DELAY=0")
    assert result.returncode == 0
    assert stats_of(tmp_path)["duration_seconds"] < 3.0


def test_progress_line_when_asked(server, tmp_path):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path),
                     "-s", "THCRAWL_PROGRESS=1")
    last = result.stderr.rsplit("\r", 1)[-1]
    assert "pages " in last and "articles 60" in last and "pages/s" in last


def test_no_progress_line_when_not_a_terminal(server, tmp_path):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path))
    assert "pages/s" not in result.stderr


def test_user_agent_has_contact_url():
    from thcrawl import settings

    assert "thcrawl/" in settings.USER_AGENT and "+https://" in settings.USER_AGENT


def test_crawl_repairs_a_killed_earlier_run(server, tmp_path):
    killed = tmp_path / "runs" / "20250101T000000Z"
    killed.mkdir(parents=True)
    (killed / "articles.jsonl").write_bytes(b'{"id":"1"}\n{"id":"2", "bo')
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path), "--max-articles", "1")
    assert result.returncode == 0
    assert (killed / "articles.jsonl").read_bytes() == b'{"id":"1"}\n'
    assert "torn last line" in result.stderr
