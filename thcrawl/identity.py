"""Which article a fetched page is: the URL it was fetched from (after on-site redirects), never its
canonical link. A canonical link that names another on-site URL is kept beside it (`canonical_url`) and
counted; an off-site one is ignored and counted. So a page cannot overwrite another article's row.
"""

from __future__ import annotations

from thcrawl.items import Article
from thcrawl.safety import origin
from thcrawl.urls import article_id, without_fragment

AGREES, DISAGREES, OFFSITE = "agrees", "disagrees", "offsite"


def settle_identity(item: Article, fetched_url: str, canonical: str | None, site_url: str) -> str:
    """Set the item's `url`, `id` and `canonical_url` from the fetched URL; returns how the page's
    canonical link compared: agrees, disagrees (kept in `canonical_url`) or offsite (ignored)."""
    fetched = without_fragment(fetched_url)
    item.url = fetched
    item.id = article_id(fetched)
    item.canonical_url = None
    if not canonical or without_fragment(canonical) == fetched:
        return AGREES
    if origin(canonical)[1:] != origin(site_url)[1:]:  # another host or port (http/https alike)
        return OFFSITE
    item.canonical_url = without_fragment(canonical)
    return DISAGREES
