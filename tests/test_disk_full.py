"""A disk that fills up during a crawl, on a real small filesystem (a tmpfs mounted for the test, so it
needs root): the run stops at once with exit code 1 and one line `disk full: <path>`, no traceback; once
space is freed, the next run recovers what was written and the dataset equals the replica's truth.

The sizes are chosen so the disk fills at two different moments: 2 MB while articles are being written
(the 300-article journal is about 3 MB), 4 MB during the dataset merge at the end of the run. One test
uses a loop-mounted ext4 image instead (block allocation and journaling of a disk filesystem), grown with
resize2fs afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.replica_helpers import assert_dataset_is_truth, run_cli
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer

ARTICLES = 300


@contextmanager
def small_disk(mountpoint: Path, size: str):
    """A tmpfs of `size` at mountpoint, always unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill up needs root")
    mountpoint.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


@contextmanager
def small_ext4(image: Path, mountpoint: Path, size_mb: int):
    """An ext4 filesystem of size_mb in a file, loop-mounted at mountpoint, always unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("loop-mounting an ext4 image needs root")
    if not (shutil.which("mkfs.ext4") and shutil.which("resize2fs")):
        pytest.skip("mkfs.ext4 and resize2fs (e2fsprogs) are not installed")
    with open(image, "wb") as handle:
        handle.truncate(size_mb << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True, capture_output=True)
    mountpoint.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot loop-mount an ext4 image here: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], capture_output=True)


def grow_ext4(image: Path, mountpoint: Path, size_mb: int) -> None:
    subprocess.run(["umount", str(mountpoint)], check=True)
    subprocess.run(["e2fsck", "-f", "-y", str(image)], capture_output=True)
    with open(image, "r+b") as handle:
        handle.truncate(size_mb << 20)
    subprocess.run(["resize2fs", str(image)], check=True, capture_output=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)], check=True)


def grow(mountpoint: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mountpoint)], check=True)


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=ARTICLES, seed=41)) as running:
        yield running


def crawl(server, data: Path, *args: str):
    return run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(data), *args)


def assert_stopped_on_full_disk(result, data: Path) -> None:
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()  # one line, and nothing else
    assert line.split("disk full: ", 1)[1].startswith(str(data)), line


@pytest.mark.parametrize(("size", "options"), [("2m", ()), ("4m", ()), ("2m", ("--warc",))],
                         ids=["while-writing", "during-merge", "while-archiving"])
def test_full_data_disk_loses_nothing(server, tmp_path, size, options):
    with small_disk(tmp_path / "disk", size) as disk:
        data = disk / "data"
        before = server.replica.requests
        full = crawl(server, data, *options)
        assert_stopped_on_full_disk(full, data)
        if size == "2m":  # fetching stopped at once: the whole crawl takes 336 requests
            assert server.replica.requests - before < ARTICLES
        stats_files = list(data.glob("runs/*/stats.json"))
        if stats_files:  # written if it still fitted: it says why the run failed
            stats = json.loads(stats_files[0].read_text("utf-8"))
            assert stats["status"] == "failed" and stats["write_failed"].startswith("disk full: ")
            assert stats["finish_reason"] == "disk_full"
        grow(disk, "80m")
        again = crawl(server, data, *options)
        assert again.returncode == 0, again.stderr[-2000:]
        assert_dataset_is_truth(data, server.replica.site, server.base_url, ARTICLES)


def test_full_data_disk_with_state_elsewhere(server, tmp_path):
    state = tmp_path / "state" / "state.sqlite"
    with small_disk(tmp_path / "disk", "2m") as disk:
        data = disk / "data"
        before = server.replica.requests
        full = crawl(server, data, "-s", f"THCRAWL_STATE={state}")
        assert_stopped_on_full_disk(full, data)
        assert server.replica.requests - before < ARTICLES  # stopped at once (the whole crawl: 336)
        still_full = crawl(server, data, "-s", f"THCRAWL_STATE={state}")  # run again before freeing space
        assert_stopped_on_full_disk(still_full, data)
        grow(disk, "50m")
        again = crawl(server, data, "-s", f"THCRAWL_STATE={state}")
        assert again.returncode == 0, again.stderr[-2000:]
        assert_dataset_is_truth(data, server.replica.site, server.base_url, ARTICLES, state=state)
        assert not (data / "state.sqlite").exists()


def test_full_ext4_disk_loses_nothing(server, tmp_path):
    image = tmp_path / "ext4.img"
    with small_ext4(image, tmp_path / "disk", 3) as disk:
        data = disk / "data"
        before = server.replica.requests
        full = crawl(server, data)
        assert_stopped_on_full_disk(full, data)
        assert server.replica.requests - before < ARTICLES  # stopped at once (the whole crawl: 336)
        grow_ext4(image, disk, 40)
        again = crawl(server, data)
        assert again.returncode == 0, again.stderr[-2000:]
        assert_dataset_is_truth(data, server.replica.site, server.base_url, ARTICLES)
