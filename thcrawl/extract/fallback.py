"""Generic body extraction (trafilatura) for pages whose CMS markup yields no body.

trafilatura and lxml's HTML cleaner (a separate package since lxml 5.2, which jusText imports) load with
this module, when thcrawl.extract loads: an install without them fails at once, not on the first page
that needs the fallback. Captions, related boxes, entry lists, comments and scripts are pruned first, so
the generic extractor cannot mistake them for body text.
"""

from __future__ import annotations

import lxml.html
import lxml_html_clean  # noqa: F401 - imported for its presence: jusText needs it, see above
import trafilatura
from lxml import etree

from thcrawl.text import clean

PRUNE_XPATH = etree.XPath(
    "//script | //style | //noscript | //figcaption | //comment()"
    " | //*[contains(@class, 'PhotoCMS_Caption') or contains(@class, 'VideoCMS_Caption')]"
    " | //*[@type='RelatedNewsBox'] | //*[contains(@class, 'box-stream-item') or contains(@class, 'box-category-item')]"
    " | //*[contains(@class, 'comment')] | //header | //footer | //nav | //aside"
)


def generic_paragraphs(root: etree._Element) -> list[str]:
    """Body paragraphs of a parsed page by trafilatura, on a pruned copy of the page's tree."""
    # The copy is parsed from the page's markup into lxml.html's element classes, which trafilatura reads (the
    # page objects' tree has lxml's plain ones: thcrawl.extract.document), as deep as the page's own parse went
    # (huge_tree: trafilatura's own parser would stop at 256 levels).
    markup = etree.tostring(root, encoding="utf-8", method="html")
    tree = lxml.html.document_fromstring(markup, parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
    for node in PRUNE_XPATH(tree):
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail:  # keep the text that follows the pruned node
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
    text = trafilatura.extract(tree, include_comments=False, include_tables=False, include_images=False,
                               include_links=False, favor_precision=True, deduplicate=False)
    return [line for line in (clean(part) for part in (text or "").split("\n")) if line]
