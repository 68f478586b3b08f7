"""Field-by-field score of the article page object against the hand-read gold of ../shared/realpages.

    python -m tests.realpages_score            # one table: page x field, ✓ or ✗, and the total per page
    python -m tests.realpages_score --diff     # also what the page object gave where it missed

The comparison is the one each gold file's `gold_method` describes: visible title and sapo, the time as
shown and in ISO form, authors without prefixes, source, the breadcrumb categories (main, then sub), photos
with captions, counts of related and see-more entries, tags, and the body as a list of blocks.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import FROZEN_NOW, SHARED
from thcrawl.parsing import parse_page

REALPAGES_ROOT = SHARED / "realpages"


def _categories(item: dict[str, Any]) -> list[str]:
    return [name for name in (item.get("category"), item.get("subcategory")) if name]


def _body_blocks(item: dict[str, Any]) -> list[str]:
    return item["body"].split("\n\n") if item["body"] else []


# gold field -> (what the item says for it, as comparable to the gold's value)
FIELDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "title": lambda item: item["title"],
    "sapo": lambda item: item["sapo"],
    "published_shown": lambda item: item["published_raw"],
    "published_at": lambda item: item["published_at"],
    "authors": lambda item: item["authors"],
    "source": lambda item: item["source"],
    "category_shown": _categories,
    "images": lambda item: [{"url": i["url"], "caption": i["caption"]} for i in item["images"]],
    "related_in_body": lambda item: len(item["related"]),
    "see_more": lambda item: len(item["see_more"]),
    "tags": lambda item: item["tags"],
    "paragraphs": _body_blocks,
    "n_paragraphs": lambda item: len(_body_blocks(item)),
    "first_paragraph": lambda item: (_body_blocks(item) or [None])[0],
    "last_paragraph": lambda item: (_body_blocks(item) or [None])[-1],
    "n_images": lambda item: len(item["images"]),
}


def gold_pages(root: Path = REALPAGES_ROOT) -> list[tuple[Path, dict[str, Any]]]:
    """(page path, gold document) for every page that has a gold file, sorted by path."""
    pages = []
    for gold_path in sorted(root.glob("*/*.gold.json")):
        page = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".html")
        pages.append((page, json.loads(gold_path.read_text(encoding="utf-8"))))
    return pages


def item_of(page: Path, url: str) -> dict[str, Any]:
    return parse_page(page.read_bytes(), url, fetched_at=FROZEN_NOW).items[0]


def score(item: dict[str, Any], gold: dict[str, Any]) -> dict[str, tuple[bool, Any]]:
    """For each gold field: (right?, what the item gave)."""
    out = {}
    for name, read in FIELDS.items():
        if name in gold:
            got = read(item)
            out[name] = (got == gold[name], got)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diff", action="store_true", help="print what the page object gave for each miss")
    args = parser.parse_args(argv)
    pages = gold_pages()
    if not pages:
        print(f"no gold pages under {REALPAGES_ROOT}", file=sys.stderr)
        return 2
    names = list(FIELDS)
    print("| page | " + " | ".join(names) + " | right |")
    print("|---|" + "---|" * (len(names) + 1))
    for page, gold in pages:
        try:
            results = score(item_of(page, gold["url"]), gold["gold"])
        except Exception as exc:  # the table shows a page that fails outright as 0 of 16
            print(f"| {page.parent.name} | failed: {type(exc).__name__}: {exc} |")
            continue
        marks = ["✓" if results[n][0] else "✗" if n in results else "-" for n in names]
        right = sum(ok for ok, _ in results.values())
        print(f"| {page.parent.name} | " + " | ".join(marks) + f" | {right}/{len(results)} |")
        if args.diff:
            for name, (ok, got) in results.items():
                if not ok:
                    print(f"    {name}: got {json.dumps(got, ensure_ascii=False)[:300]}")
                    print(f"    {' ' * len(name)}  want {json.dumps(gold['gold'][name], ensure_ascii=False)[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
