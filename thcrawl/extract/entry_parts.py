"""The parts of a stream entry (title link, thumbnail link, time, summary, category), told by class name.

Both class families mark a part with the same class-name piece (box-stream-link-title and
box-category-link-title, …-time, …), so a part is found by substring, not by a whole class token.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from thcrawl.extract.nodes import Element

# Parts of an entry, by a class name each part carries in both families (…-link-title, …-time, …).
_PARTS = (("link-title", "link"), ("link-with-avatar", "avatar"), ("-time", "time"), ("-sapo", "sapo"),
          ("-category", "category"))


@lru_cache(maxsize=512)  # a template repeats the same few class attributes in every entry
def markers(classes: str) -> tuple[str, ...]:
    """The parts a class attribute can mark, in _PARTS order."""
    return tuple(part for marker, part in _PARTS if marker in classes) if "box-" in classes else ()


def first_parts(marked: Iterable[tuple[Element, tuple[str, ...]]]) -> dict[str, Element]:
    """Each part's first element, from (element, the parts it can mark) in document order. An element
    marks the first of its parts not found yet."""
    found: dict[str, Element] = {}
    for element, parts in marked:
        for part in parts:
            if part not in found:
                found[part] = element
                break
    return found
