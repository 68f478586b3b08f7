"""JSON lines: orjson writes them, and they must be the bytes json.dumps would write."""

import json
import random

from thcrawl.jsonl import dumps_line, dumps_line_bytes, loads_line

ROWS = [
    {"title": "Thanh Hóa: lúa mùa \"bội thu\"", "body": "dòng 1\n\ndòng 2\t\u2028\u00a0", "n": 3},
    {"see_more": [{"id": "180240912153012345", "url": "https://a.vn/x.htm", "summary": None}], "tags": []},
    {"control": "".join(chr(i) for i in range(32)) + "\\/", "emoji": "📺", "empty": {}},
]


def reference(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_lines_are_what_json_dumps_writes():
    for row in ROWS:
        assert dumps_line(row) == reference(row)


def test_random_text_lines_are_what_json_dumps_writes():
    rng = random.Random(3)
    pool = [chr(i) for i in range(0, 0x250)] + list("ăâđêôơưạảấầẩẫậ—–“”…") + ["\u2028", "\u2029", "\ufeff"]
    for _ in range(2000):
        row = {"text": "".join(rng.choice(pool) for _ in range(rng.randint(0, 20))), "n": rng.randint(-5, 10**12)}
        assert dumps_line(row) == reference(row)


def test_bytes_form_is_utf8_of_the_text_form():
    assert dumps_line_bytes(ROWS[0]) == dumps_line(ROWS[0]).encode("utf-8")


def test_lines_read_back():
    assert [loads_line(dumps_line(row)) for row in ROWS] == ROWS
