"""A run's WARC files packaged as one WACZ (Web Archive Collection Zipped, 1.1.1): the file web-archive tools
(pywb, ReplayWeb.page, `wacz validate`) index and replay as it is.

Inside the zip: archive/*.warc.gz (stored, not recompressed), indexes/index.cdxj (cdxj-indexer, sorted),
pages/pages.jsonl (one line per article page fetched, with its title from the run's items where there is one),
datapackage.json (every file with its sha256 and size) and datapackage-digest.json (the sha256 of
datapackage.json). Files are copied through in chunks and the index is sorted through temporary files, so memory
does not grow with the run, except for the URL -> title map of the run's articles.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer
from warcio.timeutils import timestamp_to_iso_date

from thcrawl import __version__
from thcrawl.dataset import iter_jsonl
from thcrawl.urls import article_id

WACZ_VERSION = "1.1.1"
WARC_DIR = "warc"
JOURNAL = "articles.jsonl"
CHUNK = 1 << 20
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class WaczResult:
    path: Path
    warcs: int
    warc_bytes: int
    pages: int
    bytes: int


def run_warcs(run_dir: Path) -> list[Path]:
    folder = run_dir / WARC_DIR
    return sorted(folder.glob("*.warc.gz")) + sorted(folder.glob("*.warc")) if folder.is_dir() else []


def _titles(run_dir: Path) -> dict[str, str]:
    journal = run_dir / JOURNAL
    if not journal.exists():
        return {}
    return {item["url"]: item["title"] for item in iter_jsonl(journal) if item.get("title")}


def article_pages(index: Path, titles: dict[str, str]) -> Iterator[dict[str, str]]:
    """Every article page the run fetched (a 200 HTML response at an article URL), read off the CDXJ index
    (`urlkey timestamp {json}` lines) rather than from a second pass over the WARC files."""
    with index.open(encoding="utf-8") as handle:
        for line in handle:
            _, stamp, fields = line.split(" ", 2)
            entry = json.loads(fields)
            url = entry.get("url", "")
            if entry.get("status") != "200" or entry.get("mime") not in HTML_TYPES or not article_id(url):
                continue
            ts = timestamp_to_iso_date(stamp)
            page_id = hashlib.sha1(f"{ts}/{url}".encode()).hexdigest()[:24]
            yield {"id": page_id, "url": url, "ts": ts, "title": titles.get(url) or url}


def _add(archive: zipfile.ZipFile, source: Path, name: str, compress: int) -> dict[str, object]:
    """Copy one file into the zip in chunks; its datapackage resource (sha256 of the bytes as stored)."""
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = compress
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, archive.open(info, "w", force_zip64=True) as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return {"name": Path(name).name.lower(), "path": name, "hash": f"sha256:{digest.hexdigest()}", "bytes": size}


def _add_bytes(archive: zipfile.ZipFile, data: bytes, name: str) -> None:
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def package_run(run_dir: Path, out: Path | None = None) -> WaczResult:
    """Write RUN_DIR/<run>.wacz (or `out`); ValueError when the run kept no WARC files."""
    run_dir = Path(run_dir)
    warcs = run_warcs(run_dir)
    if not warcs:
        raise ValueError(f"{run_dir}: no WARC files in {run_dir / WARC_DIR} (crawl with --warc)")
    out = Path(out) if out else run_dir / f"{run_dir.name}.wacz"
    stats_file = run_dir / "stats.json"
    summary = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    partial = out.with_name(out.name + ".partial")
    pages = 0
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".wacz-") as work:
        index = Path(work) / "index.cdxj"
        with index.open("w", encoding="utf-8") as handle:
            CDXJIndexer(output=handle, inputs=[str(p) for p in warcs], sort=True, post_append=True).process_all()
        page_list = Path(work) / "pages.jsonl"
        with page_list.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Articles fetched"}) + "\n")
            for page in article_pages(index, _titles(run_dir)):
                handle.write(json.dumps(page, ensure_ascii=False) + "\n")
                pages += 1
        try:
            _write_zip(partial, run_dir, summary, warcs, index, page_list)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, out)  # never a half-written .wacz under the final name
    return WaczResult(path=out, warcs=len(warcs), warc_bytes=sum(p.stat().st_size for p in warcs), pages=pages,
                      bytes=out.stat().st_size)


def _write_zip(partial: Path, run_dir: Path, summary: dict, warcs: list[Path], index: Path, page_list: Path) -> None:
    with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
        # WARC files are gzip already: stored as they are, so a reader can seek into them inside the zip.
        resources = [_add(archive, path, f"archive/{path.name}", zipfile.ZIP_STORED) for path in warcs]
        resources.append(_add(archive, index, "indexes/index.cdxj", zipfile.ZIP_DEFLATED))
        resources.append(_add(archive, page_list, "pages/pages.jsonl", zipfile.ZIP_DEFLATED))
        package = {
            "profile": "data-package",
            "resources": resources,
            "title": f"thcrawl run {run_dir.name}",
            "description": f"Pages fetched by thcrawl {__version__} from {summary.get('site') or 'the site'} "
                           f"in run {run_dir.name}",
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION,
            "software": f"thcrawl {__version__}",
        }
        if summary.get("site"):
            package["mainPageURL"] = summary["site"].rstrip("/") + "/"
        package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        _add_bytes(archive, package_bytes, "datapackage.json")
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
        _add_bytes(archive, json.dumps(digest, indent=2).encode("utf-8"), "datapackage-digest.json")
