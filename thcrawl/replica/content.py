"""The replica's content: a deterministic site of N articles generated from a seed number.

Cheap facts of every article (category, times, ID, tags) come from an integer hash of (seed, index), so
the indexes behind listings, feeds and sitemaps are built for 200,000 articles in a second without
storing pages. The text of one article is generated when it is asked for. `truth()` is what a perfect
crawl must extract from the article's page: the tests compare crawls with it.
"""

from __future__ import annotations

import bisect
import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any

from thcrawl.dates import VN_TZ, to_iso
from thcrawl.replica import words

SITE_PREFIX = "180"
CDN = "https://truyenhinhthanhhoa.qltns.mediacdn.vn/458221966042468352"
VIDEO_HOST = "hls.mediacdn.vn/thanhhoa"
DEFAULT_START = datetime(2019, 6, 1, 6, 0, tzinfo=VN_TZ)
DEFAULT_END = datetime(2026, 11, 1, 6, 0, tzinfo=VN_TZ)
SEE_MORE_SIZE = 10
GROWN_STEP = timedelta(minutes=10)  # site time between two articles published during a run (--grow)
_MASK = (1 << 64) - 1


def _mix(seed: int, index: int, salt: int) -> int:
    """splitmix64 of (seed, index, salt): a fast, well-spread integer hash."""
    z = (seed * 0x9E3779B97F4A7C15 + index * 0xBF58476D1CE4E5B9 + salt * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")


def shown_time(moment: datetime) -> str:
    """Article pages: dd/MM/yyyy HH:mm."""
    return moment.strftime("%d/%m/%Y %H:%M")


def list_time(moment: datetime) -> str:
    """Lists: HH:mm , dd/MM/yyyy (space before the comma, as the site prints it)."""
    return moment.strftime("%H:%M , %d/%m/%Y")


def us_title_time(moment: datetime) -> str:
    """The CMS's title attribute on list times: M/d/yyyy h:mm:ss AM (US order)."""
    hour = moment.hour % 12 or 12
    return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"


@dataclass(frozen=True)
class Photo:
    url: str
    alt: str
    caption: str | None
    lazy: bool

    @property
    def thumb(self) -> str:
        return self.url.replace(CDN, CDN.rsplit("/", 1)[0] + "/thumb_w/640/" + CDN.rsplit("/", 1)[1], 1)


@dataclass(frozen=True)
class VideoClip:
    src: str  # as the page writes it, without scheme
    poster: str
    caption: str | None

    @property
    def url(self) -> str:
        return "https://" + self.src


@dataclass
class GenArticle:
    index: int
    id: str
    legacy: bool
    category: tuple[str, str, str]
    published: datetime
    created: datetime | None
    tags: list[tuple[str, str]]
    title: str = ""
    sapo: str = ""
    authors: list[str] = field(default_factory=list)
    author_in_body: bool = False
    has_jsonld: bool = True
    modified: datetime | None = None
    blocks: list[tuple[str, Any]] = field(default_factory=list)  # ("p", str) | ("photo", Photo)
    video: VideoClip | None = None
    source: str | None = None
    related: list[int] = field(default_factory=list)
    # How this article's page writes its parts: the family's sites vary bylines, tag boxes, source lines,
    # related boxes, in-body widgets and see-more rows (site-facts.md); the content is the same.
    template: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def path(self) -> str:
        return f"/{self.slug}-{self.id}.htm"

    @property
    def legacy_path(self) -> str | None:
        """The 2019-2021 URL form that 301-redirects to `path` (legacy articles only)."""
        if not self.legacy:
            return None
        return f"/{self.category[0]}/{self.published:%Y%m}/{self.slug}-{self.id[3:]}"

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]

    @property
    def photos(self) -> list[Photo]:
        return [photo for kind, photo in self.blocks if kind == "photo"]

    @property
    def thumbnail(self) -> str:
        photos = self.photos
        base = photos[0].url if photos else f"{CDN}/default/{self.id}.jpg"
        return base.replace(CDN, CDN.rsplit("/", 1)[0] + "/zoom/270_169/" + CDN.rsplit("/", 1)[1], 1)


# "light": ~19 KB article pages, the default; "real": the same content inside ~65 KB of page chrome.
PAGE_WEIGHTS = ("light", "real")


class ReplicaSite:
    """A generated site. `articles` exist from the start; with `grow_every` seconds, one more article
    is published every `grow_every` seconds of wall time (up to `grow_max`)."""

    def __init__(self, articles: int = 300, seed: int = 1, start: datetime = DEFAULT_START,
                 end: datetime = DEFAULT_END, grow_every: float | None = None, grow_max: int = 10_000,
                 per_page: int = 20, page_weight: str = "light") -> None:
        if not 10 <= articles <= 200_000:
            raise ValueError("articles must be between 10 and 200,000")
        if page_weight not in PAGE_WEIGHTS:
            raise ValueError(f"page_weight must be one of {', '.join(PAGE_WEIGHTS)}")
        self.page_weight = page_weight  # "real": pages carry chrome of a real page's weight (replica/chrome.py)
        self.base_count = articles
        self.seed = seed
        self.start, self.end = start, end
        self.per_page = per_page
        self.grow_every = grow_every
        self.grow_max = grow_max
        self.started_at = time.monotonic()
        self.published_by_hand = 0
        self.revisions: dict[int, int] = {}
        self.legacy_count = max(1, articles * 4 // 100)
        total = articles + self.grow_max
        self._step = (end - start) / articles
        self._published = [self._published_at(i) for i in range(total)]
        self._category = [_mix(seed, i, 1) % len(words.CATEGORIES) for i in range(total)]
        self.by_category: dict[str, list[int]] = {c[0]: [] for c in words.CATEGORIES}
        for i, c in enumerate(self._category):
            self.by_category[words.CATEGORIES[c][0]].append(i)
        self._total = total

    # -- cheap per-article facts --------------------------------------------------------------------
    def _published_at(self, i: int) -> datetime:
        if i >= self.base_count:
            return self.end + (i - self.base_count + 1) * GROWN_STEP
        offset = (_mix(self.seed, i, 2) % 800) / 1000 * self._step
        moment = self.start + self._step * i + offset
        return moment.replace(second=0, microsecond=0)

    def _created_at(self, i: int) -> datetime:
        lead = timedelta(minutes=3 + _mix(self.seed, i, 3) % 177, seconds=_mix(self.seed, i, 4) % 60)
        return self._published[i] - lead

    def _id(self, i: int) -> str:
        if i < self.legacy_count:
            return f"{SITE_PREFIX}{8_000_000 + i:07d}"  # migrated: prefix + old 7-digit ID
        stamp = self._created_at(i).strftime("%y%m%d%H%M%S")
        # Both ID lengths occur on the site: 18 digits mostly, 17 now and then.
        suffix = f"{i % 100:02d}" if _mix(self.seed, i, 5) % 7 == 0 else f"{i % 1000:03d}"
        return SITE_PREFIX + stamp + suffix

    def _tags(self, i: int) -> list[tuple[str, str]]:
        count = 1 + _mix(self.seed, i, 6) % 3
        picks = dict.fromkeys(_mix(self.seed, i, 10 + k) % len(words.PLACES) for k in range(count))
        return [_PLACE_TAGS[k] for k in picks]

    @cached_property
    def by_tag(self) -> dict[str, list[int]]:
        """Article indices of each tag, ascending (built on the first tag page asked for)."""
        tags: dict[str, list[int]] = {}
        for i in range(self._total):
            for slug, _ in self._tags(i):
                tags.setdefault(slug, []).append(i)
        return tags

    def index_of(self, article_id: str) -> int | None:
        """The index of a visible article ID, found from the ID itself (no table of all IDs is kept)."""
        if len(article_id) == 10 and article_id.startswith(SITE_PREFIX):
            candidates: range | list[int] = [int(article_id[3:]) - 8_000_000]
        else:
            try:
                created = datetime.strptime(article_id[3:15], "%y%m%d%H%M%S").replace(tzinfo=VN_TZ)
            except ValueError:
                return None
            # Publication follows creation by 3 to 180 minutes (see _created_at).
            low = bisect.bisect_left(self._published, created)
            high = bisect.bisect_right(self._published, created + timedelta(minutes=181))
            candidates = range(low, high)
        for i in candidates:
            if 0 <= i < self.visible_count and self._id(i) == article_id:
                return i
        return None

    # -- visibility (for --grow) ---------------------------------------------------------------------
    @property
    def visible_count(self) -> int:
        grown = self.published_by_hand
        if self.grow_every:
            grown += int((time.monotonic() - self.started_at) / self.grow_every)
        return self.base_count + min(grown, self.grow_max)

    def publish(self, count: int = 1) -> list[int]:
        """Publish `count` new articles now (what --grow does on a timer); returns their indices."""
        first = self.visible_count
        self.published_by_hand += count
        return list(range(first, self.visible_count))

    def revise(self, index: int) -> None:
        """Correct an article: its body gains a paragraph (a new version for a re-crawl to find)."""
        self.revisions[index] = self.revisions.get(index, 0) + 1

    def is_visible(self, i: int) -> bool:
        return 0 <= i < self.visible_count

    def newest_first(self, indices: list[int]) -> list[int]:
        """Visible indices of an ascending index list, newest first."""
        cut = bisect.bisect_left(indices, self.visible_count)
        return indices[:cut][::-1]

    def in_category(self, slug: str) -> list[int]:
        """Visible articles of a category, oldest first."""
        indices = self.by_category[slug]
        return indices[: bisect.bisect_left(indices, self.visible_count)]

    def latest(self, count: int, exclude: int | None = None) -> list[int]:
        out = []
        i = self.visible_count - 1
        while i >= 0 and len(out) < count:
            if i != exclude:
                out.append(i)
            i -= 1
        return out

    # -- one article, in full --------------------------------------------------------------------------
    def article(self, i: int) -> GenArticle:
        return self._article(i, self.revisions.get(i, 0))

    @lru_cache(maxsize=4096)  # noqa: B019 - the site lives as long as its cache; bounded
    def _article(self, i: int, revision: int) -> GenArticle:
        rng = random.Random(self.seed * 1_000_003 + i)
        art = GenArticle(index=i, id=self._id(i), legacy=i < self.legacy_count,
                         category=words.CATEGORIES[self._category[i]], published=self._published[i],
                         created=None if i < self.legacy_count else self._created_at(i), tags=self._tags(i))
        place = art.tags[0][1]
        art.title = _title(rng, place)
        art.sapo = _sentence(rng, place)
        art.authors = [_name(rng) for _ in range(rng.choice((1, 1, 2)))]
        art.author_in_body = rng.random() < 0.2
        art.has_jsonld = rng.random() < 0.85
        if art.has_jsonld:
            art.modified = art.published + timedelta(minutes=rng.randrange(0, 240))
        paragraphs = [_paragraph(rng, place) for _ in range(rng.randint(3, 12))]
        # Photos go after a paragraph, numbered in document order ("Ảnh N" = photo N).
        after = sorted(rng.randint(1, len(paragraphs)) for _ in range(rng.choice((0, 1, 1, 2, 3, 4))))
        for k, text in enumerate(paragraphs, start=1):
            art.blocks.append(("p", text))
            while len(art.photos) < len(after) and after[len(art.photos)] == k:
                n = len(art.photos) + 1
                glue = "" if rng.random() < 0.3 else " "  # the CMS writes both "<title> - Ảnh N." and "<title>- Ảnh N."
                art.blocks.append(("photo", Photo(
                    url=f"{CDN}/{art.published:%Y/%-m/%-d}/{art.id}-{n}.jpg", alt=f"{art.title}{glue}- Ảnh {n}.",
                    caption=_sentence(rng, place) if rng.random() < 0.6 else None, lazy=rng.random() < 0.3)))
        if rng.random() < 0.2:
            art.video = VideoClip(src=f"{VIDEO_HOST}/{art.published:%Y/%m/%d}/{art.id}.mp4",
                                  poster=f"{CDN}/{art.published:%Y/%-m/%-d}/{art.id}-video.jpg",
                                  caption=_sentence(rng, place) if rng.random() < 0.5 else None)
        if rng.random() < 0.5:
            art.source = f"{rng.choice(words.PROGRAMMES)} {art.published.day}/{art.published.month}/{art.published.year}"
        same = self.by_category[art.category[0]]
        position = bisect.bisect_left(same, i)
        if position >= 3 and rng.random() < 0.5:
            art.related = rng.sample(same[max(0, position - 30):position], rng.choice((2, 3)))
        art.template = _template(random.Random(self.seed * 7_000_003 + i))  # its own draws: content unchanged
        # "Cập nhật lần N" = "update N": each correction appends a paragraph (after every other draw, so
        # the rest of the article stays as it was).
        for n in range(1, revision + 1):
            art.blocks.append(("p", f"Cập nhật lần {n}: {_sentence(random.Random(i * 31 + n), place)}"))
        return art

    # -- what a perfect crawl extracts ------------------------------------------------------------------
    def see_more(self, i: int) -> list[int]:
        return self.latest(SEE_MORE_SIZE, exclude=i)

    def truth(self, i: int, base_url: str) -> dict[str, Any]:
        art = self.article(i)
        body = "\n\n".join(art.paragraphs)
        return {
            "id": art.id,
            "url": base_url + art.path,
            "category": art.category[1],
            "category_url": f"{base_url}/{art.category[0]}.htm",
            "title": art.title,
            "sapo": art.sapo,
            "authors": art.authors,
            "published_raw": shown_time(art.published),
            "published_at": to_iso(art.published),
            "modified_at": to_iso(art.modified),
            "id_created_at": to_iso(art.created),
            "body": body,
            "images": [{"url": p.url, "alt": p.alt, "caption": p.caption} for p in art.photos],
            "videos": [{"url": art.video.url, "poster": art.video.poster, "caption": art.video.caption}]
            if art.video else [],
            "source": art.source,
            "tags": [name for _, name in art.tags],
            "related": [self._related_truth(j, base_url) for j in art.related],
            "see_more": [self._see_more_truth(j, base_url) for j in self.see_more(i)],
            "lang": "vi",
        }

    def _related_truth(self, j: int, base_url: str) -> dict[str, Any]:
        other = self.article(j)
        return {"id": other.id, "url": base_url + other.path, "title": other.title,
                "published_raw": shown_time(other.published), "published_at": to_iso(other.published)}

    def _see_more_truth(self, j: int, base_url: str) -> dict[str, Any]:
        other = self.article(j)
        return {"id": other.id, "url": base_url + other.path, "title": other.title,
                "published_raw": list_time(other.published), "published_at": to_iso(other.published),
                "summary": other.sapo, "thumbnail": other.thumbnail}

    @cached_property
    def sitemap_ranges(self) -> list[tuple[int, int, int, int]]:
        """(year, month, first day, last day) half-months that have articles, oldest first."""
        ranges = []
        for moment in self._published[: self.base_count]:
            half = (moment.year, moment.month, 1, 15) if moment.day <= 15 else (moment.year, moment.month, 16, 31)
            if not ranges or ranges[-1] != half:
                ranges.append(half)
        return ranges

    def in_range(self, year: int, month: int, first: int, last: int) -> list[int]:
        """Visible articles published from day `first` to day `last` (inclusive) of a month."""
        try:
            low = datetime(year, month, first, tzinfo=VN_TZ)
        except ValueError:
            return []
        next_month = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)
        high = min(low.replace(day=1) + timedelta(days=last), next_month)
        begin = bisect.bisect_left(self._published, low)
        stop = min(bisect.bisect_left(self._published, high), self.visible_count)
        return list(range(begin, stop))

    def published(self, i: int) -> datetime:
        return self._published[i]


_PLACE_TAGS = [(slugify(name), name) for name in words.PLACES]


# Template variants of the family, each drawn per article (pages.py writes them).
BYLINES = ("author-top", "data-role-author", "theo-box")
TAG_BOXES = ("detail-tag-list", "detail-tab", "tagdetail")
SOURCES = ("nguon-line", "source-field")
RELATED_BOXES = ("RelatedNewsBox", "RelatedNews")


def _template(rng: random.Random) -> dict[str, Any]:
    return {"byline": rng.choice(BYLINES), "tag_box": rng.choice(TAG_BOXES), "source": rng.choice(SOURCES),
            "related_box": rng.choice(RELATED_BOXES), "widgets": rng.random() < 0.5,
            "see_more_rows": rng.choice((1, 2, 3))}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(words.FAMILY_NAMES)} {rng.choice(words.MIDDLE_NAMES)} {rng.choice(words.GIVEN_NAMES)}"


def _title(rng: random.Random, place: str) -> str:
    shape = rng.randrange(3)
    if shape == 0:
        return f"{place}: {rng.choice(words.SUBJECTS).capitalize()} {rng.choice(words.VERBS)} {rng.choice(words.OBJECTS)}"
    if shape == 1:
        return f"{rng.choice(words.VERBS).capitalize()} {rng.choice(words.OBJECTS)} tại {place}"
    return f"{place} {rng.choice(words.ADVERBS)} {rng.choice(words.VERBS)} {rng.choice(words.OBJECTS)}"


def _sentence(rng: random.Random, place: str) -> str:
    shape = rng.randrange(4)
    if shape == 0:
        return (f"{rng.choice(words.TIME_PHRASES)}, {rng.choice(words.SUBJECTS)} huyện {place} đã "
                f"{rng.choice(words.ADVERBS)} {rng.choice(words.VERBS)} {rng.choice(words.OBJECTS)}, "
                f"{rng.choice(words.OUTCOMES)}.")
    if shape == 1:
        return (f"Theo thống kê, toàn huyện {place} có {rng.randint(12, 980)} {rng.choice(words.NUMBERS_UNITS)} "
                f"tham gia {rng.choice(words.OBJECTS)}.")
    if shape == 2:
        return (f"Ông {_name(rng)}, đại diện {rng.choice(words.SUBJECTS)}, cho biết {rng.choice(words.OBJECTS)} "
                f"năm nay {rng.choice(words.OUTCOMES)}.")
    return (f"Việc {rng.choice(words.VERBS)} {rng.choice(words.OBJECTS)} ở {rng.choice(words.PLACES)} "
            f"{rng.choice(words.OUTCOMES)}.")


def _paragraph(rng: random.Random, place: str) -> str:
    return " ".join(_sentence(rng, place) for _ in range(rng.randint(2, 4)))
