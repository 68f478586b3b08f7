"""One walk over a parsed page that files its elements by what the page objects look them up by.

Each `//…` XPath query scans the whole tree in libxml2, and an article needs about ten of them (content,
time, tags, related box, list entries, meta tags, JSON-LD, canonical link). One Python walk that files
elements by class token, data-role and type costs about as much as two such queries, and every later
lookup is a dictionary read. Lists keep document order.

Only the class tokens in INDEXED_CLASSES are filed (splitting every class attribute of a page cost more
than the rest of the walk); asking for another one is an error, so that a new lookup cannot silently
find nothing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lxml import etree

Element = etree._Element

# The class tokens the page objects look elements up by (the CMS family's markup, ../shared/site-facts.md).
INDEXED_CLASSES = frozenset({
    "detail-title", "detail-sapo", "detail-author-top-name", "detail-breadcrumb", "detail-time",
    "detail-tag-list", "afcbc-body", "kbwscwlrl", "PhotoCMS_Caption", "VideoCMS_Caption",
    "box-stream-item", "box-category-item",
})
@lru_cache(maxsize=10_000)  # a template repeats a few dozen class attributes on every page
def _indexed_tokens(value: str) -> tuple[str, ...]:
    """The indexed tokens of a class attribute, each once."""
    return tuple(token for token in dict.fromkeys(value.split()) if token in INDEXED_CLASSES)


class PageIndex:
    def __init__(self, root: Element) -> None:
        self.root = root
        self.position: dict[Element, int] = {}
        self.classes: dict[str, list[Element]] = {}  # class token -> elements
        self.roles: dict[str, list[Element]] = {}  # data-role -> elements
        self.types: dict[str, list[Element]] = {}  # @type, lower-cased -> elements
        self.tags: dict[str, list[Element]] = {}  # meta, link, script, p -> elements
        self.class_of: dict[Element, str] = {}  # element -> its class attribute, read once here
        position, classes, roles, types, tags = self.position, self.classes, self.roles, self.types, self.tags
        class_of = self.class_of
        for number, element in enumerate(root.iter()):
            position[element] = number
            tag = element.tag
            if tag in _FILED_TAGS:
                tags.setdefault(tag, []).append(element)
            names = element.keys()  # one call; most elements have no attribute asked for below
            if not names:
                continue
            if "class" in names and (value := element.get("class")):
                class_of[element] = value
                for token in _indexed_tokens(value):
                    if token in classes:
                        classes[token].append(element)
                    else:
                        classes[token] = [element]
            if "data-role" in names and (value := element.get("data-role")):
                roles.setdefault(value, []).append(element)
            if "type" in names and (value := element.get("type")):
                types.setdefault(value.lower(), []).append(element)

    # -- lookups ---------------------------------------------------------------------------------------
    def with_class(self, token: str, tag: str | None = None) -> list[Element]:
        if token not in INDEXED_CLASSES:
            raise ValueError(f"class {token!r} is not indexed: add it to INDEXED_CLASSES")
        found = self.classes.get(token, [])
        return found if tag is None else [e for e in found if e.tag == tag]

    def with_role(self, role: str) -> list[Element]:
        return self.roles.get(role, [])

    def with_type(self, *types: str) -> list[Element]:
        return self.in_order(e for t in types for e in self.types.get(t.lower(), []))

    def with_tag(self, tag: str) -> list[Element]:
        return self.tags.get(tag, [])

    def in_order(self, elements: Any) -> list[Element]:
        """Distinct elements in document order (an XPath union's order)."""
        return sorted(set(elements), key=self.position.__getitem__)

    def first(self, *groups: list[Element]) -> Element | None:
        """The earliest element of several lookups, like the first node of an XPath union."""
        candidates = [group[0] for group in groups if group]
        return min(candidates, key=self.position.__getitem__) if candidates else None

    def following(self, anchor: Element, elements: list[Element]) -> list[Element]:
        """Those of `elements` after `anchor`'s end (XPath's following:: axis: no descendants)."""
        end = self._end(anchor)
        return [e for e in elements if self.position[e] >= end]

    def inside(self, container: Element, elements: list[Element]) -> list[Element]:
        """Those of `elements` that are descendants of `container`."""
        start, end = self.position[container], self._end(container)
        return [e for e in elements if start < self.position[e] < end]

    def _end(self, element: Element) -> int:
        """The position just past the element's subtree: that of the next node after it that is not inside it."""
        while element is not None:
            after = element.getnext()
            if after is not None:  # a comment after </html> is outside the walk: the end, too
                return self.position.get(after, len(self.position))
            element = element.getparent()
        return len(self.position)


def string_value(element: Element) -> str:
    """XPath's string(): the text of the element and its descendants, without comments. A leaf (most
    titles, times and summaries) needs no walk."""
    if len(element) == 0:
        return element.text or ""
    return "".join(element.itertext())


_FILED_TAGS = frozenset({"meta", "link", "script", "p", "html"})
