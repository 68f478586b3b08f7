"""Loading a page: the charset it is read in, and the kind of page it is."""

import subprocess
import sys

from thcrawl.extract.document import load
from thcrawl.extract.kind import PageKind, detect_kind


def test_a_page_in_a_legacy_charset_is_decoded_before_parsing():
    body = '<html><head><meta charset="windows-1252"></head><body><h1>Thanh Hóa</h1></body></html>'
    assert load(body.encode("cp1252")).css("h1::text").get() == "Thanh Hóa"


def test_a_utf8_page_claiming_latin1_is_read_as_utf8():
    body = '<html><head><meta charset="iso-8859-1"></head><body><p>Thanh Hóa</p></body></html>'
    assert load(body.encode("utf-8")).css("p::text").get() == "Thanh Hóa"


def test_kinds_are_told_by_the_cms_markup():
    assert [detect_kind(load(page.encode())) for page in (
        '<h1 class="detail-title">T</h1>', '<div class="box-category-item"><a href="/a-180250101080000101.htm">A b c</a></div>',
        "<p>nothing of the CMS</p>")] == [PageKind.ARTICLE, PageKind.LISTING, PageKind.OTHER]


def test_a_page_without_the_family_markup_is_an_article_when_it_has_a_title_and_a_body():
    paragraphs = "".join(f"<p>Đoạn văn số {n} của bài báo, đủ dài để là thân bài của một trang tin.</p>" for n in range(6))
    page = f"<html><body><h1>Tiêu đề</h1><article>{paragraphs}</article></body></html>"
    assert detect_kind(load(page.encode())) is PageKind.ARTICLE


def test_the_fallback_extractor_loads_with_the_package():
    # A broken install (lxml without its HTML cleaner) fails at import, not on the first unusual page.
    code = "import sys, thcrawl.extract; print('trafilatura' in sys.modules and 'lxml_html_clean' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "True"
