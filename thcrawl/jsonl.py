"""JSON Lines as thcrawl writes them: UTF-8 text (no \\u escapes), one object a line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def dumps_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def repair_tail(path: str | Path) -> int:
    """Cut a torn last line (a write cut short by a kill) off a JSONL file; returns the bytes removed.

    A write of many kilobytes can be stopped part way by SIGKILL, so the last line of a killed run may be
    incomplete. Every complete line ends with a newline, so everything after the last newline is torn.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        end = size
        chunk = 65536
        while end > 0:
            start = max(0, end - chunk)
            handle.seek(start)
            block = handle.read(end - start)
            if end == size and block.endswith(b"\n"):
                return 0
            newline = block.rfind(b"\n")
            if newline != -1:
                keep = start + newline + 1
                break
            end = start
        else:
            keep = 0
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep
