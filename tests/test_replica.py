"""The replica: determinism, routes of the CMS family over HTTP, growth during a run, the CLI command."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

import pytest

from thcrawl.extract import ListingPage
from thcrawl.extract.feed import FeedPage, SitemapPage
from thcrawl.parsing import parse_page
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.urls import article_id


@pytest.fixture(scope="module")
def site():
    return ReplicaSite(articles=200, seed=3)


@pytest.fixture(scope="module")
def server(site):
    with ReplicaServer(site) as running:
        yield running


def get(server, path: str) -> tuple[int, bytes, dict]:
    try:
        with urlopen(server.base_url + path, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_same_seed_same_site():
    one, two = ReplicaSite(articles=50, seed=9), ReplicaSite(articles=50, seed=9)
    assert [one.truth(i, "") for i in range(50)] == [two.truth(i, "") for i in range(50)]


def test_other_seed_other_text():
    assert ReplicaSite(articles=50, seed=1).article(20).title != ReplicaSite(articles=50, seed=2).article(20).title


def test_articles_span_several_years(site):
    years = {site.published(i).year for i in range(200)}
    assert len(years) >= 6


def test_ids_are_unique_and_of_both_lengths():
    site = ReplicaSite(articles=5000, seed=1)
    ids = [site.article(i).id for i in range(0, 5000, 7)]
    assert len(set(ids)) == len(ids)
    assert {len(i) for i in ids} == {10, 17, 18}


def test_article_count_bounds():
    with pytest.raises(ValueError):
        ReplicaSite(articles=9)
    with pytest.raises(ValueError):
        ReplicaSite(articles=200_001)


def test_large_replica_is_built_without_pages():
    site = ReplicaSite(articles=200_000, seed=1)
    last = site.article(199_999)
    assert site.index_of(last.id) == 199_999 and len(site.in_category("thoi-su")) > 20_000


def test_binds_loopback(server):
    assert server.base_url.startswith("http://127.0.0.1:")


def test_home_menu_lists_categories(server):
    status, body, _ = get(server, "/")
    assert status == 200 and b'href="/kinh-te.htm"' in body


def test_category_pages_paginate_by_links(server, site):
    _, body, _ = get(server, "/thoi-su.htm")
    listing = ListingPage(body, server.base_url + "/thoi-su.htm")
    assert listing.next_page_url == server.base_url + "/thoi-su/trang-2.htm"
    assert len(listing.entries) == site.per_page


def test_timelinelist_fragment(server, site):
    status, body, _ = get(server, "/timelinelist/1802/2.htm")
    ids = [e.id for e in ListingPage(body, server.base_url + "/timelinelist/1802/2.htm").entries]
    expected = site.newest_first(site.by_category["kinh-te"])[site.per_page:2 * site.per_page]
    assert status == 200 and ids == [site.article(i).id for i in expected]


def test_page_past_the_end_is_empty(server):
    _, body, _ = get(server, "/timelinelist/1802/999.htm")
    assert body == b""


def test_tag_page(server, site):
    slug = site.article(5).tags[0][0]
    status, body, _ = get(server, f"/{slug}.html")
    assert status == 200 and ListingPage(body, server.base_url + f"/{slug}.html").entries


def test_article_page_parses_to_truth(server, site):
    art = site.article(150)
    status, body, _ = get(server, art.path)
    item = parse_page(body, server.base_url + art.path).items[0]
    truth = site.truth(150, server.base_url)
    assert status == 200 and {k: item[k] for k in truth} == truth


def test_legacy_url_redirects_permanently(server, site):
    class NoRedirect(HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    art = site.article(2)
    with pytest.raises(HTTPError) as caught:
        build_opener(NoRedirect).open(Request(server.base_url + art.legacy_path), timeout=10)
    assert caught.value.code == 301 and caught.value.headers["Location"] == server.base_url + art.path


def test_unknown_article_is_404(server):
    status, _, _ = get(server, "/khong-co-bai-nay-180990101000000999.htm")
    assert status == 404


def test_rss_feeds(server, site):
    _, body, _ = get(server, "/rss/home.rss")
    entries = FeedPage(body, server.base_url + "/rss/home.rss").entries
    assert [article_id(e.url) for e in entries[:3]] == [site.article(i).id for i in site.latest(3)]
    assert entries[0].published_at == site.published(site.latest(1)[0])


def test_sitemaps_cover_every_article(server, site):
    _, body, _ = get(server, "/sitemap.xml")
    index = SitemapPage(body, server.base_url + "/sitemap.xml")
    assert index.is_index and all(re.search(r"/sitemaps/sitemaps-\d{4}-\d+-\d+-\d+\.xml$", e.url) for e in index.entries)
    found = []
    for entry in index.entries:
        _, sub, _ = get(server, entry.url.removeprefix(server.base_url))
        found += [article_id(e.url) for e in SitemapPage(sub, entry.url).entries]
    assert sorted(found) == sorted(site.article(i).id for i in range(200))


def test_robots_has_crawl_delay(server):
    _, body, _ = get(server, "/robots.txt")
    assert b"Crawl-delay: 2" in body and b"Sitemap:" in body


def test_grow_publishes_during_a_run():
    site = ReplicaSite(articles=20, seed=1, grow_every=0.2)
    before = site.latest(1)[0]
    time.sleep(0.5)
    after = site.latest(1)[0]
    assert after > before and site.published(after) > site.published(before)


# The command as a terminal starts it. A shell starts background jobs with SIGINT ignored, and a child inherits
# that, so the test sets Python's own Ctrl-C handler rather than depend on how the test run was started.
AS_FROM_A_TERMINAL = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                      "from thcrawl.cli import main; sys.exit(main(sys.argv[1:]))")


def test_replica_command_prints_url_and_stops_on_ctrl_c():
    process = subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, "replica", "--articles", "30"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
        with urlopen(base + "/robots.txt", timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        process.kill()


def test_replica_command_rejects_bad_size():
    result = subprocess.run([sys.executable, "-m", "thcrawl.cli", "replica", "--articles", "5"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "between 10 and 200,000" in result.stderr


def test_demo_command(tmp_path):
    result = subprocess.run([sys.executable, "-m", "thcrawl.cli", "demo", "--articles", "40", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "summary: ok, full run: 40 articles (40 new" in result.stdout
    assert len(list(tmp_path.glob("articles/*/*.jsonl"))) > 1  # the dataset, by publish month
    articles = next(tmp_path.glob("runs/*/articles.jsonl"))
    assert len(articles.read_text("utf-8").splitlines()) == 40
    assert json.loads((articles.parent / "stats.json").read_text())["articles"] == 40
