"""Raw pages kept as WARC (`thcrawl crawl --warc`): every response, with the request that asked for it,
written as gzip-per-record WARC 1.1 files under the run folder, readable by warcio and other WARC tools.

The fetch time stamped on the response is the WARC-Date and also the item's crawled_at, so re-parsing
the archive later (`thcrawl reparse`) gives the same items the crawl gave.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

import scrapy
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import Settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from thcrawl import __version__
from thcrawl.dates import VN_TZ, to_iso
from thcrawl.owner import RunOwner

WARC_DIR = "warc"
ROTATE_BYTES = 1024**3
FETCHED_AT = "fetched_at"
# The settings that say how the crawl treated the site, in every warcinfo record.
WARCINFO_SETTINGS = ("THCRAWL_BASE_URL", "USER_AGENT", "ROBOTSTXT_OBEY", "THCRAWL_HONOUR_CRAWL_DELAY",
                     "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
                     "THCRAWL_MODE", "THCRAWL_RECHECK_HOURS", "DOWNLOAD_MAXSIZE")


class FetchTimeMiddleware:
    """Stamps each response with the second it arrived (request.meta['fetched_at'], ISO +07:00)."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        request.meta.setdefault(FETCHED_AT, to_iso(datetime.now(VN_TZ)))
        return response


def _headers(headers: object) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


class WarcWriterMiddleware:
    """Writes a request record and a response record for every response the downloader returns."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.folder: Path | None = None
        self.handle: io.BufferedWriter | None = None
        self.writer: WARCWriter | None = None
        self.number = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        if not crawler.settings.getbool("THCRAWL_WARC"):
            raise NotConfigured
        middleware = cls(crawler)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def _open(self) -> WARCWriter:
        if self.writer is None or (self.handle and self.handle.tell() >= ROTATE_BYTES):
            self.close()
            self.folder = self.crawler.get_extension(RunOwner).run_dir / WARC_DIR
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = self.folder.parent.name
            self.handle = (self.folder / f"thcrawl-{stamp}-{self.number:05d}.warc.gz").open("ab")
            self.number += 1
            self.writer = WARCWriter(self.handle, gzip=True, warc_version="WARC/1.1")
            info = self.writer.create_warcinfo_record(
                Path(self.handle.name).name, warcinfo_fields(self.crawler.settings, stamp))
            self.writer.write_record(info)
        return self.writer

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        owner = self.crawler.get_extension(RunOwner)
        if owner is None or not owner.is_open or owner.failed_write:
            return response  # not a thcrawl run (scrapy fetch, shell), or one that is stopping
        try:
            self._record(request, response)
        except OSError as exc:  # a full disk: the run's owner reports it once and stops the run
            owner.write_failed(exc, self.folder or owner.run_dir)
        return response

    def _record(self, request: Request, response: Response) -> None:
        writer = self._open()
        date = request.meta.setdefault(FETCHED_AT, to_iso(datetime.now(VN_TZ)))
        warc_date = _utc(date)
        path = request.url.split("://", 1)[-1].split("/", 1)[-1]
        request_line = f"{request.method} /{path} HTTP/1.1"
        http_request = StatusAndHeaders(request_line, _headers(request.headers), is_http_request=True)
        request_record = writer.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body or b""), http_headers=http_request,
            warc_headers_dict={"WARC-Date": warc_date})
        status = f"{response.status} {_reason(response.status)}"
        http_response = StatusAndHeaders(status, _headers(response.headers), protocol="HTTP/1.1")
        response_record = writer.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), http_headers=http_response,
            warc_headers_dict={"WARC-Date": warc_date})
        writer.write_record(response_record)
        request_record.rec_headers.add_header("WARC-Concurrent-To",
                                              response_record.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(request_record)
        self.handle.flush()
        self.crawler.stats.inc_value("thcrawl/warc/records", 2)

    def close(self, spider: Spider | None = None) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
            self.writer = None


def warcinfo_fields(settings: Settings, run_id: str) -> dict[str, str]:
    """What the warcinfo record at the head of each file says: who made the capture, how to reach its operator,
    how it treated robots.txt, and the settings of the crawl. `isPartOf` names the run, so that `thcrawl
    reparse` can tell which files one crawl wrote."""
    crawl_settings = {name: settings.get(name) for name in WARCINFO_SETTINGS}
    return {
        "software": f"thcrawl/{__version__} (Scrapy/{scrapy.__version__}, warcio)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": f"thcrawl-run-{run_id}",
        "operator": settings.get("THCRAWL_CONTACT_URL") or "",
        "http-header-user-agent": settings.get("USER_AGENT") or "",
        # Heritrix's words: "obey" (robots.txt followed) or "ignore".
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "description": f"thcrawl crawl of {settings.get('THCRAWL_BASE_URL')}",
        "thcrawl-settings": json.dumps(crawl_settings, ensure_ascii=False, sort_keys=True, default=str),
    }


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
