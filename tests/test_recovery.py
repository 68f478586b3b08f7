"""Recovery of runs that did not finish, with real failures: a first crawl SIGKILLed part way is resumed
(what it committed is not fetched again), a journal line broken by hand is set aside in quarantine.jsonl
and the rest recovered, a SIGKILL during the dataset merge leaves nothing behind. After each, the dataset
equals the replica's truth, with no duplicate, no torn line and a sound state."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from tests.replica_helpers import assert_dataset_is_truth, kill_when, last_stats, run_cli, start_crawl
from thcrawl.dataset import DATASET_DIR
from thcrawl.recovery import QUARANTINE_FILE, quarantine_bad_lines
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.state import StateStore

ARTICLES = 300


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=ARTICLES, seed=51)) as running:
        yield running


def rerun(server, data):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(data))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return last_stats(data)


def killed_first_run(server, data, lines: int):
    assert kill_when(start_crawl(server.base_url, data), data, lines=lines), "the crawl ended before the kill"
    (journal,) = data.glob("runs/*/articles.jsonl")
    return journal


def test_killed_first_run_is_resumed_without_fetching_again(server, tmp_path):
    journal = killed_first_run(server, tmp_path, lines=150)
    written = journal.read_bytes().count(b"\n")
    before = server.replica.requests
    stats = rerun(server, tmp_path)
    requests = server.replica.requests - before
    assert stats["mode"] == "resumed" and stats["recovered_runs"] == 1
    assert stats["recovery"]["articles"] == written >= 150
    # Only the articles the killed run had not written are fetched: none twice.
    assert stats["new"] == stats["articles"] == ARTICLES - written
    assert stats["skipped_known"] == written
    assert requests == stats["requests"] < ARTICLES - written + 60  # + listings, home, robots.txt
    assert_dataset_is_truth(tmp_path, server.replica.site, server.base_url, ARTICLES)


def break_lines(journal) -> list[str]:
    """A short write followed by a later append (line 40 cut in the middle and glued to line 41), a line
    of garbage after line 100, and a JSON line that is no article; returns the IDs of the articles the
    glued line held."""
    lines = journal.read_bytes().splitlines(keepends=True)
    ids = [json.loads(lines[i])["id"] for i in (39, 40)]
    glued = lines[39][: len(lines[39]) // 2] + lines[40]
    broken = [*lines[:39], glued, *lines[41:100], b"\x00\x00not json at all\xff\n", *lines[100:150],
              b'{"id":"1800000001","note":"no url"}\n', *lines[150:]]
    journal.write_bytes(b"".join(broken))
    return ids


def test_broken_journal_line_is_quarantined_and_the_rest_recovered(server, tmp_path):
    journal = killed_first_run(server, tmp_path, lines=200)
    lost_ids = break_lines(journal)
    stats = rerun(server, tmp_path)
    assert stats["recovery"]["quarantined_lines"] == 3
    quarantined = [json.loads(line) for line in (journal.parent / QUARANTINE_FILE).read_text("utf-8").splitlines()]
    assert [q["line"] for q in quarantined] == [40, 100, 151]
    assert all(q["reason"] and q["raw"] for q in quarantined)
    assert lost_ids[1] in quarantined[0]["raw"]  # the glued line held the next article whole
    # The two articles of the glued line are fetched again, whatever state knew of them.
    assert stats["new"] + stats["updated"] + stats["unchanged"] >= 2
    assert_dataset_is_truth(tmp_path, server.replica.site, server.base_url, ARTICLES)
    state = StateStore(tmp_path / "state.sqlite")
    assert all(state.known(article_id).month for article_id in lost_ids)
    assert state.due_failures() == []


def kill_during_merge(server, data, attempts: int = 8) -> bool:
    """Run full crawls until one is SIGKILLed while its merge spool exists (the merge takes tens of ms)."""
    root = data / DATASET_DIR
    for _ in range(attempts):
        process = start_crawl(server.base_url, data, "--full")
        while process.poll() is None:
            if root.is_dir() and any(name.startswith(".merge-") for name in os.listdir(root)):
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=60)
                return True
            time.sleep(0.0005)
    return False


def test_kill_during_merge_then_rerun(server, tmp_path):
    if not kill_during_merge(server, tmp_path):
        pytest.skip("no crawl was caught during its merge in 8 tries")
    root = tmp_path / DATASET_DIR
    leftovers = [p for p in root.iterdir() if p.name.startswith(".merge-")] + list(root.rglob("*.tmp"))
    assert leftovers, "a SIGKILLed merge leaves its spool behind"
    stats = rerun(server, tmp_path)
    assert stats["recovered_runs"] == 1 and stats["recovery"]["temporaries_removed"] >= len(leftovers)
    assert not any(p.name.startswith(".merge-") for p in root.iterdir()) and not list(root.rglob("*.tmp"))
    assert_dataset_is_truth(tmp_path, server.replica.site, server.base_url, ARTICLES)


def test_next_run_removes_spools_and_temporary_files(server, tmp_path):
    rerun(server, tmp_path)
    root = tmp_path / DATASET_DIR
    planted = [root / ".merge-abc123" / "2024-05.jsonl", next(root.rglob("*.jsonl")).with_suffix(".jsonl.tmp"),
               next(tmp_path.glob("runs/*")) / "stats.json.tmp"]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'{"id": "half')
    stats = rerun(server, tmp_path)
    assert stats["recovery"]["temporaries_removed"] == 3
    assert not any(path.exists() for path in planted) and not (root / ".merge-abc123").exists()


def test_quarantine_keeps_good_lines_byte_for_byte(tmp_path):
    journal = tmp_path / "articles.jsonl"
    good = [json.dumps({"id": str(180000000 + n), "url": f"http://127.0.0.1/a-{n}.htm", "crawled_at": "x",
                        "content_sha256": "0" * 64, "version": 1, "updated_at": None, "published_at": None},
                       ensure_ascii=False).encode() + b"\n" for n in range(3)]
    journal.write_bytes(good[0] + b"{broken\n" + good[1] + good[2] + b'{"id": "torn')
    assert quarantine_bad_lines(journal) == [b"{broken\n"]
    assert journal.read_bytes() == b"".join(good)  # and the torn tail cut, not quarantined
    (record,) = [json.loads(line) for line in (tmp_path / QUARANTINE_FILE).read_text("utf-8").splitlines()]
    assert record["line"] == 2 and record["raw"] == "{broken\n" and record["reason"].startswith("not JSON")
    assert quarantine_bad_lines(journal) == []  # a clean journal is left alone
