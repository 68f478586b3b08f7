"""HTML, RSS and sitemap documents of the replica, in the markup of the site's CMS family (site-facts.md)."""

from __future__ import annotations

import json
from email.utils import format_datetime
from html import escape as e

from thcrawl.dates import to_iso
from thcrawl.replica import chrome, words
from thcrawl.replica.content import (
    GenArticle,
    ReplicaSite,
    list_time,
    shown_time,
    us_title_time,
)

SITE_NAME = "Đài Phát thanh và Truyền hình Thanh Hóa"
PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
FEED_SIZE = 50
ROBOTS_CRAWL_DELAY = 2


def _page(title: str, head: str, body: str, lang: str = "vi", site: ReplicaSite | None = None) -> str:
    """A whole HTML page; with real-weight chrome when the site asks for it (see chrome.py)."""
    menu = "".join(f'<li><a href="/{slug}.htm" title="{e(name)}">{e(name)}</a></li>'
                   for slug, name, _ in words.CATEGORIES)
    real = site is not None and site.page_weight == "real"
    if real:
        head = f"{head}\n{chrome.head(title)}"
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<title>{e(title)}</title>
{head}
</head>
<body>
{chrome.header() if real else ""}
<div class="header">
<p class="header-name">{e(SITE_NAME.upper())}</p>
<p class="header-en">Thanh Hoa Radio and Television</p>
<p class="header-hotline">Đường dây nóng: 0237 3721150</p>
<ul class="menu-nav">{menu}<li><a href="/truyen-hinh.htm">Truyền hình trực tiếp</a></li></ul>
</div>
<div class="main">
{body}
</div>
<div class="footer"><p>{e(SITE_NAME)}</p>{chrome.footer() if real else ""}</div>
</body>
</html>
"""


def stream_item(site: ReplicaSite, i: int, legacy_links: bool = False) -> str:
    art = site.article(i)
    href = art.legacy_path if legacy_links and art.legacy else art.path
    thumb = art.thumbnail
    lazy = i % 3 == 0
    img = (f'<img src="{PLACEHOLDER}" data-src="{thumb}" alt="{e(art.title)}" />' if lazy
           else f'<img src="{thumb}" alt="{e(art.title)}" />')
    return f"""<div class="box-stream-item" data-id="{art.id}">
<a class="box-stream-link-with-avatar" href="{href}" title="{e(art.title)}">{img}</a>
<div class="box-stream-content">
<h2><a data-type="title" class="box-stream-link-title" href="{href}" title="{e(art.title)}">{e(art.title)}</a></h2>
<a class="box-stream-category" href="/{art.category[0]}.htm" title="{e(art.category[1])}">{e(art.category[1])}</a>
<span class="time-ago box-stream-time" title="{us_title_time(art.published)}">{list_time(art.published)}</span>
<p data-type="sapo" class="box-stream-sapo">{e(art.sapo)}</p>
</div>
</div>
"""


def home(site: ReplicaSite) -> str:
    items = "".join(stream_item(site, i) for i in site.latest(10))
    return _page(SITE_NAME, '<link rel="canonical" href="/" />',
                 f'<div class="box-stream home-latest">{items}</div>', site=site)


def category_page(site: ReplicaSite, slug: str, page: int) -> str | None:
    category = next((c for c in words.CATEGORIES if c[0] == slug), None)
    if category is None:
        return None
    indices = site.newest_first(site.by_category[slug])
    chunk = indices[(page - 1) * site.per_page: page * site.per_page]
    items = "".join(stream_item(site, i, legacy_links=True) for i in chunk)
    pages = max(1, -(-len(indices) // site.per_page))
    # Half the categories paginate with /trang-N.htm links; the rest only through the AJAX timeline.
    links_style = words.CATEGORIES.index(category) % 2 == 0
    pagination = ""
    if links_style:
        links = [f'<a href="/{slug}.htm">1</a>'] + [
            f'<a href="/{slug}/trang-{n}.htm">{n}</a>' for n in range(max(2, page - 2), min(pages, page + 3) + 1)]
        pagination = f'<div class="list__pagination">{"".join(links)}</div>'
    canonical = f"/{slug}.htm" if page == 1 else f"/{slug}/trang-{page}.htm"
    body = f"""<div class="list__page">
<h1 class="layout__title-page"><a class="title-link" href="/{slug}.htm" data-role="cate-name">{e(category[1])}</a></h1>
<div class="list__main"><div class="box-stream timeline_list">{items}</div>{pagination}</div>
<aside class="list__sub"><div class="box-category-item" data-id="{site.article(site.latest(1)[0]).id}">
<a class="box-category-link-title" href="{site.article(site.latest(1)[0]).path}">Tin đọc nhiều</a></div></aside>
</div>
<input type="hidden" id="hdZoneId" value="{category[2]}" />
<input type="hidden" id="hdPageIndex" value="{page}" />
<script>timeline.url = '/timelinelist/{{0}}/{{1}}.htm'; timeline.pageIndex = {page + 1};</script>"""
    return _page(f"{category[1]} - {SITE_NAME}", f'<link rel="canonical" href="{canonical}" />', body, site=site)


def timeline_fragment(site: ReplicaSite, zone: str, page: int) -> str | None:
    category = next((c for c in words.CATEGORIES if c[2] == zone), None)
    if category is None:
        return None
    indices = site.newest_first(site.by_category[category[0]])
    chunk = indices[(page - 1) * site.per_page: page * site.per_page]
    return "".join(stream_item(site, i) for i in chunk)


def tag_page(site: ReplicaSite, tag: str, page: int = 1, fragment: bool = False) -> str | None:
    if tag not in site.by_tag:
        return None
    indices = site.newest_first(site.by_tag[tag])
    chunk = indices[(page - 1) * site.per_page: page * site.per_page]
    items = "".join(stream_item(site, i) for i in chunk)
    if fragment:
        return items
    name = next(n for s, n in site.article(site.by_tag[tag][0]).tags if s == tag)
    body = f"""<div class="list__page"><h1><a href="javascript:void(0);" data-role="cate-name">Tags: {e(name)}</a></h1>
<div class="box-stream timeline_list">{items}</div></div>
<input type="hidden" name="case" id="case" value="tags" />
<input type="hidden" name="hdCatUrl" id="hdCatUrl" value="{tag}" />
<input type="hidden" name="hdPageIndex" id="hdPageIndex" value="{page}" />
<script>timeline.url = '/timelinetags/{{0}}/{{1}}.htm'</script>"""
    return _page(f"{name.upper()} - {SITE_NAME}", f'<link rel="canonical" href="/{tag}.html" />', body, site=site)


def _jsonld(art: GenArticle, base: str) -> str:
    authors = [{"@type": "Person", "name": name} for name in art.authors]
    article = {
        "@context": "http://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": base + art.path},
        "headline": art.title, "description": art.sapo,
        "datePublished": to_iso(art.published), "dateModified": to_iso(art.modified),
        "author": authors[0] if len(authors) == 1 else authors,
        "publisher": {"@type": "Organization", "name": "truyenhinhthanhhoa.vn"},
    }
    crumbs = {"@context": "http://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": {"@id": base, "name": "Trang chủ"}},
        {"@type": "ListItem", "position": 2, "item": {"@id": f"{base}/{art.category[0]}.htm", "name": art.category[1]}},
    ]}
    return "".join(f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>\n'
                   for obj in (article, crumbs))


def _photo(photo: object) -> str:
    img = (f'<img src="{PLACEHOLDER}" data-src="{photo.thumb}" alt="{e(photo.alt)}" type="photo" />' if photo.lazy
           else f'<img src="{photo.thumb}" data-original="{photo.url}" alt="{e(photo.alt)}" type="photo" />')
    caption = (f'<figcaption class="PhotoCMS_Caption"><p data-placeholder="Nhập chú thích ảnh">{e(photo.caption)}</p>'
               f"</figcaption>" if photo.caption else "")
    return f'<figure class="VCSortableInPreviewMode" type="Photo" style=""><div>{img}</div>{caption}</figure>'


def _related_box(site: ReplicaSite, art: GenArticle) -> str:
    if not art.related:
        return ""
    items = []
    for j in art.related:
        other = site.article(j)
        items.append(
            f'<li class="kbwscwlrl" data-date="{shown_time(other.published)}" data-id="{other.id}" '
            f'data-url="{other.path}" data-title="{e(other.title)}"><h4 class="kbwscwlrl-title">'
            f'<a href="{other.path}" class="title link-callout">{e(other.title)}</a></h4></li>')
    return ('<!-- bonewsrelation --><div class="VCSortableInPreviewMode alignRight" type="RelatedNewsBox">'
            f'<div class="kbwscwl-relatedbox type-2"><ul class="kbwscwlr-list">{"".join(items)}</ul></div></div>'
            "<!-- eonewsrelation -->")


def article_page(site: ReplicaSite, i: int, base: str) -> str:
    art = site.article(i)
    parts = []
    for n, (kind, value) in enumerate(art.blocks):
        parts.append(f"<p>{e(value)}</p>" if kind == "p" else _photo(value))
        if n == 0:
            parts.append(_related_box(site, art))
            parts.append(f"<!--{art.created or art.published:%a %b %d %Y %H:%M:%S} GMT+0700 -->")
    if art.video:
        caption = (f'<div class="VideoCMS_Caption"><p>{e(art.video.caption)}</p></div>' if art.video.caption else "")
        parts.append(f'<div class="VCSortableInPreviewMode" type="VideoStream" data-vid="{art.video.src}" '
                     f'data-thumb="{art.video.poster}">{caption}</div>')
    if art.author_in_body:
        parts.append(f"<p>{e(' – '.join(art.authors))}</p>")
    if art.source:
        parts.append(f"<p>Nguồn: {e(art.source)}</p>")
    author_top = "" if art.author_in_body else (
        '<div class="detail-author-top"><p class="detail-author-top-content"><a href="javascript:;" rel="nofollow" '
        f'class="detail-author-top-name">{e(" – ".join(art.authors))}</a></p></div>')
    tags = "".join(f'<li><a href="/{slug}.html" title="{e(name)}">{e(name)}</a></li>' for slug, name in art.tags)
    see_more = "".join(stream_item(site, j) for j in site.see_more(i))
    head = f'<link rel="canonical" href="{base}{art.path}" />\n'
    if art.has_jsonld:
        head += (f'<meta property="og:title" content="{e(art.title)}" />\n'
                 f'<meta property="og:description" content="{e(art.sapo)}" />\n'
                 f'<meta property="og:url" content="{base}{art.path}" />\n'
                 f'<meta property="article:published_time" content="{to_iso(art.published)}" />\n'
                 f'<meta property="article:modified_time" content="{to_iso(art.modified)}" />\n' + _jsonld(art, base))
    body = f"""<div class="detail-mcontent">
<div class="detail-breadcrumb"><ul><li><a href="/{art.category[0]}.htm" title="{e(art.category[1])}" data-role="cate-name">{e(art.category[1])}</a></li></ul></div>
<h1 class="detail-title" data-role="title">{e(art.title)}</h1>
<h2 class="detail-sapo" data-role="sapo">{e(art.sapo)}</h2>
<div class="detail-info">{author_top}<div class="detail-time"><div data-role="publishdate">{shown_time(art.published)}</div></div></div>
<div class="detail-content afcbc-body clearfix" data-role="content">{"".join(parts)}</div>
<div class="detail-tag clearfix"><ul class="detail-tag-list" data-role="tags">{tags}</ul></div>
<div class="detail-comment"><h3>Ý kiến bạn đọc</h3><a href="javascript:;">Xem thêm bình luận</a></div>
<div class="box-see-more"><h3 class="box-title">Xem thêm</h3><div class="box-stream">{see_more}</div></div>
</div>"""
    return _page(art.title, head, body, site=site)


def live_tv_page() -> str:
    return _page(f"Truyền hình trực tiếp - {SITE_NAME}", "", '<div class="live-player" data-src="live"></div>')


def not_found_page() -> str:
    return _page("Không tìm thấy trang", "", "<h1>404</h1><p>Trang bạn tìm không tồn tại.</p>")


def rss(site: ReplicaSite, base: str, category: str | None) -> str | None:
    if category is None:
        indices = site.latest(FEED_SIZE)
    elif category in site.by_category:
        indices = site.newest_first(site.by_category[category])[:FEED_SIZE]
    else:
        return None
    items = []
    for i in indices:
        art = site.article(i)
        items.append(f"<item><title>{e(art.title)}</title><link>{base}{art.path}</link>"
                     f"<description>{e(art.sapo)}</description><pubDate>{format_datetime(art.published)}</pubDate>"
                     f'<guid isPermaLink="false">{art.id}</guid></item>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{e(SITE_NAME)}</title><link>{base}/</link><description>Tin tức</description>"
            f"{''.join(items)}</channel></rss>\n")


def sitemap_index(site: ReplicaSite, base: str) -> str:
    entries = "".join(f"<sitemap><loc>{base}/sitemaps/sitemaps-{y}-{m}-{d1}-{d2}.xml</loc></sitemap>"
                      for y, m, d1, d2 in reversed(site.sitemap_ranges))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n')


def sitemap(site: ReplicaSite, base: str, year: int, month: int, first: int, last: int) -> str:
    urls = "".join(f"<url><loc>{base}{site.article(i).path}</loc><lastmod>{to_iso(site.published(i))}</lastmod></url>"
                   for i in reversed(site.in_range(year, month, first, last)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')


def robots(base: str, crawl_delay: float = ROBOTS_CRAWL_DELAY) -> str:
    return f"User-agent: *\nDisallow: /search\nCrawl-delay: {crawl_delay:g}\nSitemap: {base}/sitemap.xml\n"
