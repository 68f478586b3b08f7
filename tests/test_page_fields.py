"""The article page object field by field, on a page of our own that uses the family's variants:
a subcategory breadcrumb, a `[data-role=author]` byline with a credit prefix, a source element, a tag box
of another class, widgets inside the body (a "TIN MỚI" list, hidden blocks, a related box of another type,
a script) and a see-more list in two rows. One test per field; each also checks the layer that answered."""

from __future__ import annotations

import json

import pytest

from tests.conftest import fixture_bytes
from thcrawl.extract import ArticlePage, ListingPage
from thcrawl.extract.bylines import split_authors

URL = "https://truyenhinhthanhhoa.vn/le-hoi-cau-ngu-o-sam-son-180250301080000101.htm"


@pytest.fixture(scope="module")
def page() -> ArticlePage:
    page = ArticlePage(fixture_bytes("article_variants.html"), URL)
    page.to_item()  # every field read once, so `extraction` is complete
    return page


def test_title_is_the_visible_h1_and_og_title_disagreement_is_recorded(page):
    assert page.title == "Lễ hội cầu ngư ở Sầm Sơn" and page.extraction["title"] == "cms"
    # The JSON-LD headline (character references decoded once) agrees; og:title does not.
    assert page.metadata_disagreements == {"title": {"meta": "Lễ hội cầu ngư Sầm Sơn năm nay"}}


def test_sapo_as_shown(page):
    assert page.sapo == "(TTV) - Sáng 1/3, lễ hội cầu ngư khai mạc tại bãi biển Sầm Sơn."
    assert "sapo" not in page.metadata_disagreements  # the metadata is the same lead without its source tag


def test_authors_from_a_data_role_paragraph_without_the_credit_prefix(page):
    assert page.authors == ["Lê Hà", "Minh Đức"] and page.extraction["authors"] == "cms"


def test_category_and_subcategory_from_the_breadcrumb(page):
    assert (page.category, page.subcategory) == ("Văn hóa", "Lễ hội")
    assert page.subcategory_url == "https://truyenhinhthanhhoa.vn/van-hoa/le-hoi.htm"


def test_published_raw_and_published_at(page):
    assert page.published_raw == "01/03/2025 08:00 GMT+7" and page.extraction["published_raw"] == "cms"
    assert page.published_at == "2025-03-01T08:00:00+07:00"


def test_body_keeps_subheads_and_list_items_and_drops_widgets(page):
    assert page.body_paragraphs == [
        "Lễ hội mở đầu bằng nghi thức rước thần từ đền về bãi biển.", "Nghi thức cầu mùa", "Rước kiệu thần",
        "Tế lễ cầu ngư", "Ngư dân cầu cho một năm biển lặng, được mùa."]


def test_images_exclude_hidden_and_related_boxes(page):
    assert [(i.url, i.caption) for i in page.images] == [("https://cdn.example.vn/2025/3/1/a.jpg", "Đoàn rước trên bãi biển.")]


def test_source_from_the_source_element(page):
    assert page.source == "Thời sự sáng 1/3/2025" and page.extraction["source"] == "cms"


def test_tags_from_a_box_of_another_class_not_the_footer(page):
    assert page.tags == ["Sầm Sơn", "lễ hội"] and page.extraction["tags"] == "cms"


def test_related_from_a_box_of_another_type(page):
    assert [(r.id, r.published_raw) for r in page.related] == [("180250220100000103", "20/02/2025 10:00")]


def test_see_more_read_whole_across_rows(page):
    assert [e.id for e in page.see_more] == ["180250225100000104", "180250224100000105", "180250223100000106"]
    assert page.see_more[2].published_raw == "10:00 , 23/02/2025"


def test_url_is_the_fetched_url_and_canonical_is_separate(page):
    other = ArticlePage(fixture_bytes("article_variants.html"), "https://truyenhinhthanhhoa.vn/moved-180250301080000101.htm")
    assert other.to_item().url == "https://truyenhinhthanhhoa.vn/moved-180250301080000101.htm"
    assert other.canonical_url == URL


def test_every_field_has_its_provenance(page):
    assert set(page.extraction) >= {"title", "sapo", "authors", "category", "published_raw", "published_at", "body",
                                    "images", "captions", "videos", "source", "tags", "related", "see_more"}
    assert page.extraction["captions"] == "cms"


@pytest.mark.parametrize(("line", "names"), [
    ("Theo Lê Vân", ["Lê Vân"]), ("Bài, ảnh: Lê Hà", ["Lê Hà"]), ("Nhóm PV", []), ("PV: Minh Anh", ["Minh Anh"]),
    ("Minh Khôi – Thu Trang", ["Minh Khôi", "Thu Trang"]), ("Lan Anh, Minh Đức và Thu Hà", ["Lan Anh", "Minh Đức", "Thu Hà"]),
    ("Quốc Hùng & Mai Lan", ["Quốc Hùng", "Mai Lan"]), ("Hà Thu (tổng hợp)", ["Hà Thu"]),
])
def test_byline_prefixes_and_separators(line, names):
    assert split_authors(line) == names


# -- deep markup and JSON: a field falls to its next layer, nothing raises --------------------------------
@pytest.mark.parametrize(("depth", "body_layer"), [(1200, "fallback"), (5000, None)])
def test_deeply_nested_body_falls_to_the_next_layer(depth, body_layer):
    # Past Python's recursion limit the CMS walk gives up and the next layer answers; at 5,000 levels the
    # HTML parser itself drops what lies below its depth limit, so no layer finds a body (not an article).
    nested = "<div>" * depth + "<p>Đoạn sâu của bài viết.</p>" + "</div>" * depth
    body = (f'<html><body><h1 data-role="title">Bài sâu</h1><div data-role="content">{nested}'
            f"<p>Đoạn thường của bài viết.</p></div></body></html>").encode()
    page = ArticlePage(body, URL)
    item = page.to_item()  # no RecursionError
    assert item.title == "Bài sâu" and page.extraction["title"] == "cms"
    assert page.extraction["body"] == body_layer
    assert item.body == ("Đoạn sâu của bài viết.\n\nĐoạn thường của bài viết." if body_layer else "")


def test_deeply_nested_jsonld_is_skipped():
    deep = '{"a":' * 5000 + "1" + "}" * 5000
    body = (f'<html><head><script type="application/ld+json">{deep}</script>'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tiêu đề từ JSON-LD"}</script>'
            "</head><body><p>Một đoạn văn bản đủ dài của bài báo để làm thân bài.</p></body></html>").encode()
    page = ArticlePage(body, URL)
    assert page.title == "Tiêu đề từ JSON-LD" and page.extraction["title"] == "jsonld"
    json.dumps(page.metadata.jsonld)  # what was kept is ordinary JSON


def test_body_of_a_page_without_paragraph_markup_comes_from_the_fallback_extractor():
    text = "<br/>".join(f"Câu số {n} của một bài viết không có thẻ đoạn văn, đủ dài để là thân bài của trang tin tức."
                        for n in range(8))
    page = ArticlePage(f"<html><body><h1>Tiêu đề</h1><div>{text}</div></body></html>".encode(), URL)
    assert page.body_paragraphs and "Câu số 0" in page.body and page.extraction["body"] == "fallback"


# -- listings ------------------------------------------------------------------------------------------
def test_listing_of_another_markup_gives_entries_from_their_links():
    rows = "".join(f'<article class="news"><h3><a href="/bai-so-{n}-18025030108000{n:04d}.htm">Bài số {n} của chuyên mục</a>'
                   f'</h3><span class="date">0{n}/03/2025</span></article>' for n in range(1, 6))
    listing = ListingPage(f"<html><body><h1>Chuyên mục</h1><main>{rows}</main></body></html>".encode(),
                          "https://truyenhinhthanhhoa.vn/chuyen-muc.htm")
    assert [e.title for e in listing.entries] == [f"Bài số {n} của chuyên mục" for n in range(1, 6)]
    assert listing.entries[0].published_raw == "01/03/2025" and listing.extraction == {"entries": "generic"}


def test_a_page_with_a_title_and_no_body_is_not_an_article():
    page = ArticlePage("<html><body><h1>Chuyên mục</h1><div class='box'></div></body></html>".encode(), URL)
    assert page.title == "Chuyên mục" and page.body_paragraphs == [] and not page.is_article()


def test_listing_without_entries_says_so():
    listing = ListingPage(b"<html><body><h1>Chuy\xc3\xaan m\xe1\xbb\xa5c</h1></body></html>", "https://truyenhinhthanhhoa.vn/x.htm")
    assert listing.entries == [] and listing.extraction == {"entries": None}
