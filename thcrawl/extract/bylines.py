"""Bylines: names from an author line, without credit prefixes, split where a line joins several."""

from __future__ import annotations

import re

from thcrawl.text import clean

# Credit prefixes before names: "Theo" (by / per), "Bài, ảnh:" (text, photos), "Bài và ảnh:", "Ảnh:",
# "Video:", "Thực hiện:" (made by), "Nhóm PV" (reporters' team), "PV:" / "Phóng viên:" (reporter),
# "BTV:" (editor), "Tác giả:" (author), "By".
AUTHOR_PREFIX_RE = re.compile(
    r"^(?:(?:theo|by|tác giả|bài|ảnh|video|clip|thực hiện|bài và ảnh|bài, ảnh|bài - ảnh|bài-ảnh|nhóm pv|nhóm phóng viên"
    r"|pv|btv|phóng viên|biên tập viên)\s*[:,.]?\s+)+",
    re.IGNORECASE,
)
# Names joined by dashes, commas, "và" ("and") or "&".
AUTHOR_SPLIT_RE = re.compile(r"\s+[–—-]\s+|\s*[,;/&]\s*|\s+và\s+|\s+and\s+")
# Notes after a name: "(tổng hợp)" (compiled), "(TTXVN)" (the agency): kept out of the name.
_NOTE_RE = re.compile(r"\s*\([^)]*\)\s*")


def split_authors(text: str | None) -> list[str]:
    """["Minh Khôi", "Thu Trang"] from "Minh Khôi – Thu Trang"; "Theo Lê Vân" gives ["Lê Vân"]."""
    text = clean(AUTHOR_PREFIX_RE.sub("", _NOTE_RE.sub(" ", clean(text)) + " "))
    names = []
    for part in AUTHOR_SPLIT_RE.split(clean(text)):
        name = clean(AUTHOR_PREFIX_RE.sub("", clean(part) + " ")).strip(" :.,")
        if name:
            names.append(name)
    return names


def looks_like_author_line(text: str) -> bool:
    """A short trailing paragraph made only of capitalised names ("Lan Anh – Minh Đức")."""
    if not text or len(text) > 80 or any(ch.isdigit() for ch in text) or text.endswith((".", ":", "?", "!")):
        return False
    names = split_authors(text)
    if not names or len(names) > 4:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 5 or not all(w[0].isupper() for w in words):
            return False
    return True
