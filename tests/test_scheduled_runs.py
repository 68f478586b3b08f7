"""Scheduled runs against the replica over HTTP: incremental reruns, new and corrected articles, the
dataset, the lock, exit codes and the run summary."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.replica_helpers import run_cli
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.dates import VN_TZ
from thcrawl.lock import DataDirLock
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.state import StateStore

ARTICLES = 400


def run(base_url: str, data, *args: str):
    result = run_cli("crawl", "--base-url", base_url, "--fast", "--out", str(data), *args)
    runs = sorted((data / "runs").iterdir()) if (data / "runs").exists() else []
    stats = json.loads((runs[-1] / "stats.json").read_text("utf-8")) if runs else None
    return result, stats


def dataset_rows(data) -> list[dict]:
    return [row for path in iter_dataset(data) for row in read_jsonl(path)]


@pytest.fixture(scope="module")
def site():
    # The newest articles of this replica were published in the last days, inside the re-check window.
    now = datetime.now(VN_TZ).replace(second=0, microsecond=0)
    return ReplicaSite(articles=ARTICLES, seed=11, start=now - timedelta(days=60), end=now - timedelta(hours=1))


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def first_two_runs(server, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    first = run(server.base_url, data)
    second = run(server.base_url, data)
    return data, first, second


def test_first_run_is_full_and_complete(first_two_runs, site):
    data, (result, stats), _ = first_two_runs
    assert result.returncode == 0, result.stderr[-2000:]
    assert stats["mode"] == "full" and stats["new"] == ARTICLES and stats["status"] == "ok"


def test_dataset_holds_every_article_once_by_month(first_two_runs, site):
    data, _, _ = first_two_runs
    rows = dataset_rows(data)
    assert sorted(r["id"] for r in rows) == sorted(site.article(i).id for i in range(ARTICLES))
    for path in iter_dataset(data):
        assert {r["published_at"][:7] for r in read_jsonl(path)} == {f"{path.parent.name}-{path.stem}"}


def test_rerun_is_incremental_and_cheap(first_two_runs):
    _, (_, full), (result, again) = first_two_runs
    assert result.returncode == 0
    assert again["mode"] == "incremental"
    assert again["new"] == 0 and again["updated"] == 0
    # Only articles listed within the re-check window are fetched again.
    assert again["requests"] <= 0.10 * full["requests"]


def test_rerun_adds_no_duplicate(first_two_runs):
    data, _, _ = first_two_runs
    ids = [r["id"] for r in dataset_rows(data)]
    assert len(ids) == len(set(ids)) == ARTICLES


def test_state_records_every_article(first_two_runs):
    data, _, _ = first_two_runs
    state = StateStore(data / "state.sqlite")
    assert state.article_count() == ARTICLES
    row = next(state.rows("SELECT first_seen, last_crawled, version, content_sha256 FROM articles LIMIT 1"))
    assert row[0] and row[1] and row[2] == 1 and len(row[3]) == 64


def test_new_and_corrected_articles(server, site, tmp_path):
    """A later run fetches the new articles and records a corrected body as version 2, keeping version 1."""
    data = tmp_path
    run(server.base_url, data)
    fresh = site.publish(3)
    recent = site.newest_first(list(range(ARTICLES)))[2]   # listed within the re-check window
    old = 5                                                # listed long before it
    site.revise(recent)
    site.revise(old)
    try:
        result, stats = run(server.base_url, data)
    finally:
        site.revisions.clear()
        site.published_by_hand = 0
    assert result.returncode == 0, result.stderr[-2000:]
    assert (stats["new"], stats["updated"]) == (3, 1)
    rows = {r["id"]: r for r in dataset_rows(data)}
    assert all(site.article(i).id in rows for i in fresh)
    corrected = rows[site.article(recent).id]
    assert corrected["version"] == 2 and corrected["updated_at"] and "Cập nhật lần 1" in corrected["body"]
    assert rows[site.article(old).id]["version"] == 1  # outside the window: not fetched this time
    history = [r for p in (data / "articles" / "_history").rglob("*.jsonl") for r in read_jsonl(p)]
    assert [(h["id"], h["version"]) for h in history] == [(corrected["id"], 1)]


def test_full_mode_ignores_state(first_two_runs, server, tmp_path):
    data, _, _ = first_two_runs
    result, stats = run(server.base_url, data, "--full")
    assert stats["mode"] == "full" and stats["unchanged"] == ARTICLES and stats["new"] == 0


def test_second_run_exits_at_once_while_lock_is_held(server, tmp_path):
    with DataDirLock(tmp_path):
        result, _ = run(server.base_url, tmp_path)
    assert result.returncode == 4
    assert "another thcrawl run" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "runs").exists()


def test_degraded_exit_code_when_coverage_falls(server, tmp_path):
    result, stats = run(server.base_url, tmp_path, "--max-articles", "30", "-s",
                        'THCRAWL_MIN_COVERAGE={"title": 0.95, "source": 0.99}')
    assert result.returncode == 3 and stats["status"] == "degraded"
    assert stats["coverage_below_threshold"] == ["source"] and "degraded" in result.stderr


def test_failure_exit_code_when_site_is_down(tmp_path):
    result, stats = run("http://127.0.0.1:9", tmp_path, "-s", "RETRY_TIMES=0")
    assert result.returncode == 1 and stats["status"] == "failed"


def test_summary_fields(first_two_runs):
    _, (_, stats), _ = first_two_runs
    for field in ("new", "updated", "unchanged", "failed", "coverage", "requests", "duration_seconds", "status"):
        assert field in stats


def test_no_change_rerun_costs_under_5_percent_of_a_full_crawl(tmp_path):
    with ReplicaServer(ReplicaSite(articles=600, seed=12)) as quiet:  # nothing listed in the last 48 h
        _, full = run(quiet.base_url, tmp_path)
        result, again = run(quiet.base_url, tmp_path)
    assert result.returncode == 0 and again["articles"] == 0
    assert again["requests"] <= 0.05 * full["requests"]
