"""What a user or cron sees at the edges: a date bound includes its whole day, an unreachable site is
one line and exit 1, every bad input is one line and exit 2 and leaves nothing behind, a read-only data
folder can be exported and verified, and the site check reads a URL as the downloader would."""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
import subprocess

import pytest

from tests.replica_helpers import run_cli
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.safety import NO_ORIGIN, origin

ARTICLES = 60


@pytest.fixture(scope="module")
def site():
    return ReplicaSite(articles=ARTICLES, seed=3)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def full_data(server, tmp_path_factory):
    data = tmp_path_factory.mktemp("full")
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(data))
    assert result.returncode == 0, result.stderr[-2000:]
    return data


def one_line_error(result, exit_code=2):
    assert result.returncode == exit_code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# -- --until is a whole day ----------------------------------------------------------------------------
def test_until_a_date_includes_that_whole_day_in_crawl(site, server, tmp_path):
    day = site.article(1).published  # 23:58 on its day: lost when --until meant that day's midnight
    assert (day.hour, day.minute) == (23, 58)
    date = f"{day:%Y-%m-%d}"
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(tmp_path),
                     "--since", date, "--until", date)
    assert result.returncode == 0, result.stderr[-2000:]
    ids = {row["id"] for path in iter_dataset(tmp_path) for row in read_jsonl(path)}
    assert ids == {site.article(i).id for i in range(ARTICLES) if f"{site.article(i).published:%Y-%m-%d}" == date}
    assert site.article(1).id in ids


def test_until_a_date_includes_that_whole_day_in_export(site, full_data, tmp_path):
    date = f"{site.article(1).published:%Y-%m-%d}"
    result = run_cli("export", "--format", "jsonl.gz", "--data", str(full_data), "--out", str(tmp_path / "x"),
                     "--until", date)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for f in (tmp_path / "x").rglob("*.jsonl.gz") for line in gzip.open(f, "rt")]
    assert {row["id"] for row in rows} == {site.article(i).id for i in range(ARTICLES)
                                            if f"{site.article(i).published:%Y-%m-%d}" <= date}


# -- an unreachable site -------------------------------------------------------------------------------
@pytest.mark.parametrize(("base_url", "reason"), [
    ("http://nonexistent.invalid/", "cannot reach nonexistent.invalid: DNS lookup failed"),
    ("http://127.0.0.1:9/", "cannot reach 127.0.0.1: connection refused on port 9"),
])
def test_an_unreachable_site_is_one_line_and_exit_1(base_url, reason, tmp_path):
    result = run_cli("crawl", "--base-url", base_url, "--out", str(tmp_path), timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()  # one line on stderr, and nothing else
    assert line.endswith(reason)
    stats = json.loads(next(tmp_path.glob("runs/*/stats.json")).read_text("utf-8"))
    assert stats["status"] == "failed" and stats["unreachable"] == reason and stats["requests"] == 0


# -- bad input: one line, exit 2, nothing left behind --------------------------------------------------
def test_a_file_as_out_is_exit_2(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    for args in (["crawl", "--base-url", "http://127.0.0.1:9", "--out", str(a_file)],
                 ["crawl", "--base-url", "http://127.0.0.1:9", "--out", str(a_file / "sub")],
                 ["demo", "--out", str(a_file)],
                 ["export", "--format", "csv", "--out", str(a_file)],
                 ["reparse", str(a_file), "--out", str(a_file)]):
        assert "is a file" in one_line_error(run_cli(*args))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"] and a_file.read_text() == "x"


def test_demo_with_no_articles_is_exit_2(tmp_path):
    line = one_line_error(run_cli("demo", "--articles", "0", "--out", str(tmp_path / "demo")))
    assert "--articles" in line
    assert not (tmp_path / "demo").exists()


def test_reparse_of_a_non_warc_file_is_exit_2_and_leaves_nothing(tmp_path):
    page = tmp_path / "page.warc.gz"
    page.write_bytes(b"<html><body>not an archive</body></html>")
    out = tmp_path / "out" / "reparse"
    line = one_line_error(run_cli("reparse", str(page), "--out", str(out)))
    assert "not a WARC file" in line
    assert not (tmp_path / "out").exists()


def test_max_articles_zero_is_exit_2(tmp_path):
    line = one_line_error(run_cli("crawl", "--out", str(tmp_path / "d"), "--max-articles", "0"))
    assert "--max-articles" in line and not (tmp_path / "d").exists()


# -- a read-only data folder ---------------------------------------------------------------------------
@contextlib.contextmanager
def read_only_mount(source, mount):
    """A copy of `source` on a read-only tmpfs at `mount` (we are root on the test machine: chmod
    would not stop a write)."""
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        shutil.copytree(source, mount, dirs_exist_ok=True)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.fixture
def read_only_copy(full_data, tmp_path):
    with read_only_mount(full_data, tmp_path / "ro") as mount:
        yield mount


def test_export_and_verify_read_a_read_only_data_folder(read_only_copy, tmp_path):
    with pytest.raises(OSError):
        (read_only_copy / "probe").write_text("x")
    out = tmp_path / "export"
    result = run_cli("export", "--format", "csv", "--data", str(read_only_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"exported {ARTICLES} articles" in result.stdout
    manifest = json.loads((out / "datapackage.json").read_text("utf-8"))
    assert len(manifest["thcrawl"]["runs"]) == 1  # read from the read-only state database
    with read_only_mount(out, tmp_path / "ro-export") as archived:  # an export archived read-only
        verified = run_cli("verify", str(archived))
    assert f"{ARTICLES} rows" in verified.stdout and "Traceback" not in verified.stderr, verified.stderr
    assert verified.returncode == (0 if "clean" in verified.stdout else 1)
    assert "Read-only" not in verified.stdout + verified.stderr
    # Without --out the export would go inside the read-only folder: one line, exit 2.
    line = one_line_error(run_cli("export", "--format", "csv", "--data", str(read_only_copy)))
    assert "Read-only file system" in line and "--out" in line


# -- the site check ------------------------------------------------------------------------------------
def test_an_authority_parsers_disagree_on_has_no_origin():
    # urlsplit reads 127.0.0.1:8000 here; Twisted's URI parser reads something else.
    assert origin("http://127.0.0.2:8001%2F@127.0.0.1:8000/a-180250101000000001.htm") == NO_ORIGIN
    assert origin("http://user@127.0.0.1:8000/") == NO_ORIGIN
    assert origin("http://127.0.0.1:8000\\@evil/") == NO_ORIGIN
    assert origin("http://127.0.0.1:8000/a.htm") == ("http", "127.0.0.1", 8000)
    assert origin("https://truyenhinhthanhhoa.vn/") == ("https", "truyenhinhthanhhoa.vn", 443)
