"""The listing page object on a category page and a timeline fragment written for this project."""

from __future__ import annotations

import pytest

from tests.conftest import fixture_bytes
from thcrawl.extract import ListingPage

CATEGORY_URL = "https://truyenhinhthanhhoa.vn/thoi-su.htm"


@pytest.fixture(scope="module")
def category() -> ListingPage:
    return ListingPage(fixture_bytes("listing_category.html"), CATEGORY_URL)


@pytest.fixture(scope="module")
def fragment() -> ListingPage:
    return ListingPage(fixture_bytes("timelinelist_fragment.html"),
                       "https://truyenhinhthanhhoa.vn/timelinelist/1807/2.htm")


def test_entry_ids_skip_sidebar(category):
    assert [e.id for e in category.entries] == ["180250301080000101", "180250228170000202", "1808198627"]


def test_entry_url(category):
    assert category.entries[0].url == "https://truyenhinhthanhhoa.vn/khai-mac-hoi-cho-180250301080000101.htm"


def test_entry_title(category):
    assert category.entries[1].title == "Đồn biên phòng tiếp nhận tân binh"


def test_entry_time_text_not_us_title(category):
    assert category.entries[0].published_raw == "08:40 , 01/03/2025"


def test_entry_sapo(category):
    assert category.entries[0].summary.startswith("Hội chợ thu hút")
    assert category.entries[2].summary is None


def test_entry_lazy_thumbnail(category):
    assert category.entries[1].thumbnail.endswith("/2025/2/28/tan-binh.jpg")


def test_category_name(category):
    assert category.category == "Thời sự"


def test_next_page_from_trang_links(category):
    assert category.next_page_url == "https://truyenhinhthanhhoa.vn/thoi-su/trang-2.htm"


def test_page_url_falls_back_to_timelinelist(category):
    assert category.page_url(7) == "https://truyenhinhthanhhoa.vn/timelinelist/1807/7.htm"


def test_zone_id(category):
    assert category.zone_id == "1807"


def test_fragment_entries(fragment):
    assert [e.id for e in fragment.entries] == ["180250220090000303", "180250219150000404"]


def test_fragment_page_index(fragment):
    assert fragment.page_index == 2


def test_fragment_entry_without_thumbnail(fragment):
    assert fragment.entries[1].thumbnail is None
