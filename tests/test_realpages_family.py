"""Conformance on every page of ../shared/realpages: the CMS family's Vietnamese sites and another CMS.

Articles with a hand-read gold (`*.gold.json`) are checked field by field against it (tests/realpages_score.py
says how each field compares). The other pages are checked against expectations read from their raw bytes
with plain regular expressions, independently of the page objects. Then drift: a real page is rewritten
as a redesign would (class names renamed, data-role and metadata stripped, one at a time and together),
and the fields that must survive are checked with the layer that served them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW, SHARED
from tests.realpages_score import FIELDS, gold_pages, item_of
from thcrawl.extract import ArticlePage
from thcrawl.extract.kind import PageKind
from thcrawl.parsing import parse_page
from thcrawl.text import clean
from thcrawl.validation import validation_errors

ROOT = SHARED / "realpages"
GOLD = gold_pages(ROOT) if ROOT.exists() else []


def require_root() -> Path:
    if not ROOT.exists():
        pytest.skip(f"{ROOT} is absent: it holds third-party pages that are read, never copied, by these tests")
    return ROOT


def page_bytes(relative: str) -> bytes:
    path = require_root() / relative
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path.read_bytes()


def raw_text(relative: str) -> str:
    return page_bytes(relative).decode("utf-8")


def shown(pattern: str, text: str, tag: str = " ") -> str:
    """The text of the first match, tags replaced by `tag` ("" for inline markup), character references
    decoded once, as a reader sees it."""
    return clean(html.unescape(re.sub(r"<[^>]+>", tag, re.search(pattern, text, re.S).group(1))))


# -- gold: field by field ----------------------------------------------------------------------------
@pytest.fixture(scope="module", params=GOLD or [None], ids=lambda p: p[0].parent.name if p else "absent")
def gold_case(request):
    if request.param is None:
        require_root()
        pytest.skip("no gold files")
    page, gold = request.param
    return item_of(page, gold["url"]), gold["gold"]


@pytest.mark.parametrize("field", list(FIELDS))
def test_field_matches_gold(gold_case, field):
    item, gold = gold_case
    if field not in gold:
        pytest.skip(f"the gold has no {field}")
    assert FIELDS[field](item) == gold[field]


def test_gold_items_are_valid(gold_case):
    item, _ = gold_case
    assert validation_errors(item) == []


def test_visible_title_wins_and_the_disagreement_is_recorded():
    text = raw_text("nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-ve-thue-196260307071308923.htm.html")
    item = parse_page(text.encode(), "https://nld.com.vn/x-196260307071308923.htm", fetched_at=FROZEN_NOW).items[0]
    og_title = shown(r'<meta property="og:title" content="([^"]*)"', text)
    assert item["title"] == shown(r'<h1[^>]*data-role="title"[^>]*>(.*?)</h1>', text) != og_title
    assert item["metadata_disagreements"]["title"]["meta"] == og_title
    assert item["extraction"]["title"] == "cms"


def test_jsonld_text_is_decoded_once():
    # baochinhphu.vn writes character references into its JSON-LD ("Ch&#237;nh"): decoded once, none left.
    text = raw_text("baochinhphu.vn/chinh-sach-moi-co-hieu-luc-tu-thang-3-2026-102260228093004191.htm.html")
    stripped = re.sub(r'<h1[^>]*>.*?</h1>', "", text, flags=re.S)  # the title must come from JSON-LD
    stripped = re.sub(r'<meta property="og:title"[^>]*>', "", stripped)
    page = ArticlePage(stripped.encode(), "https://baochinhphu.vn/a-102260228093004191.htm")
    assert "&#" not in page.title and page.title == shown(r"<title>(.*?)</title>", text)
    assert page.extraction["title"] == "jsonld"


# -- pages without gold: expectations from the raw bytes ----------------------------------------------
EN_ARTICLES = sorted(p.name for p in (ROOT / "en.baochinhphu.vn").glob("*.htm.html")) if ROOT.exists() else []


@pytest.mark.parametrize("name", EN_ARTICLES or ["absent"])
def test_english_edition_article(name):
    text = raw_text(f"en.baochinhphu.vn/{name}")
    url = "https://en.baochinhphu.vn/" + name.removesuffix(".html")
    item = parse_page(text.encode(), url, fetched_at=FROZEN_NOW).items[0]
    assert item["title"] == shown(r'<h1 class="detail-title" data-role="title">(.*?)</h1>', text)
    assert item["authors"] == [shown(r'class="detail-author-top-name">(.*?)</a>', text)]
    assert item["category"] == shown(r'data-role="cate-name"[^>]*>(.*?)</a>', text)
    tag_box = text[text.index('class="detail-tag-list"'):]
    assert item["tags"] == [clean(html.unescape(t)) for t in re.findall(r'title="[^"]*">(.*?)</a>', tag_box[:tag_box.index("</ul>")])]
    assert [r["id"] for r in item["related"]] == re.findall(r'class="kbwscwlrl" data-date="[^"]*" data-id="(\d+)"', text)
    assert item["url"] == url and item["canonical_url"] == re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)
    assert all(layer in ("cms", "jsonld") for field, layer in item["extraction"].items()
               if field in ("title", "sapo", "authors", "category", "body", "tags", "related", "images"))
    assert validation_errors(item) == []


LISTINGS = [
    # (file, URL, the entry boxes' class as the bytes write it)
    ("en.baochinhphu.vn/defense.html", "https://en.baochinhphu.vn/defense.html", r'<div class="box-stream-item" data-id="(\d+)"'),
    ("nld.com.vn/kinh-te.htm.html", "https://nld.com.vn/kinh-te.htm", r'<div class="box-category-item" data-id="(\d+)"'),
    ("cafef.vn/thi-truong-chung-khoan.chn.html", "https://cafef.vn/thi-truong-chung-khoan.chn",
     r'<div class="tlitem box-category-item" data-id="(\d+)"'),
    ("baochinhphu.vn/chinh-sach-va-cuoc-song--chinh-sach-moi.htm.html",
     "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm",
     r'<div class="box-(?:stream-item|category-item(?: box-category-item-first)?|category-item-sub)"\s+data-id="(\d+)"'),
]


@pytest.mark.parametrize(("name", "url", "entry"), LISTINGS, ids=[n.split("/")[0] for n, _, _ in LISTINGS])
def test_family_listing_yields_its_entries(name, url, entry):
    text = raw_text(name)
    parsed = parse_page(text.encode(), url, fetched_at=FROZEN_NOW)
    expected = list(dict.fromkeys(re.findall(entry, text)))
    assert parsed.kind is PageKind.LISTING and parsed.extraction == {"entries": "cms"}
    assert [i["id"] for i in parsed.items] == expected and len(expected) >= 20
    assert all(i["title"] and i["url"].startswith("https://") for i in parsed.items)


def test_listing_times_as_shown():
    text = raw_text("cafef.vn/thi-truong-chung-khoan.chn.html")
    items = parse_page(text.encode(), "https://cafef.vn/thi-truong-chung-khoan.chn", fetched_at=FROZEN_NOW).items
    shown_times = re.findall(r'<div class="tlitem box-category-item".*?class="time time-ago"[^>]*>([^<]*)<', text, re.S)
    assert [i["published_raw"] for i in items] == [clean(t) for t in shown_times]
    assert all(i["published_at"] for i in items)


VNEXPRESS_ARTICLE = "vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html.html"


def test_another_cms_article_comes_from_generic_layers():
    text = raw_text(VNEXPRESS_ARTICLE)
    url = "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
    item = parse_page(text.encode(), url, fetched_at=FROZEN_NOW).items[0]
    assert item["title"] == shown(r"<h1[^>]*>(.*?)</h1>", text)
    assert item["published_raw"] == shown(r'<span class="date">(.*?)</span>', text)
    assert item["published_at"] == re.search(r'"datePublished":"([^"]+)"', text).group(1)
    byline = shown(r'<p class="Normal" style="text-align:right;">(.*?)</p>', text)
    assert item["authors"] == [re.sub(r"\s*\(.*\)$", "", byline)]
    article = text[text.index('<article class="fck_detail'):text.index("</article>")]
    paragraphs = [shown(r"(.*)", p, tag="") for p in re.findall(r'<p class="Normal">(.*?)</p>', article, re.S)]
    assert item["body"].split("\n\n") == [p for p in paragraphs if p]
    assert [i["caption"] for i in item["images"]] == [shown(r"(.*)", c) for c in re.findall(
        r"<figcaption[^>]*>(.*?)</figcaption>", article, re.S)]
    crumbs = re.search(r'<ul class="breadcrumb"[^>]*>(.*?)</ul>', text, re.S).group(1)
    assert [item["category"], item["subcategory"]] == [shown(r"(.*)", c) for c in re.findall(r"<a[^>]*>(.*?)</a>", crumbs)][:2]
    assert item["extraction"]["title"] == "generic" and item["extraction"]["body"] == "generic"
    assert "cms" not in item["extraction"].values()


def test_another_cms_listing_yields_entries_from_generic_layers():
    text = raw_text("vnexpress.net/kinh-doanh.html")
    parsed = parse_page(text.encode(), "https://vnexpress.net/kinh-doanh", fetched_at=FROZEN_NOW)
    titled = set(re.findall(r'<h3 class="title-news">\s*<a[^>]*href="([^"]+)"', text))
    assert parsed.kind is PageKind.LISTING and parsed.extraction == {"entries": "generic"}
    assert titled <= {i["url"] for i in parsed.items} and len(titled) >= 30


# -- drift: a real page rewritten ---------------------------------------------------------------------
DRIFT_PAGE = "nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-ve-thue-196260307071308923.htm.html"
DRIFT_URL = "https://nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-ve-thue-196260307071308923.htm"


def rename_classes(text: str) -> str:
    """Every class name replaced by a meaningless one, as a redesign's build tool might."""
    names: dict[str, str] = {}
    return re.sub(r'class="([^"]*)"', lambda m: 'class="{}"'.format(
        " ".join(names.setdefault(c, f"c{len(names)}") for c in m.group(1).split())), text)


def strip_data_roles(text: str) -> str:
    return re.sub(r'\sdata-role="[^"]*"', "", text)


def strip_metadata(text: str) -> str:
    text = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
    return re.sub(r"<meta [^>]*(?:property|name)=\"(?:og:|article:|description|author|keywords)[^>]*>", "", text)


DRIFTS = {"classes": rename_classes, "data-role": strip_data_roles, "metadata": strip_metadata,
          "all": lambda t: strip_metadata(strip_data_roles(rename_classes(t)))}


@pytest.fixture(scope="module")
def undrifted():
    return parse_page(page_bytes(DRIFT_PAGE), DRIFT_URL, fetched_at=FROZEN_NOW).items[0]


@pytest.mark.parametrize("drift", list(DRIFTS))
def test_drifted_page_keeps_what_a_reader_sees(drift, undrifted):
    page = ArticlePage(DRIFTS[drift](raw_text(DRIFT_PAGE)).encode(), DRIFT_URL)
    page.to_item()
    assert page.title == undrifted["title"]
    assert page.published_raw == undrifted["published_raw"]
    body = page.body_paragraphs
    gold_body = undrifted["body"].split("\n\n")
    assert body[0] == gold_body[0] and len(set(body) & set(gold_body)) >= 0.8 * len(gold_body)
    if drift == "metadata":  # the markup is intact: every field still comes from it
        assert page.authors == undrifted["authors"] and page.tags == undrifted["tags"]
        assert {page.extraction[f] for f in ("title", "sapo", "authors", "body", "tags", "images")} == {"cms"}


def test_drift_shows_in_the_provenance():
    page = ArticlePage(DRIFTS["all"](raw_text(DRIFT_PAGE)).encode(), DRIFT_URL)
    page.to_item()
    assert page.extraction["title"] == "generic" and page.extraction["body"] == "generic"
    assert page.extraction["published_raw"] == "generic" and page.extraction["sapo"] == "generic"
    # Lost for good with the markup (nothing left says what they are): null, so the coverage drop shows.
    assert page.authors == [] and page.extraction["authors"] is None and page.category is None
    # Found by what they are (the tag route, the "Tin liên quan" heading), not by a class name: still cms.
    assert page.tags and page.extraction["tags"] == "cms"
    assert len(page.see_more) == 3 and page.extraction["see_more"] == "cms"
    assert all(page.extraction[f] != "cms" for f in ("title", "sapo", "body", "published_raw", "images"))


def test_renamed_classes_keep_tags_and_images_through_structure():
    page = ArticlePage(rename_classes(raw_text(DRIFT_PAGE)).encode(), DRIFT_URL)
    original = ArticlePage(page_bytes(DRIFT_PAGE), DRIFT_URL)
    assert page.tags == original.tags  # the /{tag}.html route, not a class name
    assert page.authors == original.authors  # data-role=author
    assert [i.url for i in page.images] == [i.url for i in original.images]  # data-role=content
