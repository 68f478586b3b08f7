"""The replica's HTTP server: routes of the CMS family (site-facts.md) over generated content, on loopback."""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from thcrawl.replica import faults as fault_kinds
from thcrawl.replica import pages
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.faults import FaultPlan
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
    def __init__(self, status: int, body: str | bytes = "", content_type: str = HTML,
                 headers: dict[str, str] | None = None, delay: float = 0.0, drip: float = 0.0,
                 truncate: bool = False) -> None:
        self.status, self.content_type = status, content_type
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = headers or {}
        self.delay = delay  # seconds before answering (a timeout for a client that waits less)
        self.drip = drip  # seconds over which the body trickles out
        self.truncate = truncate  # announce the whole length, send half, close


class Replica:
    """Routes a path to a document of the generated site."""

    def __init__(self, site: ReplicaSite, base_url: str = "", faults: FaultPlan | None = None,
                 crawl_delay: float = pages.ROBOTS_CRAWL_DELAY) -> None:
        self.site = site
        self.base_url = base_url
        self.faults = faults or FaultPlan()
        self.crawl_delay = crawl_delay
        self.counter_lock = threading.Lock()
        self.requests = 0
        self.attempts: Counter[str] = Counter()
        # When each request arrived (monotonic seconds) and its path: how a crawler's manners look from the
        # site's side. Bounded, so a long-running replica does not grow without end.
        self.arrivals: deque[tuple[float, str]] = deque(maxlen=100_000)

    def route(self, target: str) -> Response:
        path, _, query = target.partition("?")
        with self.counter_lock:
            self.arrivals.append((time.monotonic(), target))
            self.requests += 1
            self.attempts[path] += 1
            attempt = self.attempts[path]
        if self.faults:
            faulty = self._site_fault(path) or self._article_fault(path, query, attempt)
            if faulty is not None:
                return faulty
        response = self._route(path)
        if self.faults and response.status == 200 and article_id(path):
            response = self._degrade(path, response)
        return response

    def _route(self, path: str) -> Response:
        site, base = self.site, self.base_url
        if path in ("/", "/index.htm"):
            return Response(200, pages.home(site))
        if path == "/robots.txt":
            return Response(200, pages.robots(base, self.crawl_delay), "text/plain; charset=utf-8")
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

    # -- fault mode --------------------------------------------------------------------------------------
    def _site_fault(self, path: str) -> Response | None:
        faults = self.faults
        if faults.on("badfeed") and path.startswith("/rss/"):
            return Response(200, '<?xml version="1.0"?><rss><channel><item><title>Tin</title><link>',
                            "application/rss+xml; charset=utf-8")
        if faults.on("bomb") and path == "/sitemaps/sitemaps-1999-1-1-15.xml":
            return Response(200, fault_kinds.BILLION_LAUGHS, XML)
        if faults.on("bomb") and path == "/sitemap.xml":
            index = pages.sitemap_index(self.site, self.base_url)
            extra = f"<sitemap><loc>{self.base_url}/sitemaps/sitemaps-1999-1-1-15.xml</loc></sitemap>"
            return Response(200, index.replace("</sitemapindex>", extra + "</sitemapindex>"), XML)
        if faults.on("endless"):
            return self._endless(path)
        return None

    def _endless(self, path: str) -> Response | None:
        """Pagination that never ends: past the last page, the last page again, linking one page further."""
        m = _CATEGORY_PAGE_RE.match(path)
        if not m:
            return None
        slug, page = m[1], int(m[2])
        last = max(1, -(-len(self.site.newest_first(self.site.by_category.get(slug, []))) // self.site.per_page))
        if page <= last:
            return None
        text = pages.category_page(self.site, slug, last)
        if text is None:
            return None
        return Response(200, text.replace("</div></div>", f'<a href="/{slug}/trang-{page + 1}.htm">{page + 1}</a>'
                                          "</div></div>", 1))

    def _article_fault(self, path: str, query: str, attempt: int) -> Response | None:
        if not (article_id(path) and path.endswith(".htm")):
            return None
        kind = self.faults.article_fault(path)
        first = attempt == 1
        if kind == "5xx" and first:
            return Response(503, "<h1>503 Service Unavailable</h1>")
        if kind == "429" and first:
            return Response(429, "<h1>429 Too Many Requests</h1>", headers={"Retry-After": "1"})
        if kind == "offsite":
            return Response(302, "", headers={"Location": self.faults.offsite_target})
        if kind == "loop":
            hop = int(query.removeprefix("hop=") or 0) if query.startswith("hop=") or not query else 0
            return Response(302, "", headers={"Location": f"{self.base_url}{path}?hop={hop + 1}"})
        if kind == "huge":
            page = self._route(path)
            return Response(200, page.body + b"<!--" + b"x" * fault_kinds.HUGE_BYTES + b"-->")
        if kind == "timeout" and first:
            page = self._route(path)
            page.delay = fault_kinds.TIMEOUT_SECONDS
            return page
        if kind == "truncated" and first:
            page = self._route(path)
            page.truncate = True
            return page
        return None

    def _degrade(self, path: str, response: Response) -> Response:
        """Answered, but badly: slowly, with broken markup, or with a wrong or missing charset; and with
        links that lead off the site."""
        kind = self.faults.article_fault(path)
        html = response.body.decode("utf-8")
        if self.faults.on("offsite"):
            target = self.faults.offsite_target.rstrip("/")
            foreign = "".join(
                f'<div class="box-stream-item"><a class="box-stream-link-title" href="{href}">Liên kết ngoài</a></div>'
                for href in (f"{target}/bai-ngoai-180250101000000001.htm",
                             "ftp://127.0.0.1/bai-ftp-180250101000000002.htm",
                             "http://10.255.255.1/bai-noi-bo-180250101000000003.htm"))
            html = html.replace('<h3 class="box-title">Xem thêm</h3><div class="box-stream">',
                                f'<h3 class="box-title">Xem thêm</h3><div class="box-stream">{foreign}', 1)
        if kind in ("canonical", "offcanonical"):
            html = self._move_canonical(path, html, kind)
        elif kind == "deepnest":
            html = html.replace('data-role="content">', 'data-role="content">' + fault_kinds.deep_elements(), 1)
        elif kind == "deepjson":
            html = html.replace("</head>", fault_kinds.deep_jsonld() + "</head>", 1)
        if kind == "slow":
            response.drip = 1.5
        elif kind == "malformed":
            html = fault_kinds.malform(html)
        elif kind == "charset":
            if fault_kinds._bucket(path + "#charset") < 0.5:
                response.content_type = "text/html; charset=iso-8859-1"  # wrong: the body is UTF-8
            else:
                response.content_type = "text/html"
                html = html.replace('<meta charset="utf-8" />', "")
        response.body = html.encode("utf-8")
        return response

    def canonical_target(self, path: str) -> str | None:
        """Where the canonical fault's page points: the next article of the site (or the same path on
        another site, for offcanonical)."""
        kind = self.faults.article_fault(path)
        if kind == "offcanonical":
            return fault_kinds.OFFSITE_CANONICAL_HOST + path
        index = self.site.index_of(article_id(path) or "")
        if kind != "canonical" or index is None:
            return None
        return self.base_url + self.site.article((index + 1) % self.site.visible_count).path

    def _move_canonical(self, path: str, html: str, kind: str) -> str:
        # The canonical link, og:url and JSON-LD's mainEntityOfPage all name the other URL, as on a
        # syndicated copy.
        target = self.canonical_target(path)
        return html.replace(f'{self.base_url}{path}"', f'{target}"') if target else html

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
        parts = urlsplit(self.path)
        response = self.replica.route(parts.path + ("?" + parts.query if parts.query else ""))
        if response.delay:
            time.sleep(response.delay)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not include_body:
                return
            body = response.body
            if response.truncate:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if response.drip:
                step = max(1, len(body) // 10)
                for start in range(0, len(body), step):
                    self.wfile.write(body[start:start + step])
                    self.wfile.flush()
                    time.sleep(response.drip / 10)
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout, or a size cap): fine

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet by default
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return  # a client that hung up (a crawler killed or over its size cap) is normal here
        super().handle_error(request, client_address)


class ReplicaServer:
    """The replica on 127.0.0.1 (port 0 picks a free one); use as a context manager or start()/stop()."""

    def __init__(self, site: ReplicaSite, port: int = 0, host: str = "127.0.0.1",
                 faults: FaultPlan | None = None, crawl_delay: float = pages.ROBOTS_CRAWL_DELAY) -> None:
        self.httpd = _QuietServer((host, port), _Handler)
        self.base_url = f"http://{host}:{self.httpd.server_address[1]}"
        self.replica = Replica(site, self.base_url, faults, crawl_delay)
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
