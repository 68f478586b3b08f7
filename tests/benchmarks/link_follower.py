"""The ceiling for an end-to-end crawl on this machine: a plain Scrapy spider that follows the same links
as thcrawl's `ttv` spider (menu, listing pages, articles) and extracts nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import scrapy

ARTICLE_RE = re.compile(r"-\d{9,}\.htm$|/\d{6}/[a-z0-9-]+-\d{7}$")


class LinkFollower(scrapy.Spider):
    name = "link_follower"

    def __init__(self, base_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    async def start(self) -> Any:
        yield scrapy.Request(self.base_url + "/", callback=self.parse_home)

    def parse_home(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        for href in response.css(".menu-nav a::attr(href)").getall():
            if re.fullmatch(r"/[a-z0-9-]+\.htm", href) and href != "/truyen-hinh.htm":
                yield response.follow(href, callback=self.parse_listing)

    def parse_listing(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        links = response.css(".box-stream-item a.box-stream-link-title::attr(href)").getall()
        for href in links:
            yield response.follow(href, callback=self.parse_article, priority=10)
        if not links:
            return
        trang = response.css(".list__pagination a::attr(href)").getall()
        zone = response.css("#hdZoneId::attr(value)").get() or response.meta.get("zone")
        page = response.meta.get("page", 1) + 1
        nxt = next((h for h in trang if h.endswith(f"/trang-{page}.htm")), None)
        url = response.urljoin(nxt) if nxt else f"{self.base_url}/timelinelist/{zone}/{page}.htm" if zone else None
        if url:
            yield scrapy.Request(url, callback=self.parse_listing, meta={"page": page, "zone": zone})

    def parse_article(self, response: scrapy.http.Response) -> None:
        return None
