"""Re-extraction from WARC archives (`thcrawl reparse`): every archived article page through today's page
objects and date normaliser, offline, into the same JSONL a crawl writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from thcrawl.extract import NotHtmlError, PageKind
from thcrawl.parsing import NotAnArticleError, parse_page
from thcrawl.urls import article_id


class WarcError(ValueError):
    """A file that is not a readable WARC archive."""


@dataclass
class ReparseCounts:
    records: int = 0
    articles: int = 0
    skipped: int = 0
    failed: int = 0


def archived_pages(path: Path) -> Iterator[tuple[str, bytes, str | None, datetime]]:
    """(URL, body, Content-Type, fetch time) of each 200 response record of one WARC file."""
    seen = 0
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.format != "warc":  # warcio reads any text as an old ARC record
                    raise WarcError(f"{path}: not a WARC file (it reads as {record.format.upper()})")
                seen += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                date = record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00")
                yield (record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read(),
                       record.http_headers.get_header("Content-Type"), datetime.fromisoformat(date))
    except ArchiveLoadFailed as exc:
        raise WarcError(f"{path}: not a WARC file ({exc})") from exc
    if seen == 0:
        raise WarcError(f"{path}: not a WARC file (no WARC record in it)")


def reparse(paths: list[Path], counts: ReparseCounts | None = None) -> Iterator[dict[str, Any]]:
    """Article items of the archives, one per article ID (the last capture wins), in archive order."""
    counts = counts or ReparseCounts()
    items: dict[str, dict[str, Any]] = {}
    for path in paths:
        for url, body, content_type, fetched_at in archived_pages(path):
            counts.records += 1
            if not article_id(url):
                counts.skipped += 1
                continue
            try:
                parsed = parse_page(body, url, content_type, fetched_at=fetched_at)
            except (NotHtmlError, NotAnArticleError):
                counts.failed += 1
                continue
            if parsed.kind is PageKind.ARTICLE:
                item = parsed.items[0]
                items.pop(item["id"], None)
                items[item["id"]] = item
    counts.articles = len(items)
    yield from items.values()
