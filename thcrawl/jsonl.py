"""JSON Lines as thcrawl writes them: UTF-8 text (no \\u escapes), one object a line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

# orjson writes the same bytes as json.dumps(ensure_ascii=False, separators=(",", ":")) for our rows
# (strings, integers, lists, objects), about ten times faster.


def dumps_line_bytes(obj: dict[str, Any]) -> bytes:
    """One JSONL line, UTF-8 encoded, newline included."""
    return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)


def dumps_line(obj: dict[str, Any]) -> str:
    return dumps_line_bytes(obj).decode("utf-8")


def loads_line(line: str | bytes) -> Any:
    return orjson.loads(line)


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
