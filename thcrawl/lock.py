"""One run at a time per data folder.

The lock is an exclusive, non-blocking flock on the data folder itself (its directory), not on a file
inside it: a file can be deleted or replaced by hand while a run holds it, and a second run would then
lock the new file and start beside the first. The folder cannot be swapped under a running run without
moving the whole dataset with it. The kernel drops the lock when the process ends, however it ends, so a
killed run leaves no stale lock.

DATA/.thcrawl.lock names the holder's pid for people and for the "another run" message. The holder
checks it (`check()`): a deleted or replaced lock file is detected, reported and written again.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = ".thcrawl.lock"
DELETED, REPLACED, FOLDER_MOVED = "deleted", "replaced", "folder_moved"


class LockHeldError(RuntimeError):
    """Another run holds the data folder."""


class DataDirLock:
    def __init__(self, data_dir: str | Path) -> None:
        self.folder = Path(data_dir)
        self.path = self.folder / LOCK_FILE
        self._dir_fd: int | None = None
        self._file_identity: tuple[int, int] | None = None
        self._folder_identity: tuple[int, int] | None = None

    def acquire(self) -> DataDirLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeldError(f"another thcrawl run (pid {self.holder()}) is using {self.folder}") from None
        self._dir_fd = fd
        st = os.fstat(fd)
        self._folder_identity = (st.st_dev, st.st_ino)
        self._write_lock_file()
        return self

    def holder(self) -> str:
        try:
            return self.path.read_text("ascii", "replace").strip() or "unknown"
        except OSError:
            return "unknown"

    def _write_lock_file(self) -> None:
        tmp = self.path.with_name(f"{LOCK_FILE}.{os.getpid()}.tmp")
        tmp.write_text(str(os.getpid()), "ascii")
        os.replace(tmp, self.path)
        st = os.stat(self.path)
        self._file_identity = (st.st_dev, st.st_ino)

    def check(self) -> str | None:
        """None while all is as this run left it; else what happened: the lock file was deleted or
        replaced (it is written again; the folder lock was never lost), or the data folder itself was
        moved away (the run must stop: its paths now lead to another folder)."""
        if self._dir_fd is None:
            return None
        try:
            st = os.stat(self.folder)
            if (st.st_dev, st.st_ino) != self._folder_identity:
                return FOLDER_MOVED
        except FileNotFoundError:
            return FOLDER_MOVED
        try:
            st = os.stat(self.path)
            problem = None if (st.st_dev, st.st_ino) == self._file_identity else REPLACED
        except FileNotFoundError:
            problem = DELETED
        if problem:
            self._write_lock_file()
        return problem

    def release(self) -> None:
        if self._dir_fd is not None:
            try:
                st = os.stat(self.path)
                if (st.st_dev, st.st_ino) == self._file_identity:
                    self.path.unlink()  # only our own: a file someone else wrote stays
            except OSError:
                pass
            fcntl.flock(self._dir_fd, fcntl.LOCK_UN)
            os.close(self._dir_fd)
            self._dir_fd = None

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
