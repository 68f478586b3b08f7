"""Requests stay on the site: a downloader middleware that refuses every URL whose scheme, host or port
is not the configured base URL's, however the URL was reached (a link, a feed, a redirect).

It sits after Scrapy's RedirectMiddleware in the response path (priority 650 > 600), so a redirect off
the site fails its request with a reason (and reaches the spider's errback) instead of vanishing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


class SiteOnlyMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allowed = origin(crawler.settings.get("THCRAWL_BASE_URL"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOnlyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if origin(request.url) != self.allowed:
            self.crawler.stats.inc_value("thcrawl/links/offsite_refused")
            raise IgnoreRequest(f"offsite: {request.url[:200]}")

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if 300 <= response.status < 400 and b"Location" in response.headers:
            target = response.urljoin(response.headers[b"Location"].decode("latin-1"))
            if origin(target) != self.allowed:
                self.crawler.stats.inc_value("thcrawl/links/offsite_redirect_refused")
                raise IgnoreRequest(f"offsite redirect: {target[:200]}")
        return response
