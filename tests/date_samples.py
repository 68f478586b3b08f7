"""Date texts in the site's formats for random moments of 2019-2026, shared by the agreement test and the
benchmark (weekday names are right for their dates)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from thcrawl.dates import VN_TZ

# Vietnamese weekday names, Monday first, as sites print them before a date.
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def site_date_strings(count: int, seed: int = 20261126) -> list[str]:
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=VN_TZ)
    out = []
    for _ in range(count):
        moment = start + timedelta(minutes=rng.randrange(8 * 365 * 24 * 60))
        shapes = (
            lambda m: m.strftime("%d/%m/%Y %H:%M"),
            lambda m: m.strftime("%H:%M , %d/%m/%Y"),
            lambda m: f"{WEEKDAYS[m.weekday()]}, {m:%d/%m/%Y - %H:%M}",
            lambda m: m.isoformat(),
            lambda m: f"{m.day}/{m.month}/{m.year}",
            lambda m: f"{rng.randrange(1, 59)} {rng.choice(['phút', 'giờ', 'ngày'])} trước",
            lambda m: m.strftime("%H:%M %d/%m/%Y"),
        )
        out.append(shapes[rng.randrange(len(shapes))](moment))
    return out
