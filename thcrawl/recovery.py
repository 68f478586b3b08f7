"""Recovery of the runs that did not finish (killed, or stopped by a full disk), done by the next run
before it fetches anything: nothing they wrote is lost, and nothing they left half-done stays behind.

- Merge spools (articles/.merge-*) and temporary files (*.tmp) of interrupted writes are removed.
- Each unmerged run's journal has its torn last line cut; any other line that cannot be read is set
  aside in the run folder's quarantine.jsonl (with its line number and the reason), and the rest is
  committed to state and merged into the dataset.
- An article that state knows but whose line never reached the dataset is forgotten and listed as due
  again, so the next fetch brings it back.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from thcrawl.dataset import DATASET_DIR, iter_jsonl, merge_journal
from thcrawl.dates import VN_TZ, to_iso
from thcrawl.journal import ARTICLES_FILE
from thcrawl.jsonl import dumps_line_bytes, loads_line, repair_tail
from thcrawl.state import StateStore
from thcrawl.summary import STATS_FILE

logger = logging.getLogger(__name__)
QUARANTINE_FILE = "quarantine.jsonl"
RECOVERY_BATCH = 500
LOST_LINE = "lost_line"
# What committing a line to state reads (StateStore.commit_articles).
COMMITTED_KEYS = ("id", "url", "crawled_at", "content_sha256", "version", "updated_at", "published_at")
# The start of an article's line (its first keys, in the item's order) inside an unreadable line: the
# article is fetched again. Entries of related and "xem thêm" lists have no "category" after the URL.
_ARTICLE_START = re.compile(rb'\{"id":"([^"]+)","url":"([^"]+)","category"')


@dataclass
class Recovery:
    """What a run found of the runs before it that did not finish (stats.json's `recovery`)."""

    runs: int = 0
    articles: int = 0
    quarantined_lines: int = 0
    due_again: int = 0
    temporaries_removed: int = 0
    torn_lines_cut: int = 0


def remove_temporaries(data_dir: Path) -> int:
    """Merge spools and *.tmp files that an interrupted merge or write left; returns how many."""
    removed = 0
    root = data_dir / DATASET_DIR
    for spool in root.glob(".merge-*"):
        shutil.rmtree(spool, ignore_errors=True)
        removed += 1
    for tmp in [*root.rglob("*.tmp"), *data_dir.glob("runs/*/*.tmp")]:
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def _is_article(line: bytes) -> tuple[bool, str]:
    """Whether a journal line can be committed and merged (not a full schema check: a line written by an
    older version of thcrawl is still an article)."""
    try:
        item = loads_line(line)
    except orjson.JSONDecodeError as exc:
        return False, f"not JSON: {exc}"
    if not isinstance(item, dict):
        return False, "not a JSON object"
    missing = [key for key in COMMITTED_KEYS if key not in item]
    if missing or not isinstance(item["id"], str) or not isinstance(item["url"], str):
        return False, f"not an article: missing {', '.join(missing) or 'a string id or url'}"
    return True, ""


def quarantine_bad_lines(journal: Path) -> list[bytes]:
    """Cut the torn last line, move every other unreadable line to quarantine.jsonl beside the journal
    (the journal is rewritten without them, through a temporary file and a rename); returns them."""
    repair_tail(journal)
    records: list[dict] = []
    with journal.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            ok, reason = _is_article(line) if line.strip() else (True, "")
            if not ok:
                records.append({"journal": str(journal), "line": number, "reason": reason, "bytes": len(line),
                                "raw": line.decode("utf-8", "backslashreplace")})
    if not records:
        return []  # the usual case: one read, nothing written
    bad_numbers = {record["line"] for record in records}
    bad: list[bytes] = []
    tmp = journal.with_name(journal.name + ".clean.tmp")
    with journal.open("rb") as handle, tmp.open("wb") as clean:
        for number, line in enumerate(handle, 1):
            if number in bad_numbers:
                bad.append(line)
            else:
                clean.write(line)
        clean.flush()
        os.fsync(clean.fileno())
    with (journal.parent / QUARANTINE_FILE).open("ab") as quarantine:
        quarantine.writelines(dumps_line_bytes(record) for record in records)
        quarantine.flush()
        os.fsync(quarantine.fileno())
    os.replace(tmp, journal)  # a kill before this: the next run finds the same lines again
    return bad


def recover_run(journal: Path, data_dir: Path, state: StateStore, now: str) -> tuple[int, list[bytes]]:
    """Commit and merge one unfinished run's journal; returns (articles recovered, quarantined lines)."""
    if not journal.exists():
        return 0, []
    bad = quarantine_bad_lines(journal)
    for line in bad:
        for article_id, url in _ARTICLE_START.findall(line):
            state.record_failure(url.decode("utf-8", "replace"), article_id.decode("ascii", "replace"),
                                 "quarantined", now)
    count = 0
    batch: list[dict] = []
    for item in iter_jsonl(journal):  # their lines are on disk: they count as crawled
        batch.append(item)
        if len(batch) >= RECOVERY_BATCH:
            state.commit_articles(batch)
            count += len(batch)
            batch.clear()
    state.commit_articles(batch)
    count += len(batch)
    merge_journal(journal, data_dir, state)
    return count, bad


def recover_unfinished_runs(data_dir: Path, state: StateStore) -> Recovery:
    """Everything the earlier runs that did not finish left behind, brought into state and the dataset."""
    result = Recovery(temporaries_removed=remove_temporaries(data_dir))
    # Whole lines only in every output of a run that did not finish, known to state or not (a run killed
    # before it was recorded, a state file deleted by hand).
    for output in data_dir.glob("runs/*/*.jsonl"):
        if not (output.parent / STATS_FILE).exists() and repair_tail(output):
            logger.warning("cut a torn last line from %s (its run was killed)", output)
            result.torn_lines_cut += 1
    now = to_iso(datetime.now(VN_TZ))
    for run_id, folder in state.unmerged_runs():
        count, bad = recover_run(Path(folder) / ARTICLES_FILE, data_dir, state, now)
        state.mark_merged(run_id)
        if not (Path(folder) / STATS_FILE).exists():
            state.finish_run(run_id, now, "killed", {"articles": count, "quarantined_lines": len(bad)})
        result.runs += 1
        result.articles += count
        result.quarantined_lines += len(bad)
    result.due_again = state.forget_articles_not_in_dataset(LOST_LINE, now)
    return result
