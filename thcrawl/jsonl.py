"""JSON Lines as thcrawl writes them: UTF-8 text (no \\u escapes), one object a line."""

from __future__ import annotations

import json
from typing import Any


def dumps_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
