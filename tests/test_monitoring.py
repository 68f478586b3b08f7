"""Monitoring with spidermon: the suite runs over the run's own stats at the end of a real crawl of the
replica, and a failing monitor sends its notification (here an e-mail to an SMTP server on 127.0.0.1)."""

from __future__ import annotations

import pytest

from tests.replica_helpers import run_cli
from tests.smtp_sink import SmtpSink
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer

pytest.importorskip("spidermon", reason="the monitor extra is not installed: pip install -e '.[monitor]'")
MONITORS = ("articles", "errors", "field coverage", "finish reason", "layer drift", "lost for good")


def monitored_crawl(base_url, out, sink, *settings):
    args = ["crawl", "--base-url", base_url, "--fast", "--out", str(out), "--log-level", "INFO"]
    for setting in ("SPIDERMON_ENABLED=True", "THCRAWL_NOTIFY=email", "SPIDERMON_EMAIL_TO=archive@example.org",
                    "SPIDERMON_EMAIL_SENDER=thcrawl@example.org", "SPIDERMON_SMTP_HOST=127.0.0.1",
                    f"SPIDERMON_SMTP_PORT={sink.port}", "SPIDERMON_SMTP_USER=thcrawl",
                    "SPIDERMON_SMTP_PASSWORD=secret", *settings):
        args += ["-s", setting]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    return {name: line.rsplit("... ", 1)[-1] for name in MONITORS for line in result.stderr.splitlines()
            if f"[Spidermon] thcrawl run/{name}..." in line}


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=30, seed=21)) as running:
        yield running


def test_clean_runs_pass_every_monitor_and_send_nothing(server, tmp_path):
    with SmtpSink() as sink:
        first = monitored_crawl(server.base_url, tmp_path, sink)
        second = monitored_crawl(server.base_url, tmp_path, sink)
    assert first == dict.fromkeys(MONITORS, "OK")
    # The second, incremental run fetched no article (all known): no field share to compare, and fine.
    assert second == dict.fromkeys(MONITORS, "OK")
    assert sink.messages == []


def test_a_failing_monitor_sends_an_email_naming_it(server, tmp_path):
    with SmtpSink() as sink:
        outcome = monitored_crawl(server.base_url, tmp_path, sink, "THCRAWL_MONITOR_MIN_ARTICLES=1000")
    assert outcome["articles"] == "FAIL" and outcome["field coverage"] == "OK"
    assert len(sink.messages) == 1
    mail = sink.messages[0]
    assert "To: archive@example.org" in mail and "Subject: thcrawl: a monitor of the ttv run failed" in mail
    assert "thcrawl run/articles: 30 not greater than or equal to 1000" in mail


def test_layer_drift_compares_with_the_last_run(server, tmp_path):
    """With no drop allowed at all (a negative limit), the second run's comparison with the first fails:
    the monitor did read the earlier run's CMS-layer shares (its stats.json, kept in the state)."""
    with SmtpSink() as sink:
        monitored_crawl(server.base_url, tmp_path, sink)
        outcome = monitored_crawl(server.base_url, tmp_path, sink, "THCRAWL_MONITOR_MAX_LAYER_DROP=-0.01",
                                  "THCRAWL_MODE=full")
    assert outcome["layer drift"] == "FAIL"
    assert len(sink.messages) == 1 and "CMS layer share dropped against the last run" in sink.messages[0]


def test_unknown_notifier_is_a_usage_error(server, tmp_path):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path),
                     "-s", "SPIDERMON_ENABLED=True", "-s", "THCRAWL_NOTIFY=pigeon")
    assert result.returncode == 2 and "THCRAWL_NOTIFY" in result.stderr and "Traceback" not in result.stderr
