"""`thcrawl parse` as a user runs it: a real subprocess, JSONL on stdout, one-line errors, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REALPAGES, require
from thcrawl.validation import validation_errors


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "thcrawl.cli", *args], capture_output=True, timeout=120)


def test_article_prints_one_valid_jsonl_line():
    result = run("parse", str(FIXTURES / "article_full.html"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    item = json.loads(lines[0])
    assert validation_errors(item) == []


def test_output_is_utf8_not_escaped():
    result = run("parse", str(FIXTURES / "article_full.html"))
    text = result.stdout.decode("utf-8")
    assert "Hoằng Hóa" in text and "\\u" not in text


def test_listing_prints_one_line_per_entry():
    result = run("parse", str(FIXTURES / "listing_category.html"))
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["180250301080000101", "180250228170000202", "1808198627"]
    assert rows[0]["url"].startswith("https://truyenhinhthanhhoa.vn/")  # resolved against the canonical link


def test_url_option_sets_the_page_url():
    url = "https://truyenhinhthanhhoa.vn/dem-van-nghe-1808012345.htm"
    result = run("parse", str(FIXTURES / "article_minimal.html"), "--url", url)
    assert json.loads(result.stdout)["id"] == "1808012345"


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"),
    (b"", "the page is empty"),
    (bytes(range(256)), "not an HTML page"),
    ("<html><body><p>xin chào</p></body></html>".encode(), "neither an article nor a listing"),
])
def test_bad_file_one_line_exit_2(tmp_path, content, message):
    page = tmp_path / "page.html"
    if content is not None:
        page.write_bytes(content)
    result = run("parse", str(page))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2
    assert message in stderr and stderr.count("\n") == 1 and "Traceback" not in stderr


def test_directory_one_line_exit_2(tmp_path):
    result = run("parse", str(tmp_path))
    assert result.returncode == 2 and result.stderr.decode().startswith("thcrawl: error: ")


def test_unreachable_url_exit_2():
    result = run("parse", "http://127.0.0.1:9/nothing.htm")
    assert result.returncode == 2 and b"cannot fetch" in result.stderr


@pytest.mark.parametrize("name", [
    "viet-nam-opens-defense-attache-office-in-chile-111241112103823427.htm.html",
    "prime-minister-orders-enhancing-commercialization-of-defense-industry-products-111251225101319657.htm.html",
])
def test_real_capture_gives_complete_item(name):
    result = run("parse", str(require(REALPAGES / name)))
    item = json.loads(result.stdout)
    assert validation_errors(item) == []
    for field in ("id", "url", "category", "title", "sapo", "authors", "published_at", "modified_at",
                  "id_created_at", "body", "images", "related", "tags", "content_sha256"):
        assert item[field], field
