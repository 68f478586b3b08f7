"""Small helpers over lexbor (selectolax) nodes, shared by the page objects.

lexbor makes a new Python object each time a node is reached, so nodes are never compared with `is`. Nor
with ==: on two different nodes it serialises both subtrees to compare their HTML. Compare `mem_id`s; as
dictionary keys and in sets nodes are fine (they hash by mem_id, and == is only asked of the same node).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from thcrawl.text import clean

Element = LexborNode


def descendants(element: Element) -> Iterator[Element]:
    """The element's descendants in document order (elements and comments, no text), itself excluded."""
    nodes = element.traverse()
    next(nodes)  # traverse() starts with the element itself
    return nodes


def is_inside(element: Element, container: Element) -> bool:
    """Whether `element` is a descendant of `container`."""
    wanted = container.mem_id
    ancestor = element.parent
    while ancestor is not None:
        if ancestor.mem_id == wanted:
            return True
        ancestor = ancestor.parent
    return False


def inside(container: Element, elements: Iterable[Element]) -> list[Element]:
    """Those of `elements` that are descendants of `container`, in their order."""
    return [e for e in elements if is_inside(e, container)]


def ancestors(element: Element) -> Iterator[Element]:
    """The element's ancestors, nearest first, up to the root element."""
    ancestor = element.parent
    while ancestor is not None and ancestor.is_element_node:
        yield ancestor
        ancestor = ancestor.parent


def following_siblings(element: Element) -> Iterator[Element]:
    """The element siblings after `element` (text and comments skipped)."""
    sibling = element.next
    while sibling is not None:
        if sibling.is_element_node:
            yield sibling
        sibling = sibling.next


def with_tag(element: Element, tag: str) -> Iterator[Element]:
    """`element` and its descendants with this tag, in document order."""
    return (node for node in element.traverse() if node.tag == tag)


def first_with_tag(element: Element, tag: str) -> Element | None:
    """The first of `element` and its descendants with this tag."""
    for node in element.traverse():
        if node.tag == tag:
            return node
    return None


def following_with_tag(anchor: Element, tag: str) -> Iterator[Element]:
    """The `tag` elements after `anchor`'s end, in document order (XPath's following::tag)."""
    element: Element | None = anchor
    while element is not None and element.is_element_node:
        for sibling in following_siblings(element):
            yield from with_tag(sibling, tag)
        element = element.parent


def string_value(element: Element) -> str:
    """XPath's string(): the text of the element and its descendants, without comments."""
    return element.text()


def text_of(element: Element | None) -> str:
    """The cleaned text of an element, "" for none."""
    return clean(string_value(element)) if element is not None else ""


def class_has(element: Element, names: tuple[str, ...]) -> bool:
    """Whether the element's class attribute contains any of `names` (as parts: the family's templates vary
    the prefixes and suffixes of class names)."""
    classes = element.attributes.get("class") or ""
    return any(name in classes for name in names)


def attribute_of(tree: LexborHTMLParser, css: str, name: str) -> str | None:
    """An attribute of the first element matching `css`, or None."""
    element = tree.css_first(css)
    return element.attributes.get(name) if element is not None else None
