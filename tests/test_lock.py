"""One run at a time per data folder, even when the lock file is deleted or replaced by hand: the lock is
held on the folder itself, and the running crawl notices the lock file is gone and writes it again."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.replica_helpers import REPO, crawl_command, journal_lines, run_cli
from thcrawl.lock import DELETED, FOLDER_MOVED, LOCK_FILE, REPLACED, DataDirLock, LockHeldError
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer


def tamper(path, how: str) -> None:
    if how == DELETED:
        path.unlink()
    else:
        other = path.with_name("someone-else")
        other.write_text("12345")
        os.replace(other, path)


@pytest.mark.parametrize("how", [DELETED, REPLACED])
def test_second_lock_refused_after_the_lock_file_is_tampered_with(tmp_path, how):
    with DataDirLock(tmp_path) as held:
        tamper(tmp_path / LOCK_FILE, how)
        with pytest.raises(LockHeldError):
            DataDirLock(tmp_path).acquire()
        assert held.check() == how
        assert (tmp_path / LOCK_FILE).read_text() == str(os.getpid())  # written again by the holder
        assert held.check() is None
    DataDirLock(tmp_path).acquire().release()  # free once released


@pytest.mark.parametrize("how", [DELETED, REPLACED])
def test_crawl_refused_while_another_holds_the_folder_without_its_lock_file(tmp_path, how):
    with DataDirLock(tmp_path):
        tamper(tmp_path / LOCK_FILE, how)
        result = run_cli("crawl", "--base-url", "http://127.0.0.1:9", "--fast", "--out", str(tmp_path))
    assert result.returncode == 4, result.stderr[-2000:]
    assert "another thcrawl run" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "runs").exists() and not (tmp_path / "state.sqlite").exists()


def test_running_crawl_keeps_the_folder_when_its_lock_file_is_deleted(tmp_path):
    with ReplicaServer(ReplicaSite(articles=200, seed=61)) as server:
        # One request at a time, 20 ms apart: the crawl lasts a few seconds, long enough to tamper.
        slow = ["-s", "DOWNLOAD_DELAY=0.02", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        first = subprocess.Popen(crawl_command(server.base_url, tmp_path, *slow), cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while journal_lines(tmp_path) < 10:
                assert first.poll() is None
                time.sleep(0.02)
            (tmp_path / LOCK_FILE).unlink()
            second = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path))
            still_running = first.poll() is None
        finally:
            out, err = first.communicate(timeout=120)
    assert still_running, "the first crawl ended before the second started: the test proved nothing"
    assert second.returncode == 4 and "another thcrawl run" in second.stderr
    assert first.returncode == 0, err[-2000:]
    assert "was deleted during the run" in err
    assert len(list((tmp_path / "runs").iterdir())) == 1


def test_holder_notices_its_data_folder_moved_away(tmp_path):
    data = tmp_path / "data"
    with DataDirLock(data) as held:
        data.rename(tmp_path / "elsewhere")
        data.mkdir()
        assert held.check() == FOLDER_MOVED  # the run stops: its paths would lead into the new folder
        DataDirLock(data).acquire().release()  # the new folder is another one, free
