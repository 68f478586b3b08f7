"""Conformance over real captures of a sister site on the same CMS (../shared/realpages).

Each expectation is read from the capture's raw markup with plain regular expressions, independently
of the page objects, so a drift in either shows up as a difference.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW, REALPAGES, require
from thcrawl.parsing import parse_page
from thcrawl.text import clean
from thcrawl.validation import validation_errors

ARTICLES = [
    "viet-nam-opens-defense-attache-office-in-chile-111241112103823427.htm.html",
    "viet-nam-russia-promote-defense-cooperation-111260909103625767.htm.html",
    "prime-minister-orders-enhancing-commercialization-of-defense-industry-products-111251225101319657.htm.html",
]


class Capture:
    def __init__(self, name: str) -> None:
        self.path = require(REALPAGES / name)
        self.raw = self.path.read_bytes()
        self.text = self.raw.decode("utf-8")
        self.url = "https://en.baochinhphu.vn/" + name.removesuffix(".html")

    def first(self, pattern: str) -> str:
        return clean(html.unescape(re.search(pattern, self.text, re.S).group(1)))

    @property
    def content(self) -> str:
        start = self.text.index('data-role="content">')
        return self.text[start:self.text.index('<div class="detail-tag', start)]


@pytest.fixture(scope="module", params=ARTICLES, ids=lambda n: n[:40])
def capture(request) -> tuple[Capture, dict]:
    page = Capture(request.param)
    return page, parse_page(page.raw, page.url, fetched_at=FROZEN_NOW).items[0]


def test_title(capture):
    page, item = capture
    assert item["title"] == page.first(r'<h1 class="detail-title" data-role="title">(.*?)</h1>')


def test_sapo(capture):
    page, item = capture
    assert item["sapo"] == page.first(r'<h2 class="detail-sapo" data-role="sapo">(.*?)</h2>')


def test_author(capture):
    page, item = capture
    assert item["authors"] == [page.first(r'class="detail-author-top-name">(.*?)</a>')]


def test_time_text(capture):
    page, item = capture
    assert item["published_raw"] == page.first(r'<div data-role="publishdate">(.*?)</div>')


def test_published_at_matches_metadata(capture):
    page, item = capture
    assert item["published_at"] == html.unescape(page.first(r'article:published_time" content="(.*?)"'))


def test_body_paragraph_count(capture):
    page, item = capture
    body_ps = [p for p in re.findall(r"<p(?: [^>]*)?>(.*?)</p>", page.content, re.S)
               if clean(re.sub(r"<[^>]+>", "", p))]
    captions = re.findall(r'<p data-placeholder="[^"]*">', page.content)
    assert len(item["body"].split("\n\n")) == len(body_ps) - len(captions)


def test_photo_count_and_captions(capture):
    page, item = capture
    captions = [clean(html.unescape(re.sub(r"<[^>]+>", "", c)))
                for c in re.findall(r'class="PhotoCMS_Caption"><p[^>]*>(.*?)</p>', page.content, re.S)]
    assert len(item["images"]) == page.content.count('type="Photo"')
    assert [i["caption"] for i in item["images"] if i["caption"]] == captions


def test_photo_full_size_url(capture):
    page, item = capture
    assert item["images"][0]["url"] == page.first(r'data-original="(.*?)"')


def test_related_box_entries(capture):
    page, item = capture
    assert [r["id"] for r in item["related"]] == re.findall(r'class="kbwscwlrl" data-date="[^"]*" data-id="(\d+)"',
                                                            page.text)
    assert all(r["published_at"] for r in item["related"])


def test_tags(capture):
    page, item = capture
    tag_block = page.text[page.text.index('class="detail-tag-list"'):]
    tag_block = tag_block[:tag_block.index("</ul>")]
    assert item["tags"] == [clean(html.unescape(t)) for t in re.findall(r'title="[^"]*">(.*?)</a>', tag_block)]


def test_body_excludes_comments_and_related(capture):
    page, item = capture
    assert "GMT+0700" not in item["body"]
    assert all(r["title"] not in item["body"] for r in item["related"])


def test_item_is_valid(capture):
    _, item = capture
    assert validation_errors(item) == []


def test_listing_entries():
    page = Capture("defense.html")
    items = parse_page(page.raw, "https://en.baochinhphu.vn/defense.html", fetched_at=FROZEN_NOW).items
    assert [i["id"] for i in items] == re.findall(r'<div class="box-stream-item" data-id="(\d+)">', page.text)
    assert len(items) == 24
    shown = [clean(t) for t in re.findall(r'box-stream-time" title="[^"]*">(.*?)</span>', page.text)]
    assert [i["published_raw"] for i in items if i["published_raw"]] == shown
    assert all(i["published_at"] for i in items if i["published_raw"])


def test_listing_next_page_follows_the_pages_script():
    from thcrawl.extract import ListingPage

    page = Capture("defense.html")
    listing = ListingPage(page.raw, "https://en.baochinhphu.vn/defense.html")
    assert listing.next_page_url == "https://en.baochinhphu.vn/timelinetags/defense/2.htm"


def test_all_captures_present_or_skipped():
    require(REALPAGES)
    assert {p.name for p in Path(REALPAGES).glob("*.html")} >= set(ARTICLES) | {"defense.html"}
