"""The seed article (../shared/seed), rendered into the site's markup at run time, comes back whole."""

from __future__ import annotations

import pytest

from tests.conftest import FROZEN_NOW, SEED, require
from tests.seed_page import read_seed, render
from thcrawl.dates import normalize_date
from thcrawl.parsing import parse_page
from thcrawl.validation import validation_errors

ARTICLE_ID = "180230731194600123"


@pytest.fixture(scope="module")
def seed():
    return read_seed(require(SEED))


@pytest.fixture(scope="module")
def item(seed):
    url = f"https://truyenhinhthanhhoa.vn/seed-article-{ARTICLE_ID}.htm"
    return parse_page(render(seed, ARTICLE_ID), url, fetched_at=FROZEN_NOW).items[0]


def test_title(seed, item):
    assert item["title"] == seed.title


def test_sapo(seed, item):
    assert item["sapo"] == seed.sapo


def test_two_authors(seed, item):
    assert len(item["authors"]) == 2
    assert " – ".join(item["authors"]) == seed.author_line


def test_published(seed, item):
    assert item["published_raw"] == seed.time
    assert item["published_at"] == normalize_date(seed.time).iso
    assert item["published_at"].endswith("+07:00")


def test_eleven_body_paragraphs(seed, item):
    assert item["body"].split("\n\n") == seed.paragraphs
    assert len(seed.paragraphs) == 11


def test_eight_photos_with_alts(seed, item):
    assert [i["alt"] for i in item["images"]] == seed.photo_alts
    assert len(item["images"]) == 8
    assert all("/thumb_w/" not in i["url"] for i in item["images"])


def test_source(seed, item):
    assert item["source"] == seed.source and item["source"]


def test_ten_see_more_entries_with_times(seed, item):
    assert len(item["see_more"]) == 10
    assert [e["published_raw"] for e in item["see_more"]] == [e["time"] for e in seed.see_more]
    assert all(e["published_at"] for e in item["see_more"])


def test_see_more_titles_and_summaries(seed, item):
    assert [e["title"] for e in item["see_more"]] == [e["title"] for e in seed.see_more]
    assert [e["summary"] for e in item["see_more"]] == [e["summary"] or None for e in seed.see_more]


def test_body_leaves_out_comments_and_see_more(seed, item):
    assert "Ý kiến bạn đọc" not in item["body"]
    assert all(e["title"] not in item["body"] for e in seed.see_more)


def test_valid(item):
    assert validation_errors(item) == []
