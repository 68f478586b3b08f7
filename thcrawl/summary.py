"""The run summary (stats.json): counts, field coverage, errors by kind, status, duration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

STATS_FILE = "stats.json"
# The fields whose share of non-empty values is the run's coverage (counted by the store pipeline).
COVERAGE_FIELDS = ("title", "sapo", "authors", "published_at", "body", "category", "images", "tags", "source",
                   "see_more")
ERROR_PREFIXES = ("downloader/exception_type_count/", "spider_exceptions/", "thcrawl/errors/")
SUCCESS_REASONS = ("finished", "closespider_itemcount")
OK, DEGRADED, FAILED = "ok", "degraded", "failed"
MAX_LISTED_FAILURES = 200
# What the run found and repaired of earlier runs that did not finish (thcrawl.recovery).
RECOVERY_KEYS = ("articles", "quarantined_lines", "due_again", "temporaries_removed", "torn_lines_cut")


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith(ERROR_PREFIXES):
            name = key.split("/", 2)[-1] if key.startswith("thcrawl/") else key.rsplit("/", 1)[-1]
            kinds[name.rsplit(".", 1)[-1]] = kinds.get(name.rsplit(".", 1)[-1], 0) + value
        elif key.startswith("downloader/response_status_count/") and key[-3] in "45":
            kinds[f"http_{key[-3:]}"] = value
        elif key == "thcrawl/items/invalid":
            kinds["invalid_items"] = value
        elif key == "retry/max_reached":
            kinds["retries_exhausted"] = value
    return dict(sorted(kinds.items()))


def coverage(stats: dict[str, Any]) -> dict[str, float | None]:
    written = stats.get("thcrawl/items/written", 0)
    return {f: round(stats.get(f"thcrawl/coverage/{f}", 0) / written, 4) if written else None for f in COVERAGE_FIELDS}


def lost_share(stats: dict[str, Any]) -> float | None:
    """The share of the article URLs a run tried that it could not turn into a row (after retries)."""
    failed = stats.get("thcrawl/failed", 0)
    tried = stats.get("thcrawl/items/written", 0) + failed
    return round(failed / tried, 4) if tried else None


def cms_shares(stats: dict[str, Any]) -> dict[str, float | None]:
    """Per field, the share of articles whose value the CMS layer served (pipelines/provenance.py)."""
    articles = stats.get("thcrawl/provenance/articles", 0)
    served: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("thcrawl/layer/"):
            _, _, field, layer = key.split("/", 3)
            served[field] = served.get(field, 0) + (value if layer.startswith("cms") else 0)
    return {field: round(count / articles, 4) if articles else None for field, count in sorted(served.items())}


def build_summary(stats: dict[str, Any], reason: str, thresholds: dict[str, float] | None = None,
                  max_lost_share: float = 0.05, min_cms_share: dict[str, float] | None = None) -> dict[str, Any]:
    start = stats.get("start_time")
    finish = stats.get("finish_time") or datetime.now(UTC)
    duration = (finish - start).total_seconds() if start else None
    cover = coverage(stats)
    low = sorted(f for f, minimum in (thresholds or {}).items()
                 if cover.get(f) is not None and cover[f] < float(minimum))
    shares = cms_shares(stats)
    drifted = sorted(f for f, minimum in (min_cms_share or {}).items()
                     if stats.get("thcrawl/provenance/articles") and (shares.get(f) or 0.0) < float(minimum))
    if stats.get("thcrawl/listing_pages/first_without_entries"):
        drifted.append("listing_entries")
    written = stats.get("thcrawl/items/written", 0)
    errors = errors_by_kind(stats)
    if reason not in SUCCESS_REASONS or (written == 0 and stats.get("thcrawl/failed", 0) > 0) or (
            written == 0 and not stats.get("thcrawl/articles/skipped_known") and sum(errors.values()) > 0):
        status = FAILED
    else:
        # Degraded: a layout change (low coverage, or the CMS layer no longer serving a field), articles
        # lost past the tolerated share, or an exception that only reached the log (thcrawl.health).
        lost = lost_share(stats) or 0.0
        status = DEGRADED if low or drifted or lost > max_lost_share or stats.get("thcrawl/errors/unhandled") else OK
    return {
        "status": status,
        "finish_reason": reason,
        "mode": stats.get("thcrawl/mode", "full"),
        "articles": written,
        "new": stats.get("thcrawl/articles/new", 0),
        "updated": stats.get("thcrawl/articles/updated", 0),
        "unchanged": stats.get("thcrawl/articles/unchanged", 0),
        "skipped_known": stats.get("thcrawl/articles/skipped_known", 0),
        "failed": stats.get("thcrawl/failed", 0),
        "failed_by_reason": {k.split("/", 2)[-1]: v for k, v in sorted(stats.items()) if k.startswith("thcrawl/failed/")},
        "failures": (stats.get("thcrawl/failures") or [])[:MAX_LISTED_FAILURES],
        "lost_share": lost_share(stats),
        "duplicates": stats.get("thcrawl/items/duplicate", 0),
        "invalid": stats.get("thcrawl/items/invalid", 0),
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "listing_pages": stats.get("thcrawl/listing_pages", 0),
        "robots_crawl_delay": stats.get("thcrawl/robots/crawl_delay"),
        "retry_after_honoured": stats.get("thcrawl/retry_after/honoured", 0),
        "coverage": cover,
        "coverage_below_threshold": low,
        "cms_share": shares,
        "cms_share_below_threshold": drifted,
        "metadata_disagreements": {k.rsplit("/", 1)[-1]: v for k, v in sorted(stats.items())
                                   if k.startswith("thcrawl/metadata_disagreements/")},
        "listing_pages_without_entries": stats.get("thcrawl/listing_pages/without_entries", 0),
        "dates": {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("thcrawl/dates/")},
        "errors": errors,
        "recovered_runs": stats.get("thcrawl/recovered_runs", 0),
        "recovery": {key: stats.get(f"thcrawl/recovery/{key}", 0) for key in RECOVERY_KEYS},
        # A reparse run: its WARC files, captures read, non-article URLs, captures older than the state.
        "reparse": {k.split("/", 2)[-1]: v for k, v in stats.items() if k.startswith("thcrawl/reparse/")} or None,
        "superseded_versions": stats.get("thcrawl/dataset/superseded", 0),
        "duration_seconds": round(duration, 3) if duration is not None else None,
        "output": stats.get("thcrawl/output"),
        "unreachable": stats.get("thcrawl/unreachable"),
        # Canonical links that named another on-site URL (kept in canonical_url) or another site (ignored).
        "canonical": {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("thcrawl/canonical/")},
        # Links and sub-sitemaps left unfollowed by THCRAWL_MAX_LINKS_PER_PAGE and THCRAWL_MAX_SITEMAPS.
        "capped": {k.removeprefix("thcrawl/").replace("/capped", ""): v for k, v in sorted(stats.items())
                   if k.startswith(("thcrawl/links/capped/", "thcrawl/sitemaps/capped"))},
    }
