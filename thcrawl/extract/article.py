"""The article page object: every field of an Article, each from the first layer that has it.

Layers, in order: structured metadata (JSON-LD, og:/article: meta, canonical link), then the CMS
family's markup, then (body only) a generic extractor. `extraction` records which layer gave what.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any

from lxml import etree
from parsel import Selector

from thcrawl.dates import to_iso
from thcrawl.extract import body as body_text
from thcrawl.extract.document import load
from thcrawl.extract.metadata import Metadata
from thcrawl.extract.stream import ENTRY_XPATH, image_url, parse_entries
from thcrawl.items import Article, Image, RelatedEntry, SeeMoreEntry, Video
from thcrawl.text import clean, clean_unescaped
from thcrawl.urls import absolute, article_id, full_size_image, id_created_at, without_fragment

JSONLD, META, CMS, TRAILING, FALLBACK, URL = "jsonld", "meta", "cms", "cms-trailing-paragraph", "fallback", "url"

CONTENT_XPATH = (
    "//div[@data-role='content'] | //div[contains(@class, 'detail-content')][contains(@class, 'afcbc-body')]"
)
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


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Every query of the page, compiled once: parsel's per-call wrappers cost more than the queries.
_STRING = etree.XPath("string()")
_CONTENT = etree.XPath(CONTENT_XPATH)
_TITLE = etree.XPath(f"//h1[{_has_class('detail-title')}] | //*[@data-role='title']")
_SAPO = etree.XPath(f"//h2[{_has_class('detail-sapo')}] | //*[@data-role='sapo']")
_AUTHORS = etree.XPath(f"//*[{_has_class('detail-author-top-name')}]")
_CRUMBS_NAMED = etree.XPath(f"//div[{_has_class('detail-breadcrumb')}]//a[@data-role='cate-name']")
_CRUMBS = etree.XPath(f"//div[{_has_class('detail-breadcrumb')}]//a")
_TIME = etree.XPath(f"//*[@data-role='publishdate'] | //div[{_has_class('detail-time')}]")
_IMAGES = etree.XPath(".//img[not(ancestor::*[@type='RelatedNewsBox' or @type='VideoStream'])]")
_PHOTO_BOX = etree.XPath("ancestor::*[contains(@class, 'VCSortableInPreviewMode')][1] | ancestor::figure[1]")
_PHOTO_CAPTION = etree.XPath(f".//*[{_has_class('PhotoCMS_Caption')}]")
_VIDEOS = etree.XPath(".//*[@type='VideoStream' or @type='Video']")
_VIDEO_SRC = etree.XPath(".//video/@src | .//source/@src | .//iframe/@src")
_VIDEO_POSTER = etree.XPath(".//video/@poster | .//img/@src")
_VIDEO_CAPTION = etree.XPath(f".//*[{_has_class('VideoCMS_Caption')}]")
_TAGS = etree.XPath(f"//ul[{_has_class('detail-tag-list')}]//a")
_RELATED = etree.XPath(f"//li[{_has_class('kbwscwlrl')}]")
_RELATED_LINK = etree.XPath(".//a")
# Headings inside a list's container that may name it: h2-h4 or *title* elements outside the entries.
_HEADINGS_IN = etree.XPath(
    ".//*[self::h2 or self::h3 or self::h4 or (contains(@class, 'title') and not(contains(@class, 'link-title')))]"
    "[not(ancestor::*[contains(@class, 'box-stream-item') or contains(@class, 'box-category-item')])]")
_ENTRIES_AFTER = etree.XPath("following::*" + ENTRY_XPATH.removeprefix("//*"))
_LIST_CONTAINER_DEPTH = 3
_SOURCE_AFTER_BODY = etree.XPath(f"({CONTENT_XPATH})/following::p[contains(., 'Nguồn')]")
_LANG = etree.XPath("/html/@lang")


def _text(element: Any) -> str:
    return clean(_STRING(element)) if element is not None else ""


def _first(found: list[Any]) -> Any:
    return found[0] if found else None


class ArticlePage:
    """An article page of the site. `body` is the raw response, `url` the URL it was fetched from."""

    def __init__(self, body: bytes, url: str, content_type: str | None = None,
                 selector: Selector | None = None) -> None:
        self.url = url
        self.sel = selector if selector is not None else load(body, content_type)
        self.root = self.sel.root
        self.meta = Metadata(self.sel)
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

    @cached_property
    def _content(self) -> Any:
        return _first(_CONTENT(self.root))

    @cached_property
    def _jsonld(self) -> dict[str, Any]:
        return self.meta.article

    # -- identity ------------------------------------------------------------------------------------
    @cached_property
    def canonical_url(self) -> str:
        jsonld_page = self._jsonld.get("mainEntityOfPage")
        jsonld_url = jsonld_page.get("@id") if isinstance(jsonld_page, dict) else jsonld_page
        for candidate in (self.meta.canonical, jsonld_url if isinstance(jsonld_url, str) else None):
            url = absolute(candidate, self.url)
            if url and article_id(url):
                return without_fragment(url)
        return without_fragment(self.url)

    @cached_property
    def id(self) -> str | None:
        return article_id(self.canonical_url) or article_id(self.url)

    @property
    def id_created_at(self) -> str | None:
        return to_iso(id_created_at(self.id))

    # -- header fields -------------------------------------------------------------------------------
    @cached_property
    def title(self) -> str | None:
        return self._layer(
            "title",
            (JSONLD, lambda: clean_unescaped(self._jsonld.get("headline"))),
            (META, lambda: clean(self.meta.meta("og:title"))),
            (CMS, lambda: _text(_first(_TITLE(self.root)))),
        )

    @cached_property
    def sapo(self) -> str | None:
        return self._layer(
            "sapo",
            (JSONLD, lambda: clean_unescaped(self._jsonld.get("description"))),
            (META, lambda: clean(self.meta.meta("og:description") or self.meta.meta("description"))),
            (CMS, lambda: _text(_first(_SAPO(self.root)))),
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

    @cached_property
    def authors(self) -> list[str]:
        return self._layer(
            "authors",
            (JSONLD, self._jsonld_authors),
            (CMS, lambda: [a for node in _AUTHORS(self.root) for a in split_authors(_STRING(node))]),
            (TRAILING, lambda: split_authors(self._trailing_author)),
        ) or []

    @cached_property
    def category(self) -> str | None:
        return self._category[0]

    @cached_property
    def category_url(self) -> str | None:
        return self._category[1]

    @cached_property
    def _category(self) -> tuple[str | None, str | None]:
        crumbs = [c for c in self.meta.breadcrumb[1:] if c.get("name")]  # [0] is the home page
        if crumbs:
            self.extraction["category"] = JSONLD
            return clean_unescaped(crumbs[-1]["name"]), absolute(crumbs[-1].get("url"), self.url)
        links = _CRUMBS_NAMED(self.root) or _CRUMBS(self.root)
        if links:
            self.extraction["category"] = CMS
            return _text(links[-1]) or None, absolute(links[-1].get("href"), self.url)
        self.extraction["category"] = None
        return None, None

    # -- dates ---------------------------------------------------------------------------------------
    @cached_property
    def published_raw(self) -> str | None:
        return _text(_first(_TIME(self.root))) or self._published_meta

    @cached_property
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
    @cached_property
    def _cms_paragraphs(self) -> list[str]:
        return body_text.paragraphs(self._content) if self._content is not None else []

    @cached_property
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

    @cached_property
    def body_paragraphs(self) -> list[str]:
        paragraphs = self._split_body[0]
        if paragraphs:
            self.extraction["body"] = CMS
            return paragraphs
        from thcrawl.extract.fallback import generic_paragraphs  # trafilatura loads slowly; rarely needed

        paragraphs = generic_paragraphs(self.sel)
        self.extraction["body"] = FALLBACK if paragraphs else None
        return paragraphs

    @property
    def body(self) -> str:
        return "\n\n".join(self.body_paragraphs)

    @cached_property
    def source(self) -> str | None:
        if self._split_body[1]:
            return self._split_body[1]
        # Some templates print the source line just after the content block, outside it.
        for paragraph in _SOURCE_AFTER_BODY(self.root):
            text = _text(paragraph)
            match = SOURCE_RE.match(text)
            if match and len(text) < 200:
                return clean(match.group(1))
        return None

    # -- media ---------------------------------------------------------------------------------------
    @cached_property
    def images(self) -> list[Image]:
        if self._content is None:
            return []
        images = []
        for img in _IMAGES(self._content):
            src = image_url(img)
            url = absolute(full_size_image(src), self.url) if src else None
            if not url:
                continue
            box = _PHOTO_BOX(img)
            caption = _text(_first(_PHOTO_CAPTION(box[-1]))) if box else ""
            images.append(Image(url=url, alt=clean(img.get("alt")) or None, caption=caption or None))
        return images

    @cached_property
    def videos(self) -> list[Video]:
        if self._content is None:
            return []
        videos = []
        for box in _VIDEOS(self._content):
            url = box.get("data-vid") or box.get("data-src") or _first(_VIDEO_SRC(box))
            poster = box.get("data-thumb") or box.get("data-poster") or _first(_VIDEO_POSTER(box))
            caption = _text(_first(_VIDEO_CAPTION(box))) or None
            videos.append(Video(url=absolute(url, self.url), poster=absolute(poster, self.url), caption=caption))
        return videos

    # -- lists ---------------------------------------------------------------------------------------
    @cached_property
    def tags(self) -> list[str]:
        return list(dict.fromkeys(name for name in (_text(a) for a in _TAGS(self.root)) if name))

    @cached_property
    def related(self) -> list[RelatedEntry]:
        entries = []
        for li in _RELATED(self.root):
            link = _first(_RELATED_LINK(li))
            url = absolute(li.get("data-url") or (link.get("href") if link is not None else None), self.url)
            if not url or any(e.url == url for e in entries):
                continue
            title = clean(li.get("data-title")) or _text(link)
            entries.append(RelatedEntry(id=li.get("data-id") or article_id(url), url=url,
                                        title=title or None, published_raw=clean(li.get("data-date")) or None))
        return entries

    @cached_property
    def see_more(self) -> list[SeeMoreEntry]:
        entries = parse_entries(self._see_more_nodes(), self.url)
        return [SeeMoreEntry(id=e.id, url=e.url, title=e.title, published_raw=e.published_raw,
                             summary=e.summary, thumbnail=e.thumbnail) for e in entries if e.id != self.id]

    def _see_more_nodes(self) -> list[Any]:
        """The stream entries after the body. When they form several lists (a sidebar, say), the list
        whose container has a "xem thêm" heading; failing that, all of them."""
        if self._content is None:
            return []
        entries = _ENTRIES_AFTER(self._content)
        groups: dict[Any, list[Any]] = {}
        for entry in entries:
            groups.setdefault(entry.getparent(), []).append(entry)
        if len(groups) <= 1:
            return entries
        for parent, nodes in groups.items():
            container = parent
            for _ in range(_LIST_CONTAINER_DEPTH):
                for heading in _HEADINGS_IN(container):
                    text = _text(heading).lower()
                    if len(text) <= 40 and text.startswith(SEE_MORE_HEADINGS) and not any(
                            m in text for m in COMMENTS_MARKERS):
                        return nodes
                container = container.getparent()
                if container is None:
                    break
        return entries

    # -- the item ------------------------------------------------------------------------------------
    @property
    def lang(self) -> str | None:
        return clean(_first(_LANG(self.root))) or self._jsonld.get("inLanguage") or "vi"

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
