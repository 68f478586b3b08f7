"""Incremental state in embedded SQLite (data/state.sqlite): what is known of each article, the runs, the
per-category high-water marks, and the URLs that failed and are due again.

Nothing is loaded into memory in bulk: every question is an indexed query, so memory does not grow
with the archive.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_crawled TEXT NOT NULL,
    content_sha256 TEXT,
    version INTEGER NOT NULL,
    updated_at TEXT,
    published_at TEXT,
    month TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    run_dir TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    merged INTEGER NOT NULL DEFAULT 0,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS category_marks (
    category TEXT PRIMARY KEY,
    high_water TEXT NOT NULL,
    run_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
    url TEXT PRIMARY KEY,
    article_id TEXT,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_try TEXT NOT NULL
);
"""
MAX_PENDING_ATTEMPTS = 5

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


@dataclass(frozen=True)
class Known:
    id: str
    content_sha256: str | None
    version: int
    first_seen: str
    updated_at: str | None
    month: str | None
    last_crawled: str | None = None


class StateStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)  # explicit transactions below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a committed article survives a power cut
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- articles --------------------------------------------------------------------------------------
    def known(self, article_id: str | None) -> Known | None:
        if not article_id:
            return None
        row = self.db.execute("SELECT id, content_sha256, version, first_seen, updated_at, month, last_crawled "
                              "FROM articles "
                              "WHERE id = ?", (article_id,)).fetchone()
        return Known(*row) if row else None

    def classify(self, item: dict[str, Any]) -> tuple[str, int, str | None, str]:
        """(new|updated|unchanged, version, updated_at, first_seen) of an item about to be written."""
        known = self.known(item.get("id"))
        now = item.get("crawled_at")
        if known is None:
            return NEW, 1, None, now
        if known.content_sha256 == item.get("content_sha256"):
            return UNCHANGED, known.version, known.updated_at, known.first_seen
        return UPDATED, known.version + 1, now, known.first_seen

    def commit_articles(self, items: Iterable[dict[str, Any]]) -> None:
        """Record written articles, all in one transaction (call only once their lines are durable)."""
        with self.transaction():
            for item in items:
                self.db.execute(
                    "INSERT INTO articles (id, url, first_seen, last_crawled, content_sha256, version, updated_at, "
                    "published_at) VALUES (:id, :url, :first_seen, :crawled_at, :content_sha256, :version, "
                    ":updated_at, :published_at) ON CONFLICT(id) DO UPDATE SET url = excluded.url, "
                    "last_crawled = excluded.last_crawled, content_sha256 = excluded.content_sha256, "
                    "version = MAX(articles.version, excluded.version), updated_at = excluded.updated_at, "
                    "published_at = excluded.published_at",
                    {"first_seen": item.get("first_seen") or item.get("crawled_at"), **item})
                self.db.execute("DELETE FROM pending WHERE article_id = ? OR url = ?", (item["id"], item["url"]))

    def set_months(self, months: dict[str, str]) -> None:
        """Where the dataset holds each article (updated after a dataset merge)."""
        with self.transaction():
            # A generator: a run can hold the whole archive, and a list would hold a tuple per article.
            self.db.executemany("UPDATE articles SET month = ? WHERE id = ?", ((m, i) for i, m in months.items()))

    def article_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def forget_articles_not_in_dataset(self, reason: str, when: str) -> int:
        """Articles committed whose journal line never reached the dataset (a line set aside as unreadable)
        are forgotten and listed as due again, so the next run fetches them; returns how many.

        Call only when no run is unmerged: every merged article has its dataset month set."""
        with self.transaction():
            lost = self.db.execute("SELECT id, url FROM articles WHERE month IS NULL").fetchall()
            for article_id, url in lost:
                self._due_again(url, article_id, reason, when)
            self.db.execute("DELETE FROM articles WHERE month IS NULL")
        return len(lost)

    # -- failures due again ----------------------------------------------------------------------------
    def record_failure(self, url: str, article_id: str | None, reason: str, when: str) -> None:
        """Any reason (http_404, timeout, parse_error, quarantined, ...): the URL is fetched again by the
        next runs until it succeeds or has failed MAX_PENDING_ATTEMPTS times."""
        with self.transaction():
            self._due_again(url, article_id, reason, when)

    def _due_again(self, url: str, article_id: str | None, reason: str, when: str) -> None:
        self.db.execute(
            "INSERT INTO pending (url, article_id, reason, attempts, last_try) VALUES (?, ?, ?, 1, ?) "
            "ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, attempts = pending.attempts + 1, "
            "last_try = excluded.last_try", (url, article_id, reason, when))

    def due_failures(self) -> list[tuple[str, str]]:
        return self.db.execute("SELECT url, reason FROM pending WHERE attempts < ? ORDER BY last_try",
                               (MAX_PENDING_ATTEMPTS,)).fetchall()

    # -- runs and marks --------------------------------------------------------------------------------
    def has_finished_run(self) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE status IN ('ok', 'degraded') LIMIT 1").fetchone() is not None

    def start_run(self, run_id: str, run_dir: str, started_at: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO runs (run_id, run_dir, started_at, status) VALUES (?, ?, ?, "
                            "'running')", (run_id, run_dir, started_at))

    def finish_run(self, run_id: str, finished_at: str, status: str, summary: dict[str, Any]) -> None:
        with self.transaction():
            self.db.execute("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
                            (finished_at, status, json.dumps(summary, default=str), run_id))

    def mark_merged(self, run_id: str) -> None:
        with self.transaction():
            self.db.execute("UPDATE runs SET merged = 1 WHERE run_id = ?", (run_id,))

    def unmerged_runs(self, except_run: str | None = None) -> list[tuple[str, str]]:
        """(run_id, run_dir) of runs whose output never reached the dataset (killed runs), oldest first."""
        return self.db.execute("SELECT run_id, run_dir FROM runs WHERE merged = 0 AND run_id IS NOT ? "
                               "ORDER BY started_at", (except_run,)).fetchall()

    def mark(self, category: str) -> str | None:
        row = self.db.execute("SELECT high_water FROM category_marks WHERE category = ?", (category,)).fetchone()
        return row[0] if row else None

    def set_marks(self, marks: dict[str, str], run_id: str) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT INTO category_marks (category, high_water, run_id) VALUES (?, ?, ?) ON CONFLICT(category) "
                "DO UPDATE SET high_water = MAX(category_marks.high_water, excluded.high_water), "
                "run_id = excluded.run_id", [(c, hw, run_id) for c, hw in marks.items()])

    # -- helpers ---------------------------------------------------------------------------------------
    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def rows(self, sql: str, *args: Any) -> Iterator[tuple[Any, ...]]:
        yield from self.db.execute(sql, args)

    def last_finished_summary(self) -> dict[str, Any]:
        """The summary (stats.json) of the newest run that finished ok or degraded; {} when there is none."""
        for (summary,) in self.db.execute(
                "SELECT summary FROM runs WHERE status IN ('ok', 'degraded') ORDER BY started_at DESC LIMIT 1"):
            return json.loads(summary) if summary else {}
        return {}

    def integrity_check(self) -> str:
        """SQLite's own check of the database file: "ok" when sound."""
        return "; ".join(row[0] for row in self.db.execute("PRAGMA integrity_check"))


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite may already have rolled back (a full disk)
            self.db.execute("ROLLBACK")
