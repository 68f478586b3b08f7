"""The page index: one walk that files elements, and the lookups page objects make on it."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from thcrawl.extract.index import PageIndex
from thcrawl.extract.nodes import following_with_tag, inside, string_value, with_tag

PAGE = """<html lang="vi"><head><meta property="og:title" content="T"><link rel="canonical" href="/a-1.htm"></head>
<body>
<div class="box-stream-item" id="before"><a class="box-stream-link-title">Before</a></div>
<div class="detail-content afcbc-body" data-role="content">
  <p>One <b>bold</b> line<!-- a CMS timestamp --></p>
  <div type="VideoStream" class="inner"><p>Inside</p></div>
</div>
<div class="box-stream-item" id="after"><a class="box-stream-link-title">After</a><p>Nguồn: x</p></div>
<div class="box-category-item" id="last"></div>
</body></html>""".encode()


@pytest.fixture()
def index():
    return PageIndex(LexborHTMLParser(PAGE).root)


def ids(elements):
    return [e.attributes.get("id") for e in elements]


def test_elements_are_filed_by_class_token(index):
    assert ids(index.with_class("box-stream-item")) == ["before", "after"]


def test_class_lookup_can_require_a_tag(index):
    assert index.with_class("afcbc-body", "p") == [] and len(index.with_class("afcbc-body", "div")) == 1


def test_elements_are_filed_by_data_role(index):
    assert index.with_role("content")[0].attributes["class"] == "detail-content afcbc-body"


def test_types_are_filed_case_blind(index):
    assert index.with_type("videostream")[0].attributes["class"] == "inner"


def test_entry_parts_are_those_inside_the_entry(index):
    entry = index.with_class("box-stream-item")[1]
    assert {part: e.text() for part, e in index.entry_parts(entry).items()} == {"link": "After"}


def test_meta_and_link_tags_are_filed(index):
    assert [len(index.with_tag(t)) for t in ("meta", "link")] == [1, 1]


def test_first_is_the_earliest_in_the_document(index):
    last, before = index.with_class("box-category-item"), index.with_class("box-stream-item")
    assert index.first(last, before).attributes["id"] == "before"


def test_following_excludes_the_anchor_descendants(index):
    content = index.with_role("content")[0]
    assert ids(index.following(content, index.with_class("box-stream-item"))) == ["after"]


def test_following_with_tag_is_the_following_axis(index):
    content = index.with_role("content")[0]
    assert [string_value(p) for p in following_with_tag(content, "p")] == ["Nguồn: x"]


def test_following_keeps_document_order(index):
    content = index.with_role("content")[0]
    entries = index.in_order(index.with_class("box-category-item") + index.with_class("box-stream-item"))
    assert ids(index.following(content, entries)) == ["after", "last"]


def test_inside_keeps_only_descendants(index):
    content = index.with_role("content")[0]
    assert [string_value(p) for p in inside(content, with_tag(index.root, "p"))] == ["One bold line", "Inside"]


def test_the_last_element_ends_at_the_end_of_the_page(index):
    last = index.with_class("box-category-item")[0]
    assert list(following_with_tag(last, "p")) == [] and index.following(last, index.with_role("content")) == []


def test_string_value_skips_comments_like_xpath(index):
    assert string_value(next(with_tag(index.root, "p"))) == "One bold line"


def test_asking_for_a_class_that_is_not_indexed_is_an_error(index):
    with pytest.raises(ValueError, match="not indexed"):
        index.with_class("detail-content")


def test_asking_for_a_tag_that_is_not_indexed_is_an_error(index):
    with pytest.raises(ValueError, match="not indexed"):
        index.with_tag("p")


def test_an_entry_ends_at_its_last_node_when_no_filed_element_follows_it():
    # The <p> after the entry is not filed, so its end is counted; the comment inside counts as a node.
    page = (b'<html><body><div class="box-stream-item"><h3><a class="box-stream-link-title">A</a></h3><!-- c -->'
            b'</div><p><span class="box-stream-time">later</span></p></body></html>')
    index = PageIndex(LexborHTMLParser(page).root)
    entry = index.with_class("box-stream-item")[0]
    assert {part: e.text() for part, e in index.entry_parts(entry).items()} == {"link": "A"}
