"""Text clean-up shared by every page object: Unicode NFC and collapsed whitespace."""

import html
import unicodedata


def clean(text: str | None) -> str:
    """NFC-normalise, turn every run of whitespace (nbsp included) into one space, strip."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    # Most text is clean already. isprintable() is False for every whitespace character but the plain
    # space, and for the zero-width space, so this test proves it in one pass, 3x faster than the rewrite.
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    # str.split() splits on every Unicode whitespace (nbsp too) and is several times faster than a regex.
    return " ".join(text.replace("\u200b", "").split())


def clean_unescaped(text: str | None) -> str:
    """Like clean(), for text that may still hold HTML entities (JSON-LD keeps them, e.g. '&#233;')."""
    return clean(html.unescape(text)) if text else ""
