"""Logs for cron: `--log-format json` (one JSON object per line on stderr, the outcome as one JSON object on
stdout) and Scrapy's periodic stats line whenever stdout is not a terminal, from real crawls of the replica."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from tests.replica_helpers import REPO, run_cli
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer

PERIODIC = "[scrapy.extensions.logstats] INFO: Crawled "


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=300, seed=17)) as running:
        yield running


def test_json_log_lines_and_outcome(server, tmp_path):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path), "--log-format", "json",
                     "--log-level", "INFO", "-s", "LOGSTATS_INTERVAL=0.5")
    assert result.returncode == 0, result.stderr[-2000:]
    run_id = next((tmp_path / "runs").iterdir()).name
    lines = result.stderr.splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert len(records) >= 10
    assert all({"time", "level", "logger", "message"} <= set(r) and r["run"] == run_id for r in records)
    assert any(r["logger"] == "thcrawl.owner" and r["message"].startswith(f"run {run_id}: ok") for r in records)
    stats = [r for r in records if r["logger"] == "scrapy.extensions.logstats"]
    assert stats and all(set(r["data"]) == {"pages", "pagerate", "items", "itemrate"} for r in stats)
    outcome = json.loads(result.stdout)  # stdout: exactly one JSON object
    assert outcome["event"] == "run_finished" and outcome["exit_code"] == 0 and outcome["status"] == "ok"
    assert outcome["articles"] == 300 and outcome["report"] == str(tmp_path / "report.html")


def test_periodic_stats_when_stdout_is_not_a_terminal(server, tmp_path):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path),
                     "-s", "LOGSTATS_INTERVAL=0.5")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert sum(PERIODIC in line for line in lines) >= 2
    assert not [line for line in lines if " INFO: " in line and PERIODIC not in line]  # still at WARNING


def test_no_periodic_stats_on_a_terminal(server, tmp_path):
    """With stdout on a terminal (a pseudo-terminal here) the progress line shows instead."""
    leader, follower = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "thcrawl.cli", "crawl", "--base-url", server.base_url,
                                 "--fast", "--out", str(tmp_path), "-s", "LOGSTATS_INTERVAL=0.5"],
                                stdout=follower, stderr=subprocess.PIPE, text=True, timeout=300, cwd=REPO)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 0, result.stderr[-2000:]
    assert PERIODIC not in result.stderr
