from thcrawl.urls import absolute, article_id, full_size_image, id_created_at

SITE = "https://truyenhinhthanhhoa.vn"


def test_current_id_18_digits():
    assert article_id(f"{SITE}/cong-bo-quyet-dinh-180250530182221235.htm") == "180250530182221235"


def test_current_id_17_digits():
    assert article_id(f"{SITE}/mot-bai-18024070921343666.htm") == "18024070921343666"


def test_migrated_legacy_id():
    assert article_id(f"{SITE}/emagazine-thanh-hoa-1808198627.htm") == "1808198627"


def test_oldest_form_gets_site_prefix():
    assert article_id(f"{SITE}/nhap-song-ttv/201909/mot-bai-8231547") == "1808231547"


def test_category_and_tag_pages_are_not_articles():
    assert article_id(f"{SITE}/thoi-su.htm") is None
    assert article_id(f"{SITE}/xu-thanh.html") is None
    assert article_id(f"{SITE}/thoi-su/trang-2.htm") is None


def test_id_created_at_is_draft_time():
    assert id_created_at("180250530182221235").isoformat() == "2025-05-30T18:22:21+07:00"


def test_id_created_at_17_digit():
    assert id_created_at("18024070921343666").isoformat() == "2024-07-09T21:34:36+07:00"


def test_id_created_at_legacy_is_none():
    assert id_created_at("1808198627") is None


def test_id_created_at_impossible_stamp_is_none():
    assert id_created_at("180259999999999999") is None


def test_full_size_image():
    assert full_size_image("https://x.vn/thumb_w/640/1/2022/11/2/a.jpeg") == "https://x.vn/1/2022/11/2/a.jpeg"


def test_absolute_rejects_javascript():
    assert absolute("javascript:;", SITE) is None


def test_absolute_scheme_less_cdn_host():
    assert absolute("hls.mediacdn.vn/a/b.mp4", SITE) == "https://hls.mediacdn.vn/a/b.mp4"


def test_absolute_drops_non_web_schemes():
    assert absolute("ftp://127.0.0.1/a-180250101000000002.htm", SITE) is None
    assert absolute("file:///etc/passwd", SITE) is None
