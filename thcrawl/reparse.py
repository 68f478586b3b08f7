"""Re-extraction from WARC archives (`thcrawl reparse`): archived article pages through today's page objects and
the crawl's own pipelines, into a data folder like a crawl's.

How a reparse runs:
- The WARC files are put in groups, one per crawl run that wrote them (the warcinfo record's `isPartOf`; a
  file without one is a group of its own), oldest first. Each group is one run of the `reparse` spider, with
  the project's settings, pipelines and run machinery, so an article captured in ten runs gets its versions
  exactly as ten crawls would have given them (a crawl keeps one item per article per run).
- The WARC files are cut into byte ranges of 512 KiB (tasks), which `--jobs` processes (this one and N-1
  workers) read, streaming, and turn into items; at most IN_FLIGHT_PER_JOB tasks per worker are in flight, and
  results are taken in the order of the tasks, so the items are the same whatever the number of jobs, and memory
  does not grow with the archive. This process also feeds every item to the pipelines (CaptureExtractor).
- A capture older than what the data folder already knows of its article is skipped: it is history there.
  A capture as old as that is parsed again: unchanged content changes nothing, a changed item (better page
  objects) becomes a new version. So a killed reparse, run again, finishes the job without duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from thcrawl.article_item import PARSE_ERROR, article_item
from thcrawl.dates import to_iso
from thcrawl.items import Article
from thcrawl.urls import article_id

logger = logging.getLogger(__name__)
IN_FLIGHT_PER_JOB = 4  # tasks handed out per worker and not yet taken back


class WarcError(ValueError):
    """A file that is not a readable WARC archive."""


def _crawled_at(warc_date: str) -> str:
    return to_iso(datetime.fromisoformat(warc_date.replace("Z", "+00:00")))


# -- groups: one reparse run per crawl run -------------------------------------------------------------------
@dataclass
class WarcGroup:
    name: str
    started: str
    files: list[Path] = field(default_factory=list)


def _first_record(path: Path) -> tuple[str | None, str]:
    """(isPartOf of the warcinfo record, WARC-Date) of a file's first record; WarcError if it is no WARC."""
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.format != "warc":
                    raise WarcError(f"{path}: not a WARC file (it reads as {record.format.upper()})")
                date = record.rec_headers.get_header("WARC-Date") or ""
                part_of = None
                if record.rec_type == "warcinfo":
                    for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
                        name, _, value = line.partition(":")
                        if name.strip() == "isPartOf":
                            part_of = value.strip()
                return part_of, _crawled_at(date) if date else ""
    except ArchiveLoadFailed as exc:
        raise WarcError(f"{path}: not a WARC file ({exc})") from exc
    raise WarcError(f"{path}: not a WARC file (no WARC record in it)")


def plan_groups(paths: Iterable[Path]) -> list[WarcGroup]:
    """The files in groups, one per crawl run, oldest run first; files of a run in name order."""
    groups: dict[str, WarcGroup] = {}
    for path in paths:
        part_of, started = _first_record(path)
        if path.name.endswith(".gz") and not _member_per_record(path):
            raise WarcError(f"{path}: gzipped whole, not a gzip member per record, which warcio cannot read; "
                            f"`warcio recompress {path} FIXED.warc.gz` rewrites it")
        key = part_of or str(path)
        group = groups.setdefault(key, WarcGroup(name=part_of or path.name, started=started))
        group.started = min(group.started, started) if group.started and started else group.started or started
        group.files.append(path)
    for group in groups.values():
        group.files.sort(key=lambda p: p.name)
    return sorted(groups.values(), key=lambda g: (g.started, g.name))


def find_warcs(targets: Iterable[str]) -> list[Path]:
    """WARC files named, or found under folders named; ValueError for a target holding none."""
    paths: list[Path] = []
    for target in targets:
        path = Path(target)
        found = sorted(path.rglob("*.warc.gz")) + sorted(path.rglob("*.warc")) if path.is_dir() else [path]
        if not found or not all(p.is_file() for p in found):
            raise ValueError(f"{target}: no WARC file there")
        paths.extend(found)
    return paths


# -- extraction in worker processes ---------------------------------------------------------------------------
# A task is a byte range of one WARC file. A gzip WARC is a series of gzip members, one per record: a worker
# finds the first member that starts in its range and reads records until one starts past the range, so files of
# any size are spread over the workers, and each record is read by exactly one task. An uncompressed WARC is one
# task (its records have no marker to find from the middle of the file).
RANGE_BYTES = 1 << 19  # ~110 light or ~30 real-weight captures a task
_GZIP_MAGIC = b"\x1f\x8b\x08"
WHOLE_FILE = sys.maxsize  # the end of a task that reads a file to its end


class Task(NamedTuple):
    path: str
    start: int
    end: int


class Extracted(NamedTuple):
    url: str
    crawled_at: str
    item: Article | None  # None: see failure
    failure: str | None = None  # not_article or parse_error
    identity: str | None = None  # how the canonical link compared with the URL (thcrawl.identity)
    error: str | None = None  # the exception of a page the page object failed on (a bug), for the log


class TaskResult(NamedTuple):
    records: int  # response records with status 200 in the range
    not_article_urls: int  # of which at URLs that are not articles (home, listings, robots.txt, ...)
    extracted: list[Extracted]
    error: str | None = None  # the range could not be read to its end
    pid: int = 0  # of the process that read the range: this one or a worker


def _member_per_record(path: Path, limit: int = 64 << 20) -> bool:
    """Whether the file's first gzip member ends before the file does, as in a WARC written a gzip member per
    record (the standard way, and the crawl's); a file gzipped whole is one member, which warcio cannot read
    past its first record."""
    decompressor = zlib.decompressobj(31)
    with path.open("rb") as handle:
        read = 0
        while not decompressor.eof and read < limit:
            chunk = handle.read(1 << 16)
            if not chunk:
                return False
            read += len(chunk)
            try:
                decompressor.decompress(chunk, 1 << 20)  # output is dropped: only where the member ends counts
                while decompressor.unconsumed_tail and not decompressor.eof:
                    decompressor.decompress(decompressor.unconsumed_tail, 1 << 20)
            except zlib.error:
                return False
        return decompressor.eof and bool(decompressor.unused_data or handle.read(1))


def plan_tasks(paths: Iterable[Path]) -> Iterator[Task]:
    for path in paths:
        size = path.stat().st_size
        if size <= RANGE_BYTES or not path.name.endswith(".gz"):
            yield Task(str(path), 0, WHOLE_FILE)
            continue
        for start in range(0, size, RANGE_BYTES):
            yield Task(str(path), start, min(start + RANGE_BYTES, size))


def _first_member(handle: Any, task: Task) -> int | None:
    """Where the first gzip member holding a WARC record starts within the task's range, if one does."""
    if task.start == 0:
        return 0
    handle.seek(task.start)
    window = handle.read(task.end - task.start)
    at = window.find(_GZIP_MAGIC)
    while at >= 0:
        try:  # the magic bytes can occur inside compressed data: a real member decompresses to a WARC header
            head = zlib.decompressobj(31).decompress(window[at:at + 4096], 8)
        except zlib.error:
            head = b""
        if head.startswith(b"WARC/"):
            return task.start + at
        at = window.find(_GZIP_MAGIC, at + 1)
    return None


def extract_range(task: Task) -> TaskResult:
    """The items of the 200 responses at article URLs whose record starts in the task's range. Runs in a worker."""
    records = not_articles = 0
    extracted: list[Extracted] = []
    try:
        with open(task.path, "rb") as handle:
            begin = _first_member(handle, task)
            if begin is None:
                return TaskResult(0, 0, [], pid=os.getpid())
            handle.seek(begin)
            iterator = ArchiveIterator(handle)
            for record in iterator:
                if iterator.offset >= task.end:  # the offset where this record starts
                    break
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                records += 1
                url = record.rec_headers.get_header("WARC-Target-URI")
                if not article_id(url):
                    not_articles += 1
                    continue
                crawled_at = _crawled_at(record.rec_headers.get_header("WARC-Date"))
                content_type = record.http_headers.get_header("Content-Type")
                body = record.content_stream().read()
                try:
                    # The crawl's site is the origin of every URL it fetched (it never leaves the site).
                    result = article_item(body, url, content_type, crawled_at, site_url=url)
                except Exception as exc:  # a bug of the page object: reported, and the reparse goes on
                    extracted.append(Extracted(url, crawled_at, None, PARSE_ERROR, error=repr(exc)))
                    continue
                extracted.append(Extracted(url, crawled_at, result.item, result.failure, result.identity))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, zlib.error) as exc:
        return TaskResult(records, not_articles, extracted, f"{task.path} at byte {task.start}: {exc}", os.getpid())
    return TaskResult(records, not_articles, extracted, pid=os.getpid())


def _end_with_parent(parent: int) -> None:
    """A worker ends when the reparse that started it is gone (killed: SIGKILL gives it no time to say so).
    Without this it would wait on its task queue forever: it holds that queue's write end itself."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_ready() -> int:
    """Nothing: handed to each worker at once, so that it is started, with this module imported, before the
    first range is."""
    return os.getpid()


def _take_back_unstarted(queue: deque[list[Any]]) -> list[Any] | None:
    """The newest slot whose task no worker has started, its future cancelled so that no worker will."""
    for slot in reversed(queue):
        if isinstance(slot[1], Future) and slot[1].cancel():
            return slot
    return None


class CaptureExtractor:
    """Tasks run in `jobs` processes: this one and `jobs - 1` workers (all in this process for one job).
    Results come back in the order of the tasks, with at most IN_FLIGHT_PER_JOB tasks a worker handed out
    at a time.

    This process counts as one of the jobs because it has its own share of the work: every item goes through
    its pipelines. When the oldest task handed out is not back yet, it extracts the next task itself instead
    of waiting. So N jobs keep N processes busy on N cores: with N workers besides it, N + 1 busy processes
    would share N cores, and the time lost to switching between them, and to pickling every item, took
    about a tenth of the gain of a second core (BENCHMARKS.md, session 7)."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = jobs
        self.workers = jobs - 1
        # spawn: a worker starts as a fresh interpreter, not as a fork of a process running a reactor.
        self.pool = (ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_end_with_parent, initargs=(os.getpid(),))
                     if self.workers else None)
        for _ in range(self.workers):  # the workers start and import now, while Scrapy sets up the run here
            self.pool.submit(_worker_ready)

    async def results(self, tasks: Iterable[Task], last: bool = False) -> AsyncIterator[TaskResult]:
        """The tasks' results in order. `last`: no tasks will follow these, so the workers are told to end as
        soon as they are done, and end while this process merges the run (0.15-0.3 s a worker)."""
        if self.pool is None:
            for task in tasks:
                yield extract_range(task)
            return
        tasks = iter(tasks)
        # In the order of the tasks: [task, a worker's future or the result extracted here].
        queue: deque[list[Any]] = deque()
        handed_out = extracted_here = 0  # of the tasks in the queue
        capacity = self.workers * IN_FLIGHT_PER_JOB
        while True:
            while handed_out < capacity and (task := next(tasks, None)) is not None:
                queue.append([task, self.pool.submit(extract_range, task)])
                handed_out += 1
            if not queue:
                if last:
                    self.pool.shutdown(wait=False)
                return
            head = queue[0][1]
            if isinstance(head, Future) and not head.done():
                # Rather than wait, this process extracts: the next task, or one handed out that no worker has
                # started yet (the newest first, so that the workers keep the older ones).
                if extracted_here < IN_FLIGHT_PER_JOB and (task := next(tasks, None)) is not None:
                    queue.append([task, extract_range(task)])
                    extracted_here += 1
                elif (taken := _take_back_unstarted(queue)) is not None:
                    taken[1] = extract_range(taken[0])
                    handed_out -= 1
                    extracted_here += 1
                else:
                    await asyncio.wrap_future(head)
                continue
            queue.popleft()
            if isinstance(head, Future):
                handed_out -= 1
                yield head.result()
            else:
                extracted_here -= 1
                yield head

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


# -- the runs -------------------------------------------------------------------------------------------------
@dataclass
class ReparseOptions:
    warcs: list[Path]
    data_dir: Path
    jobs: int = 1
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReparseRun:
    group: WarcGroup
    run_dir: Path
    summary: dict[str, Any] | None


@dataclass
class ReparseResult:
    runs: list[ReparseRun]
    exit_code: int
    lock_message: str | None = None


def run_reparse(options: ReparseOptions) -> ReparseResult:
    """One run of the `reparse` spider per group, one after the other in this process. Each run's owner
    (thcrawl.owner.RunOwner) takes the data folder's lock, recovers unfinished runs and writes the run, as for
    a crawl. WarcError (before anything is written) for a file that is not a readable WARC."""
    from thcrawl.crawl import EXIT_BY_STATUS, EXIT_FAILURE, EXIT_LOCKED

    groups = plan_groups(options.warcs)
    extractor = CaptureExtractor(options.jobs)
    try:
        runs, lock_message = _run_groups(options, groups, extractor)
    finally:
        extractor.close()
    if lock_message:
        return ReparseResult(runs=runs, exit_code=EXIT_LOCKED, lock_message=lock_message)
    codes = [EXIT_BY_STATUS.get(run.summary["status"], EXIT_FAILURE) if run.summary else EXIT_FAILURE
             for run in runs]
    worst = max(codes, key=lambda code: (code != 0, code == EXIT_FAILURE, code), default=EXIT_FAILURE)
    return ReparseResult(runs=runs, exit_code=worst)


def _run_groups(options: ReparseOptions, groups: list[WarcGroup],
                extractor: CaptureExtractor) -> tuple[list[ReparseRun], str | None]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.utils.reactor import install_reactor
    from twisted.internet import defer

    from thcrawl.owner import RunOwner
    from thcrawl.run import new_run_dir
    from thcrawl.spiders.warc_reparse import ReparseSpider

    settings = Settings()
    settings.setmodule("thcrawl.settings", priority="project")
    settings.set("THCRAWL_DATA_DIR", str(options.data_dir), priority="cmdline")
    settings.set("THCRAWL_MODE", "reparse", priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    process = CrawlerProcess(settings)
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    runs: list[ReparseRun] = []
    lock_message: list[str] = []

    def crawler_for(group: WarcGroup) -> Any:
        folder = new_run_dir(options.data_dir)
        # Taken now, so that the next group's new_run_dir() picks another name within the same second.
        folder.mkdir(parents=True)
        process.settings.set("THCRAWL_RUN_DIR", str(folder), priority="cmdline")
        runs.append(ReparseRun(group=group, run_dir=folder, summary=None))
        return process.create_crawler(ReparseSpider)

    @defer.inlineCallbacks
    def one_after_another(first: Any) -> Any:
        from twisted.internet import reactor

        try:
            crawler = first
            for index, group in enumerate(groups):
                crawler = crawler or crawler_for(group)
                logger.info("reparse run %d of %d: %s (%d WARC files)", index + 1, len(groups), group.name,
                            len(group.files))
                yield process.crawl(crawler, warcs=group.files, extractor=extractor, group=group.name,
                                    last_group=index == len(groups) - 1)
                owner = crawler.get_extension(RunOwner)
                runs[-1].summary = owner.summary
                crawler = None
                if owner.lock_error:
                    lock_message.append(owner.lock_error)
                    runs.pop().run_dir.rmdir()  # reserved above, never used
                    break
                if not owner.summary or owner.summary.get("finish_reason") != "finished" or owner.failed_write:
                    break  # stopped (Ctrl-C, SIGTERM, a full disk): the next run would not be wanted
        finally:
            reactor.stop()

    if not groups:
        return runs, None
    first = crawler_for(groups[0])
    install_reactor(settings["TWISTED_REACTOR"])  # before anything imports twisted's default reactor
    from twisted.internet import reactor

    reactor.callWhenRunning(one_after_another, first)
    process.start(stop_after_crawl=False)
    return runs, lock_message[0] if lock_message else None
