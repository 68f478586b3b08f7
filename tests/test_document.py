"""Loading a page: the charset it is read in, and the memory its tree is built in."""

import subprocess
import sys

import pytest

from thcrawl.extract.allocator import keep_heap_top
from thcrawl.extract.document import PageKind, detect_kind, load


def test_a_page_in_a_legacy_charset_is_decoded_before_parsing():
    # lexbor reads bytes as UTF-8 only; a windows-1252 page ("ó" is one byte there) must be decoded first.
    body = '<html><head><meta charset="windows-1252"></head><body><h1>Thanh Hóa</h1></body></html>'
    assert load(body.encode("cp1252")).css_first("h1").text() == "Thanh Hóa"


def test_a_utf8_page_is_read_from_its_bytes():
    assert load("<p>Thanh Hóa</p>".encode()).css_first("p").text() == "Thanh Hóa"


def test_kinds_are_told_by_the_cms_markup():
    assert [detect_kind(load(page.encode())) for page in (
        '<h1 class="detail-title">T</h1>', '<div class="box-category-item"><a href="/a-1.htm">A</a></div>',
        "<p>nothing of the CMS</p>")] == [PageKind.ARTICLE, PageKind.LISTING, PageKind.OTHER]


# Run in a fresh interpreter: the heap of a test process that has run crawls before is in no known state.
FAULTS_PER_PAGE = """
import resource
from thcrawl.extract.document import load
from thcrawl.replica import pages as render
from thcrawl.replica.content import ReplicaSite
site = ReplicaSite(articles=40, seed=3)
pages = [render.article_page(site, i, "https://truyenhinhthanhhoa.vn").encode() for i in range(40)]
load(pages[0])
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for page in pages:
    load(page)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / len(pages))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or not keep_heap_top(), reason="needs glibc's mallopt")
def test_parsing_page_after_page_reuses_the_freed_memory():
    # Without the heap's top padding, every replica article page costs ~28 page faults (allocator.py).
    result = subprocess.run([sys.executable, "-c", FAULTS_PER_PAGE], capture_output=True, text=True, check=True)
    assert float(result.stdout) < 5
