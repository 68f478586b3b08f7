"""The article page object: every field of an Article, each from the first layer that has it.

Layers, in order: structured metadata (JSON-LD, og:/article: meta, canonical link), then the CMS
family's markup, then (body only) a generic extractor. `extraction` records which layer gave what.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from thcrawl.dates import to_iso
from thcrawl.extract import body as body_text
from thcrawl.extract.document import load
from thcrawl.extract.index import PageIndex
from thcrawl.extract.lazy import cached
from thcrawl.extract.metadata import Metadata
from thcrawl.extract.nodes import (
    Element,
    ancestors,
    class_has,
    descendants,
    first_with_tag,
    following_with_tag,
    inside,
    string_value,
    text_of,
    with_tag,
)
from thcrawl.extract.stream import image_url, parse_entries
from thcrawl.items import Article, Image, RelatedEntry, SeeMoreEntry, Video
from thcrawl.text import clean, clean_unescaped
from thcrawl.urls import absolute, article_id, full_size_image, id_created_at, without_fragment

JSONLD, META, CMS, TRAILING, FALLBACK, URL = "jsonld", "meta", "cms", "cms-trailing-paragraph", "fallback", "url"

# "Nguồn: Thời sự tối …": the source line (the TV programme the report aired in). "Nguồn" = "source".
SOURCE_RE = re.compile(r"^\s*Nguồn\s*:\s*(.+)$", re.IGNORECASE)
# Names joined by dashes, commas, "và" ("and") or "&" in an author line.
AUTHOR_SPLIT_RE = re.compile(r"\s+[–—-]\s+|\s*[,;/&]\s*|\s+và\s+")
# Credit prefixes before names: "Bài, ảnh:" (text, photos), "PV:" (reporter), "Nhóm PV" (reporters).
AUTHOR_PREFIX_RE = re.compile(
    r"^(?:(?:bài|ảnh|video|clip|thực hiện|bài và ảnh|bài, ảnh|bài - ảnh|pv|btv|phóng viên|nhóm pv)\s*[:,]\s*)+",
    re.IGNORECASE,
)
# "Xem thêm" = "see more"; other headings the family uses for the list under an article.
SEE_MORE_HEADINGS = ("xem thêm", "tin khác", "tin cùng chuyên mục", "tin mới nhất", "tin mới")
COMMENTS_MARKERS = ("bình luận", "ý kiến bạn đọc")  # "comments", "readers' opinions"


def split_authors(text: str | None) -> list[str]:
    text = AUTHOR_PREFIX_RE.sub("", clean(text))
    return [name for name in (clean(part) for part in AUTHOR_SPLIT_RE.split(text)) if name]


def looks_like_author_line(text: str) -> bool:
    """A short trailing paragraph made only of capitalised names ("Lan Anh – Minh Đức")."""
    if not text or len(text) > 80 or any(ch.isdigit() for ch in text) or text.endswith((".", ":", "?", "!")):
        return False
    names = split_authors(text)
    if not names or len(names) > 4:
        return False
    for name in names:
        words = name.replace("(", "").replace(")", "").split()
        if not 1 <= len(words) <= 5 or not all(w[0].isupper() for w in words):
            return False
    return True


# Whole-page lookups go through the PageIndex (one walk); the few below walk small subtrees.
_VIDEO_SOURCES = (("video", "src"), ("source", "src"), ("iframe", "src"))  # (tag, attribute), any first
_VIDEO_POSTERS = (("video", "poster"), ("img", "src"))
_HEADING_TAGS = ("h2", "h3", "h4")
_ENTRY_CLASSES = ("box-stream-item", "box-category-item")
_LIST_CONTAINER_DEPTH = 3
_VIDEO_TYPES = ("videostream", "video")  # the CMS's video boxes, by their type attribute (any case)
# Embedded boxes whose images are not the article's photos.
_FOREIGN_IMAGE_BOXES = ("RelatedNewsBox", "VideoStream")


def _first_attribute(element: Element, candidates: tuple[tuple[str, str], ...]) -> str | None:
    """The first value, in document order, of any (tag, attribute) pair below `element`."""
    for node in descendants(element):
        for tag, name in candidates:
            if node.tag == tag and (value := node.attributes.get(name)) is not None:
                return value
    return None


def _in_entry(element: Element) -> bool:
    return any(class_has(ancestor, _ENTRY_CLASSES) for ancestor in ancestors(element))


def _headings_in(container: Element) -> list[Element]:
    """Headings inside a list's container that may name it: h2-h4 or *title* elements, outside the entries."""
    headings = []
    for node in descendants(container):
        classes = node.attributes.get("class") or ""
        if (node.tag in _HEADING_TAGS or ("title" in classes and "link-title" not in classes)) and not _in_entry(node):
            headings.append(node)
    return headings


def _first(found: list[Any]) -> Any:
    return found[0] if found else None


def _distinct(elements: Any) -> list[Any]:
    """Elements gathered container by container, in document order, each once: the containers come in
    document order, and a nested one's elements were met inside its ancestor first."""
    return list(dict.fromkeys(elements))


def _photo_box(img: Any, content: Any) -> tuple[Any, bool]:
    """(the nearest <figure> or CMS photo box around an image, whether the image sits in a box of other
    content: a related-news box or a video), from one walk up to the article's content element."""
    box, content_id = None, content.mem_id
    for ancestor in ancestors(img):
        attributes = ancestor.attributes
        if attributes.get("type") in _FOREIGN_IMAGE_BOXES:
            return box, True
        if box is None and (ancestor.tag == "figure" or "VCSortableInPreviewMode" in (attributes.get("class") or "")):
            box = ancestor
        if ancestor.mem_id == content_id:
            break
    return box, False


class ArticlePage:
    """An article page of the site. `body` is the raw response, `url` the URL it was fetched from."""

    def __init__(self, body: bytes, url: str, content_type: str | None = None,
                 tree: LexborHTMLParser | None = None) -> None:
        self.url = url
        self.tree = tree if tree is not None else load(body, content_type)
        self.root = self.tree.root
        self.index = PageIndex(self.root)
        self.meta = Metadata(self.index)
        self.extraction: dict[str, str | None] = {}

    # -- helpers -------------------------------------------------------------------------------------
    def _layer(self, field: str, *candidates: tuple[str, Callable[[], Any]]) -> Any:
        """The first non-empty candidate, each computed only if the ones before it were empty; records
        its layer in `extraction`."""
        for layer, compute in candidates:
            value = compute()
            if value:
                self.extraction[field] = layer
                return value
        self.extraction[field] = None
        return None

    @cached
    def _content(self) -> Any:
        index = self.index
        return index.first([e for e in index.with_role("content") if e.tag == "div"],
                           [e for e in index.with_class("afcbc-body", "div") if "detail-content" in e.attributes["class"]])

    @cached
    def _jsonld(self) -> dict[str, Any]:
        return self.meta.article

    # -- identity ------------------------------------------------------------------------------------
    @cached
    def canonical_url(self) -> str:
        jsonld_page = self._jsonld.get("mainEntityOfPage")
        jsonld_url = jsonld_page.get("@id") if isinstance(jsonld_page, dict) else jsonld_page
        for candidate in (self.meta.canonical, jsonld_url if isinstance(jsonld_url, str) else None):
            url = absolute(candidate, self.url)
            if url and article_id(url):
                return without_fragment(url)
        return without_fragment(self.url)

    @cached
    def id(self) -> str | None:
        return article_id(self.canonical_url) or article_id(self.url)

    @property
    def id_created_at(self) -> str | None:
        return to_iso(id_created_at(self.id))

    # -- header fields -------------------------------------------------------------------------------
    @cached
    def title(self) -> str | None:
        return self._layer(
            "title",
            (JSONLD, lambda: clean_unescaped(self._jsonld.get("headline"))),
            (META, lambda: clean(self.meta.meta("og:title"))),
            (CMS, lambda: text_of(self.index.first(self.index.with_class("detail-title", "h1"),
                                                 self.index.with_role("title")))),
        )

    @cached
    def sapo(self) -> str | None:
        return self._layer(
            "sapo",
            (JSONLD, lambda: clean_unescaped(self._jsonld.get("description"))),
            (META, lambda: clean(self.meta.meta("og:description") or self.meta.meta("description"))),
            (CMS, lambda: text_of(self.index.first(self.index.with_class("detail-sapo", "h2"),
                                                 self.index.with_role("sapo")))),
        )

    def _jsonld_authors(self) -> list[str]:
        authors = self._jsonld.get("author")
        entries = authors if isinstance(authors, list) else [authors] if authors else []
        names = []
        for entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else entry
            if isinstance(name, str):
                names.extend(split_authors(clean_unescaped(name)))
        site = clean(self.meta.meta("og:site_name")).lower() if names else ""
        return [n for n in names if n.lower() != site]  # some templates name the site as author

    @cached
    def authors(self) -> list[str]:
        return self._layer(
            "authors",
            (JSONLD, self._jsonld_authors),
            (CMS, lambda: [a for node in self.index.with_class("detail-author-top-name")
                           for a in split_authors(string_value(node))]),
            (TRAILING, lambda: split_authors(self._trailing_author)),
        ) or []

    @cached
    def category(self) -> str | None:
        return self._category[0]

    @cached
    def category_url(self) -> str | None:
        return self._category[1]

    @cached
    def _category(self) -> tuple[str | None, str | None]:
        crumbs = [c for c in self.meta.breadcrumb[1:] if c.get("name")]  # [0] is the home page
        if crumbs:
            self.extraction["category"] = JSONLD
            return clean_unescaped(crumbs[-1]["name"]), absolute(crumbs[-1].get("url"), self.url)
        crumbs = _distinct(a for div in self.index.with_class("detail-breadcrumb", "div") for a in with_tag(div, "a"))
        links = [a for a in crumbs if a.attributes.get("data-role") == "cate-name"] or crumbs
        if links:
            self.extraction["category"] = CMS
            return text_of(links[-1]) or None, absolute(links[-1].attributes.get("href"), self.url)
        self.extraction["category"] = None
        return None, None

    # -- dates ---------------------------------------------------------------------------------------
    @cached
    def published_raw(self) -> str | None:
        time = self.index.first(self.index.with_role("publishdate"), self.index.with_class("detail-time", "div"))
        return text_of(time) or self._published_meta

    @cached
    def _published_meta(self) -> str | None:
        return self._jsonld.get("datePublished") or self.meta.meta("article:published_time")

    @property
    def published_at(self) -> str | None:
        """The machine-readable date from metadata when there is one (normalised by the date step)."""
        self._layer("published_at",
                    (JSONLD, lambda: self._jsonld.get("datePublished")),
                    (META, lambda: self.meta.meta("article:published_time")),
                    (CMS, lambda: self.published_raw))
        return self._published_meta

    @property
    def modified_at(self) -> str | None:
        return self._jsonld.get("dateModified") or self.meta.meta("article:modified_time")

    # -- body ----------------------------------------------------------------------------------------
    @cached
    def _cms_paragraphs(self) -> list[str]:
        return body_text.paragraphs(self._content) if self._content is not None else []

    @cached
    def _split_body(self) -> tuple[list[str], str | None, str | None]:
        """(body paragraphs, source line, trailing author line) from the CMS paragraphs."""
        paragraphs = list(self._cms_paragraphs)
        source = author = None
        for index in range(len(paragraphs) - 1, -1, -1):
            match = SOURCE_RE.match(paragraphs[index])
            if match and len(paragraphs[index]) < 200:
                source = clean(match.group(1))
                del paragraphs[index]
                break
        if paragraphs and looks_like_author_line(paragraphs[-1]):
            author = paragraphs.pop()
        return paragraphs, source, author

    @property
    def _trailing_author(self) -> str | None:
        return self._split_body[2]

    @cached
    def body_paragraphs(self) -> list[str]:
        paragraphs = self._split_body[0]
        if paragraphs:
            self.extraction["body"] = CMS
            return paragraphs
        from thcrawl.extract.fallback import generic_paragraphs  # trafilatura loads slowly; rarely needed

        paragraphs = generic_paragraphs(self.tree.html)
        self.extraction["body"] = FALLBACK if paragraphs else None
        return paragraphs

    @property
    def body(self) -> str:
        return "\n\n".join(self.body_paragraphs)

    @cached
    def source(self) -> str | None:
        if self._split_body[1]:
            return self._split_body[1]
        # Some templates print the source line just after the content block, outside it.
        if self._content is None:
            return None
        for paragraph in following_with_tag(self._content, "p"):
            if "Nguồn" not in string_value(paragraph):
                continue
            text = text_of(paragraph)
            match = SOURCE_RE.match(text)
            if match and len(text) < 200:
                return clean(match.group(1))
        return None

    # -- media ---------------------------------------------------------------------------------------
    @cached
    def images(self) -> list[Image]:
        if self._content is None:
            return []
        images = []
        for img in with_tag(self._content, "img"):
            src = image_url(img)
            url = absolute(full_size_image(src), self.url) if src else None
            if not url:
                continue
            box, foreign = _photo_box(img, self._content)
            if foreign:
                continue
            caption = text_of(_first(inside(box, self.index.with_class("PhotoCMS_Caption")))) if box is not None else ""
            images.append(Image(url=url, alt=clean(img.attributes.get("alt")) or None, caption=caption or None))
        return images

    @cached
    def videos(self) -> list[Video]:
        if self._content is None:
            return []
        videos = []
        for box in inside(self._content, self.index.with_type(*_VIDEO_TYPES)):
            attributes = box.attributes
            url = attributes.get("data-vid") or attributes.get("data-src") or _first_attribute(box, _VIDEO_SOURCES)
            poster = (attributes.get("data-thumb") or attributes.get("data-poster")
                      or _first_attribute(box, _VIDEO_POSTERS))
            caption = text_of(_first(inside(box, self.index.with_class("VideoCMS_Caption")))) or None
            videos.append(Video(url=absolute(url, self.url), poster=absolute(poster, self.url), caption=caption))
        return videos

    # -- lists ---------------------------------------------------------------------------------------
    @cached
    def tags(self) -> list[str]:
        links = _distinct(a for ul in self.index.with_class("detail-tag-list", "ul") for a in with_tag(ul, "a"))
        return list(dict.fromkeys(name for name in (text_of(a) for a in links) if name))

    @cached
    def related(self) -> list[RelatedEntry]:
        entries = []
        for li in self.index.with_class("kbwscwlrl", "li"):
            attributes = li.attributes
            link = first_with_tag(li, "a")
            url = absolute(attributes.get("data-url") or (link.attributes.get("href") if link is not None else None),
                           self.url)
            if not url or any(e.url == url for e in entries):
                continue
            title = clean(attributes.get("data-title")) or text_of(link)
            entries.append(RelatedEntry(id=attributes.get("data-id") or article_id(url), url=url,
                                        title=title or None, published_raw=clean(attributes.get("data-date")) or None))
        return entries

    @cached
    def see_more(self) -> list[SeeMoreEntry]:
        entries = parse_entries(self._see_more_nodes(), self.url, SeeMoreEntry, self.index.entry_parts)
        return [entry for entry in entries if entry.id != self.id]

    def _see_more_nodes(self) -> list[Any]:
        """The stream entries after the body. When they form several lists (a sidebar, say), the list
        whose container has a "xem thêm" heading; failing that, all of them."""
        if self._content is None:
            return []
        index = self.index
        entries = index.following(self._content, index.in_order(index.with_class("box-stream-item")
                                                                + index.with_class("box-category-item")))
        groups: dict[Any, list[Any]] = {}
        for entry in entries:
            groups.setdefault(entry.parent, []).append(entry)
        if len(groups) <= 1:
            return entries
        for parent, nodes in groups.items():
            container = parent
            for _ in range(_LIST_CONTAINER_DEPTH):
                for heading in _headings_in(container):
                    text = text_of(heading).lower()
                    if len(text) <= 40 and text.startswith(SEE_MORE_HEADINGS) and not any(
                            m in text for m in COMMENTS_MARKERS):
                        return nodes
                container = container.parent
                if container is None or not container.is_element_node:
                    break
        return entries

    # -- the item ------------------------------------------------------------------------------------
    @property
    def lang(self) -> str | None:
        html = self.root if self.root is not None and self.root.tag == "html" else None
        return clean(html.attributes.get("lang") if html is not None else None) or self._jsonld.get("inLanguage") or "vi"

    def is_article(self) -> bool:
        return bool(self.title) and bool(self.id or self.body_paragraphs)

    def to_item(self, crawled_at: str | None = None) -> Article:
        body = self.body
        return Article(
            id=self.id, url=self.canonical_url, category=self.category, category_url=self.category_url,
            title=self.title, sapo=self.sapo, authors=self.authors, published_raw=self.published_raw,
            published_at=self.published_at, modified_at=self.modified_at, id_created_at=self.id_created_at,
            body=body, images=self.images, videos=self.videos, source=self.source, tags=self.tags,
            related=self.related, see_more=self.see_more, lang=self.lang, crawled_at=crawled_at,
            content_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest() if body else None,
            extraction=dict(self.extraction),
        )
