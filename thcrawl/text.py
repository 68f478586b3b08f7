"""Text clean-up shared by every page object: Unicode NFC and collapsed whitespace."""

import html
import unicodedata


def clean(text: str | None) -> str:
    """NFC-normalise, turn every run of whitespace (nbsp included) into one space, strip."""
    if not text:
        return ""
    # str.split() splits on every Unicode whitespace (nbsp too) and is several times faster than a regex.
    return " ".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


def clean_unescaped(text: str | None) -> str:
    """Like clean(), for text that may still hold HTML entities (JSON-LD keeps them, e.g. '&#233;')."""
    return clean(html.unescape(text)) if text else ""
