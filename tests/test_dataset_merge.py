"""Merging a run's journal into the month files (thcrawl.dataset.merge_journal): order, versions, moves, and
the lines kept byte for byte as the journal wrote them."""

from __future__ import annotations

from pathlib import Path

import pytest

from thcrawl.dataset import merge_journal
from thcrawl.jsonl import dumps_line_bytes
from thcrawl.state import StateStore


def article(article_id: str, published_at: str, body: str = "Nội dung.", version: int = 1) -> dict:
    return {"id": article_id, "url": f"https://truyenhinhthanhhoa.vn/tin-{article_id}.htm",
            "published_at": published_at, "body": body, "content_sha256": f"sha-of-{body}",
            "version": version, "updated_at": None, "crawled_at": "2026-11-30T08:00:00+07:00"}


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def state(data):
    store = StateStore(data / "state.sqlite")
    yield store
    store.close()


def merge(data: Path, state: StateStore, items: list[dict], name: str = "journal.jsonl") -> bytes:
    """Journal these items, commit them to state as a run would, merge; returns the journal's bytes."""
    journal = data / "runs" / name
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(b"".join(dumps_line_bytes(item) for item in items))
    state.commit_articles({**item, "first_seen": item["crawled_at"]} for item in items)
    merge_journal(journal, data, state)
    return journal.read_bytes()


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_month_file_holds_the_journal_lines_as_written_sorted_by_time_then_id(data, state):
    items = [article("20241105000003", "2024-11-05T09:00:00+07:00"),
             article("20241102000001", "2024-11-02T07:00:00+07:00", body="Tab\there, quote \" and ký tự"),
             article("20241105000002", "2024-11-05T09:00:00+07:00")]
    lines_of = merge(data, state, items).splitlines(keepends=True)
    assert lines(data / "articles" / "2024" / "11.jsonl") == [lines_of[1], lines_of[2], lines_of[0]]


def test_later_line_of_an_article_wins(data, state):
    merge(data, state, [article("20241102000001", "2024-11-02T07:00:00+07:00", body="first"),
                        article("20241102000001", "2024-11-02T07:00:00+07:00", body="second", version=2)])
    assert b'"second"' in (data / "articles" / "2024" / "11.jsonl").read_bytes()
    assert len(lines(data / "articles" / "2024" / "11.jsonl")) == 1


def test_changed_article_sends_its_old_version_to_history(data, state):
    merge(data, state, [article("20241102000001", "2024-11-02T07:00:00+07:00", body="old")], "run1.jsonl")
    merge(data, state, [article("20241102000001", "2024-11-02T07:00:00+07:00", body="new", version=2)], "run2.jsonl")
    assert b'"new"' in (data / "articles" / "2024" / "11.jsonl").read_bytes()
    history = lines(data / "articles" / "_history" / "2024" / "11.jsonl")
    assert len(history) == 1 and b'"old"' in history[0]


def test_unchanged_article_leaves_no_history(data, state):
    merge(data, state, [article("20241102000001", "2024-11-02T07:00:00+07:00")], "run1.jsonl")
    merge(data, state, [article("20241102000001", "2024-11-02T07:00:00+07:00")], "run2.jsonl")
    assert not (data / "articles" / "_history").exists()


def test_merging_the_same_journal_twice_changes_nothing(data, state):
    items = [article("20241102000001", "2024-11-02T07:00:00+07:00"), article("20241201000001", "2024-12-01T07:00:00+07:00")]
    merge(data, state, items)
    before = {p: p.read_bytes() for p in (data / "articles").rglob("*.jsonl")}
    merge_journal(data / "runs" / "journal.jsonl", data, state)
    assert {p: p.read_bytes() for p in (data / "articles").rglob("*.jsonl")} == before


def test_corrected_publish_month_moves_the_article(data, state):
    merge(data, state, [article("20241102000001", "2024-11-30T23:00:00+07:00")], "run1.jsonl")
    merge(data, state, [article("20241102000001", "2024-12-01T01:00:00+07:00")], "run2.jsonl")
    assert lines(data / "articles" / "2024" / "11.jsonl") == []
    assert len(lines(data / "articles" / "2024" / "12.jsonl")) == 1


def test_existing_line_without_newline_is_kept_whole(data, state):
    month = data / "articles" / "2024" / "11.jsonl"
    month.parent.mkdir(parents=True)
    month.write_bytes(dumps_line_bytes(article("20241101000001", "2024-11-01T07:00:00+07:00")).rstrip(b"\n"))
    merge(data, state, [article("20241102000001", "2024-11-02T07:00:00+07:00")])
    assert [line.endswith(b"\n") for line in lines(month)] == [True, True]
