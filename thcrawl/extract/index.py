"""One walk over a parsed page that files its elements by what the page objects look them up by.

Each `//…` XPath query scans the whole tree in libxml2, and an article needs about ten of them (content,
time, tags, related box, list entries, meta tags, JSON-LD, canonical link). One Python walk that files
elements by class token and data-role costs about as much as two such queries, and every later lookup
is a dictionary read. Lists keep document order.

The walk does as little as it can per element, since it visits all of them: a list of attribute names,
and a read of the one or two it files by. Each lxml call costs ~1,000-2,000 CPU instructions, so these
reads, not the Python around them, are most of the walk. Only the elements it files get a position, so
the order-aware lookups below take filed elements only; `inside` walks up from the element instead.

Only the class tokens in INDEXED_CLASSES are filed (splitting every class attribute of a page cost more
than the rest of the walk); asking for another one is an error, so that a new lookup cannot silently
find nothing. The same holds for tags.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache

from lxml import etree

from thcrawl.extract.entry_parts import first_parts, markers
from thcrawl.extract.lazy import cached

Element = etree._Element

# The class tokens the page objects look elements up by (the CMS family's markup, ../shared/site-facts.md).
INDEXED_CLASSES = frozenset({
    "detail-title", "detail-sapo", "detail-author-top-name", "detail-breadcrumb", "detail-time",
    "detail-tag-list", "afcbc-body", "kbwscwlrl", "PhotoCMS_Caption", "VideoCMS_Caption",
    "box-stream-item", "box-category-item",
})
# Tags of the structured metadata, looked up by a C-level walk of their own (lxml's tag filter).
INDEXED_TAGS = ("meta", "link", "script")

# What root.iter() yields below an element: elements, comments and processing instructions (no text).
_COUNT_DESCENDANTS = etree.XPath("count(descendant::node()[not(self::text())])")
_get = Element.get  # the unbound method: one attribute lookup less per element of the walk


@lru_cache(maxsize=10_000)  # a template repeats a few dozen class attributes on every page
def _class_info(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the indexed tokens of a class attribute, each once; the stream-entry parts it can mark)."""
    return tuple(token for token in dict.fromkeys(value.split()) if token in INDEXED_CLASSES), markers(value)


class PageIndex:
    def __init__(self, root: Element) -> None:
        self.root = root
        self.position: dict[Element, int] = {}  # filed element -> its number in document order
        self.classes: dict[str, list[Element]] = {}  # class token -> elements
        self.roles: dict[str, list[Element]] = {}  # data-role -> elements
        self.types: dict[str, list[Element]] = {}  # @type, lower-cased -> elements
        # Elements that can mark a part of a stream entry, with their numbers: an entry's parts are then
        # a slice of these, not a walk of its own (an article has ten entries or more).
        self._marked: list[tuple[Element, tuple[str, ...]]] = []
        self._marked_positions: list[int] = []
        position, classes, roles, types = self.position, self.classes, self.roles, self.types
        marked, marked_positions = self._marked, self._marked_positions
        for number, element in enumerate(root.iter()):
            names = element.keys()  # one call is cheaper than looking up two attributes that may be absent
            if not names:
                continue
            if "class" in names and (value := _get(element, "class")):
                tokens, parts = _class_info(value)
                if tokens:
                    position[element] = number
                    for token in tokens:
                        if token in classes:
                            classes[token].append(element)
                        else:
                            classes[token] = [element]
                if parts:
                    marked.append((element, parts))
                    marked_positions.append(number)
            if "data-role" in names and (value := _get(element, "data-role")):
                position[element] = number
                if value in roles:
                    roles[value].append(element)
                else:
                    roles[value] = [element]
            if "type" in names and (value := _get(element, "type")):
                position[element] = number
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
        if tag not in INDEXED_TAGS:
            raise ValueError(f"tag {tag!r} is not indexed: add it to INDEXED_TAGS")
        return self._tags.get(tag, [])

    @cached
    def _tags(self) -> dict[str, list[Element]]:
        tags: dict[str, list[Element]] = {}
        for element in self.root.iter(*INDEXED_TAGS):
            tags.setdefault(element.tag, []).append(element)
        return tags

    def entry_parts(self, entry: Element) -> dict[str, Element]:
        """The parts of a filed stream entry (see entry_parts.first_parts)."""
        positions = self._marked_positions
        start, end = self.position[entry], self._end(entry)
        return first_parts(self._marked[bisect_right(positions, start):bisect_left(positions, end)])

    def in_order(self, elements: Iterable[Element]) -> list[Element]:
        """Distinct filed elements in document order (an XPath union's order)."""
        return sorted(set(elements), key=self.position.__getitem__)

    def first(self, *groups: list[Element]) -> Element | None:
        """The earliest element of several lookups, like the first node of an XPath union."""
        candidates = [group[0] for group in groups if group]
        return min(candidates, key=self.position.__getitem__) if candidates else None

    def following(self, anchor: Element, elements: list[Element]) -> list[Element]:
        """Those of the filed `elements` after `anchor`'s end (XPath's following:: axis: no descendants)."""
        end = self._end(anchor)
        return [e for e in elements if self.position[e] >= end]

    def _end(self, element: Element) -> int:
        """The number just past a filed element's subtree. The walk numbered every node that root.iter()
        yields, so that is the number of the next node after it when that one is filed (the next entry of
        a list, say); otherwise the element's number plus the size of its subtree, counted in libxml2."""
        after = element.getnext()
        if after is not None and (number := self.position.get(after)) is not None:
            return number
        return self.position[element] + 1 + int(_COUNT_DESCENDANTS(element))


def is_inside(element: Element, container: Element) -> bool:
    """Whether `element` is a descendant of `container`."""
    return any(ancestor is container for ancestor in element.iterancestors())


def inside(container: Element, elements: Iterable[Element]) -> list[Element]:
    """Those of `elements` that are descendants of `container`, in their order."""
    return [e for e in elements if is_inside(e, container)]


def following_with_tag(anchor: Element, tag: str) -> Iterator[Element]:
    """The `tag` elements after `anchor`'s end, in document order (XPath's following::tag)."""
    element: Element | None = anchor
    while element is not None:
        for sibling in element.itersiblings():
            yield from sibling.iter(tag)
        element = element.getparent()


def string_value(element: Element) -> str:
    """XPath's string(): the text of the element and its descendants, without comments. A leaf (most
    titles, times and summaries) needs no walk."""
    if len(element) == 0:
        return element.text or ""
    return "".join(element.itertext())
