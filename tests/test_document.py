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


# -- the selector a page is parsed into: parsel's answers, each query compiled once ---------------------------
PAGE = ('<html lang="vi"><head><link rel="canonical" href="/a-1.htm"></head><body>'
        '<h1 data-role="title">Tin <b>mới</b></h1><div class="box-stream-item x"><a href="/b-2.htm">B</a></div>'
        '<p class="sapo">Sapo</p><p>Một <!-- ghi chú --> hai</p></body></html>')
QUERIES = [
    "//h1", "//h1//text()", "/html/head/link[@rel='canonical']/@href", "count(//p)", "boolean(//h2)",
    "string(//h1)", "/html/@lang", "//p[contains(@class, 'sapo')]",
    "//*[re:test(@class, '(^|\\s)box-stream-item(\\s|$)')]/a/@href",  # parsel's EXSLT regular expressions
    "set:distinct(//p)",  # an EXSLT set function: parsel's own path
]


def answers(selector, query):
    return [(type(s.root).__name__, s.get()) for s in selector.xpath(query)]


def test_page_selector_answers_every_query_as_parsel_does():
    from parsel import Selector

    page = load(PAGE.encode())
    reference = Selector(text=PAGE, type="html")
    for query in QUERIES:
        assert [get for _, get in answers(page, query)] == [get for _, get in answers(reference, query)], query


def test_page_selector_css_and_chained_queries_stay_page_selectors():
    from thcrawl.extract.document import PageSelector

    page = load(PAGE.encode())
    found = page.css("div.box-stream-item").xpath("./a")
    assert isinstance(found[0], PageSelector) and found.attrib["href"] == "/b-2.htm"


def test_page_selector_takes_variables_and_namespaces_through_parsel():
    page = load(PAGE.encode())
    assert page.xpath("//a[@href = $href]/text()", href="/b-2.htm").get() == "B"
    assert page.xpath("//x:h1", namespaces={"x": "urn:none"}).getall() == []


def test_page_selector_reports_a_bad_query_as_parsel_does():
    import pytest

    with pytest.raises(ValueError, match="XPath error"):
        load(PAGE.encode()).xpath("//p[")
