"""Crawling a misbehaving replica: retries, unreachable articles listed and picked up by the next run,
no request ever leaving the site, feeds and sitemaps parsed safely."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.replica_helpers import run_cli
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.faults import FaultPlan
from thcrawl.replica.server import ReplicaServer

ARTICLES = 300
CRAWL_SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=3"]


class Trap:
    """A server on another loopback address that counts every request reaching it: none may."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.url = f"http://127.0.0.2:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def trap():
    running = Trap()
    yield running
    running.close()


@pytest.fixture(scope="module")
def site():
    return ReplicaSite(articles=ARTICLES, seed=21)


@pytest.fixture(scope="module")
def server(site, trap):
    plan = FaultPlan.parse("all,offsite=0.02,loop=0.015,huge=0.01", offsite_target=trap.url + "/chuyen-huong.htm")
    with ReplicaServer(site, faults=plan) as running:
        yield running


def crawl(server, data, *args):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(data), *CRAWL_SETTINGS, *args)
    stats = json.loads(sorted((data / "runs").iterdir())[-1].joinpath("stats.json").read_text("utf-8"))
    return result, stats


@pytest.fixture(scope="module")
def faulty_then_clean(server, site, tmp_path_factory):
    data = tmp_path_factory.mktemp("faults")
    first = crawl(server, data, "--follow-see-more")
    dataset_after_first = [r["id"] for p in iter_dataset(data) for r in read_jsonl(p)]
    plan = server.replica.faults
    server.replica.faults = FaultPlan()  # the site recovers
    try:
        second = crawl(server, data)
    finally:
        server.replica.faults = plan
    dataset = [r for p in iter_dataset(data) for r in read_jsonl(p)]
    return first, dataset_after_first, second, dataset


def unreachable_ids(site, plan):
    return {site.article(i).id for i in range(ARTICLES) if plan.article_fault(site.article(i).path) in
            ("offsite", "loop", "huge")}


def test_fault_plan_covers_every_kind(server, site):
    kinds = {server.replica.faults.article_fault(site.article(i).path) for i in range(ARTICLES)}
    assert {"5xx", "429", "timeout", "truncated", "offsite", "loop", "slow", "malformed", "charset"} <= kinds


def test_every_reachable_article_exactly_once(faulty_then_clean, site, server):
    (_, stats), first_ids, _, _ = faulty_then_clean
    expected = {site.article(i).id for i in range(ARTICLES)} - unreachable_ids(site, server.replica.faults)
    assert len(first_ids) == len(set(first_ids))
    assert set(first_ids) == expected


def test_unreachable_articles_listed_with_reasons(faulty_then_clean, site, server):
    (result, stats), _, _, _ = faulty_then_clean
    assert result.returncode == 0, result.stderr[-2000:]
    unreachable = unreachable_ids(site, server.replica.faults)
    assert stats["failed"] == len(unreachable) > 0
    plan = server.replica.faults
    expected = {"offsite": "offsite_redirect", "loop": "redirect_loop", "huge": "too_large"}
    by_path = {site.article(i).path: plan.article_fault(site.article(i).path) for i in range(ARTICLES)}
    for failure in stats["failures"]:
        path = failure["url"].removeprefix(server.base_url).split("?")[0]
        assert failure["reason"] == expected[by_path[path]]
    assert sum(stats["failed_by_reason"].values()) == stats["failed"]


def test_transient_errors_were_retried(faulty_then_clean):
    (_, stats), _, _, _ = faulty_then_clean
    assert stats["errors"].get("http_503", 0) > 0 and stats["errors"].get("http_429", 0) > 0
    assert any("Timeout" in kind for kind in stats["errors"])
    assert stats["retry_after_honoured"] == stats["errors"]["http_429"]  # each 429 slowed the site's slot


def test_next_run_picks_up_what_failed(faulty_then_clean, site):
    _, _, (result, stats), dataset = faulty_then_clean
    assert result.returncode == 0
    ids = [r["id"] for r in dataset]
    assert len(ids) == len(set(ids)) == ARTICLES
    assert stats["failed"] == 0 and stats["new"] > 0


def test_no_request_left_the_site(faulty_then_clean, trap):
    (_, stats), _, _, _ = faulty_then_clean
    assert trap.hits == []


def test_wrong_charset_and_malformed_pages_still_extract(faulty_then_clean, site, server):
    _, _, _, dataset = faulty_then_clean
    rows = {r["id"]: r for r in dataset}
    plan = server.replica.faults
    checked = 0
    for i in range(ARTICLES):
        kind = plan.article_fault(site.article(i).path)
        if kind in ("charset", "malformed", "slow"):
            truth = site.truth(i, server.base_url)
            assert rows[truth["id"]]["title"] == truth["title"]
            if kind != "malformed":
                assert rows[truth["id"]]["body"] == truth["body"]
            checked += 1
    assert checked >= 5


def test_endless_pagination_ends(faulty_then_clean, site):
    (_, stats), _, _, _ = faulty_then_clean
    pages = sum(-(-len(site.in_category(c)) // site.per_page) for c in site.by_category)
    assert stats["listing_pages"] <= pages + 2 * len(site.by_category)


def test_malformed_feed_is_reported_not_fatal(server, tmp_path):
    result, stats = crawl(server, tmp_path, "--source", "rss")
    assert stats["errors"].get("bad_feed") == 1 and "Traceback" not in result.stderr
    assert result.returncode == 1  # nothing could be crawled: a failed run


def test_entity_bomb_sitemap_is_not_expanded(server, site, tmp_path):
    result, stats = crawl(server, tmp_path, "--source", "sitemap", "--max-articles", "20")
    assert stats["articles"] + stats["failed"] == 20
    # 20 articles of a faulty site: the few it loses for good may pass THCRAWL_MAX_LOST_SHARE (5 %).
    assert result.returncode == (3 if stats["lost_share"] > 0.05 else 0), result.stderr[-2000:]
    assert stats["duration_seconds"] < 60


def test_entity_bomb_parses_to_nothing_quickly():
    import time

    from thcrawl.extract.feed import FeedError, SitemapPage
    from thcrawl.replica.faults import BILLION_LAUGHS

    started = time.perf_counter()
    try:  # refused outright (libxml2's amplification guard) or parsed with the entities left unexpanded
        entries = SitemapPage(BILLION_LAUGHS.encode(), "http://127.0.0.1/sitemaps/x.xml").entries
    except FeedError:
        entries = []
    assert entries == [] and time.perf_counter() - started < 1.0
