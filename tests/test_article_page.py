"""The article page object, one short test per field, on fixtures written for this project."""

from __future__ import annotations

import pytest

from tests.conftest import FROZEN_NOW, fixture_bytes
from thcrawl.extract import ArticlePage
from thcrawl.parsing import parse_page

FULL_URL = "https://truyenhinhthanhhoa.vn/nong-dan-hoang-hoa-thu-hoach-lua-som-tranh-bao-180240912153012345.htm"
MIGRATED_URL = "https://truyenhinhthanhhoa.vn/dem-van-nghe-mung-xuan-o-ba-thuoc-1808012345.htm"
OLDEST_URL = "https://truyenhinhthanhhoa.vn/nhap-song-ttv/201909/mua-vang-pu-luong-8231999"
CDN = "https://truyenhinhthanhhoa.qltns.mediacdn.vn/458221966042468352/2024/9/12/"


@pytest.fixture(scope="module")
def full() -> dict:
    return parse_page(fixture_bytes("article_full.html"), FULL_URL, fetched_at=FROZEN_NOW).items[0]


@pytest.fixture(scope="module")
def minimal() -> dict:
    return parse_page(fixture_bytes("article_minimal.html"), MIGRATED_URL, fetched_at=FROZEN_NOW).items[0]


@pytest.fixture(scope="module")
def nocms() -> dict:
    return parse_page(fixture_bytes("article_nocms.html"), OLDEST_URL, fetched_at=FROZEN_NOW).items[0]


def test_id(full):
    assert full["id"] == "180240912153012345"


def test_url_is_canonical(full):
    assert full["url"] == FULL_URL


def test_category(full):
    assert (full["category"], full["category_url"]) == ("Kinh tế", "https://truyenhinhthanhhoa.vn/kinh-te.htm")


def test_title_unescapes_jsonld_entities(full):
    assert full["title"] == "Nông dân Hoằng Hóa thu hoạch lúa sớm tránh bão"


def test_sapo(full):
    assert full["sapo"].startswith("Sáng 12/9, nông dân các xã ven biển")


def test_authors_split_on_en_dash(full):
    assert full["authors"] == ["Lê Minh Khôi", "Phạm Thu Hà"]


def test_published_raw_is_the_shown_text(full):
    assert full["published_raw"] == "12/09/2024 16:05"


def test_published_at(full):
    assert full["published_at"] == "2024-09-12T16:05:00+07:00"


def test_modified_at(full):
    assert full["modified_at"] == "2024-09-12T17:20:00+07:00"


def test_id_created_at(full):
    assert full["id_created_at"] == "2024-09-12T15:30:12+07:00"


def test_body_paragraphs_in_order(full):
    paragraphs = full["body"].split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].endswith("máy gặt đập liên hợp hoạt động từ sáng sớm.")
    assert paragraphs[-1].startswith("Dự kiến đến hết ngày 14/9")


def test_body_drops_html_comments(full):
    assert "ghi chú biên tập" not in full["body"]
    assert "huy động lực lượng hỗ trợ các hộ neo đơn" in full["body"]


def test_body_has_no_captions_alts_related_source_or_comments(full):
    for foreign in ("Máy gặt làm việc", "Ảnh 1.", "ứng phó bão số 3", "Nguồn:", "Ý kiến bạn đọc",
                    "Sầm Sơn", "Toàn cảnh thu hoạch"):
        assert foreign not in full["body"]


def test_images_full_size_in_document_order(full):
    assert [i["url"] for i in full["images"]] == [CDN + "gat-lua-1.jpg", CDN + "gat-lua-2.jpg", CDN + "gat-lua-3.jpg"]


def test_image_captions_present_and_absent(full):
    assert [i["caption"] for i in full["images"]] == [
        "Máy gặt làm việc trên cánh đồng xã Hoằng Phong.", None, "Lúa được phơi ngay trên đường làng."]


def test_image_alt(full):
    assert full["images"][2]["alt"] == "Nông dân Hoằng Hóa thu hoạch lúa sớm tránh bão- Ảnh 3."


def test_lazy_image_resolved_from_data_src(full):
    assert not full["images"][2]["url"].startswith("data:")


def test_video(full):
    assert full["videos"] == [{
        "url": "https://hls.mediacdn.vn/ttv/2024/9/12/gat-lua.mp4",
        "poster": CDN + "gat-lua-video.jpg",
        "caption": "Toàn cảnh thu hoạch lúa ở Hoằng Hóa.",
    }]


def test_source(full):
    assert full["source"] == "Thời sự trưa 12/9/2024"


def test_tags(full):
    assert full["tags"] == ["Hoằng Hóa", "lúa mùa"]


def test_related_box(full):
    assert [(r["id"], r["title"], r["published_at"]) for r in full["related"]] == [
        ("180240910081500111", "Thanh Hóa chủ động ứng phó bão số 3", "2024-09-10T08:15:00+07:00"),
        ("180240305073000222", "Vụ xuân thắng lợi", "2024-03-05T07:30:00+07:00"),  # day first
    ]


def test_see_more_entries(full):
    assert [e["id"] for e in full["see_more"]] == ["180240912101500333", "110240911090000444", "1808231547"]


def test_see_more_times(full):
    assert [e["published_raw"] for e in full["see_more"]][0] == "20:04 , 12/09/2024"
    assert [e["published_at"] for e in full["see_more"]][0] == "2024-09-12T20:04:00+07:00"


def test_see_more_summary_keeps_source_tag(full):
    assert full["see_more"][1]["summary"].startswith("(Chinhphu.vn) - ")


def test_see_more_lazy_thumbnail(full):
    assert full["see_more"][1]["thumbnail"].endswith("/2024/9/11/hop.jpg")


def test_lang(full):
    assert full["lang"] == "vi"


def test_crawled_at_is_fetch_time(full):
    assert full["crawled_at"] == "2026-11-26T10:00:00+07:00"


def test_content_sha256(full):
    import hashlib

    assert full["content_sha256"] == hashlib.sha256(full["body"].encode()).hexdigest()


def test_extraction_map_names_layers(full):
    # The visible title wins over the JSON-LD headline; metadata only fills gaps (docs/schema.md).
    assert full["extraction"]["title"] == "cms" and full["extraction"]["body"] == "cms"


def test_missing_sapo_is_null(minimal):
    assert minimal["sapo"] is None and minimal["extraction"]["sapo"] is None


def test_trailing_author_paragraph_goes_to_authors(minimal):
    assert minimal["authors"] == ["Vũ Hoàng Nam"]
    assert minimal["extraction"]["authors"] == "cms-trailing-paragraph"


def test_trailing_author_paragraph_leaves_body(minimal):
    assert "Vũ Hoàng Nam" not in minimal["body"]
    assert len(minimal["body"].split("\n\n")) == 2


def test_weekday_prefixed_date(minimal):
    assert minimal["published_at"] == "2018-02-03T21:10:00+07:00"


def test_migrated_url_id_has_no_timestamp(minimal):
    assert minimal["id"] == "1808012345" and minimal["id_created_at"] is None


def test_comment_at_start_of_body_is_dropped(minimal):
    assert not minimal["body"].startswith("Sat Feb")


def test_missing_author_gives_empty_list(nocms):
    assert nocms["authors"] == []


def test_oldest_url_form_id(nocms):
    assert nocms["id"] == "1808231999"


def test_body_without_cms_markup_comes_from_the_element_holding_the_paragraphs(nocms):
    assert nocms["extraction"]["body"] == "generic"
    assert len(nocms["body"].split("\n\n")) == 3


def test_page_object_is_engine_free():
    page = ArticlePage(fixture_bytes("article_full.html"), FULL_URL)
    assert page.title and page.is_article()


def test_wrong_latin1_charset_header_is_overruled_by_utf8_body():
    page = ArticlePage(fixture_bytes("article_full.html"), FULL_URL, content_type="text/html; charset=iso-8859-1")
    assert page.title == "Nông dân Hoằng Hóa thu hoạch lúa sớm tránh bão"


def test_missing_charset_everywhere_reads_utf8():
    body = fixture_bytes("article_minimal.html").replace(b'<meta charset="utf-8" />', b"")
    assert ArticlePage(body, MIGRATED_URL, content_type="text/html").title == "Đêm văn nghệ mừng xuân ở Bá Thước"


def test_see_more_is_the_list_under_its_heading_when_a_sidebar_follows():
    sidebar = (b'<aside class="box-most-read"><h3 class="box-title">\xc4\x90\xe1\xbb\x8dc nhi\xe1\xbb\x81u</h3>'
               b'<div class="box-stream"><div class="box-stream-item" data-id="180240101000000999">'
               b'<a class="box-stream-link-title" href="/doc-nhieu-180240101000000999.htm">Doc nhieu</a></div>'
               b"</div></aside></body>")
    page = ArticlePage(fixture_bytes("article_full.html").replace(b"</body>", sidebar), FULL_URL)
    assert [e.id for e in page.see_more] == ["180240912101500333", "110240911090000444", "1808231547"]
