"""The article body as paragraphs: CMS content minus media, captions, related boxes, ads and comments."""

from __future__ import annotations

import re

from thcrawl.extract.nodes import Element, descendants
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


def skipped(el: Element) -> bool:
    if el.tag in SKIP_TAGS:
        return True
    attributes = el.attributes  # most paragraphs have no attribute
    if not attributes:
        return False
    if (attributes.get("type") or "").lower() in SKIP_BOX_TYPES:
        return True
    return bool(SKIP_CLASS_RE.search(attributes.get("class") or "") or SKIP_ID_RE.match(attributes.get("id") or ""))


def _has_block(el: Element) -> bool:
    return any(d.tag in BLOCK_TAGS for d in descendants(el))


def inline_text(el: Element) -> str:
    """Text of an element without HTML comments and without skipped children."""
    return clean(_raw_text(el))


def _raw_text(el: Element) -> str:
    parts: list[str] = []
    _collect_text(el, parts)
    return "".join(parts)


def _collect_text(node: Element, parts: list[str]) -> None:
    for child in node.iter(include_text=True):
        if child.is_text_node:
            parts.append(child.text_content)
        elif child.is_element_node:  # comments hold no text of the page
            if child.tag == "br":
                parts.append(" ")
            elif not skipped(child):
                _collect_text(child, parts)


def paragraphs(content: Element) -> list[str]:
    """Block texts of the content element in document order, empty ones dropped."""
    out: list[str] = []

    def visit(el: Element) -> None:
        loose: list[str] = []
        for child in el.iter(include_text=True):
            if child.is_text_node:
                loose.append(child.text_content)
            elif not child.is_element_node or skipped(child):
                continue
            elif child.tag in BLOCK_TAGS or (child.tag in CONTAINER_TAGS and not _has_block(child)):
                flush(loose)
                add(inline_text(child))
            elif _has_block(child):
                flush(loose)
                visit(child)
            elif child.tag == "br":
                loose.append(" ")
            else:  # inline markup (<b>, <a>, <span>) continues the loose text around it
                loose.append(_raw_text(child))
        flush(loose)

    def flush(loose: list[str]) -> None:
        add(clean("".join(loose)))
        loose.clear()

    def add(text: str) -> None:
        if text:
            out.append(text)

    visit(content)
    return out
