"""Fault mode of the replica (`thcrawl replica --faults …`): the ways a real site misbehaves.

Each fault picks its own share of article paths by a hash of the path, so a run is repeatable.
Transient faults (5xx, 429, timeout, truncated) hit only the first request for a path and a retry
succeeds; permanent ones (offsite, loop, huge) make an article unreachable for as long as they are on;
the others (slow, malformed, charset, endless, badfeed, bomb) are answered but badly. The page faults
(canonical, offcanonical, deepnest, deepjson) are not part of 'all' and are asked for by name: a canonical
link naming another article of the site or another site, elements nested 5,000 deep in the body, and a
JSON-LD block nested 5,000 deep.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

TRANSIENT = ("5xx", "429", "timeout", "truncated")
PERMANENT = ("offsite", "loop", "huge")
PAGE_FAULTS = ("canonical", "offcanonical", "deepnest", "deepjson")
# Page faults come last, so each older fault keeps its slice of the articles (and its tests' truth).
ARTICLE_FAULTS = (*TRANSIENT, *PERMANENT, "slow", "malformed", "charset", *PAGE_FAULTS)
SITE_FAULTS = ("endless", "badfeed", "bomb")
ALL = (*ARTICLE_FAULTS[: -len(PAGE_FAULTS)], *SITE_FAULTS)
KNOWN = (*ARTICLE_FAULTS, *SITE_FAULTS)
NESTING_DEPTH = 5000
OFFSITE_CANONICAL_HOST = "https://sister-site.invalid"  # .invalid never resolves
DEFAULT_RATES = {"5xx": 0.05, "429": 0.03, "timeout": 0.02, "truncated": 0.03, "offsite": 0.01, "loop": 0.01,
                 "huge": 0.005, "slow": 0.02, "malformed": 0.03, "charset": 0.03}
TIMEOUT_SECONDS = 4.0  # longer than the DOWNLOAD_TIMEOUT the tests give the crawler
HUGE_BYTES = 12 * 1024 * 1024  # more than the crawler's 10 MB cap


def _bucket(path: str) -> float:
    digest = hashlib.blake2b(path.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass
class FaultPlan:
    rates: dict[str, float] = field(default_factory=dict)
    offsite_target: str = "http://127.0.0.2:9/moved.htm"

    @classmethod
    def parse(cls, spec: str | None, offsite_target: str | None = None) -> FaultPlan:
        """'all', or a comma list of names, each optionally with a share: '5xx=0.2,badfeed'."""
        plan = cls()
        if offsite_target:
            plan.offsite_target = offsite_target
        for part in (spec or "").split(","):
            name, _, share = part.strip().partition("=")
            if not name:
                continue
            names = ALL if name == "all" else (name,)
            for one in names:
                if one not in KNOWN:
                    raise ValueError(f"unknown fault {one!r}; known: {', '.join(KNOWN)}, all")
                try:
                    rate = float(share) if share else DEFAULT_RATES.get(one, 1.0)
                except ValueError:
                    raise ValueError(f"fault share must be a number from 0 to 1, not {share!r}") from None
                if not 0 <= rate <= 1:
                    raise ValueError(f"fault share must be from 0 to 1, not {rate}")
                plan.rates[one] = rate
        return plan

    def __bool__(self) -> bool:
        return bool(self.rates)

    def on(self, name: str) -> bool:
        return self.rates.get(name, 0) > 0

    def article_fault(self, path: str) -> str | None:
        """The one fault (if any) this article path gets: disjoint slices of [0, 1) per fault."""
        point = _bucket(path)
        low = 0.0
        for name in ARTICLE_FAULTS:
            rate = self.rates.get(name, 0.0)
            if low <= point < low + rate:
                return name
            low += rate
        return None

    def unreachable(self, paths: list[str]) -> set[str]:
        return {p for p in paths if self.article_fault(p) in PERMANENT}


def malform(html: str) -> str:
    """Broken markup a browser still shows: stray '<', unclosed and mis-nested tags, a cut-off comment."""
    return (html.replace("</p>", "", 3).replace("<h2 ", "<h2 <<", 1).replace("</body>", "<div><span><b>")
            .replace("</html>", "<!-- never closed") + "<p>&notanentity; <</p>")


def deep_elements(depth: int = NESTING_DEPTH) -> str:
    """Elements nested `depth` deep around nothing: the page's text is unchanged, its tree is not."""
    return "<div>" * depth + "<span></span>" + "</div>" * depth


def deep_jsonld(depth: int = NESTING_DEPTH) -> str:
    """A JSON-LD block of arrays nested `depth` deep (besides the page's real one)."""
    return f'<script type="application/ld+json">{{"@type": "Thing", "x": {"[" * depth}{"]" * depth}}}</script>'


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>
"""
