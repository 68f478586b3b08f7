"""Provenance and drift: per-field layer counts from real page objects, and the run summary that turns
them into CMS shares and a degraded status when the site's markup drifts."""

from __future__ import annotations

import re

import pytest
from scrapy.utils.test import get_crawler
from thcrawl.pipelines.provenance import ProvenancePipeline

from tests.conftest import fixture_bytes
from thcrawl import settings as shipped
from thcrawl.extract import ArticlePage
from thcrawl.summary import DEGRADED, OK, build_summary, cms_shares

URL = "https://truyenhinhthanhhoa.vn/le-hoi-cau-ngu-o-sam-son-180250301080000101.htm"


def drifted(page: bytes) -> bytes:
    """The same page after a redesign: class names renamed, data-role gone."""
    text = re.sub(r'\sdata-role="[^"]*"', "", page.decode("utf-8"))
    return re.sub(r'class="([^"]*)"', lambda m: 'class="x' + str(abs(hash(m.group(1))) % 997) + '"', text).encode()


@pytest.fixture
def crawler():
    crawler = get_crawler(settings_dict={})
    crawler.stats.open_spider()
    return crawler


def run_items(crawler, pages: list[bytes]) -> dict:
    pipeline = ProvenancePipeline.from_crawler(crawler)
    for body in pages:
        pipeline.process_item(ArticlePage(body, URL).to_item())
    stats = crawler.stats.get_stats()
    stats["thcrawl/items/written"] = len(pages)
    return stats


def test_layers_and_disagreements_are_counted(crawler):
    stats = run_items(crawler, [fixture_bytes("article_variants.html")] * 2)
    assert stats["thcrawl/provenance/articles"] == 2
    assert stats["thcrawl/layer/title/cms"] == 2 and stats["thcrawl/layer/videos/none"] == 2
    assert stats["thcrawl/metadata_disagreements/title"] == 2


def test_an_unchanged_site_is_ok(crawler):
    stats = run_items(crawler, [fixture_bytes("article_variants.html")] * 4)
    summary = build_summary(stats, "finished", {}, min_cms_share=shipped.THCRAWL_MIN_CMS_SHARE)
    assert summary["status"] == OK and summary["cms_share"]["title"] == 1.0
    assert summary["metadata_disagreements"] == {"title": 4}


def test_drift_degrades_the_run_even_when_generic_layers_fill_the_fields(crawler):
    page = fixture_bytes("article_variants.html")
    stats = run_items(crawler, [page, drifted(page), drifted(page), drifted(page)])
    summary = build_summary(stats, "finished", {}, min_cms_share=shipped.THCRAWL_MIN_CMS_SHARE)
    assert cms_shares(stats)["title"] == 0.25 and stats["thcrawl/layer/title/generic"] == 3  # still filled
    assert summary["status"] == DEGRADED and "title" in summary["cms_share_below_threshold"]


def test_a_first_listing_page_without_entries_degrades_the_run():
    stats = {"thcrawl/listing_pages/first_without_entries": 1, "thcrawl/listing_pages/without_entries": 1,
             "thcrawl/items/written": 1}
    summary = build_summary(stats, "finished", {}, min_cms_share={})
    assert summary["status"] == DEGRADED and summary["cms_share_below_threshold"] == ["listing_entries"]
    assert summary["listing_pages_without_entries"] == 1


def test_the_shipped_settings_enable_the_pipeline_and_name_a_threshold():
    assert "thcrawl.pipelines.provenance.ProvenancePipeline" in shipped.ITEM_PIPELINES
    assert set(shipped.THCRAWL_MIN_CMS_SHARE) >= {"title", "body"}
