"""The article page object: one method per field, each trying its layers in order.

Layers: `cms` (the CMS family's markup, found by role, structure and position), then the page's generic
markup (`generic`: an <h1>, a <time>, a breadcrumb), structured metadata (`jsonld`, `meta`) and, for the
body, a generic extractor (`fallback`). What a reader sees wins: title and sapo come from the page's
elements, metadata fills gaps and is cross-checked. Each field's method records in `extraction` which
layer answered, so a site's markup drift shows as a falling share of `cms` (see pipelines/provenance.py).

Everything here is an ordinary parsel selector, as in `scrapy shell`: to fix a field, open the page in
the shell, try a selector, and change that field's method.

Queries with a predicate say `descendant::x[...]` (`/descendant::x[...]` for the whole page), not `.//x[...]`:
the two select the same elements, but libxml2 answers `//x[...]` as `descendant-or-self::node()/child::x[...]`,
visiting every node's children, which costs 2-3x more on a 170 KB page (a bare `//x` it rewrites itself).
The busiest scans step onto the one attribute they test and back to its element:
`descendant::div/@data-role[. = 'content']/..` are the divs of `descendant::div[@data-role = 'content']`, found
2-4x faster, since libxml2 builds a node-set for `@data-role` at every element in the second form; for the same
reason a test of one attribute against several words reads it once: `*[@class[contains(., 'a') or contains(., 'b')]]`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector, SelectorList

from thcrawl.dates import to_iso
from thcrawl.extract import body as body_walk
from thcrawl.extract.bylines import looks_like_author_line, split_authors
from thcrawl.extract.document import load
from thcrawl.extract.entries import (
    cms_entries,
    image_url,
    is_article_link,
    link_entries,
    links_to_an_article,
    read_entries,
)
from thcrawl.extract.fallback import generic_paragraphs
from thcrawl.extract.metadata import Metadata, jsonld_text
from thcrawl.extract.widgets import inside_widget, is_related_box
from thcrawl.items import Article, Image, RelatedEntry, SeeMoreEntry, Video
from thcrawl.text import clean
from thcrawl.urls import absolute, article_id, full_size_image, id_created_at, without_fragment

CMS, JSONLD, META, GENERIC, FALLBACK = "cms", "jsonld", "meta", "generic", "fallback"
# Layers of the CMS markup that read text rather than an element (a source line, a trailing byline).
CMS_SOURCE_LINE, CMS_TRAILING = "cms-source-line", "cms-trailing-paragraph"

# "Nguồn: Thời sự tối …": a source line (the programme or outlet). "Nguồn" = "source", "Theo" = "by/per".
SOURCE_LINE_RE = re.compile(r"^\s*Nguồn\s*:\s*(.+)$", re.IGNORECASE)
SOURCE_PREFIX_RE = re.compile(r"^\s*(?:Nguồn|Theo|Source)\s*:?\s+", re.IGNORECASE)
# Headings of the list under an article: "xem thêm" (see more), "tin liên quan" (related), "tin khác"
# (other news), "cùng chuyên mục" (same section), "tin mới" (latest), "đọc thêm" (read more).
SEE_MORE_HEADING_RE = re.compile(
    r"^(?:xem thêm|tin liên quan|tin khác|tin cùng chuyên mục|cùng chuyên mục|tin mới|đọc thêm|"
    r"có thể bạn quan tâm|related|read more|more news)", re.IGNORECASE)
COMMENTS_RE = re.compile(r"bình luận|ý kiến bạn đọc|comment", re.IGNORECASE)  # "comments", "readers' opinions"
HOME_NAMES = {"trang chủ", "home", "tin tức"}  # "home page", "news": the breadcrumb's root
_DATE_RE = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2}, \d{4}")
_DEEP = (RecursionError,)  # deep markup or JSON: the layer gives up, the next one answers


_TEXT_NODES = etree.XPath("descendant-or-self::text()[not(ancestor::script)][not(ancestor::style)]")


def _visible_text_parts(element: etree._Element) -> list[str]:
    """The element's text nodes outside scripts and styles, in document order (_TEXT_NODES). Most elements
    hold no script or style: lxml's itertext() gives the same text nodes then, without the query's walk up
    from every text node to test its ancestors (3x the cost over a long heading box)."""
    if next(element.iter("script", "style"), None) is None:
        return list(element.itertext())
    return _TEXT_NODES(element)


def _text(found: SelectorList | Selector | None) -> str | None:
    """Whitespace-collapsed text of the first element found that has any, without scripts and styles."""
    if found is None:
        return None
    for element in ([found] if isinstance(found, Selector) else found):
        if text := clean(" ".join(_visible_text_parts(element.root))):
            return text
    return None


def _names_source(attributes: dict[str, str]) -> bool:
    """An element marked as the source: data-field or data-role "source", or a source class."""
    return ("source" in (attributes.get("data-field"), attributes.get("data-role"))
            or not {"source", "detail-source"}.isdisjoint(attributes.get("class", "").split()))


def _site_key(name: str) -> str:
    """"vnexpress" for "VnExpress", "vnexpress.net" and "www.vnexpress.net"."""
    key = name.casefold().removeprefix("https://").removeprefix("http://").removeprefix("www.")
    return re.sub(r"\.(?:com|net|org|vn|edu|gov)\b|\W+", "", key)


def _comparable(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").casefold()).strip()


def agrees(shown: str | None, metadata: str | None) -> bool:
    """Metadata agrees with what is shown when, ignoring case and punctuation, one contains the other
    (metadata often drops a source tag such as "(Chinhphu.vn) - " or is cut short)."""
    a, b = _comparable(shown), _comparable(metadata)
    return not a or not b or a in b or b in a


class ArticlePage:
    """An article page. `body` is the raw response, `url` the URL it was fetched from (the article's
    identity; the page's own canonical link is `canonical_url`, for the pipeline to weigh)."""

    def __init__(self, body: bytes | None, url: str, content_type: str | None = None,
                 selector: Selector | None = None) -> None:
        self.url = without_fragment(url) if url else url
        self.selector = selector if selector is not None else load(body or b"", content_type)
        self.metadata = Metadata(self.selector)
        self.extraction: dict[str, str | None] = {}
        self.metadata_disagreements: dict[str, dict[str, str]] = {}

    @classmethod
    def from_selector(cls, selector: Selector, url: str) -> ArticlePage:
        return cls(None, url, selector=selector)

    def css(self, query: str) -> SelectorList:
        return self.selector.css(query)

    def xpath(self, query: str) -> SelectorList:
        return self.selector.xpath(query)

    def _first(self, field: str, *layers: tuple[str, Callable[[], Any]]) -> Any:
        """The first layer's non-empty answer; records the layer in `extraction` (None when none answers).
        A layer that meets markup or JSON nested past Python's recursion limit gives way to the next."""
        for layer, read in layers:
            try:
                value = read()
            except _DEEP:
                continue
            if value:
                self.extraction[field] = layer
                return value
        self.extraction[field] = None
        return None

    def _cross_check(self, field: str, shown: str | None) -> None:
        """Record where JSON-LD or og: metadata says otherwise than the visible page."""
        candidates = {"title": ((JSONLD, self.metadata.article_text("headline")), (META, self.metadata.meta("og:title"))),
                      "sapo": ((JSONLD, self.metadata.article_text("description")),
                               (META, self.metadata.meta("og:description", "description")))}[field]
        differing = {layer: value for layer, value in candidates if value and not agrees(shown, value)}
        if shown and differing:
            self.metadata_disagreements[field] = differing

    # -- where the article is ------------------------------------------------------------------------
    @cached_property
    def _content(self) -> Selector | None:
        """The CMS content element: `data-role=content`, else the family's content classes."""
        found = self.xpath("/descendant::div/@data-role[. = 'content']/..") or self.xpath(
            "/descendant::div/@class[contains(., 'afcbc-body')"
            " or contains(concat(' ', normalize-space(.), ' '), ' detail-content ')]/..")
        return found[0] if found else None

    @cached_property
    def _generic_content(self) -> Selector | None:
        """On a page without the CMS markup: `itemprop=articleBody`, else the element holding the most
        paragraphs of text (an <article> on most news sites)."""
        found = self.xpath("/descendant::*/@itemprop[. = 'articleBody']/..")
        if found:
            return found[0]
        best, most = None, 0
        for candidate in self.xpath("//article | //main | /descendant::div[p]"):
            count = len(candidate.xpath("./p[string-length(normalize-space()) > 40]"))
            if count > most:
                best, most = candidate, count
        return best if most >= 2 else None

    @cached_property
    def _content_for_media(self) -> tuple[Selector | None, str]:
        if self._content is not None:
            return self._content, CMS
        return self._generic_content, GENERIC

    @cached_property
    def _region(self) -> Selector:
        """Where the article's parts are (title, byline, time, source, tags): the nearest block holding both
        the title and the content element; the whole page when either is missing."""
        if self._h1 is not None and self._content is not None:
            around_content = set(self._content.root.iterancestors())
            for ancestor in self._h1.root.iterancestors():
                if ancestor in around_content:
                    return self.selector.__class__(root=ancestor, type="html")
        return self.selector

    @cached_property
    def _cms_title(self) -> SelectorList:
        return self.xpath("/descendant::h1[@data-role='title' or contains(@class, 'detail-title')]") or self.xpath(
            "/descendant::*/@data-role[. = 'title']/..")

    @cached_property
    def _h1(self) -> Selector | None:
        found = self._cms_title or [h for h in self.xpath("//h1") if _text(h)]
        return found[0] if found else None

    # -- identity ------------------------------------------------------------------------------------
    @property
    def id(self) -> str | None:
        return article_id(self.url) if self.url else None

    @property
    def id_created_at(self) -> str | None:
        return to_iso(id_created_at(self.id))

    @cached_property
    def canonical_url(self) -> str | None:
        """The page's <link rel=canonical>, absolute, as the page writes it (not the article's identity)."""
        href = self.xpath("/html/head/link[@rel='canonical']/@href").get() or self.xpath(
            "/descendant::link[@rel='canonical']/@href").get()
        return absolute(href, self.url or "") or None

    # -- header fields -------------------------------------------------------------------------------
    @cached_property
    def title(self) -> str | None:
        title = self._first(
            "title",
            (CMS, lambda: _text(self._cms_title)),
            (GENERIC, lambda: _text(self._h1)),
            (JSONLD, lambda: self.metadata.article_text("headline")),
            (META, lambda: self.metadata.meta("og:title", "twitter:title")),
            (GENERIC, lambda: re.split(r"\s+[-|–]\s+[^-|–]+$", _text(self.xpath("//title")) or "")[0]),
        )
        if self.extraction["title"] in (CMS, GENERIC):
            self._cross_check("title", title)
        return title

    @cached_property
    def sapo(self) -> str | None:
        sapo = self._first(
            "sapo",
            (CMS, lambda: _text(
                self._region.xpath("descendant::h2[@data-role='sapo' or contains(@class, 'detail-sapo')]")
                or self._region.xpath("descendant::p[@data-role='sapo'] | descendant::div[@data-role='sapo']"))),
            (GENERIC, lambda: _text(self.xpath(GENERIC_SAPO_XPATH))),
            (GENERIC, self._lead_under_title),
            (JSONLD, lambda: self.metadata.article_text("description")),
            (META, lambda: self.metadata.meta("og:description", "description")),
        )
        if self.extraction["sapo"] in (CMS, GENERIC):
            self._cross_check("sapo", sapo)
        return sapo

    def _lead_under_title(self) -> str | None:
        """By position: the first <h2> after the title, when it reads like a lead (over 60 characters) and no
        paragraph of body text comes between them."""
        if self._h1 is None:
            return None
        h2 = self._h1.xpath("following::h2[1]")
        long_paragraphs = "count(preceding::p[string-length(normalize-space()) > 200])"
        if not h2 or h2[0].xpath(long_paragraphs).get() != self._h1.xpath(long_paragraphs).get():
            return None
        text = _text(h2)
        return text if text and len(text) > 60 else None

    @cached_property
    def _site_names(self) -> set[str]:
        """The site's own names ("vnexpress.net" and "VnExpress" alike), to tell them from bylines."""
        names = {self.metadata.meta("og:site_name") or "", urlsplit(self.url or "").hostname or ""}
        publisher = self.metadata.article.get("publisher")
        if isinstance(publisher, dict):
            names.add(jsonld_text(publisher.get("name")))
        return {_site_key(n) for n in names if n}

    def _person(self, name: str) -> bool:
        """A byline name, not the site (templates put "VCCorp.vn", "NLD.COM.VN" or a URL in author fields)."""
        return bool(name) and "." not in name and "/" not in name and _site_key(name) not in self._site_names

    def _names(self, texts: list[str]) -> list[str]:
        names = [n for text in texts for n in split_authors(text)]
        return list(dict.fromkeys(n for n in names if self._person(n)))

    def _byline_blocks(self) -> list[str]:
        """Texts of the author block: `data-role=author`, else elements whose class names an author (the
        family varies it: detail-author-top-name, author-info > p.name, p.author), read from its named
        links, spans and paragraphs, outside lists of other articles and comments."""
        outside = "[not(ancestor::*[@class[contains(., 'item') or contains(., 'comment') or contains(., 'relate')]])]"
        found = self._region.xpath("(descendant::*/@data-role[. = 'author']/.."
                                   f" | descendant::*/@class[contains(., 'author')]/..){outside}")
        blocks = [b for b in found if b.attrib.get("data-role") == "author"] or [
            b for b in found if "avatar" not in b.attrib.get("class", "")
            and not b.xpath("descendant::*[contains(@class, 'author')]")]
        texts = []
        for block in blocks:
            parts = [_text(p) for p in block.xpath(".//a | .//span | .//p | .//strong | .//b")] or [_text(block)]
            texts.extend(t for t in parts if t and len(t) <= 80 and not any(ch.isdigit() for ch in t))
        return texts

    def _jsonld_authors(self) -> list[str]:
        authors = self.metadata.article.get("author")
        entries = authors if isinstance(authors, list) else [authors] if authors else []
        return self._names([jsonld_text(e.get("name") if isinstance(e, dict) else e) for e in entries])

    @cached_property
    def authors(self) -> list[str]:
        return self._first(
            "authors",
            (CMS, lambda: self._names(self._byline_blocks())),
            # A names-only last paragraph is shown on the page: it comes before metadata.
            (CMS_TRAILING if self._content is not None else GENERIC,
             lambda: self._names([self._split_body[2] or ""])),
            (JSONLD, self._jsonld_authors),
            (META, lambda: self._names([self.metadata.meta("article:author", "author") or ""])),
        ) or []

    @cached_property
    def _breadcrumb(self) -> tuple[list[tuple[str, str | None]], str | None]:
        """([(name, url)], layer): the breadcrumb's levels below the home page."""
        def links(found: SelectorList) -> list[tuple[str, str | None]]:
            crumbs = [(_text(a) or "", absolute(a.attrib.get("href"), self.url or "")) for a in found]
            return [(name, url) for name, url in dict.fromkeys(crumbs)
                    if name and name.casefold() not in HOME_NAMES and not (url and is_article_link(url))]

        def cms() -> list[tuple[str, str | None]]:
            first = self._region.xpath("descendant::a[@data-role='cate-name']")
            if not first and self._region is not self.selector:  # then the whole page, unless the region was it
                first = self.xpath("/descendant::a[@data-role='cate-name']")
            if not first:
                return []
            # The breadcrumb is the list or block around the first category link (its li, then ul).
            for container in first[0].xpath("ancestor::*[self::ul or self::ol or self::nav or "
                                             "contains(@class, 'breadcrumb')][1]"):
                return links(container.xpath("descendant::a[@href]"))
            return links(first[:1])

        result = self._first(
            "category",
            (CMS, cms),
            (GENERIC, lambda: links(self.xpath("(/descendant::*/@class[contains(., 'breadcrumb')]/parent::*"
                                               "[descendant::a])[1]/descendant::a[@href]"))),
            (JSONLD, lambda: [(n, u) for n, u in self.metadata.breadcrumb if n.casefold() not in HOME_NAMES]),
            (META, lambda: [(self.metadata.meta("article:section"), None)] if self.metadata.meta("article:section")
             else []),
        )
        return result or [], self.extraction["category"]

    @property
    def category(self) -> str | None:
        crumbs = self._breadcrumb[0]
        return crumbs[0][0] if crumbs else None

    @property
    def category_url(self) -> str | None:
        crumbs = self._breadcrumb[0]
        return crumbs[0][1] if crumbs else None

    @property
    def subcategory(self) -> str | None:
        crumbs = self._breadcrumb[0]
        return crumbs[1][0] if len(crumbs) > 1 else None

    @property
    def subcategory_url(self) -> str | None:
        crumbs = self._breadcrumb[0]
        return crumbs[1][1] if len(crumbs) > 1 else None

    # -- dates ---------------------------------------------------------------------------------------
    @cached_property
    def published_raw(self) -> str | None:
        """The publication time as the page shows it."""
        def visible_date() -> str | None:
            """A date-shaped text in an element named date or time, among the few around the <h1>."""
            if self._h1 is None:
                return None
            near = "[not(*)][@class[contains(., 'date') or contains(., 'time')]][position() <= 10]"  # leaves first: cheaper
            for axis in ("following", "preceding"):  # after the title first: the elements before are asked only then
                for element in self._h1.xpath(f"{axis}::*{near}"):
                    if (text := _text(element)) and _DATE_RE.search(text):
                        return text
            return None

        return self._first(
            "published_raw",
            (CMS, lambda: _text(self._region.xpath(
                "descendant::div/@data-role[. = 'publishdate']/.. | descendant::time/@data-role[. = 'publishdate']/.."
                " | descendant::span/@data-role[. = 'publishdate']/.. | descendant::div/@class[contains(., 'detail-time')]/.."
            ))),
            (GENERIC, lambda: _text(self.xpath("/descendant::time[not(ancestor::*[contains(@class, 'item')])]"))),
            (GENERIC, visible_date),
        )

    @cached_property
    def published_at(self) -> str | None:
        """The machine-readable publication time (the date step normalises it, or published_raw without it)."""
        return self._first(
            "published_at",
            (JSONLD, lambda: self.metadata.article_text("datePublished")),
            (META, lambda: self.metadata.meta("article:published_time", "pubdate", "datePublished")),
            (GENERIC, lambda: self.xpath("/descendant::time[@datetime][not(ancestor::*[contains(@class, 'item')])]"
                                         "/@datetime").get()),
            (CMS, lambda: self.published_raw),
        )

    @property
    def modified_at(self) -> str | None:
        return self.metadata.article_text("dateModified") or self.metadata.meta("article:modified_time", "lastmod")

    # -- body ----------------------------------------------------------------------------------------
    @cached_property
    def _blocks(self) -> list[str]:
        """The body's blocks before the source line and a trailing byline are taken out of them."""
        return self._first(
            "body",
            (CMS, lambda: body_walk.paragraphs(self._content.root) if self._content is not None else []),
            # Another template: the same walk over the element holding the most paragraphs (an <article>).
            (GENERIC, lambda: body_walk.paragraphs(self._generic_content.root)
             if self._generic_content is not None else []),
            # trafilatura may hand back the headline as a line of text: it is the title, not the body.
            (FALLBACK, lambda: [p for p in generic_paragraphs(self.selector.root) if p != self.title]),
        ) or []

    @cached_property
    def _split_body(self) -> tuple[list[str], str | None, str | None]:
        """(body blocks, a "Nguồn:" source line, a trailing names-only byline)."""
        blocks = list(self._blocks)
        source = author = None
        for index in range(len(blocks) - 1, max(len(blocks) - 4, -1), -1):
            match = SOURCE_LINE_RE.match(blocks[index])
            if match and len(blocks[index]) < 200:
                source = clean(match.group(1))
                del blocks[index]
                break
        if blocks and looks_like_author_line(blocks[-1]):
            author = blocks.pop()
        return blocks, source, author

    @cached_property
    def body_paragraphs(self) -> list[str]:
        return self._split_body[0]

    @property
    def body(self) -> str:
        return "\n\n".join(self.body_paragraphs)

    @cached_property
    def source(self) -> str | None:
        def element() -> str | None:
            marked = "[contains(@class, 'source') or @data-field or @data-role]"
            found = [e for e in self._region.xpath(f"descendant::p{marked} | descendant::span{marked}"
                                                   f" | descendant::div{marked}")
                     if _names_source(e.attrib)]
            text = _text(found)
            return clean(SOURCE_PREFIX_RE.sub("", text)) if text and len(text) < 120 else None

        def line_after_body() -> str | None:
            if self._content is None:
                return None
            for paragraph in self._content.xpath("following::p[position() <= 5]"):
                match = SOURCE_LINE_RE.match(_text(paragraph) or "")
                if match and len(match.group(0)) < 200:
                    return clean(match.group(1))
            return None

        return self._first(
            "source",
            (CMS, element),
            (CMS_SOURCE_LINE, lambda: self._split_body[1] or line_after_body()),
        )

    # -- media ---------------------------------------------------------------------------------------
    def _photos(self) -> list[Image]:
        content = self._content_for_media[0]
        if content is None:
            return []
        images: dict[str, Image] = {}
        for img in content.xpath(".//img"):
            src = image_url(img)
            url = absolute(full_size_image(src), self.url or "") if src else None
            if not url or url in images or inside_widget(img.root, content.root):
                continue
            box = img.xpath("ancestor::figure[1] | ancestor::*[@type='Photo'][1]")
            caption = _text(box[-1].xpath(".//figcaption | descendant::*[contains(@class, 'caption')]")) if box else None
            images[url] = Image(url=url, alt=clean(img.attrib.get("alt")) or None, caption=caption or None)
        return list(images.values())

    @cached_property
    def images(self) -> list[Image]:
        images = self._first("images", (self._content_for_media[1], self._photos)) or []
        # Captions are read with their photos, from the same layer.
        self.extraction["captions"] = self.extraction["images"] if any(i.caption for i in images) else None
        return images

    @cached_property
    def videos(self) -> list[Video]:
        def boxes() -> list[Video]:
            content = self._content_for_media[0]
            if content is None:
                return []
            videos = []
            # The type attributes themselves are tested (no string is built for elements without one).
            for box in content.xpath("descendant::*/@type[translate(., 'VIDEOSTRAM', 'videostram') = 'videostream'"
                                     " or translate(., 'VIDEO', 'video') = 'video']/.."
                                     " | descendant::video[not(ancestor::*[@type])]"):
                attributes = box.attrib  # parsel builds this dict at each access
                url = (attributes.get("data-vid") or attributes.get("data-src")
                       or box.xpath(".//video/@src | .//source/@src | .//iframe/@src | self::video/@src").get())
                poster = (attributes.get("data-thumb") or attributes.get("data-poster")
                          or box.xpath(".//video/@poster | self::video/@poster | .//img/@src").get())
                caption = _text(box.xpath("descendant::*[contains(@class, 'VideoCMS_Caption')]"))
                videos.append(Video(url=absolute(url, self.url or ""), poster=absolute(poster, self.url or ""),
                                    caption=caption))
            return videos

        return self._first("videos", (self._content_for_media[1], boxes)) or []

    # -- lists ---------------------------------------------------------------------------------------
    @cached_property
    def tags(self) -> list[str]:
        def names(links: SelectorList) -> list[str]:
            found = (clean(_text(a) or a.attrib.get("title")).strip(",;#· ") for a in links)
            return list(dict.fromkeys(name for name in found if name))

        def tag_box() -> list[str]:
            """The family's tag pages are /{slug}.html (no article ID); its tag boxes vary their class names,
            so the box is the first block after the title holding links to tag pages."""
            region = (self._region.xpath("descendant::a[contains(@href, '.html')]")
                      if self._region is not self.selector else [])
            links = [a for a in region or self.xpath(TAG_ROUTE_XPATH)
                     if TAG_ROUTE_RE.match(href := a.attrib["href"]) and not is_article_link(href)]
            boxes: dict[Any, list[Selector]] = {}
            for link in links:
                boxes.setdefault(link.xpath("ancestor::*[not(self::li or self::span or self::b or self::strong)][1]")[0].root,
                                 []).append(link)
            return names(next(iter(boxes.values()), []))

        return self._first(
            "tags",
            (CMS, tag_box),
            # Tag links inside an element whose class names tags (not the <body>, not in the header): asked from
            # the links up, which spares testing the class of every element of the page.
            (GENERIC, lambda: names(self.xpath("/descendant::a[@href][@rel='tag' or contains(@href, 'tag')]"
                                               "[ancestor::*[contains(@class, 'tag')][not(self::body)]"
                                               "[not(ancestor::header)]]"))),
            (META, lambda: list(dict.fromkeys(
                clean(t) for t in self.xpath("/descendant::meta[@property='article:tag']/@content").getall()
                for t in t.split(",") if clean(t)))),
        ) or []

    @cached_property
    def related(self) -> list[RelatedEntry]:
        def data_entries() -> list[RelatedEntry]:
            if self._content is None:
                return []
            entries = []
            for li in self._content.xpath("descendant::li[@data-url or @data-id][descendant::a]"):
                attributes = li.attrib  # parsel builds this dict at each access
                url = absolute(attributes.get("data-url") or li.xpath(".//a/@href").get(), self.url or "")
                if url and all(e.url != url for e in entries):
                    entries.append(RelatedEntry(
                        id=attributes.get("data-id") or article_id(url), url=url,
                        title=clean(attributes.get("data-title")) or _text(li.xpath(".//a")) or None,
                        published_raw=clean(attributes.get("data-date")) or None))
            return entries

        def boxes(typed: bool) -> list[RelatedEntry]:
            """Article links of in-body boxes the CMS types as related (typed) or whose class says so."""
            content = self._content_for_media[0]
            if content is None:
                return []
            entries = []
            for box in content.xpath("descendant::*[@type]" if typed else "descendant::*[@class]"):
                if (typed and "related" in box.attrib["type"].lower()) or (not typed and is_related_box(box.root)):
                    for entry in read_entries(link_entries(box), self.url or "", SeeMoreEntry, self.id):
                        entries.append(RelatedEntry(id=entry.id, url=entry.url, title=entry.title,
                                                    published_raw=entry.published_raw))
            return list({e.url: e for e in entries}.values())

        return self._first("related", (CMS, data_entries), (CMS, lambda: boxes(typed=True)),
                           (GENERIC, lambda: boxes(typed=False))) or []

    def _see_more_sections(self) -> list[Selector]:
        """Containers after the body under a see-more heading (xem thêm, tin liên quan, cùng chuyên mục…):
        the heading's nearest ancestor that links to articles. Sidebars and comments are not searched."""
        anchor = self._content if self._content is not None else self._h1
        if anchor is None:
            return []
        sections = []
        for heading in anchor.xpath("following::h2 | following::h3 | following::h4 | following::div/@class[contains(., "
                                    "'title')]/.. | following::span/@class[contains(., 'title')]/.. | following::p/@class["
                                    "contains(., 'title')]/.."):
            text = _text(heading) or ""
            if len(text) > 40 or not SEE_MORE_HEADING_RE.match(text) or COMMENTS_RE.search(text):
                continue
            if heading.xpath("boolean(ancestor::aside or ancestor::*[contains(@class, 'sidebar')"
                             " or contains(@class, 'right')])").get() == "1":
                continue
            for ancestor in reversed(heading.xpath("ancestor::*[position() <= 4]")):  # nearest first
                if links_to_an_article(ancestor):
                    sections.append(ancestor)
                    break
            if sections:
                return sections
        return sections

    @cached_property
    def see_more(self) -> list[SeeMoreEntry]:
        def cms() -> list[SeeMoreEntry]:
            anchor = self._content
            if anchor is None:
                return []
            boxes = [b for b in anchor.xpath(CMS_AFTER) if ENTRY_TOKENS & set(b.attrib["class"].split())
                     and not b.xpath("ancestor::aside")]
            groups: dict[Any, list[Selector]] = {}
            for box in boxes:
                groups.setdefault(box.root.getparent(), []).append(box)
            if len(groups) > 1:  # several lists after the body: the one under a see-more heading
                for section in self._see_more_sections():
                    inside = [b for b in boxes if section.root in b.root.iterancestors()]
                    if inside:
                        return read_entries(inside, self.url or "", SeeMoreEntry, self.id)
            return read_entries(boxes, self.url or "", SeeMoreEntry, self.id)

        def sections() -> list[SeeMoreEntry]:
            found = self._see_more_sections()
            return read_entries([e for s in found for e in (cms_entries(s) or link_entries(s))],
                                self.url or "", SeeMoreEntry, self.id)

        return self._first("see_more", (CMS, cms), (CMS, sections)) or []

    # -- the item ------------------------------------------------------------------------------------
    @property
    def lang(self) -> str | None:
        return clean(self.xpath("/html/@lang").get()) or jsonld_text(self.metadata.article.get("inLanguage")) or "vi"

    def is_article(self) -> bool:
        """An article has a title and a body, whichever layers gave them."""
        return bool(self.title) and bool(self.body_paragraphs)

    def to_item(self, crawled_at: str | None = None) -> Article:
        body = self.body
        return Article(
            id=self.id, url=self.url, canonical_url=self.canonical_url,
            category=self.category, category_url=self.category_url,
            subcategory=self.subcategory, subcategory_url=self.subcategory_url,
            title=self.title, sapo=self.sapo, authors=self.authors, published_raw=self.published_raw,
            published_at=self.published_at, modified_at=self.modified_at, id_created_at=self.id_created_at,
            body=body, images=self.images, videos=self.videos, source=self.source, tags=self.tags,
            related=self.related, see_more=self.see_more, lang=self.lang, crawled_at=crawled_at,
            content_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest() if body else None,
            extraction=dict(self.extraction),
            metadata_disagreements={k: dict(v) for k, v in self.metadata_disagreements.items()},
        )


# A lead paragraph by its class, after the title, outside lists of other articles. One step per tag name:
# libxml2 finds elements by name at once, where `*[self::p or self::h2 or self::div]` tests each element.
GENERIC_SAPO_XPATH = " | ".join(
    f"/descendant::{tag}/@class[contains(., 'sapo') or contains(., 'description') or contains(., 'lead')]/parent::{tag}"
    "[not(ancestor::*[contains(@class, 'item')])][preceding::h1]" for tag in ("p", "h2", "div"))
# Links to the family's tag pages (/{slug}.html) after the title, outside page chrome.
TAG_ROUTE_XPATH = ("//h1/following::a[contains(@href, '.html')][not(ancestor::header or ancestor::nav or ancestor::footer"
                   " or ancestor::*[@class[contains(., 'footer') or contains(., 'menu') or contains(., 'header')]])]")
TAG_ROUTE_RE = re.compile(r"^(https?://[^/]+)?/[a-z0-9-]+\.html$")
# The family's entry boxes after the article's content element.
CMS_AFTER = "following::div/@class[contains(., 'box-stream-item') or contains(., 'box-category-item')]/.."
ENTRY_TOKENS = {"box-stream-item", "box-category-item"}
