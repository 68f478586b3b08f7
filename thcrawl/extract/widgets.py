"""What sits inside an article's content element but is not the article: boxes, hidden blocks, lists, ads.

One predicate, `is_widget`, decides it for an element of the content (an lxml element, as parsel's
`Selector.root` gives), from what the element is: its tag, its CMS box type, whether the page hides it,
its role-like class names, and whether it is a list of links under a list heading ("TIN MỚI").
The body, the photos and the related entries all ask the same question.
"""

from __future__ import annotations

import re

from lxml import etree

from thcrawl.text import clean

# Tags whose content is never article text.
SKIP_TAGS = {"script", "style", "noscript", "iframe", "figure", "figcaption", "video", "audio", "object",
             "embed", "form", "button", "svg", "img", "picture", "source", "input", "select", "textarea",
             "template", "zone", "nav", "aside", "link", "meta"}
# The CMS's embedded boxes by their type attribute (lower case): photos and videos (media, read apart),
# albums, polls and the related-news box. Any type naming "related" is a related box too.
SKIP_BOX_TYPES = {"photo", "videostream", "video", "relatednewsbox", "layoutalbum", "photoalbum", "vote",
                  "quiz", "quizv2", "embed", "wrapnote-image", "link-content-footer", "sharebox"}
# Class or id pieces that name a box that is not text: related lists, ads, comments, sharing, stream entries.
WIDGET_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:PhotoCMS_Caption|VideoCMS_Caption|relate\w*|ads?|adv\w*|banner\w*|advertisement|"
    r"admzone\w*|box-stream-item|box-category-item|comments?|social\w*|share\w*)"
    r"(?:$|[\s_-])",
    re.I,
)
WIDGET_ID_RE = re.compile(r"^(?:adm|ads|zone|banner)", re.I)
HIDDEN_CLASSES = {"hidden", "hide", "d-none", "hidden-xs-up", "invisible", "sr-only", "visually-hidden"}
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Headings of lists the CMS injects into a body: "tin mới" (latest), "tin liên quan" (related), "đọc thêm"
# and "xem thêm" (read/see more), "có thể bạn quan tâm" (you may like), "tin cùng chuyên mục" (same section).
LIST_HEADING_RE = re.compile(
    r"^(?:tin mới|tin liên quan|đọc thêm|xem thêm|có thể bạn quan tâm|tin cùng chuyên mục|cùng chuyên mục|"
    r"tin khác|related|read more|see also)\b",
    re.I,
)
_CONTAINER_TAGS = {"div", "section", "ul", "ol", "table", "span"}
# What wraps a photo or a video of the article itself (not a widget around it).
MEDIA_BOX_TYPES = {"photo", "videostream", "video"}
MEDIA_WRAPPERS = {"figure", "picture", "source", "a"}


def tag_of(element: etree._Element) -> str:
    """The element's tag name, "" for comments and processing instructions."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def is_hidden(element: etree._Element) -> bool:
    attributes = element.attrib
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    if HIDDEN_STYLE_RE.search(attributes.get("style", "")):
        return True
    return not HIDDEN_CLASSES.isdisjoint(attributes.get("class", "").split())


def is_related_box(element: etree._Element) -> bool:
    """A box of links to other articles, by its CMS type or its class naming it "related"."""
    kind = element.get("type", "").lower()
    return "related" in kind or bool(re.search(r"relate", element.get("class", ""), re.I))


# Compiled once: element.xpath() would compile its query again at every call, which costs more than running it.
_TEXT = etree.XPath("string()")
_TEXT_OUTSIDE_LINKS = etree.XPath("descendant::text()[not(ancestor::a)][not(ancestor::script)]"
                                  "[not(ancestor::style)]")
_LINKS_WITH_HREF = etree.XPath("descendant::a[@href]")
_HAS_LIST_ITEM = etree.XPath("boolean(descendant::li)")


def _text_outside_links(element: etree._Element) -> str:
    return clean("".join(_TEXT_OUTSIDE_LINKS(element)))


def is_link_list(element: etree._Element) -> bool:
    """A list injected into the body: a container whose first words are a list heading ("TIN MỚI"), or
    whose text all sits in links while it holds links to several pages."""
    if tag_of(element) not in _CONTAINER_TAGS:
        return False
    # Both tests below need a link inside; most containers of a body have none, and need not be read.
    if next(element.iterdescendants("a"), None) is None:
        return False
    if LIST_HEADING_RE.match(clean(_TEXT(element)).lower()):
        return True
    # The text outside links is read last: it is the costly test.
    return len(_LINKS_WITH_HREF(element)) >= 2 and _HAS_LIST_ITEM(element) and not _text_outside_links(element)


def is_widget(element: etree._Element) -> bool:
    """Whether an element of the content is not article text (nor its photos)."""
    tag = tag_of(element)
    if not tag:
        return True  # comments: the CMS leaves timestamps in them
    if tag in SKIP_TAGS:
        return True
    attributes = element.attrib
    if not attributes and tag not in _CONTAINER_TAGS:
        return False  # most paragraphs have no attribute
    kind = attributes.get("type", "").lower()
    if kind in SKIP_BOX_TYPES or "related" in kind:
        return True
    if is_hidden(element):
        return True
    if WIDGET_CLASS_RE.search(attributes.get("class", "")) or WIDGET_ID_RE.match(attributes.get("id", "")):
        return True
    if "zoneid" in " ".join(attributes) and "relatednews" in " ".join(attributes.values()).lower():
        return True  # data-marked-zoneid="…_relatednewsbox": a box the ad server fills
    return is_link_list(element)


def inside_widget(element: etree._Element, stop: etree._Element) -> bool:
    """Whether the element, or any ancestor below `stop`, is a widget other than a photo or video box."""
    ancestors = []
    node = element.getparent()
    while node is not None and node is not stop:
        ancestors.append(node)
        node = node.getparent()
    # Outermost first: a box is told by its type or class at once, while the lists inside it need their text.
    for node in reversed(ancestors):
        kind = node.get("type", "").lower()
        if kind not in MEDIA_BOX_TYPES and tag_of(node) not in MEDIA_WRAPPERS and is_widget(node):
            return True
    return False
