"""How an Article row looks in each export format, both ways: JSON Lines (gzip), Parquet, CSV.

Parquet has an explicit Arrow schema (nested lists of structs, timestamps with the +07:00 zone);
CSV keeps nested fields as JSON text. `to_item` turns any format's row back into the JSON item, so
`thcrawl verify` can validate every row against the one JSON Schema.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pyarrow as pa

from thcrawl.dates import to_iso
from thcrawl.validation import article_schema

FIELDS = list(article_schema()["properties"])
NESTED = ("authors", "images", "videos", "tags", "related", "see_more", "extraction")
DATES = ("published_at", "modified_at", "id_created_at", "crawled_at", "updated_at")
NOT_NULL_TEXT = ("url", "body")

TIMESTAMP = pa.timestamp("s", tz="+07:00")
TEXT = pa.string()
_RELATED = [("id", TEXT), ("url", TEXT), ("title", TEXT), ("published_raw", TEXT), ("published_at", TIMESTAMP)]
ARROW_TYPES = {
    "id": TEXT, "url": TEXT, "canonical_url": TEXT, "category": TEXT, "category_url": TEXT, "title": TEXT, "sapo": TEXT,
    "authors": pa.list_(TEXT), "published_raw": TEXT, "published_at": TIMESTAMP,
    "modified_at": TIMESTAMP, "id_created_at": TIMESTAMP, "body": TEXT,
    "images": pa.list_(pa.struct([("url", TEXT), ("alt", TEXT), ("caption", TEXT)])),
    "videos": pa.list_(pa.struct([("url", TEXT), ("poster", TEXT), ("caption", TEXT)])),
    "source": TEXT, "tags": pa.list_(TEXT),
    "related": pa.list_(pa.struct(_RELATED)),
    "see_more": pa.list_(pa.struct([*_RELATED, ("summary", TEXT), ("thumbnail", TEXT)])),
    "lang": TEXT, "crawled_at": TIMESTAMP, "content_sha256": TEXT,
    "extraction": pa.map_(TEXT, TEXT), "version": pa.int32(), "updated_at": TIMESTAMP,
}
# Columns in the JSON Schema's order (a field missing from ARROW_TYPES fails here, at import).
ARROW_SCHEMA = pa.schema([(name, ARROW_TYPES[name]) for name in FIELDS])


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- Parquet -------------------------------------------------------------------------------------------
def to_arrow_row(item: dict[str, Any]) -> dict[str, Any]:
    row = dict(item)
    for name in DATES:
        row[name] = _time(item.get(name))
    for name in ("related", "see_more"):
        row[name] = [{**entry, "published_at": _time(entry.get("published_at"))} for entry in item.get(name) or []]
    row["extraction"] = list((item.get("extraction") or {}).items())
    return row


def from_arrow_row(row: dict[str, Any]) -> dict[str, Any]:
    item = dict(row)
    for name in DATES:
        item[name] = to_iso(row.get(name))
    for name in ("related", "see_more"):
        item[name] = [{**entry, "published_at": to_iso(entry.get("published_at"))} for entry in row.get(name) or []]
    item["extraction"] = dict(row.get("extraction") or [])
    return item


# -- CSV -----------------------------------------------------------------------------------------------
def to_csv_row(item: dict[str, Any]) -> list[str]:
    out = []
    for name in FIELDS:
        value = item.get(name)
        if name in NESTED:
            out.append(json.dumps(value if value is not None else [], ensure_ascii=False))
        else:
            out.append("" if value is None else str(value))
    return out


def from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for name in FIELDS:
        value = row.get(name, "")
        if name in NESTED:
            item[name] = json.loads(value) if value else None
        elif name == "version":
            item[name] = int(value) if value.isdigit() else value
        elif name in NOT_NULL_TEXT:
            item[name] = value
        else:
            item[name] = value or None
    return item
