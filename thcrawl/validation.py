"""The Article JSON Schema shipped with the package, and validation of items against it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator

SCHEMA_FILE = "article.schema.json"


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    return json.loads(resources.files("thcrawl").joinpath("schemas", SCHEMA_FILE).read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(article_schema())


@lru_cache(maxsize=1)
def _fast_check() -> Any:
    """The schema compiled to Python by fastjsonschema: ~25x faster than jsonschema on a valid item, which
    is every item but a few; jsonschema then explains the invalid ones in full."""
    return fastjsonschema.compile(article_schema())


def validation_errors(item: dict[str, Any]) -> list[str]:
    """Every way the item breaks the schema, as 'field.path: message' lines (empty when valid)."""
    try:
        _fast_check()(item)
        return []
    except fastjsonschema.JsonSchemaException as exc:
        first = f"{str(exc.path or '').removeprefix('data.') or '<item>'}: {exc.message}"
    errors = sorted(_validator().iter_errors(item), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'.'.join(map(str, e.absolute_path)) or '<item>'}: {e.message}" for e in errors] or [first]
