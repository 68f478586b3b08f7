"""One walk over a parsed page that files its elements by what the page objects look them up by.

Each CSS query scans the whole tree (lexbor's selector engine costs ~8 µs a query on an article page), and an
article needs about ten of them (content, time, tags, related box, list entries, JSON-LD, captions, video
boxes, meta and link tags). One Python walk that files elements by class token, data-role, type and tag
costs about as much as two such queries, and every later lookup is a dictionary read. Lists keep document
order. (lexbor's own lookup by tag name, run twice for meta and link, executed more instructions than the
walk's reads of the tag.)

The walk does as little as it can per node, since it visits all of them: one read of the attributes, and
the class, data-role and type among them. Only the elements it files get a position, so the order-aware
lookups below take filed elements only; `nodes.inside` walks up from the element instead.

Only the class tokens in INDEXED_CLASSES are filed (splitting every class attribute of a page cost more
than the rest of the walk); asking for another one is an error, so that a new lookup cannot silently
find nothing. The same holds for tags.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

from thcrawl.extract.entry_parts import first_parts, markers
from thcrawl.extract.nodes import Element, is_inside

# The class tokens the page objects look elements up by (the CMS family's markup, ../shared/site-facts.md).
INDEXED_CLASSES = frozenset({
    "detail-title", "detail-sapo", "detail-author-top-name", "detail-breadcrumb", "detail-time",
    "detail-tag-list", "afcbc-body", "kbwscwlrl", "PhotoCMS_Caption", "VideoCMS_Caption",
    "box-stream-item", "box-category-item",
})
# Tags of the structured metadata (JSON-LD scripts are filed by their type).
INDEXED_TAGS = frozenset({"meta", "link"})


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
        self.tags: dict[str, list[Element]] = {}  # tag in INDEXED_TAGS -> elements
        # Elements that can mark a part of a stream entry, with their numbers: an entry's parts are then
        # a slice of these, not a walk of its own (an article has ten entries or more).
        self._marked: list[tuple[Element, tuple[str, ...]]] = []
        self._marked_positions: list[int] = []
        position, classes, roles, types, tags = self.position, self.classes, self.roles, self.types, self.tags
        marked, marked_positions = self._marked, self._marked_positions
        # traverse() yields elements and comments (not text): the numbering _end() counts with.
        for number, element in enumerate(root.traverse()):
            attributes = element.attributes
            if not attributes:
                continue
            # Only a meta tag with content or a link with rel is of use: the tag is read for those alone.
            if ("content" in attributes or "rel" in attributes) and (tag := element.tag) in INDEXED_TAGS:
                tags.setdefault(tag, []).append(element)
            if value := attributes.get("class"):
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
            if value := attributes.get("data-role"):
                position[element] = number
                if value in roles:
                    roles[value].append(element)
                else:
                    roles[value] = [element]
            if value := attributes.get("type"):
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
        return self.tags.get(tag, [])

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
        """Those of the filed `elements`, in document order, after `anchor`'s end (XPath's following:: axis:
        no descendants). In document order, once one of them is after the anchor and outside it, so are all
        the rest: only the first ones after the anchor are checked for being inside it."""
        start = self.position[anchor]
        for number, element in enumerate(elements):
            if self.position[element] > start and not is_inside(element, anchor):
                return elements[number:]
        return []

    def _end(self, element: Element) -> int:
        """The number just past a filed element's subtree. The walk numbered every node that traverse()
        yields, so that is the number of the next node after it when that one is filed (the next entry of
        a list, say); otherwise the element's number plus the size of its subtree."""
        after = element.next
        while after is not None and after.is_text_node:
            after = after.next
        if after is not None and (number := self.position.get(after)) is not None:
            return number
        return self.position[element] + sum(1 for _ in element.traverse())
