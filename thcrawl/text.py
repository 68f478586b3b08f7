"""Text clean-up shared by every page object: Unicode NFC and collapsed whitespace."""

import html
import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """NFC-normalise, turn every run of whitespace (nbsp included) into one space, strip."""
    if not text:
        return ""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text).replace("\u200b", "")).strip()


def clean_unescaped(text: str | None) -> str:
    """Like clean(), for text that may still hold HTML entities (JSON-LD keeps them, e.g. '&#233;')."""
    return clean(html.unescape(text)) if text else ""
