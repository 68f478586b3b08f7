"""The replica's HTTP server: routes of the CMS family (site-facts.md) over generated content, on loopback."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from thcrawl.replica import pages
from thcrawl.replica.content import ReplicaSite
from thcrawl.urls import article_id

_CATEGORY_RE = re.compile(r"^/([a-z0-9-]+)\.htm$")
_CATEGORY_PAGE_RE = re.compile(r"^/([a-z0-9-]+)/trang-(\d{1,6})\.htm$")
_TIMELINE_RE = re.compile(r"^/timelinelist/(\d+)/(\d{1,6})\.htm$")
_TAG_RE = re.compile(r"^/([a-z0-9-]+)\.html$")
_TAG_TIMELINE_RE = re.compile(r"^/timelinetags?/([a-z0-9-]+)/(\d{1,6})\.htm$")
_RSS_RE = re.compile(r"^/rss/([a-z0-9-]+)\.rss$")
_SITEMAP_RE = re.compile(r"^/sitemaps/sitemaps-(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2})\.xml$")
_LEGACY_RE = re.compile(r"^/([a-z0-9-]+)/(\d{6})/([a-z0-9-]+)-(\d{7})/?$")

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


class Response:
    def __init__(self, status: int, body: str = "", content_type: str = HTML,
                 headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.content_type = status, body.encode("utf-8"), content_type
        self.headers = headers or {}


class Replica:
    """Routes a path to a document of the generated site."""

    def __init__(self, site: ReplicaSite, base_url: str = "") -> None:
        self.site = site
        self.base_url = base_url
        self.counter_lock = threading.Lock()
        self.requests = 0

    def route(self, path: str) -> Response:
        with self.counter_lock:
            self.requests += 1
        site, base = self.site, self.base_url
        if path in ("/", "/index.htm"):
            return Response(200, pages.home(site))
        if path == "/robots.txt":
            return Response(200, pages.robots(base), "text/plain; charset=utf-8")
        if path == "/truyen-hinh.htm":
            return Response(200, pages.live_tv_page())
        if path == "/sitemap.xml":
            return Response(200, pages.sitemap_index(site, base), XML)
        found = article_id(path)
        if found and (m := _LEGACY_RE.match(path)):
            index = site.index_of(found)
            if index is not None:  # the 2019-2021 form: moved permanently to the current URL
                return Response(301, "", headers={"Location": base + site.article(index).path})
            return self._not_found()
        if found and path.endswith(".htm"):
            index = site.index_of(found)
            return Response(200, pages.article_page(site, index, base)) if index is not None else self._not_found()
        for pattern, render in (
            (_CATEGORY_PAGE_RE, lambda m: pages.category_page(site, m[1], int(m[2]))),
            (_CATEGORY_RE, lambda m: pages.category_page(site, m[1], 1)),
            (_TIMELINE_RE, lambda m: pages.timeline_fragment(site, m[1], int(m[2]))),
            (_TAG_TIMELINE_RE, lambda m: pages.tag_page(site, m[1], int(m[2]), fragment=True)),
            (_TAG_RE, lambda m: pages.tag_page(site, m[1])),
        ):
            m = pattern.match(path)
            if m:
                text = render(m)
                return Response(200, text) if text is not None else self._not_found()
        m = _RSS_RE.match(path)
        if m:
            text = pages.rss(site, base, None if m[1] == "home" else m[1])
            return Response(200, text, "application/rss+xml; charset=utf-8") if text else self._not_found()
        m = _SITEMAP_RE.match(path)
        if m:
            return Response(200, pages.sitemap(site, base, *map(int, m.groups())), XML)
        return self._not_found()

    @staticmethod
    def _not_found() -> Response:
        return Response(404, pages.not_found_page())


class _Handler(BaseHTTPRequestHandler):
    replica: Replica
    protocol_version = "HTTP/1.1"
    server_version = "thcrawl-replica"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self._answer(include_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(include_body=False)

    def _answer(self, include_body: bool) -> None:
        response = self.replica.route(urlsplit(self.path).path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if include_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet by default
        pass


class ReplicaServer:
    """The replica on 127.0.0.1 (port 0 picks a free one); use as a context manager or start()/stop()."""

    def __init__(self, site: ReplicaSite, port: int = 0, host: str = "127.0.0.1") -> None:
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://{host}:{self.httpd.server_address[1]}"
        self.replica = Replica(site, self.base_url)
        self.httpd.RequestHandlerClass = type("Handler", (_Handler,), {"replica": self.replica})
        self._thread: threading.Thread | None = None

    def start(self) -> ReplicaServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="replica", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
