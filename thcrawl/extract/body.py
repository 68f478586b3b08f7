"""The article's own text as blocks: a small walk over the content element parsel selected.

Blocks are the text elements (paragraphs, subheads, list items, quotes, table cells) in document order;
a container with no block inside is one block. Widgets (widgets.py) are skipped with everything in them,
HTML comments too, while the text that follows them stays.
"""

from __future__ import annotations

from lxml import etree

from thcrawl.extract.widgets import is_widget, tag_of
from thcrawl.text import clean

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th"}
CONTAINER_TAGS = {"div", "section", "article", "header", "footer", "main", "ul", "ol", "dl", "table",
                  "thead", "tbody", "tfoot", "tr", "center", "details", "summary"}
_BLOCKS_XPATH = etree.XPath("boolean(.//p | .//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6 | .//li | "
                            ".//blockquote | .//pre | .//dd | .//dt | .//td | .//th)")


def inline_text(element: etree._Element) -> str:
    """Text of an element without comments and without widgets inside it, <br> as a space."""
    parts: list[str] = []
    _collect(element, parts)
    return clean("".join(parts))


def _collect(element: etree._Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if tag_of(child) == "br":
            parts.append(" ")
        elif not is_widget(child):
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def paragraphs(content: etree._Element) -> list[str]:
    """Block texts of the content element in document order, empty ones dropped. Raises RecursionError on
    absurdly deep markup; the caller falls to its next layer."""
    out: list[str] = []
    loose: list[str] = []

    def flush() -> None:
        text = clean("".join(loose))
        loose.clear()
        if text:
            out.append(text)

    def visit(element: etree._Element) -> None:
        if element.text:
            loose.append(element.text)
        for child in element:
            tag = tag_of(child)
            if tag == "br":
                loose.append(" ")
            elif is_widget(child):
                pass
            elif tag in BLOCK_TAGS or (tag in CONTAINER_TAGS and not _BLOCKS_XPATH(child)):
                flush()
                if text := inline_text(child):
                    out.append(text)
            elif tag in CONTAINER_TAGS or _BLOCKS_XPATH(child):
                flush()
                visit(child)
                flush()
            else:  # inline markup (<b>, <a>, <span>) continues the loose text around it
                _collect(child, loose)
            if child.tail:
                loose.append(child.tail)

    visit(content)
    flush()
    return out
