"""The dataset under data/articles/: every article's latest version, one JSONL file per publish month
(data/articles/2024/09.jsonl), superseded versions kept in data/articles/_history/2024/09.jsonl.

A run's journal is merged in at the end of the run (or, after a crash, at the start of the next one).
Each month file is rewritten whole through a temporary file and a rename, sorted by date and ID, so
merging the same journal twice changes nothing and a crash mid-merge leaves the old file intact.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from thcrawl.jsonl import loads_line, repair_tail
from thcrawl.state import StateStore

DATASET_DIR = "articles"
HISTORY_DIR = "_history"
UNKNOWN_MONTH = "unknown"


def months_between(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from first to last, both included: the months a dataset should have."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while (year, month) <= (int(last[:4]), int(last[5:7])):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_of(item: dict[str, Any]) -> str:
    published = item.get("published_at") or ""
    return published[:7] if len(published) >= 7 else UNKNOWN_MONTH


def month_file(root: Path, month: str) -> Path:
    if month == UNKNOWN_MONTH:
        return root / f"{UNKNOWN_MONTH}.jsonl"
    return root / month[:4] / f"{month[5:7]}.jsonl"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(path)) if path.exists() else []


def write_lines_atomic(path: Path, lines: Iterable[bytes]) -> None:
    """Replace the file with these lines (each ending in a newline): a temporary file, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as handle:
            handle.writelines(lines)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        exc.filename = exc.filename or str(path)  # a full disk is reported with the file it stopped
        raise
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class Row(NamedTuple):
    """A dataset line as the merge needs it: what it is sorted and compared by, and its bytes as written (a
    line is parsed once and never serialised again: the journal and the month files use the same writer)."""
    id: str
    order: tuple[str, str]  # the month file's order: publish time, then ID
    content_sha256: str | None
    version: int | None
    line: bytes

    @classmethod
    def of(cls, item: dict[str, Any], line: bytes) -> Row:
        article_id = item.get("id") or ""
        return cls(article_id, (item.get("published_at") or "", article_id), item.get("content_sha256"),
                   item.get("version"), line if line.endswith(b"\n") else line + b"\n")

    def spooled(self) -> bytes:
        """The row in a merge spool: its fields, a tab (never in a JSON line: orjson escapes it), the line."""
        return orjson.dumps([self.id, self.order[0], self.content_sha256, self.version]) + b"\t" + self.line

    @classmethod
    def from_spool(cls, spooled: bytes) -> Row:
        head, _, line = spooled.partition(b"\t")
        article_id, published, sha, version = orjson.loads(head)
        return cls(article_id, (published, article_id), sha, version, line)


def read_rows(path: Path) -> Iterator[Row]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield Row.of(loads_line(line), line)


@dataclass
class MergeResult:
    articles: int
    months: int
    superseded: int


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:  # orjson reads UTF-8 bytes: no text decoding on the way
        for line in handle:
            if line.strip():
                yield loads_line(line)


def merge_journal(journal: Path, data_dir: Path, state: StateStore) -> MergeResult:
    """Bring the dataset up to date with one run's journal (idempotent).

    The journal is first split into one spool file per month, so memory holds one month at a time,
    never the whole run (a run can hold the entire archive). Each journal line is parsed once: the spool
    keeps the few fields the merge needs beside the line's bytes, which go to the month file as they are.
    """
    if not journal.exists():
        return MergeResult(articles=0, months=0, superseded=0)
    repair_tail(journal)
    root = data_dir / DATASET_DIR
    root.mkdir(parents=True, exist_ok=True)
    month_by_id: dict[str, str] = {}
    months: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=root, prefix=".merge-") as spool_dir:
        spools: dict[str, Any] = {}
        try:
            with journal.open("rb") as handle:
                for line in handle:
                    if not line.strip():
                        continue
                    item = loads_line(line)
                    month = month_of(item)
                    month = months.setdefault(month, month)  # one string per month, not one per row
                    month_by_id[item["id"]] = month  # a later line of the same article wins
                    if month not in spools:
                        spools[month] = open(Path(spool_dir) / f"{month}.jsonl", "wb")  # noqa: SIM115
                    spools[month].write(Row.of(item, line).spooled())
        finally:
            for spool in spools.values():
                spool.close()
        leaving: dict[str, set[str]] = defaultdict(set)
        for article_id, month in month_by_id.items():
            known = state.known(article_id)
            if known and known.month and known.month != month:
                leaving[known.month].add(article_id)  # its publish date was corrected: it moves
        superseded = 0
        for month in sorted(set(spools) | set(leaving)):
            incoming: dict[str, Row] = {}
            spool_path = Path(spool_dir) / f"{month}.jsonl"
            if spool_path.exists():
                with spool_path.open("rb") as handle:
                    for spooled in handle:
                        row = Row.from_spool(spooled)
                        if month_by_id[row.id] == month:
                            incoming[row.id] = row
            superseded += _merge_month(root, month, incoming, leaving.get(month, set()))
    state.set_months(month_by_id)
    return MergeResult(articles=len(month_by_id), months=len(set(month_by_id.values())), superseded=superseded)


def _merge_month(root: Path, month: str, incoming: dict[str, Row], leaving: set[str]) -> int:
    """Rewrite one month file with the incoming versions; returns how many versions went to history."""
    path = month_file(root, month)
    rows = {row.id: row for row in read_rows(path)}
    history_path = month_file(root / HISTORY_DIR, month)
    history = {(row.id, row.version): row for row in read_rows(history_path)}
    history_size = len(history)
    for article_id in leaving:
        rows.pop(article_id, None)
    for row in incoming.values():
        previous = rows.get(row.id)
        if previous and previous.content_sha256 != row.content_sha256:
            history.setdefault((previous.id, previous.version), previous)
        rows[row.id] = row
    write_lines_atomic(path, (row.line for row in sorted(rows.values(), key=attrgetter("order"))))
    if len(history) != history_size:
        write_lines_atomic(history_path, (row.line for row in sorted(history.values(), key=attrgetter("order"))))
    return len(history) - history_size


def iter_dataset(data_dir: Path) -> list[Path]:
    """The dataset's month files, oldest first (history and merge spools excluded)."""
    root = data_dir / DATASET_DIR
    return sorted(p for p in root.rglob("*.jsonl")
                  if HISTORY_DIR not in p.parts and not any(part.startswith(".merge-") for part in p.parts))
