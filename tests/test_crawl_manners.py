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


# The top of the shipped DOWNLOAD_DELAY's range (1 s, each wait drawn from 0.5-1.5 s by Scrapy's jitter):
# only the Crawl-delay keeps every gap at it. Shorter than the replica's default 2 s, so the test is quick.
CRAWL_DELAY = 1.5


def test_shipped_settings_keep_every_gap_at_the_crawl_delay(tmp_path):
    with ReplicaServer(ReplicaSite(articles=40, seed=5), crawl_delay=CRAWL_DELAY) as polite_site:
        # Exactly what a user runs: no --fast, no -s; only the site and the data folder differ.
        result = run_cli("crawl", "--base-url", polite_site.base_url, "--out", str(tmp_path),
                         "--categories", "thoi-su", "--max-articles", "6")
        arrivals = [when for when, _ in polite_site.replica.arrivals]
    assert result.returncode == 0, result.stderr[-3000:]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    # robots.txt, the category page and 6 articles, as the site saw them.
    assert len(arrivals) == 8
    assert min(gaps) >= CRAWL_DELAY - 0.05, [round(gap, 3) for gap in gaps]
    assert "ERROR" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]
    stats = stats_of(tmp_path)
    assert stats["status"] == "ok" and stats["errors"] == {}
    assert stats["robots_crawl_delay"] == CRAWL_DELAY
    assert stats["settings"]["AUTOTHROTTLE_ENABLED"] is True


def test_an_exception_in_a_signal_handler_is_counted_and_the_run_is_not_ok(server, tmp_path):
    from thcrawl import settings

    # A setting given on the command line replaces the project's dict: the shipped extensions plus one.
    extensions = {**settings.EXTENSIONS, "tests.faulty_components.RaisesOnEveryResponse": 0}
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path),
                     "--categories", "thoi-su", "--max-articles", "3", "-s", f"EXTENSIONS={json.dumps(extensions)}")
    assert result.returncode == 3, result.stderr[-3000:]
    stats = stats_of(tmp_path)
    # robots.txt, the category page and 3 articles: one error each.
    assert stats["status"] == "degraded" and stats["errors"]["unhandled"] == 5
    assert stats["articles"] == 3


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


def test_no_way_into_a_running_crawl():
    from thcrawl import settings

    assert settings.TELNETCONSOLE_ENABLED is False and settings.REMOTE_CONTROL_ENABLED is False
    assert settings.EXTENSIONS["scrapy.extensions.remote_control.RemoteControl"] is None


def test_crawl_repairs_a_killed_earlier_run(server, tmp_path):
    killed = tmp_path / "runs" / "20250101T000000Z"
    killed.mkdir(parents=True)
    (killed / "articles.jsonl").write_bytes(b'{"id":"1"}\n{"id":"2", "bo')
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path), "--max-articles", "1")
    assert result.returncode == 0
    assert (killed / "articles.jsonl").read_bytes() == b'{"id":"1"}\n'
    assert "torn last line" in result.stderr
