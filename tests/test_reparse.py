"""Re-extraction of monthly WARC captures (`thcrawl reparse`): versions as the crawl keeps them, the same items
whatever --jobs, and a reparse killed with SIGKILL and run again finishing the job without duplicates."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.replica_helpers import REPO, run_cli, write_archive
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.replica.content import ReplicaSite

ARTICLES = 300
RUNS = 3
REVISE_EVERY = 7  # every 7th article is corrected before each later capture: a new version each time


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warc")
    write_archive(ReplicaSite(articles=ARTICLES, seed=15), folder, runs=RUNS, revise_every=REVISE_EVERY)
    return folder


def month_files(data: Path) -> dict[str, bytes]:
    """Every file of the dataset, history included, by path."""
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted((data / "articles").rglob("*.jsonl"))}


def children(pid: int) -> list[int]:
    """Process IDs whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def reparse(archive: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("reparse", str(archive), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def one_job(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "data"
    return out, reparse(archive, out, "--jobs", "1")


def test_each_archived_run_is_a_run_with_its_versions(one_job):
    out, result = one_job
    revised = len(range(0, ARTICLES, REVISE_EVERY))
    assert f"{ARTICLES} articles ({ARTICLES} new, 0 updated, 0 unchanged)" in result.stdout
    assert result.stdout.count(f"(0 new, {revised} updated, {ARTICLES - revised} unchanged)") == RUNS - 1
    latest = {row["id"]: row for path in iter_dataset(out) for row in read_jsonl(path)}
    assert len(latest) == ARTICLES
    assert sorted({row["version"] for row in latest.values()}) == [1, RUNS]
    history = [row for path in (out / "articles" / "_history").rglob("*.jsonl") for row in read_jsonl(path)]
    assert len(history) == revised * (RUNS - 1)  # every earlier version kept, none twice
    assert len({(row["id"], row["version"]) for row in history}) == len(history)
    some = next(row for row in latest.values() if row["version"] == RUNS)
    assert some["crawled_at"].startswith(f"2026-0{RUNS}") and some["updated_at"] == some["crawled_at"]
    runs = sorted((out / "runs").iterdir())
    assert len(runs) == RUNS and all(json.loads((r / "stats.json").read_text())["status"] == "ok" for r in runs)


def test_items_are_the_same_whatever_the_number_of_jobs(archive, one_job, tmp_path):
    out, _ = one_job
    reparse(archive, tmp_path / "two", "--jobs", "2")
    assert month_files(tmp_path / "two") == month_files(out)
    # Two jobs are this process and one worker, and both read byte ranges.
    reparse_stats = [json.loads((run / "stats.json").read_text())["reparse"] for run in (tmp_path / "two" / "runs").iterdir()]
    assert sum(s.get("ranges_read_here", 0) for s in reparse_stats) > 0
    assert sum(s.get("ranges_read_by_workers", 0) for s in reparse_stats) > 0


def test_killed_reparse_run_again_finishes_without_duplicates(archive, one_job, tmp_path):
    out, _ = one_job
    data = tmp_path / "killed"
    command = [sys.executable, "-m", "thcrawl.cli", "reparse", str(archive), "--out", str(data), "--jobs", "2"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Killed mid-way through the second archived run, after some of its lines reached the journal.
    while time.monotonic() < deadline and process.poll() is None:
        journals = sorted((data / "runs").glob("*/articles.jsonl")) if (data / "runs").exists() else []
        if len(journals) >= 2 and journals[1].stat().st_size > 40_000:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the reparse ended before it could be killed"
    workers = children(process.pid)
    assert workers, "the reparse runs its pages in worker processes"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers), "workers outlived their killed reparse"
    assert not all((run / "stats.json").exists() for run in (data / "runs").iterdir())
    killed_runs = {run.name for run in (data / "runs").iterdir()}
    reparse(archive, data, "--jobs", "2")
    first_rerun = min(run for run in (data / "runs").iterdir() if run.name not in killed_runs)
    assert json.loads((first_rerun / "stats.json").read_text())["recovered_runs"] == 1
    assert month_files(data) == month_files(out)  # every version, each once, as an uninterrupted reparse
    ids = [row["id"] for path in iter_dataset(data) for row in read_jsonl(path)]
    assert len(ids) == len(set(ids)) == ARTICLES


def test_uncompressed_warc_gives_the_same_items_and_a_whole_gzip_is_refused(archive, tmp_path):
    first = sorted(archive.glob("*.warc.gz"))[0]
    plain = tmp_path / "plain" / first.name.removesuffix(".gz")
    plain.parent.mkdir()
    plain.write_bytes(gzip.decompress(first.read_bytes()))
    reparse(first, tmp_path / "from-gz", "--jobs", "2")
    reparse(plain, tmp_path / "from-plain", "--jobs", "2")
    assert month_files(tmp_path / "from-plain") == month_files(tmp_path / "from-gz")
    whole = tmp_path / "whole.warc.gz"  # one gzip stream for the whole file: warcio cannot read it
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    result = run_cli("reparse", str(whole), "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "warcio recompress" in result.stderr and "Traceback" not in result.stderr


def test_progress_line_on_a_terminal(archive, tmp_path):
    # THCRAWL_PROGRESS=1 stands for a terminal (the line shows by itself when stderr is one).
    result = reparse(archive, tmp_path / "data", "--jobs", "2", "-s", "THCRAWL_PROGRESS=1")
    finals = [line.rsplit("\r", 1)[-1] for line in result.stderr.splitlines() if "pages/s" in line]
    assert len(finals) == RUNS  # one archived run, one line ended
    assert all(f"pages {ARTICLES} | articles {ARTICLES} |" in line for line in finals), finals
