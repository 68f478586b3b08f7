"""Renders the seed (../shared/seed, the text of one real article page) into the site's markup at run time.

Nothing of the seed is stored in the repository: the text is read, laid into the CMS family's markup
(site-facts.md), and handed to the page objects, which must give every part of it back.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE_TIME_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
LIST_TIME_RE = re.compile(r"^\d{2}:\d{2} , \d{2}/\d{2}/\d{4}$")
PHOTO_ALT_RE = re.compile(r" ?- Ảnh \d+\.$")  # "<title> - Ảnh N." (Ảnh = photo)
SOURCE_PREFIX = "Nguồn:"  # "Source:"
COMMENTS_END = "Xem thêm bình luận"  # "see more comments", the last line of the comments block


@dataclass
class SeedArticle:
    title: str
    sapo: str
    author_line: str
    time: str
    blocks: list[tuple[str, str]]  # ("p", text) or ("photo", alt) in page order
    source: str
    see_more: list[dict[str, str]] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]

    @property
    def photo_alts(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "photo"]


def read_seed(path: Path) -> SeedArticle:
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    t = next(i for i, line in enumerate(lines) if ARTICLE_TIME_RE.match(line))
    s = next(i for i, line in enumerate(lines) if line.startswith(SOURCE_PREFIX))
    blocks = [("photo" if PHOTO_ALT_RE.search(line) else "p", line) for line in lines[t + 1:s]]
    tail = lines[lines.index(COMMENTS_END) + 1:]
    see_more = []
    for i, line in enumerate(tail):
        if LIST_TIME_RE.match(line):
            summary = tail[i + 1] if i + 1 < len(tail) and not LIST_TIME_RE.match(tail[i + 1]) else ""
            see_more.append({"title": tail[i - 1], "time": line, "summary": summary})
    return SeedArticle(title=lines[t - 3], sapo=lines[t - 2], author_line=lines[t - 1], time=lines[t],
                       blocks=blocks, source=lines[s][len(SOURCE_PREFIX):].strip(), see_more=see_more)


def render(seed: SeedArticle, article_id: str) -> bytes:
    e = html.escape
    cdn = "https://truyenhinhthanhhoa.qltns.mediacdn.vn"
    body = []
    for n, (kind, text) in enumerate(seed.blocks):
        if kind == "p":
            body.append(f"<p>{e(text)}</p>")
        else:
            body.append(
                f'<figure class="VCSortableInPreviewMode" type="Photo"><div><img '
                f'src="{cdn}/thumb_w/640/458221966042468352/2023/7/31/seed-{n}.jpg" '
                f'data-original="{cdn}/458221966042468352/2023/7/31/seed-{n}.jpg" alt="{e(text)}" /></div></figure>')
    items = []
    for n, entry in enumerate(seed.see_more):
        href = f"/seed-see-more-{n}-1802502{n:02d}0000000{n:02d}.htm"
        items.append(
            f'<div class="box-stream-item"><a class="box-stream-link-with-avatar" href="{href}" '
            f'title="{e(entry["title"])}"><img src="{cdn}/zoom/270_169/seed-{n}.jpg" alt="{e(entry["title"])}"></a>'
            f'<div class="box-stream-content"><h3><a class="box-stream-link-title" href="{href}">{e(entry["title"])}'
            f'</a></h3><span class="box-stream-time">{e(entry["time"])}</span>'
            f'<p class="box-stream-sapo">{e(entry["summary"])}</p></div></div>')
    page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{e(seed.title)}</title>
<link rel="canonical" href="https://truyenhinhthanhhoa.vn/seed-article-{article_id}.htm"></head><body>
<div class="detail-mcontent">
<div class="detail-breadcrumb"><a href="/thoi-su.htm" data-role="cate-name">Thời sự</a></div>
<h1 class="detail-title" data-role="title">{e(seed.title)}</h1>
<h2 class="detail-sapo" data-role="sapo">{e(seed.sapo)}</h2>
<div class="detail-info"><div class="detail-author-top"><p class="detail-author-top-content">
<a href="javascript:;" class="detail-author-top-name">{e(seed.author_line)}</a></p></div>
<div class="detail-time"><div data-role="publishdate">{e(seed.time)}</div></div></div>
<div class="detail-content afcbc-body clearfix" data-role="content">
{"".join(body)}
<p>{e(SOURCE_PREFIX)} {e(seed.source)}</p>
</div>
<div class="detail-comment"><h3>Ý kiến bạn đọc</h3><a href="javascript:;">{e(COMMENTS_END)}</a></div>
<div class="box-stream">{"".join(items)}</div>
</div></body></html>"""
    return page.encode("utf-8")
