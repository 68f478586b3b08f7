"""clean(): the text clean-up every field goes through. Its fast path must agree with the full rewrite."""

import random
import sys
import unicodedata

from thcrawl.text import clean

WHITESPACE = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]


def rewritten(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


def test_collapses_every_kind_of_whitespace():
    assert clean("  Thanh\u00a0Hóa\n\t 2026 ") == "Thanh Hóa 2026"


def test_drops_zero_width_spaces():
    assert clean("Thanh\u200bHóa") == "ThanhHóa"


def test_composes_decomposed_vietnamese():
    assert clean("Nguo\u0302\u0300n") == "Nguồn"


def test_empty_and_none_give_empty():
    assert clean(None) == "" and clean("") == "" and clean(" \u00a0 ") == ""


def test_fast_path_agrees_with_the_full_rewrite_on_random_text():
    rng = random.Random(5)
    pool = list("aăâbcdđeêoôơuưy Thanh Hóa,.") + WHITESPACE + ["\u200b", "\u0300", "\u0302", "\u00ad"]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        assert clean(text) == rewritten(text), repr(text)
