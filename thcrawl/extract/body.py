"""The article body as paragraphs: CMS content minus media, captions, related boxes, ads and comments."""

from __future__ import annotations

import re

from lxml import etree

from thcrawl.text import clean

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th"}
CONTAINER_TAGS = {"div", "section", "article", "header", "footer", "main", "aside", "ul", "ol", "dl", "table",
                  "thead", "tbody", "tfoot", "tr", "center", "details", "summary"}
SKIP_TAGS = {"script", "style", "noscript", "iframe", "figure", "figcaption", "video", "audio", "object",
             "embed", "form", "button", "svg", "img", "picture", "source", "input", "select", "textarea"}
# Embedded CMS boxes that hold no body text: photos, videos, related-news boxes, albums, polls.
SKIP_BOX_TYPES = {"photo", "videostream", "video", "relatednewsbox", "layoutalbum", "photoalbum", "vote",
                  "quiz", "quizv2", "embed", "wrapnote-image", "link-content-footer"}
SKIP_CLASS_RE = re.compile(
    r"(?:^|\s)(?:PhotoCMS_Caption|VideoCMS_Caption|kbwscwl-relatedbox|box-stream-item|box-category-item"
    r"|ads?|adv|banner|advertisement|relatednews|related-news|detail-comment|comment\w*|social\w*)(?:\s|$)",
    re.I,
)
SKIP_ID_RE = re.compile(r"^(?:adm|ads|zone|banner)", re.I)


def skipped(el: etree._Element) -> bool:
    if el.tag in SKIP_TAGS:
        return True
    names = el.keys()  # most paragraphs have no attribute: one call instead of three lookups
    if not names:
        return False
    if "type" in names and (el.get("type") or "").lower() in SKIP_BOX_TYPES:
        return True
    return bool(("class" in names and SKIP_CLASS_RE.search(el.get("class") or ""))
                or ("id" in names and SKIP_ID_RE.match(el.get("id") or "")))


def _has_block(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in el.iterdescendants())


def inline_text(el: etree._Element) -> str:
    """Text of an element without HTML comments and without skipped children."""
    return clean(_raw_text(el))


def _raw_text(el: etree._Element) -> str:
    if len(el) == 0:  # most paragraphs are plain text
        return el.text or ""
    parts: list[str] = []
    _collect_text(el, parts)
    return "".join(parts)


def _collect_text(node: etree._Element, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        if isinstance(child.tag, str):  # comments and processing instructions have no str tag
            if child.tag == "br":
                parts.append(" ")
            elif not skipped(child):
                _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def paragraphs(content: etree._Element) -> list[str]:
    """Block texts of the content element in document order, empty ones dropped."""
    out: list[str] = []

    def visit(el: etree._Element) -> None:
        loose: list[str] = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str) and not skipped(child):
                if child.tag in BLOCK_TAGS or (child.tag in CONTAINER_TAGS and not _has_block(child)):
                    flush(loose)
                    add(inline_text(child))
                elif _has_block(child):
                    flush(loose)
                    visit(child)
                elif child.tag == "br":
                    loose.append(" ")
                else:  # inline markup (<b>, <a>, <span>) continues the loose text around it
                    loose.append(_raw_text(child))
            loose.append(child.tail or "")
        flush(loose)

    def flush(loose: list[str]) -> None:
        add(clean("".join(loose)))
        loose.clear()

    def add(text: str) -> None:
        if text:
            out.append(text)

    visit(content)
    return out
