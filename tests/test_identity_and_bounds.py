"""Which article a page is, and pages built to break a parser: a canonical link naming another article
or another site, elements and JSON-LD nested 5,000 deep; caps on links per page and on sub-sitemaps.
Real crawls of the replica over HTTP, its faults switched on by name."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.replica_helpers import run_cli
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.faults import FaultPlan
from thcrawl.replica.server import ReplicaServer

ARTICLES = 60


def crawl(server, data, *args):
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(data), *args)
    stats = json.loads(sorted((data / "runs").iterdir())[-1].joinpath("stats.json").read_text("utf-8"))
    return result, stats


def dataset_of(data):
    return [row for path in iter_dataset(data) for row in read_jsonl(path)]


def articles_with(site, plan, kind):
    return [site.article(i) for i in range(ARTICLES) if plan.article_fault(site.article(i).path) == kind]


# -- canonical links ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def canonical_run(tmp_path_factory):
    site = ReplicaSite(articles=ARTICLES, seed=13)
    plan = FaultPlan.parse("canonical=0.15,offcanonical=0.1")
    data = tmp_path_factory.mktemp("canonical")
    with ReplicaServer(site, faults=plan) as server:
        result, stats = crawl(server, data)
        targets = {a.id: server.replica.canonical_target(a.path) for a in articles_with(site, plan, "canonical")}
        base = server.base_url
    return site, plan, base, result, stats, {row["id"]: row for row in dataset_of(data)}, targets


def test_every_article_once_under_its_own_id(canonical_run):
    site, _, base, result, stats, rows, _ = canonical_run
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(rows) == {site.article(i).id for i in range(ARTICLES)}
    assert stats["articles"] == ARTICLES and stats["duplicates"] == 0
    for i in range(ARTICLES):
        article = site.article(i)
        assert rows[article.id]["url"] == base + article.path
        assert rows[article.id]["title"] == article.title  # never overwritten by a page naming it


def test_a_canonical_naming_another_article_is_kept_beside_and_counted(canonical_run):
    site, plan, base, _, stats, rows, targets = canonical_run
    assert len(targets) >= 3
    for article_id, target in targets.items():
        assert target != rows[article_id]["url"] and target.startswith(base)
        assert rows[article_id]["canonical_url"] == target
    assert stats["canonical"]["disagrees"] == len(targets)


def test_an_offsite_canonical_is_ignored_and_counted(canonical_run):
    site, plan, _, _, stats, rows, _ = canonical_run
    offsite = articles_with(site, plan, "offcanonical")
    assert len(offsite) >= 2
    assert all(rows[a.id]["canonical_url"] is None for a in offsite)
    assert stats["canonical"]["offsite"] == len(offsite)
    agreeing = [a for a in (site.article(i) for i in range(ARTICLES)) if plan.article_fault(a.path) is None]
    assert all(rows[a.id]["canonical_url"] is None for a in agreeing)


# -- nesting 5,000 deep ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def deep_runs(tmp_path_factory):
    site = ReplicaSite(articles=ARTICLES, seed=17)
    plan = FaultPlan.parse("deepnest=0.1,deepjson=0.1")
    data = tmp_path_factory.mktemp("deep")
    with ReplicaServer(site, faults=plan) as server:
        first = crawl(server, data)
        first_rows = {row["id"]: row for row in dataset_of(data)}
        server.replica.faults = FaultPlan()  # the pages are fixed; the next run fetches what failed
        second = crawl(server, data)
    return site, plan, data, first, first_rows, second, dataset_of(data)


def test_deep_pages_never_crash_the_crawl_nor_vanish(deep_runs):
    site, plan, data, (result, stats), rows, _, _ = deep_runs
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]
    deep = articles_with(site, plan, "deepnest")
    assert len(deep) >= 3
    parse_errors = {f["url"] for f in stats["failures"] if f["reason"] == "parse_error"}
    for article in deep:  # extracted, or listed as a parse error: never silently lost
        if article.id in rows:
            assert rows[article.id]["title"] == article.title
        else:
            assert any(url.endswith(article.path) for url in parse_errors)
    assert stats["failed"] == len(parse_errors) == ARTICLES - len(rows)
    # Exit code and status follow the share lost (THCRAWL_MAX_LOST_SHARE, 5 %).
    assert result.returncode == (3 if len(parse_errors) / ARTICLES > 0.05 else 0)


def test_deep_jsonld_is_ignored_and_the_article_kept(deep_runs):
    site, plan, _, _, rows, _, _ = deep_runs
    deep_json = articles_with(site, plan, "deepjson")
    assert len(deep_json) >= 3
    for article in deep_json:
        assert rows[article.id]["title"] == article.title
        assert rows[article.id]["published_at"].startswith(f"{article.published:%Y-%m-%d}")


def test_parse_errors_are_fetched_again_next_run(deep_runs):
    site, _, data, _, _, (result, stats), dataset = deep_runs
    assert result.returncode == 0, result.stderr[-2000:]
    ids = [row["id"] for row in dataset]
    assert len(ids) == len(set(ids)) and set(ids) == {site.article(i).id for i in range(ARTICLES)}
    with sqlite3.connect(data / "state.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# -- caps ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=ARTICLES, seed=3)) as running:
        yield running


def test_links_per_page_are_capped(server, tmp_path):
    result, stats = crawl(server, tmp_path, "--categories", "thoi-su", "-s", "THCRAWL_MAX_LINKS_PER_PAGE=2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert stats["articles"] <= 2 * stats["listing_pages"]
    assert stats["capped"]["links/listing"] > 0


def test_sub_sitemaps_are_capped(server, tmp_path):
    result, stats = crawl(server, tmp_path, "--source", "sitemap", "-s", "THCRAWL_MAX_SITEMAPS=2")
    assert result.returncode == 0, result.stderr[-2000:]
    # robots.txt, sitemap.xml, 2 sub-sitemaps, and the articles those two list
    assert stats["capped"]["sitemaps"] > 0
    assert stats["requests"] == 4 + stats["articles"]


def test_lost_share_above_the_setting_is_degraded(tmp_path):
    site = ReplicaSite(articles=ARTICLES, seed=29)
    with ReplicaServer(site, faults=FaultPlan.parse("huge=0.2")) as faulty:
        result, stats = crawl(faulty, tmp_path)
    lost = stats["failed"] / (stats["failed"] + stats["articles"])
    assert lost > 0.05 and stats["lost_share"] == round(lost, 4)
    assert stats["status"] == "degraded" and result.returncode == 3
