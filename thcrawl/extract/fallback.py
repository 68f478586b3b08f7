"""Generic body extraction (trafilatura) for pages whose CMS markup yields no body.

Captions, related boxes, stream lists ("xem thêm"), comments and scripts are pruned first, so the generic
extractor cannot mistake them for body text.
"""

from __future__ import annotations

from lxml import etree

from thcrawl.text import clean

PRUNE_XPATH = (
    "//script | //style | //noscript | //figcaption"
    " | //*[contains(@class, 'PhotoCMS_Caption') or contains(@class, 'VideoCMS_Caption')]"
    " | //*[@type='RelatedNewsBox'] | //*[contains(@class, 'box-stream-item') or contains(@class, 'box-category-item')]"
    " | //*[contains(@class, 'comment')] | //header | //footer | //nav"
)


def generic_paragraphs(html: str) -> list[str]:
    """Body paragraphs of a page's HTML (the parsed page serialised) by trafilatura, on an lxml tree pruned
    first: trafilatura works on lxml trees."""
    import trafilatura

    root = etree.fromstring(html, etree.HTMLParser(remove_comments=True))
    if root is None:
        return []
    for node in root.xpath(PRUNE_XPATH):
        parent = node.getparent()
        if parent is not None:
            # Keep the text that follows the pruned node (its tail) in the document.
            if node.tail:
                previous = node.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + node.tail
                else:
                    parent.text = (parent.text or "") + node.tail
            parent.remove(node)
    html = etree.tostring(root, encoding="unicode", method="html")
    text = trafilatura.extract(html, include_comments=False, include_tables=False, include_images=False,
                               include_links=False, favor_precision=True, deduplicate=False)
    return [line for line in (clean(part) for part in (text or "").split("\n")) if line]
