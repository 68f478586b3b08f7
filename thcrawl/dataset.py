"""The dataset under data/articles/: every article's latest version, one JSONL file per publish month
(data/articles/2024/09.jsonl), superseded versions kept in data/articles/_history/2024/09.jsonl.

A run's journal is merged in at the end of the run (or, after a crash, at the start of the next one).
Each month file is rewritten whole through a temporary file and a rename, sorted by date and ID, so
merging the same journal twice changes nothing and a crash mid-merge leaves the old file intact.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thcrawl.jsonl import dumps_line, repair_tail
from thcrawl.state import StateStore

DATASET_DIR = "articles"
HISTORY_DIR = "_history"
UNKNOWN_MONTH = "unknown"


def month_of(item: dict[str, Any]) -> str:
    published = item.get("published_at") or ""
    return published[:7] if len(published) >= 7 else UNKNOWN_MONTH


def month_file(root: Path, month: str) -> Path:
    if month == UNKNOWN_MONTH:
        return root / f"{UNKNOWN_MONTH}.jsonl"
    return root / month[:4] / f"{month[5:7]}.jsonl"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open("r", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_atomic(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.writelines(dumps_line(row) for row in rows)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _order(row: dict[str, Any]) -> tuple[str, str]:
    return row.get("published_at") or "", row.get("id") or ""


@dataclass
class MergeResult:
    articles: int
    months: int
    superseded: int


def merge_journal(journal: Path, data_dir: Path, state: StateStore) -> MergeResult:
    """Bring the dataset up to date with one run's journal (idempotent)."""
    repair_tail(journal)
    latest: dict[str, dict[str, Any]] = {}
    for item in read_jsonl(journal):
        latest[item["id"]] = item  # a later line of the same article wins
    root = data_dir / DATASET_DIR
    incoming: dict[str, list[dict[str, Any]]] = defaultdict(list)
    leaving: dict[str, set[str]] = defaultdict(set)
    for article_id, item in latest.items():
        month = month_of(item)
        incoming[month].append(item)
        known = state.known(article_id)
        if known and known.month and known.month != month:
            leaving[known.month].add(article_id)  # its publish date was corrected: it moves
    superseded = 0
    for month in sorted(set(incoming) | set(leaving)):
        path = month_file(root, month)
        rows = {row["id"]: row for row in read_jsonl(path)}
        history_path = month_file(root / HISTORY_DIR, month)
        history = {(row["id"], row.get("version")): row for row in read_jsonl(history_path)}
        history_size = len(history)
        for article_id in leaving.get(month, ()):
            rows.pop(article_id, None)
        for item in incoming.get(month, []):
            previous = rows.get(item["id"])
            if previous and previous.get("content_sha256") != item.get("content_sha256"):
                history.setdefault((previous["id"], previous.get("version")), previous)
            rows[item["id"]] = item
        write_atomic(path, sorted(rows.values(), key=_order))
        if len(history) != history_size:
            superseded += len(history) - history_size
            write_atomic(history_path, sorted(history.values(), key=_order))
    state.set_months({article_id: month_of(item) for article_id, item in latest.items()})
    return MergeResult(articles=len(latest), months=len(incoming), superseded=superseded)


def iter_dataset(data_dir: Path) -> list[Path]:
    """The dataset's month files, oldest first (history excluded)."""
    root = data_dir / DATASET_DIR
    return sorted(p for p in root.rglob("*.jsonl") if HISTORY_DIR not in p.parts)
