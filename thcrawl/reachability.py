"""Can the site be reached at all? One TCP connection before the first request, so that a site that is
down, a mistyped host or a network without a route is one clear line ("cannot reach HOST: REASON")
instead of a retry storm of Scrapy tracebacks."""

from __future__ import annotations

import asyncio
import os
import socket
from urllib.parse import urlsplit

from thcrawl.safety import DEFAULT_PORTS

PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")


async def reach_problem(url: str, timeout: float) -> str | None:
    """None when a TCP connection to the URL's host and port opens; else why not, in a few words.

    Skipped (None) behind a proxy from the environment: only the proxy is reachable from here then."""
    if any(os.environ.get(name) for name in PROXY_VARIABLES):
        return None
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or DEFAULT_PORTS.get(parts.scheme, 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except socket.gaierror:
        return "DNS lookup failed"
    except ConnectionRefusedError:
        return f"connection refused on port {port}"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
    writer.close()
    return None
