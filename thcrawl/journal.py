"""The run's journal: articles.jsonl in the run folder, appended line by line, made durable on demand.

Only the run's owner (thcrawl.owner.RunOwner) writes it. An append that fails part way (a full disk) is
cut back to the last whole line, so the journal never holds a torn line followed by later lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from thcrawl.jsonl import dumps_line_bytes, repair_tail

ARTICLES_FILE = "articles.jsonl"


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
        self._size = os.fstat(self._fd).st_size
        self._dirty = False

    def append(self, item: dict[str, Any]) -> None:
        """Write one line whole, or raise OSError with the journal as it was before the call."""
        data = dumps_line_bytes(item)
        try:
            write_whole(self._fd, data)
        except OSError:
            os.ftruncate(self._fd, self._size)  # frees what the partial write took
            raise
        self._size += len(data)
        self._dirty = True

    def sync(self) -> None:
        if self._dirty:
            os.fsync(self._fd)
            self._dirty = False

    def close(self) -> None:
        if self._fd >= 0:
            try:
                self.sync()
            finally:
                os.close(self._fd)
                self._fd = -1
