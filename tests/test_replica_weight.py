"""The replica's real-weight pages: as heavy as a real page of the CMS family, with the same content to
extract and the same links to follow as the light pages."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from lxml import etree

from tests.replica_helpers import crawl
from thcrawl.extract import ArticlePage, ListingPage
from thcrawl.extract.document import load
from thcrawl.replica import pages as render
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.replica.words import CATEGORIES

BASE = "https://truyenhinhthanhhoa.vn"
ARTICLES = 60
LIGHT = ReplicaSite(articles=ARTICLES, seed=5)
REAL = ReplicaSite(articles=ARTICLES, seed=5, page_weight="real")


def weight(page: str) -> tuple[float, int]:
    """(KB, elements) of a page."""
    body = page.encode("utf-8")
    return len(body) / 1024, sum(1 for _ in load(body).root.iter(tag=etree.Element))


def test_a_real_weight_article_page_weighs_like_a_real_page_of_the_family():
    # Real article pages of the family: ~65 KB, ~460 elements (../shared/realpages).
    kb, elements = weight(render.article_page(REAL, 3, BASE))
    assert kb > 55 and elements > 400


def test_a_light_article_page_stays_light():
    kb, elements = weight(render.article_page(LIGHT, 3, BASE))
    assert kb < 25 and elements < 250


def test_both_weights_give_the_same_article_items():
    different = []
    for i in range(ARTICLES):
        url = BASE + LIGHT.article(i).path
        light = ArticlePage(render.article_page(LIGHT, i, BASE).encode("utf-8"), url).to_item()
        real = ArticlePage(render.article_page(REAL, i, BASE).encode("utf-8"), url).to_item()
        if dataclasses.asdict(light) != dataclasses.asdict(real):
            different.append(i)
    assert different == []


@pytest.mark.parametrize("slug", [slug for slug, _, _ in CATEGORIES])
def test_both_weights_give_the_same_listing(slug):
    url = f"{BASE}/{slug}.htm"
    light = ListingPage(render.category_page(LIGHT, slug, 1).encode("utf-8"), url)
    real = ListingPage(render.category_page(REAL, slug, 1).encode("utf-8"), url)
    assert (real.entries, real.next_page_url, real.category) == (light.entries, light.next_page_url, light.category)


def test_an_unknown_page_weight_is_refused():
    with pytest.raises(ValueError, match="page_weight must be one of light, real"):
        ReplicaSite(articles=ARTICLES, page_weight="heavy")


def test_the_replica_command_refuses_an_unknown_page_weight():
    result = subprocess.run([sys.executable, "-m", "thcrawl.cli", "replica", "--page-weight", "heavy"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "invalid choice: 'heavy'" in result.stderr


def test_a_crawl_of_real_weight_pages_matches_the_generator(tmp_path):
    with ReplicaServer(REAL) as server:
        items, stats = crawl(server.base_url, tmp_path / "out")
        truth = {REAL.article(i).id: REAL.truth(i, server.base_url) for i in range(ARTICLES)}
    assert sorted(item["id"] for item in items) == sorted(truth)
    wrong = {field for item in items for field, value in truth[item["id"]].items() if item[field] != value}
    assert wrong == set()
