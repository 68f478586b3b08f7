"""Items validate against the shipped JSON Schema, and the schema does reject broken items."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW, fixture_bytes
from thcrawl.items import Article
from thcrawl.parsing import parse_page
from thcrawl.validation import article_schema, validation_errors

URL = "https://truyenhinhthanhhoa.vn/nong-dan-hoang-hoa-thu-hoach-lua-som-tranh-bao-180240912153012345.htm"


@pytest.fixture(scope="module")
def item() -> dict:
    return parse_page(fixture_bytes("article_full.html"), URL, fetched_at=FROZEN_NOW).items[0]


@pytest.mark.parametrize("name", ["article_full.html", "article_minimal.html", "article_nocms.html"])
def test_fixture_items_are_valid(name):
    parsed = parse_page(fixture_bytes(name), URL, fetched_at=FROZEN_NOW)
    assert validation_errors(parsed.items[0]) == []


def test_schema_lists_every_item_field():
    assert set(article_schema()["properties"]) == set(Article.__dataclass_fields__)


def test_schema_field_documented():
    doc = (Path(__file__).parent.parent / "docs" / "schema.md").read_text("utf-8")
    missing = [name for name in Article.__dataclass_fields__ if f"`{name}`" not in doc]
    assert missing == []


@pytest.mark.parametrize(("field", "value", "where"), [
    ("published_at", "2024-09-12 16:05", "published_at"),
    ("id", "abc", "id"),
    ("authors", "Lê Minh Khôi", "authors"),
    ("content_sha256", "xyz", "content_sha256"),
])
def test_broken_items_are_rejected(item, field, value, where):
    broken = copy.deepcopy(item)
    broken[field] = value
    errors = validation_errors(broken)
    assert errors and errors[0].startswith(where)


def test_unknown_field_rejected(item):
    broken = dict(item, surprise=1)
    assert validation_errors(broken)


def test_schema_is_valid_json_file():
    path = Path(__file__).parent.parent / "thcrawl" / "schemas" / "article.schema.json"
    assert json.loads(path.read_text("utf-8"))["title"] == "thcrawl Article"


def _mutations(item: dict) -> list[dict]:
    """Items broken one field at a time, in every way a field can break: wrong type, wrong pattern, null."""
    broken = []
    for field in item:
        for value in (None, 7, "", "x", [], {}, ["x"], [{"url": 1}], "2024-13-45T99:00:00+07:00"):
            broken.append(dict(item, **{field: value}))
    return broken


def test_fast_and_explaining_validators_agree(item):
    """jsonschema-rs decides (it is fast); jsonschema explains. They must agree on every item."""
    from jsonschema import Draft202012Validator

    explaining = Draft202012Validator(article_schema())
    for candidate in [item, *_mutations(item)]:
        assert (validation_errors(candidate) == []) == explaining.is_valid(candidate), candidate
