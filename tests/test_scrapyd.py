"""scrapyd, end to end: a real scrapyd on 127.0.0.1, the project deployed with scrapyd-deploy (scrapyd-client)
exactly as the README shows, `ttv` scheduled twice against the replica with settings given the way a scrapyd
user gives them, the items and the data folder checked after each job."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from tests.replica_helpers import REPO
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer

pytest.importorskip("scrapyd", reason="scrapyd is in the test extra: pip install -e '.[test]'")
pytest.importorskip("scrapyd_client", reason="scrapyd-client is in the test extra: pip install -e '.[test]'")

ARTICLES = 25
BIN = Path(sys.executable).parent
# Settings a scrapyd user passes with `-d setting=NAME=VALUE`: a loopback replica may be crawled fast.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "THCRAWL_HONOUR_CRAWL_DELAY": "False",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urlencode(data).encode() if data is not None else None
    with urlopen(f"{base}/{endpoint}", data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.5\nmax_proc = 1\n", "utf-8")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL,
                               stderr=(home / "scrapyd.err").open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"scrapyd did not start: {(home / 'scrapyd.err').read_text()[-2000:]}")
        yield base, home
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def deployed(scrapyd, tmp_path_factory):
    """The repository's files, deployed by scrapyd-deploy to its `local` target (the port is the test's)."""
    base, _ = scrapyd
    checkout = tmp_path_factory.mktemp("checkout") / "thcrawl"
    shutil.copytree(REPO, checkout, ignore=shutil.ignore_patterns(".venv", ".git", "data", "build", "*.egg-info",
                                                                  "__pycache__", "setup.py"))
    config = (checkout / "scrapy.cfg").read_text("utf-8")
    assert "[deploy:local]\nurl = http://127.0.0.1:6800/" in config
    (checkout / "scrapy.cfg").write_text(config.replace("http://127.0.0.1:6800/", base + "/"), "utf-8")
    result = subprocess.run([str(BIN / "scrapyd-deploy"), "local"], cwd=checkout, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return base, json.loads(result.stdout.strip().splitlines()[-1])


def schedule_and_wait(base: str, settings: dict[str, str], timeout: float = 240) -> str:
    data = [("project", "thcrawl"), ("spider", "ttv")] + [("setting", f"{k}={v}") for k, v in settings.items()]
    job = api(base, "schedule.json", data)
    assert job["status"] == "ok", job
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = api(base, "listjobs.json?project=thcrawl")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            return job["jobid"]
        time.sleep(0.5)
    pytest.fail(f"job {job['jobid']} did not finish in {timeout} s")


def test_deploy_carries_the_settings_entry_point(deployed):
    base, response = deployed
    assert response["status"] == "ok" and response["spiders"] == 2, response  # ttv, and reparse (WARC files)
    assert sorted(api(base, "listspiders.json?project=thcrawl")["spiders"]) == ["reparse", "ttv"]


def test_scheduled_jobs_crawl_into_the_configured_data_folder_incrementally(deployed, scrapyd, tmp_path):
    base, _ = deployed
    _, home = scrapyd
    data = tmp_path / "data"
    site = ReplicaSite(articles=ARTICLES, seed=5)
    with ReplicaServer(site) as server:
        settings = {"THCRAWL_BASE_URL": server.base_url, "THCRAWL_DATA_DIR": str(data), **FAST}
        first = schedule_and_wait(base, settings)
        second = schedule_and_wait(base, settings)
    runs = sorted((data / "runs").iterdir())
    assert len(runs) == 2, f"scrapyd log: {sorted(home.rglob(first + '.log'))}"
    summaries = [json.loads((run / "stats.json").read_text("utf-8")) for run in runs]
    # The first job crawled the whole replica into the dataset under THCRAWL_DATA_DIR ...
    assert summaries[0]["status"] == "ok" and summaries[0]["mode"] == "full"
    assert summaries[0]["new"] == ARTICLES
    rows = {row["id"]: row for path in iter_dataset(data) for row in read_jsonl(path)}
    truth = {site.truth(i, server.base_url)["id"] for i in range(ARTICLES)}
    assert set(rows) == truth
    assert (data / "state.sqlite").exists()
    # ... and the second carried its state over: an incremental run that fetched no known article again.
    assert summaries[1]["status"] == "ok" and summaries[1]["mode"] == "incremental"
    assert summaries[1]["new"] == 0 and summaries[1]["skipped_known"] > 0
    assert summaries[1]["requests"] < summaries[0]["requests"] / 2
    # Nothing went to the scrapyd process's working folder.
    assert not (home / "data").exists()
    logs = sorted(p.name for p in home.rglob("*.log"))
    assert f"{first}.log" in logs and f"{second}.log" in logs
