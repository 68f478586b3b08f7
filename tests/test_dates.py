"""The date normaliser: the site's formats, garbage, ranges, ambiguity, and agreement with dateparser."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.conftest import FROZEN_NOW
from tests.date_samples import site_date_strings
from thcrawl.dates import (
    EMPTY,
    FAILED,
    FALLBACK,
    FAST,
    VN_TZ,
    normalize_date,
    normalize_item_dates,
    parse_with_dateparser,
    to_iso,
)


def iso(text: str, reference: datetime | None = FROZEN_NOW) -> str | None:
    return normalize_date(text, reference).iso


@pytest.mark.parametrize(("text", "expected"), [
    ("31/07/2023 19:46", "2023-07-31T19:46:00+07:00"),
    ("20:04 , 21/02/2025", "2025-02-21T20:04:00+07:00"),
    ("20:04, 21/02/2025", "2025-02-21T20:04:00+07:00"),
    ("Thứ Hai, 31/07/2023 - 19:46", "2023-07-31T19:46:00+07:00"),
    ("Chủ nhật, 30/07/2023 08:00", "2023-07-30T08:00:00+07:00"),
    ("November 12, 2024 11:06 AM GMT+7", "2024-11-12T11:06:00+07:00"),
    ("September 09, 2026 9:33 PM GMT+7", "2026-09-09T21:33:00+07:00"),
    ("2024-11-12T11:06:00+07:00", "2024-11-12T11:06:00+07:00"),
    ("2024-11-12T04:06:00Z", "2024-11-12T11:06:00+07:00"),
    ("2024-11-12T11:06:00", "2024-11-12T11:06:00+07:00"),
    ("31/07/2023", "2023-07-31T00:00:00+07:00"),
])
def test_site_formats_take_the_fast_path(text, expected):
    parsed = normalize_date(text, FROZEN_NOW)
    assert (parsed.iso, parsed.path) == (expected, FAST)


@pytest.mark.parametrize(("text", "delta"), [
    ("5 phút trước", timedelta(minutes=5)),
    ("2 giờ trước", timedelta(hours=2)),
    ("3 ngày trước", timedelta(days=3)),
    ("1 tuần trước", timedelta(weeks=1)),
    ("hôm qua", timedelta(days=1)),
    ("vừa xong", timedelta(0)),
])
def test_relative_times_count_back_from_the_reference(text, delta):
    assert normalize_date(text, FROZEN_NOW).value == FROZEN_NOW - delta


def test_day_first_on_ambiguous_numeric_date():
    assert iso("05/03/2024 10:00") == "2024-03-05T10:00:00+07:00"


def test_us_order_title_attribute_is_not_swapped_silently():
    # 14 cannot be a month: dateparser reads the CMS's US-order title attribute correctly.
    assert iso("7/14/2026 5:48:00 PM") == "2026-07-14T17:48:00+07:00"


@pytest.mark.parametrize("text", ["31/02/2024 10:00", "00/01/2024", "12/13/2024 10:00", "25:10 , 01/01/2024",
                                  "01/01/1850 10:00", "01/01/2999 10:00", "February 30, 2024 10:00 AM GMT+7",
                                  "13:00 PM"])
def test_out_of_range_gives_null(text):
    assert normalize_date(text, FROZEN_NOW).value is None


@pytest.mark.parametrize("text", ["abc", "Xem thêm", "!!!", "<div>", "null", "x" * 500, "99999999999"])
def test_garbage_gives_null(text):
    parsed = normalize_date(text, FROZEN_NOW)
    assert parsed.value is None and parsed.path == FAILED


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_gives_null(text):
    assert normalize_date(text, FROZEN_NOW).path == EMPTY


def test_other_vietnamese_forms_fall_back_to_dateparser():
    parsed = normalize_date("ngày 5 tháng 3 năm 2024", FROZEN_NOW)
    assert (parsed.iso, parsed.path) == ("2024-03-05T00:00:00+07:00", FALLBACK)


def test_item_dates_normalised_with_raw_kept():
    item = {"published_raw": "20:04 , 21/02/2025", "published_at": None, "modified_at": None,
            "related": [{"published_raw": "12/11/2024 10:25"}], "see_more": [{"published_raw": "rác"}]}
    counts = normalize_item_dates(item, FROZEN_NOW)
    assert item["published_at"] == "2025-02-21T20:04:00+07:00"
    assert item["related"][0]["published_at"] == "2024-11-12T10:25:00+07:00"
    assert item["see_more"][0]["published_at"] is None and item["see_more"][0]["published_raw"] == "rác"
    assert counts == Counter({FAST: 2, FAILED: 1})


def test_fast_path_agrees_with_dateparser_on_generated_strings():
    strings = site_date_strings(3000)
    both = 0
    for text in strings:
        fast = normalize_date(text, FROZEN_NOW)
        assert fast.path == FAST, text
        slow = parse_with_dateparser(text, FROZEN_NOW)
        if slow is not None:
            both += 1
            assert fast.value == slow, text
    assert both >= 2500  # dateparser reads nearly all of them, so the comparison means something


def test_day_and_month_without_year_take_the_reference_year():
    # Ambiguous by nature: resolved day first, in the year of the fetch.
    assert iso("05/03 10:00") == "2026-03-05T10:00:00+07:00"


def test_absolute_text_parsed_again_gives_the_same_answer_whatever_the_reference():
    first = normalize_date("20:04 , 21/02/2025", datetime(2025, 2, 22, tzinfo=VN_TZ))
    again = normalize_date("20:04 , 21/02/2025", datetime(2026, 1, 1, tzinfo=VN_TZ))
    assert first == again and first.iso == "2025-02-21T20:04:00+07:00"


def test_relative_text_is_read_against_each_reference_anew():
    one = normalize_date("2 giờ trước", datetime(2025, 2, 22, 12, 0, tzinfo=VN_TZ)).iso
    other = normalize_date("2 giờ trước", datetime(2025, 3, 1, 12, 0, tzinfo=VN_TZ)).iso
    assert (one, other) == ("2025-02-22T10:00:00+07:00", "2025-03-01T10:00:00+07:00")


def test_iso_form_of_a_fast_path_date_is_its_own_isoformat():
    assert to_iso(datetime(2024, 3, 1, 11, 6, tzinfo=VN_TZ)) == "2024-03-01T11:06:00+07:00"


def test_iso_form_converts_to_vietnam_time_and_drops_microseconds():
    utc = datetime(2024, 3, 1, 4, 6, 30, 999_999, tzinfo=UTC)
    same_offset = datetime(2024, 3, 1, 11, 6, 30, 5, tzinfo=timezone(timedelta(hours=7)))  # not the VN_TZ object
    assert to_iso(utc) == to_iso(same_offset) == "2024-03-01T11:06:30+07:00"
