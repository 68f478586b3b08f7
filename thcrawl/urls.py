"""URL helpers: article IDs from the site's three URL forms and the timestamp embedded in an ID."""

import re
from datetime import datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from thcrawl.dates import VN_TZ

SITE_PREFIX = "180"
# Current form: /{slug}-{id}.htm with a 9+ digit ID (17 and 18 digits seen; 10 for migrated legacy IDs).
# Sites of the same CMS family end the same form with .chn (cafef.vn).
_CURRENT_RE = re.compile(r"-(\d{9,})\.(?:htm|chn)$")
# Oldest form (2019-2021): /{category}/{yyyyMM}/{slug}-{7 digits}, no .htm.
_OLDEST_RE = re.compile(r"^/[a-z0-9-]+/(\d{6})/[a-z0-9-]+-(\d{7})/?$")
_THUMB_RE = re.compile(r"/(?:thumb_w|thumb_h|zoom|resize)/[0-9_x]+/")


def article_id(url: str) -> str | None:
    """The article ID a URL points at, or None when it is not an article URL.

    The oldest 7-digit IDs get the site prefix, as the migration did ("180" + old ID); that mapping is
    an inference from migrated URLs, documented in docs/schema.md.
    """
    path = _path(url)
    match = _CURRENT_RE.search(path)
    if match:
        return match.group(1)
    match = _OLDEST_RE.match(path)
    if match:
        return SITE_PREFIX + match.group(2)
    return None


def _path(url: str) -> str:
    """The path of a URL; http(s) URLs without a fragment or query (nearly all) skip urlsplit."""
    if url.startswith(("https://", "http://")) and "?" not in url and "#" not in url:
        start = url.find("/", url.index("//") + 2)
        return url[start:] if start >= 0 else ""
    return urlsplit(url).path


def is_article_url(url: str) -> bool:
    return article_id(url) is not None


def id_created_at(article_id_: str | None) -> datetime | None:
    """Creation time of the draft, from the yyMMddHHmmss after the 3-digit prefix (not publish time).

    Migrated legacy IDs (prefix + 7 digits) carry no timestamp and give None.
    """
    if not article_id_ or len(article_id_) < 16:
        return None
    stamp = article_id_[3:15]
    if not (stamp.isascii() and stamp.isdigit()):
        return None
    year, month, day, hour, minute, second = (int(stamp[i:i + 2]) for i in range(0, 12, 2))
    try:  # strptime's %y rule (69-99 are 19xx), without strptime's cost
        return datetime(year + (1900 if year >= 69 else 2000), month, day, hour, minute, second, tzinfo=VN_TZ)
    except ValueError:
        return None


@lru_cache(maxsize=256)  # the same base (the page's URL) serves every link of a page
def _origin(base: str) -> str | None:
    if base.startswith(("https://", "http://")):  # the base is nearly always an article URL: no urlsplit
        end = base.find("/", base.index("//") + 2)
        host = base[:end] if end >= 0 else base
        if "?" not in host and "#" not in host and "@" not in host and not host.endswith(("://", ":")):
            return host
    return _split_origin(base)


@lru_cache(maxsize=64)
def _split_origin(base: str) -> str | None:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def absolute(url: str | None, base: str) -> str | None:
    """An absolute http(s) URL, or None for empty, javascript:, ftp: and other non-web links."""
    if not url:
        return None
    url = url.strip()
    # Fast paths for the two shapes nearly every link has: absolute http(s) and root-relative.
    if url.startswith(("https://", "http://")) and "/./" not in url and "/../" not in url:
        return url
    if url.startswith("/") and not url.startswith("//") and "/." not in url and (origin := _origin(base)):
        return origin + url
    if not url or url.startswith(("javascript:", "data:", "mailto:", "#")):
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif not urlsplit(url).scheme and re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+/", url):
        # Video CDN paths come without a scheme ("hls.example.vn/x.mp4"); treat them as hosts.
        url = "https://" + url
    joined = urljoin(base, url)
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def full_size_image(url: str) -> str:
    """Drop the CDN's resize segment (/thumb_w/640/, /zoom/270_169/) to get the original image."""
    return _THUMB_RE.sub("/", url, count=1)


def without_fragment(url: str) -> str:
    if "#" not in url and url.startswith(("https://", "http://")) and not url.endswith("?"):
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
