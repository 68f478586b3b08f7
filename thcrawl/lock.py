"""One run at a time per data folder: an exclusive, non-blocking flock on DATA/.thcrawl.lock.

The kernel drops the lock when the process ends, however it ends, so a killed run leaves no stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = ".thcrawl.lock"


class LockHeldError(RuntimeError):
    """Another run holds the data folder."""


class DataDirLock:
    def __init__(self, data_dir: str | Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise LockHeldError(f"another thcrawl run (pid {holder}) is using {self.path.parent}") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
