"""Requests stay on the site: a downloader middleware that refuses every URL whose scheme, host or port
is not the configured base URL's, however the URL was reached (a link, a feed, a redirect).

The site is the spider's `base_url` (its `-a base_url=` argument under plain `scrapy crawl`), else the
THCRAWL_BASE_URL setting. It sits after Scrapy's RedirectMiddleware in the response path (priority 650 > 600), so a redirect off
the site fails its request with a reason (and reaches the spider's errback) instead of vanishing.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

DEFAULT_PORTS = {"http": 80, "https": 443}
NO_ORIGIN = ("", "", -1)
# An authority with user info ("a:b@host"), an escape or a backslash is read differently by different
# URL parsers (http://127.0.0.2:P%2F@127.0.0.1:Q/ is 127.0.0.1 to urlsplit, an error to Twisted's): the
# site's own links never need one, so such a URL has no origin and is refused.
AMBIGUOUS_AUTHORITY = ("@", "%", "\\", " ")


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, or NO_ORIGIN when its authority is not a plain host[:port]."""
    parts = urlsplit(url)
    if not parts.netloc or any(mark in parts.netloc for mark in AMBIGUOUS_AUTHORITY):
        return NO_ORIGIN
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        return NO_ORIGIN
    return scheme, (parts.hostname or "").lower(), port


def is_loopback_url(url: str) -> bool:
    """True for a replica on this machine (127.0.0.0/8, ::1, localhost): the only site a crawl may go
    fast at."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def manners_problem(settings: object, base_url: str) -> str | None:
    """Why these settings may not crawl this site, or None: robots.txt and its Crawl-delay may be
    switched off (--fast, THCRAWL_HONOUR_CRAWL_DELAY, ROBOTSTXT_OBEY) only for a replica on this machine."""
    polite = settings.getbool("THCRAWL_HONOUR_CRAWL_DELAY") and settings.getbool("ROBOTSTXT_OBEY")
    if polite or is_loopback_url(base_url):
        return None
    return ("Crawl-delay and robots.txt may be switched off (--fast, THCRAWL_HONOUR_CRAWL_DELAY, "
            "ROBOTSTXT_OBEY) only for a replica on a loopback address")


class SiteOnlyMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._allowed: tuple[str, str, int] | None = None

    @property
    def allowed(self) -> tuple[str, str, int]:
        if self._allowed is None:  # the spider exists once requests flow
            site = getattr(self.crawler.spider, "base_url", None) or self.crawler.settings.get("THCRAWL_BASE_URL")
            self._allowed = origin(site)
        return self._allowed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOnlyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if origin(request.url) != self.allowed or self.allowed == NO_ORIGIN:
            self.crawler.stats.inc_value("thcrawl/links/offsite_refused")
            raise IgnoreRequest(f"offsite: {request.url[:200]}")

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if 300 <= response.status < 400 and b"Location" in response.headers:
            target = response.urljoin(response.headers[b"Location"].decode("latin-1"))
            if origin(target) != self.allowed:
                self.crawler.stats.inc_value("thcrawl/links/offsite_redirect_refused")
                raise IgnoreRequest(f"offsite redirect: {target[:200]}")
        return response
