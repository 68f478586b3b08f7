"""The run's journal: articles.jsonl in the run folder, appended line by line, made durable on demand.

The state pipeline calls sync() before it commits articles to state, so the state never knows an
article whose line could still be lost.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from thcrawl.jsonl import dumps_line_bytes, repair_tail
from thcrawl.run import run_dir

ARTICLES_FILE = "articles.jsonl"
_JOURNALS: weakref.WeakKeyDictionary[Crawler, RunJournal] = weakref.WeakKeyDictionary()


def write_whole(fd: int, data: bytes) -> None:
    """Append `data`; O_APPEND makes each write land at the end of the file."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class RunJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.repaired = repair_tail(path)  # a reused run folder whose last run was killed mid-line
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._dirty = False

    def append(self, item: dict[str, Any]) -> None:
        write_whole(self._fd, dumps_line_bytes(item))
        self._dirty = True

    def sync(self) -> None:
        if self._dirty:
            os.fsync(self._fd)
            self._dirty = False

    def close(self) -> None:
        if self._fd >= 0:
            self.sync()
            os.close(self._fd)
            self._fd = -1


def journal_for(crawler: Crawler) -> RunJournal:
    if crawler not in _JOURNALS:
        _JOURNALS[crawler] = RunJournal(run_dir(crawler) / ARTICLES_FILE)
    return _JOURNALS[crawler]
