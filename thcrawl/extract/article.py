"""The article page object: every field of an Article, each from the first layer that has it.

Layers, in order: structured metadata (JSON-LD, og:/article: meta, canonical link), then the CMS
family's markup, then (body only) a generic extractor. `extraction` records which layer gave what.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from typing import Any

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


class ArticlePage:
    """An article page of the site. `body` is the raw response, `url` the URL it was fetched from."""

    def __init__(self, body: bytes, url: str, content_type: str | None = None,
                 selector: Selector | None = None) -> None:
        self.url = url
        self.sel = selector if selector is not None else load(body, content_type)
        self.meta = Metadata(self.sel)
        self.extraction: dict[str, str | None] = {}

    # -- helpers -------------------------------------------------------------------------------------
    def _layer(self, field: str, *candidates: tuple[str, Any]) -> Any:
        """The first non-empty candidate; records its layer in `extraction`."""
        for layer, value in candidates:
            if value:
                self.extraction[field] = layer
                return value
        self.extraction[field] = None
        return None

    @cached_property
    def _content(self) -> Any:
        nodes = self.sel.xpath(CONTENT_XPATH)
        return nodes[0].root if nodes else None

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
            (JSONLD, clean_unescaped(self._jsonld.get("headline"))),
            (META, clean(self.meta.meta("og:title"))),
            (CMS, clean(self.sel.css("h1.detail-title, [data-role=title]").xpath("string()").get())),
        )

    @cached_property
    def sapo(self) -> str | None:
        return self._layer(
            "sapo",
            (JSONLD, clean_unescaped(self._jsonld.get("description"))),
            (META, clean(self.meta.meta("og:description") or self.meta.meta("description"))),
            (CMS, clean(self.sel.css("h2.detail-sapo, [data-role=sapo]").xpath("string()").get())),
        )

    @cached_property
    def _jsonld_authors(self) -> list[str]:
        authors = self._jsonld.get("author")
        entries = authors if isinstance(authors, list) else [authors] if authors else []
        names = []
        for entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else entry
            if isinstance(name, str):
                names.extend(split_authors(clean_unescaped(name)))
        site = clean(self.meta.meta("og:site_name")).lower()
        return [n for n in names if n.lower() != site]  # some templates name the site as author

    @cached_property
    def authors(self) -> list[str]:
        shown = self.sel.css("div.detail-author-top a.detail-author-top-name, .detail-author-top-name")
        cms = [a for node in shown for a in split_authors(node.xpath("string()").get())]
        return self._layer("authors", (JSONLD, self._jsonld_authors), (CMS, cms),
                           (TRAILING, split_authors(self._trailing_author))) or []

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
        links = self.sel.css("div.detail-breadcrumb a[data-role=cate-name], div.detail-breadcrumb a")
        if links:
            self.extraction["category"] = CMS
            return clean(links[-1].xpath("string()").get()) or None, absolute(links[-1].attrib.get("href"), self.url)
        self.extraction["category"] = None
        return None, None

    # -- dates ---------------------------------------------------------------------------------------
    @cached_property
    def published_raw(self) -> str | None:
        shown = clean(self.sel.css("[data-role=publishdate], div.detail-time").xpath("string()").get())
        return shown or self._published_meta

    @cached_property
    def _published_meta(self) -> str | None:
        return self._jsonld.get("datePublished") or self.meta.meta("article:published_time")

    @property
    def published_at(self) -> str | None:
        """The machine-readable date from metadata when there is one (normalised by the date step)."""
        self._layer("published_at",
                    (JSONLD, self._jsonld.get("datePublished")),
                    (META, self.meta.meta("article:published_time")),
                    (CMS, self.published_raw))
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
        for text in self.sel.xpath(f"({CONTENT_XPATH})/following::p//text()[contains(., 'Nguồn')]/..").xpath(
            "string()"
        ).getall():
            match = SOURCE_RE.match(clean(text))
            if match and len(text) < 200:
                return clean(match.group(1))
        return None

    # -- media ---------------------------------------------------------------------------------------
    @cached_property
    def images(self) -> list[Image]:
        if self._content is None:
            return []
        content = Selector(root=self._content)
        images = []
        for img in content.xpath(".//img[not(ancestor::*[@type='RelatedNewsBox' or @type='VideoStream'])]"):
            src = image_url(img)
            url = absolute(full_size_image(src), self.url) if src else None
            if not url:
                continue
            box = img.xpath("ancestor::*[contains(@class, 'VCSortableInPreviewMode')][1] | ancestor::figure[1]")
            caption = box[-1].css(".PhotoCMS_Caption").xpath("string()").get() if box else None
            images.append(Image(url=url, alt=clean(img.attrib.get("alt")) or None, caption=clean(caption) or None))
        return images

    @cached_property
    def videos(self) -> list[Video]:
        if self._content is None:
            return []
        videos = []
        for box in Selector(root=self._content).xpath(".//*[@type='VideoStream' or @type='Video']"):
            inner = box.css("video, source, iframe")
            url = (box.attrib.get("data-vid") or box.attrib.get("data-src")
                   or (inner.attrib.get("src") if inner else None))
            poster = (box.attrib.get("data-thumb") or box.attrib.get("data-poster")
                      or box.css("video::attr(poster)").get() or box.css("img").attrib.get("src"))
            caption = clean(box.css(".VideoCMS_Caption").xpath("string()").get()) or None
            videos.append(Video(url=absolute(url, self.url), poster=absolute(poster, self.url), caption=caption))
        return videos

    # -- lists ---------------------------------------------------------------------------------------
    @cached_property
    def tags(self) -> list[str]:
        names = [clean(t) for t in self.sel.css("ul.detail-tag-list a").xpath("string()").getall()]
        return list(dict.fromkeys(n for n in names if n))

    @cached_property
    def related(self) -> list[RelatedEntry]:
        entries = []
        for li in self.sel.css("[type=RelatedNewsBox] li.kbwscwlrl, li.kbwscwlrl"):
            url = absolute(li.attrib.get("data-url") or li.css("a::attr(href)").get(), self.url)
            if not url or any(e.url == url for e in entries):
                continue
            title = clean(li.attrib.get("data-title")) or clean(li.css("a").xpath("string()").get())
            entries.append(RelatedEntry(id=li.attrib.get("data-id") or article_id(url), url=url,
                                        title=title or None, published_raw=clean(li.attrib.get("data-date")) or None))
        return entries

    @cached_property
    def see_more(self) -> list[SeeMoreEntry]:
        nodes = self._see_more_nodes()
        entries = parse_entries(nodes, self.url)
        return [SeeMoreEntry(id=e.id, url=e.url, title=e.title, published_raw=e.published_raw,
                             summary=e.summary, thumbnail=e.thumbnail) for e in entries if e.id != self.id]

    def _see_more_nodes(self) -> list[Selector]:
        """Stream entries under a "xem thêm" heading; failing that, every stream entry after the body."""
        for heading in self.sel.xpath("//h2 | //h3 | //h4 | //*[contains(@class, 'title')]"):
            text = clean(heading.xpath("string()").get()).lower()
            if len(text) > 40 or not text.startswith(SEE_MORE_HEADINGS) or any(m in text for m in COMMENTS_MARKERS):
                continue
            for container in reversed(heading.xpath("ancestor::*")):
                nodes = container.xpath(f".{ENTRY_XPATH}")
                if nodes:
                    return nodes
        if self._content is None:
            return []
        return self.sel.xpath(f"{ENTRY_XPATH}[preceding::*[@data-role='content' or contains(@class, 'afcbc-body')]]")

    # -- the item ------------------------------------------------------------------------------------
    @property
    def lang(self) -> str | None:
        return clean(self.sel.xpath("/html/@lang").get()) or self._jsonld.get("inLanguage") or "vi"

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
