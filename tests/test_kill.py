"""A crawl killed with SIGKILL at a random moment, then run again: no torn line in any output, no article
lost, no duplicate, checked against the generator's truth."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.replica_helpers import REPO
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.state import StateStore

ARTICLES = 300
SEED = int(os.environ.get("THCRAWL_KILL_SEED", random.SystemRandom().randrange(1_000_000)))


def crawl_command(base_url: str, data) -> list[str]:
    return [sys.executable, "-m", "thcrawl.cli", "crawl", "--base-url", base_url, "--fast", "--out", str(data)]


def journal_lines(data) -> int:
    return sum(path.read_bytes().count(b"\n") for path in data.glob("runs/*/articles.jsonl"))


def kill_when(process: subprocess.Popen, data, lines: int | None = None, seconds: float | None = None) -> None:
    started = time.monotonic()
    while process.poll() is None:
        if (lines is not None and journal_lines(data) >= lines) or (
                seconds is not None and time.monotonic() - started >= seconds):
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait(timeout=60)


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=ARTICLES, seed=31)) as running:
        yield running


def test_kill_and_rerun_loses_nothing(server, tmp_path):
    rng = random.Random(SEED)
    print(f"THCRAWL_KILL_SEED={SEED}")  # shown on failure: rerun with it to repeat the same kills
    data = tmp_path
    before = 0
    for target in (rng.randrange(20, 140), rng.randrange(before + 150, 280)):
        process = subprocess.Popen(crawl_command(server.base_url, data), cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(process, data, lines=target)
        before = target
    process = subprocess.Popen(crawl_command(server.base_url, data), cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    kill_when(process, data, seconds=rng.uniform(0.2, 3.0))  # maybe during start-up, maybe mid-crawl
    final = subprocess.run(crawl_command(server.base_url, data), cwd=REPO, capture_output=True, text=True,
                           timeout=300)
    assert final.returncode == 0, final.stderr[-2000:]

    for path in data.rglob("*.jsonl"):  # no torn line anywhere: journals, dataset, history
        raw = path.read_bytes()
        assert not raw or raw.endswith(b"\n"), path
        for line in raw.decode("utf-8").splitlines():
            json.loads(line)

    rows = [row for path in iter_dataset(data) for row in read_jsonl(path)]
    ids = [row["id"] for row in rows]
    site = server.replica.site
    assert len(ids) == len(set(ids)), "duplicate article in the dataset"
    assert set(ids) == {site.article(i).id for i in range(ARTICLES)}, "article lost"
    truth = {site.article(i).id: site.truth(i, server.base_url) for i in range(ARTICLES)}
    assert all(row["body"] == truth[row["id"]]["body"] and row["title"] == truth[row["id"]]["title"] for row in rows)
    assert StateStore(data / "state.sqlite").article_count() == ARTICLES
