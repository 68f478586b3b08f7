"""Pipelines one by one, each with a real Scrapy crawler's stats and, where they store, a real run owner
over a data folder (no engine run)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from thcrawl.pipelines.dates import DatesPipeline
from thcrawl.pipelines.dedupe import DedupePipeline
from thcrawl.pipelines.store import StorePipeline
from thcrawl.pipelines.validation import ValidationPipeline
from thcrawl.spiders.ttv import TtvSpider

from tests.conftest import fixture_bytes
from thcrawl.extract import ArticlePage
from thcrawl.journal import write_whole
from thcrawl.jsonl import repair_tail
from thcrawl.owner import RunOwner
from thcrawl.state import StateStore

URL = "https://truyenhinhthanhhoa.vn/nong-dan-hoang-hoa-thu-hoach-lua-som-tranh-bao-180240912153012345.htm"


@pytest.fixture
def crawler(tmp_path):
    crawler = get_crawler(TtvSpider, settings_dict={
        "EXTENSIONS": {"thcrawl.owner.RunOwner": 500}, "THCRAWL_DATA_DIR": str(tmp_path / "data"),
        # The shipped manners: the spider refuses a real-site crawl without them.
        "THCRAWL_HONOUR_CRAWL_DELAY": True, "ROBOTSTXT_OBEY": True,
        "THCRAWL_RUN_DIR": str(tmp_path / "run")})
    crawler.stats.open_spider()
    return crawler


@pytest.fixture
def owner(crawler):
    """The run's owner, opened as on spider_opened: the data folder locked, the state and journal open."""
    owner = crawler.get_extension(RunOwner)
    spider = TtvSpider.from_crawler(crawler, base_url="https://truyenhinhthanhhoa.vn")
    owner.spider_opened(spider)
    assert owner.is_open
    yield owner
    if owner.is_open:
        owner.spider_closed(spider, "finished")


@pytest.fixture
def article():
    return ArticlePage(fixture_bytes("article_full.html"), URL).to_item(crawled_at="2026-11-26T10:00:00+07:00")


def dated(crawler, article) -> dict:
    return DatesPipeline(crawler).process_item(article)


def test_dates_pipeline_normalises_and_counts(crawler, article):
    item = dated(crawler, article)
    assert item["published_at"] == "2024-09-12T16:05:00+07:00"
    assert item["see_more"][0]["published_at"] == "2024-09-12T20:04:00+07:00"
    assert crawler.stats.get_value("thcrawl/dates/fast") == 1 + 1 + 2 + 3  # published, modified, related, see_more


def test_dates_pipeline_relative_date_uses_crawled_at(crawler, article):
    article.see_more[0].published_raw = "2 giờ trước"
    item = dated(crawler, article)
    assert item["see_more"][0]["published_at"] == "2026-11-26T08:00:00+07:00"


def test_dates_pipeline_counts_failures(crawler, article):
    article.related[0].published_raw = "không rõ"
    dated(crawler, article)
    assert crawler.stats.get_value("thcrawl/dates/failed") == 1


def test_dedupe_drops_second_copy_and_counts(crawler, article):
    pipeline = DedupePipeline(crawler)
    item = dated(crawler, article)
    pipeline.process_item(item)
    with pytest.raises(DropItem):
        pipeline.process_item(dict(item, url=item["url"].replace(".htm", ".htm?x=1")))
    assert crawler.stats.get_value("thcrawl/items/duplicate") == 1


def test_validation_passes_valid_item(crawler, article):
    item = dated(crawler, article)
    assert ValidationPipeline(crawler).process_item(item) is item


def test_validation_writes_rejects_with_reason(crawler, owner, article, tmp_path):
    pipeline = ValidationPipeline(crawler)
    item = dict(dated(crawler, article), published_at="12/09/2024")
    with pytest.raises(DropItem):
        pipeline.process_item(item)
    owner.spider_closed(crawler.spider, "finished")
    rejects = [json.loads(line) for line in (tmp_path / "run" / "rejects.jsonl").read_text("utf-8").splitlines()]
    assert rejects[0]["reasons"][0].startswith("published_at:")
    assert rejects[0]["item"]["id"] == item["id"]
    assert crawler.stats.get_value("thcrawl/items/invalid") == 1
    assert crawler.stats.get_value("thcrawl/items/invalid/published_at") == 1


def test_store_writes_utf8_lines_and_coverage(crawler, owner, article, tmp_path):
    store = StorePipeline(crawler)
    store.open_spider()
    item = dated(crawler, article)
    store.process_item(item)
    store.process_item(dict(item, id="180240912153012346", sapo=None))
    owner.spider_closed(crawler.spider, "finished")
    text = (tmp_path / "run" / "articles.jsonl").read_text("utf-8")
    assert len(text.splitlines()) == 2 and "Hoằng Hóa" in text
    assert crawler.stats.get_value("thcrawl/coverage/title") == 2
    assert crawler.stats.get_value("thcrawl/coverage/sapo") == 1


def test_store_commits_to_state_what_the_journal_holds(crawler, owner, article, tmp_path):
    store = StorePipeline(crawler)
    store.open_spider()
    item = store.process_item(dated(crawler, article))
    assert item["version"] == 1 and crawler.stats.get_value("thcrawl/articles/new") == 1
    owner.spider_closed(crawler.spider, "finished")
    state = StateStore(tmp_path / "data" / "state.sqlite")
    assert state.known(item["id"]).version == 1 and state.integrity_check() == "ok"
    assert json.loads((tmp_path / "run" / "stats.json").read_text("utf-8"))["new"] == 1


def test_store_passes_items_through_when_no_run_is_open(crawler, article, tmp_path):
    """Another spider, or scrapy parse: the pipelines write nothing."""
    store = StorePipeline(crawler)
    store.open_spider()
    item = dated(crawler, article)
    assert store.process_item(item) is item
    assert not (tmp_path / "run").exists() and not (tmp_path / "data").exists()


def _write_forever(path: str, line: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    while True:
        write_whole(fd, line)


def test_killed_writer_is_repaired_to_whole_lines(tmp_path):
    """SIGKILL a process that appends 300 KB lines as fast as it can; a long write can be cut short, and
    repair_tail leaves exactly the lines that were written whole."""
    path = tmp_path / "lines.jsonl"
    line = (json.dumps({"body": "ữ" * 100_000}, ensure_ascii=False) + "\n").encode()
    process = multiprocessing.get_context("fork").Process(target=_write_forever, args=(str(path), line))
    process.start()
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    written = path.stat().st_size
    whole = written // len(line)
    assert whole > 0
    assert repair_tail(path) == written % len(line)
    data = path.read_bytes()
    assert len(data) == whole * len(line)
    assert all(json.loads(row) for row in data.decode("utf-8").splitlines())


def test_repair_tail_keeps_whole_file(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":2}\n')
    assert repair_tail(path) == 0 and path.read_bytes() == b'{"a":1}\n{"b":2}\n'


def test_repair_tail_of_single_torn_line(tmp_path):
    path = tmp_path / "torn.jsonl"
    path.write_bytes(b'{"a":1')
    assert repair_tail(path) == 6 and path.read_bytes() == b""


def test_failure_of_any_reason_is_due_again_until_stored(crawler, owner, article):
    """The spider lists an article whose parse raised as parse_error: the next runs fetch it again, until
    it is stored."""
    owner.record_failure(URL, "180240912153012345", "parse_error")
    assert owner.state.due_failures() == [(URL, "parse_error")]
    store = StorePipeline(crawler)
    store.open_spider()
    store.process_item(dict(dated(crawler, article), url=URL, id="180240912153012345"))
    assert owner.flush() and owner.state.due_failures() == []
