"""Date normalisation: the site's date texts to ISO 8601 in +07:00, fast path first, dateparser after.

The fast path knows the formats the site and its CMS family show (see docs/schema.md). Anything else
goes to one shared dateparser DateDataParser set up for Vietnamese, day first, Asia/Ho_Chi_Minh.
A string the fast path recognises but whose values are impossible (31/02/2024) is final: null.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NamedTuple

# Viet Nam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact here.
VN_TZ = timezone(timedelta(hours=7))
MIN_YEAR = 1990
MAX_YEAR = 2100

FAST = "fast"
FALLBACK = "fallback"
FAILED = "failed"
EMPTY = "empty"

# Weekday prefixes as Vietnamese sites print them: "Thứ Hai, ", "Chủ nhật, ", "T2, " (Monday..Sunday).
_WEEKDAY = r"(?:(?:th[ứu]\s*(?:hai|ba|t[ưu]|n[ăa]m|s[áa]u|b[ảa]y|[2-7]))|ch[ủu]\s*nh[ậa]t|cn|t[2-7])\s*[,-]?\s*"
_TIME = r"(\d{1,2})\s*[:hg]\s*(\d{2})(?::(\d{2}))?"
_GMT7 = r"(?:\s*\(?\s*(?:GMT|UTC)\s*\+\s*0?7(?::?00)?\s*\)?)?"

_DMY_TIME_RE = re.compile(
    rf"^(?:{_WEEKDAY})?(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{4}})"
    rf"(?:\s*(?:-|,|\||lúc)?\s*{_TIME})?{_GMT7}$",
    re.IGNORECASE,
)
# Lists ("Xem thêm", categories): "20:04 , 21/02/2025" (note the space before the comma).
_TIME_DMY_RE = re.compile(
    rf"^{_TIME}\s*(?:,|-|\|)?\s*(?:{_WEEKDAY})?(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){_GMT7}$",
    re.IGNORECASE,
)
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
# The family's English edition: "November 12, 2024 11:06 AM GMT+7".
_ENGLISH_RE = re.compile(
    r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?"
    r"\s*(?:(?:GMT|UTC)\s*([+-]\d{1,2})(?::?(\d{2}))?)?$",
    re.IGNORECASE,
)
# Relative times against the fetch time: "5 phút trước" (5 minutes ago), "2 giờ trước" (hours),
# "3 ngày trước" (days), "1 tuần trước" (weeks), "hôm qua" (yesterday), "vừa xong" (just now).
_RELATIVE_RE = re.compile(r"^(\d{1,4})\s*(giây|phút|giờ|tiếng|ngày|tuần)\s*trước$", re.IGNORECASE)
_RELATIVE_UNITS = {
    "giây": timedelta(seconds=1),
    "phút": timedelta(minutes=1),
    "giờ": timedelta(hours=1),
    "tiếng": timedelta(hours=1),
    "ngày": timedelta(days=1),
    "tuần": timedelta(weeks=1),
}
_YESTERDAY = "hôm qua"
_JUST_NOW = "vừa xong"
# A clock time with no day ("13:00", "5:48 PM") is no date: dateparser would silently add today.
_TIME_ONLY_RE = re.compile(r"^\d{1,2}\s*[:hg]\s*\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?$", re.IGNORECASE)


class ParsedDate(NamedTuple):
    """Immutable, as the cache below shares it; a named tuple is built faster than a frozen dataclass."""

    value: datetime | None
    path: str  # FAST, FALLBACK, FAILED or EMPTY
    iso: str | None  # the value as an item field holds it


def _parsed(value: datetime | None, path: str) -> ParsedDate:
    return ParsedDate(value, path, to_iso(value))


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 in +07:00 to the second, the form every date field of an item has."""
    if value is None:
        return None
    if value.tzinfo is VN_TZ and not value.microsecond:  # what the fast path builds: already in form
        return value.isoformat()
    return value.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _build(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
           tz: timezone = VN_TZ) -> datetime | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(VN_TZ)
    except ValueError:
        return None


def _offset(sign_hours: str | None, minutes: str | None) -> timezone:
    if not sign_hours:
        return VN_TZ
    hours = int(sign_hours)
    delta = timedelta(hours=abs(hours), minutes=int(minutes or 0))
    return timezone(-delta if hours < 0 or sign_hours.startswith("-") else delta)


def _iso_offset(text: str | None) -> timezone:
    if not text:
        return VN_TZ
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return timezone(-delta if text[0] == "-" else delta)


def _reference(reference: datetime | None) -> datetime:
    if reference is None:
        return datetime.now(VN_TZ)
    if reference.tzinfo is None:
        return reference.replace(tzinfo=VN_TZ)
    return reference.astimezone(VN_TZ)


class _NotMine(Exception):
    """The fast path does not know this shape; dateparser may."""


def _fast_absolute(text: str) -> datetime | None:
    """The shapes that name a moment (they do not depend on the reference time)."""
    m = _DMY_TIME_RE.match(text)
    if m:
        day, month, year, hour, minute, second = m.groups()
        return _build(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    m = _TIME_DMY_RE.match(text)
    if m:
        hour, minute, second, day, month, year = m.groups()
        return _build(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    m = _ISO_RE.match(text)
    if m:
        year, month, day, hour, minute, second, tz = m.groups()
        return _build(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                      _iso_offset(tz))
    m = _ENGLISH_RE.match(text)
    if m and m.group(1).lower() in _MONTHS:
        name, day, year, hour, minute, second, meridiem, tz_hours, tz_minutes = m.groups()
        hour_ = int(hour)
        if meridiem:
            if not 1 <= hour_ <= 12:
                return None
            hour_ = hour_ % 12 + (12 if meridiem.lower().startswith("p") else 0)
        return _build(int(year), _MONTHS[name.lower()], int(day), hour_, int(minute), int(second or 0),
                      _offset(tz_hours, tz_minutes))
    raise _NotMine


def _fast_relative(text: str, reference: datetime | None) -> datetime:
    """'2 giờ trước' ("2 hours ago"), 'hôm qua' ("yesterday"), 'vừa xong' ("just now")."""
    lowered = text.lower()
    m = _RELATIVE_RE.match(lowered)
    if m:
        return _reference(reference) - int(m.group(1)) * _RELATIVE_UNITS[m.group(2)]
    if lowered == _YESTERDAY:
        return _reference(reference) - timedelta(days=1)
    if lowered == _JUST_NOW:
        return _reference(reference)
    raise _NotMine


_SETTINGS: dict[str, Any] = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DAY_OF_MONTH": "first",
}


@lru_cache(maxsize=8)
def _parser(relative_base: datetime | None) -> Any:
    """The shared DateDataParser; one per reference time only because dateparser fixes RELATIVE_BASE
    at construction (fallbacks are rare, so the cache stays tiny)."""
    from dateparser.date import DateDataParser  # imported late: it costs ~0.3 s at start-up

    settings = dict(_SETTINGS)
    if relative_base is not None:
        settings["RELATIVE_BASE"] = relative_base
    return DateDataParser(languages=["vi"], settings=settings)


def parse_with_dateparser(text: str, reference: datetime | None = None) -> datetime | None:
    """The slow path alone (also what the agreement test compares the fast path against)."""
    base = None if reference is None else _reference(reference).replace(tzinfo=None, microsecond=0)
    try:
        data = _parser(base).get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    value = data.date_obj if data else None
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)


# Cached: the same "xem thêm" entries and their times repeat under article after article. A text in no
# absolute shape raises _NotMine, which lru_cache does not keep.
@lru_cache(maxsize=20_000)
def _absolute_date(text: str) -> ParsedDate:
    value = _fast_absolute(text)
    return _parsed(value, FAST if value else FAILED)


def normalize_date(raw: str | None, reference: datetime | None = None) -> ParsedDate:
    """Parse one date text. `reference` (the fetch time) anchors relative texts such as '2 giờ trước'."""
    text = " ".join(raw.split()) if raw else ""  # str.split() splits on what \s matches, and strips
    if not text or len(text) > 80:
        return _parsed(None, EMPTY if not text else FAILED)
    try:
        return _absolute_date(text)
    except _NotMine:
        pass
    try:
        value = _fast_relative(text, reference)
        return _parsed(value, FAST)
    except _NotMine:
        pass
    if _TIME_ONLY_RE.match(text) or (
        not any(ch.isdigit() for ch in text) and text.lower() not in {"hôm nay", "hôm kia"}
    ):
        return _parsed(None, FAILED)  # nothing a date could be made of; dateparser would guess
    value = parse_with_dateparser(text, reference)
    return _parsed(value, FALLBACK if value else FAILED)


def parse_bound(value: str | None, name: str, end_of_day: bool = False) -> datetime | None:
    """A --since/--until style option as a date (None when not given); ValueError with a one-line reason.

    With end_of_day (an upper bound), a bare date means the whole day: its last second, so that
    `--until 2025-03-31` keeps what was published on the 31st."""
    if not value:
        return None
    parsed = normalize_date(value).value
    if parsed is None:
        raise ValueError(f"{name}: cannot read {value!r} as a date (use YYYY-MM-DD or an ISO date-time)")
    if end_of_day and ":" not in value:  # no time of day was given
        parsed = parsed.replace(hour=23, minute=59, second=59, microsecond=0)
    return parsed


# Item fields that hold dates: (raw field, normalised field) on the article and on its nested lists.
ARTICLE_DATE_FIELDS = (("published_raw", "published_at"), ("modified_at", "modified_at"))
NESTED_DATE_LISTS = ("related", "see_more")


def normalize_item_dates(item: dict[str, Any], reference: datetime | None = None) -> Counter[str]:
    """Normalise every date field of an article dict in place; returns counts by path (fast, ...).

    The article's published_at keeps a metadata value when one was found (it carries the seconds and
    the offset); otherwise it comes from the shown text in published_raw.
    """
    counts: Counter[str] = Counter()

    def convert(text: str | None) -> str | None:
        if not text:
            return None
        parsed = normalize_date(text, reference)
        counts[parsed.path] += 1
        return parsed.iso

    published = convert(item.get("published_at")) if item.get("published_at") else None
    item["published_at"] = published or convert(item.get("published_raw"))
    item["modified_at"] = convert(item.get("modified_at"))
    for name in NESTED_DATE_LISTS:
        for entry in item.get(name) or []:
            entry["published_at"] = convert(entry.get("published_raw"))
    return counts
