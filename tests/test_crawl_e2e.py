"""End to end: Scrapy's real downloader over real HTTP against the replica on 127.0.0.1, compared with the
generator's truth."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime

import pytest

from tests.replica_helpers import REPO, crawl, run_cli
from thcrawl.dates import VN_TZ
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.pages import FEED_SIZE
from thcrawl.replica.server import ReplicaServer
from thcrawl.replica.words import CATEGORIES
from thcrawl.validation import validation_errors

ARTICLES = 300


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(articles=ARTICLES, seed=7)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def full_crawl(server, tmp_path_factory):
    return crawl(server.base_url, tmp_path_factory.mktemp("full"))


def truth_by_id(site: ReplicaSite, base_url: str, indices) -> dict[str, dict]:
    return {site.article(i).id: site.truth(i, base_url) for i in indices}


def test_every_article_exactly_once(full_crawl, site):
    items, _ = full_crawl
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == ARTICLES
    assert set(ids) == {site.article(i).id for i in range(ARTICLES)}


def test_every_field_matches_the_generator(full_crawl, site, server):
    items, _ = full_crawl
    truth = truth_by_id(site, server.base_url, range(ARTICLES))
    wrong = {}
    for item in items:
        expected = truth[item["id"]]
        for field, value in expected.items():
            if item[field] != value:
                wrong.setdefault(field, []).append(item["id"])
    assert wrong == {}


def test_items_valid_with_hash_and_crawl_time(full_crawl):
    items, _ = full_crawl
    for item in items:
        assert validation_errors(item) == []
        assert item["content_sha256"] == hashlib.sha256(item["body"].encode()).hexdigest()
        assert datetime.fromisoformat(item["crawled_at"]).tzinfo is not None


def test_both_pagination_styles_walked_to_the_end(full_crawl, site):
    items, stats = full_crawl
    by_category = {}
    for item in items:
        by_category.setdefault(item["category"], 0)
        by_category[item["category"]] += 1
    assert by_category == {name: len(site.in_category(slug)) for slug, name, _ in CATEGORIES}
    assert stats["listing_pages"] >= sum(-(-len(site.in_category(c)) // site.per_page) for c in site.by_category)


def test_legacy_urls_redirect_to_one_article(full_crawl, site, server):
    items, stats = full_crawl
    legacy = [item for item in items if len(item["id"]) == 10]
    assert len(legacy) == site.legacy_count
    assert all(item["url"] == server.base_url + site.article(int(item["id"][3:]) - 8_000_000).path for item in legacy)


def test_stats_summary(full_crawl):
    _, stats = full_crawl
    assert stats["articles"] == ARTICLES and stats["duplicates"] == 0 and stats["invalid"] == 0
    assert stats["coverage"]["title"] == stats["coverage"]["body"] == stats["coverage"]["published_at"] == 1.0
    assert stats["errors"] == {} and stats["duration_seconds"] > 0
    assert stats["dates"]["fast"] > ARTICLES


def test_rss_source(server, site, tmp_path):
    items, _ = crawl(server.base_url, tmp_path, "--source", "rss")
    assert sorted(i["id"] for i in items) == sorted(site.article(i).id for i in site.latest(FEED_SIZE))


def test_rss_source_per_category(server, site, tmp_path):
    items, _ = crawl(server.base_url, tmp_path, "--source", "rss", "--categories", "kinh-te")
    expected = site.newest_first(site.by_category["kinh-te"])[:FEED_SIZE]
    assert sorted(i["id"] for i in items) == sorted(site.article(i).id for i in expected)


def test_sitemap_source(server, site, tmp_path):
    items, _ = crawl(server.base_url, tmp_path, "--source", "sitemap")
    assert sorted(i["id"] for i in items) == sorted(site.article(i).id for i in range(ARTICLES))


def test_since_stops_each_category_early(server, site, tmp_path, full_crawl):
    since = datetime(2025, 6, 1, tzinfo=VN_TZ)
    items, stats = crawl(server.base_url, tmp_path, "--since", "2025-06-01")
    expected = {site.article(i).id for i in range(ARTICLES) if site.published(i) >= since}
    assert {i["id"] for i in items} == expected
    assert stats["requests"] < full_crawl[1]["requests"] / 2


def test_until_and_since_window(server, site, tmp_path):
    items, _ = crawl(server.base_url, tmp_path, "--since", "2024-01-01", "--until", "2024-12-31T23:59:59+07:00",
                     "--categories", "thoi-su,van-hoa")
    expected = {site.article(i).id for i in site.in_category("thoi-su") + site.in_category("van-hoa")
                if site.published(i).year == 2024}
    assert {i["id"] for i in items} == expected


def test_follow_see_more_leaves_the_category(server, site, tmp_path):
    items, _ = crawl(server.base_url, tmp_path, "--categories", "the-thao", "--max-articles", "40",
                     "--follow-see-more")
    categories = {i["category"] for i in items}
    assert len(categories) > 1 and len(items) == len({i["id"] for i in items})


def test_max_articles(server, tmp_path):
    items, _ = crawl(server.base_url, tmp_path, "--max-articles", "25")
    assert len(items) == 25


def test_plain_scrapy_crawl(server, site, tmp_path):
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "ttv", "-O", str(out), "-a", "categories=xa-hoi",
         "-s", f"THCRAWL_BASE_URL={server.base_url}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "THCRAWL_HONOUR_CRAWL_DELAY=0", "-s", f"THCRAWL_DATA_DIR={tmp_path / 'data'}", "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(site.article(i).id for i in site.in_category("xa-hoi"))
    assert {r["category"] for r in rows} == {"Xã hội"}
    assert all(r["published_at"].endswith("+07:00") for r in rows)


def test_fast_refused_for_remote_host(tmp_path):
    result = run_cli("crawl", "--base-url", "https://truyenhinhthanhhoa.vn", "--fast", "--out", str(tmp_path))
    assert result.returncode == 2 and "loopback" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "yesterday-ish"], "--since"),
    (["--source", "ftp"], "invalid choice"),
    (["--max-articles", "0"], "--max-articles"),
    (["--base-url", "ftp://x"], "--base-url"),
    (["-s", "NOVALUE"], "NAME=VALUE"),
    (["--since", "2025-01-02", "--until", "2025-01-01"], "after"),
])
def test_bad_crawl_options_exit_2(tmp_path, args, message):
    result = run_cli("crawl", "--out", str(tmp_path), *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
