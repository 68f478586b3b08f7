"""The spidermon monitor suite run at the end of each crawl, over the run's own stats (the same numbers as
stats.json, through `build_summary`): no second pass over the items.

Thresholds are settings (THCRAWL_MONITOR_*, THCRAWL_MIN_COVERAGE); notifications on failure are the
spidermon actions named in THCRAWL_NOTIFY (email, slack, telegram, discord), each configured by spidermon's
own settings (SPIDERMON_SMTP_HOST, SPIDERMON_SLACK_SENDER_TOKEN, SPIDERMON_TELEGRAM_SENDER_TOKEN, ...).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite, monitors

from thcrawl.monitoring import NOTIFIERS, notifier_names
from thcrawl.owner import RunOwner
from thcrawl.summary import SUCCESS_REASONS, build_summary

logger = logging.getLogger(__name__)
CMS_LAYER = "cms"


@monitors.name("thcrawl run")
class RunMonitor(Monitor):
    """One test per promise of a run; a failing test names what broke."""

    @property
    def settings(self) -> Any:
        return self.data.crawler.settings

    @property
    def summary(self) -> dict[str, Any]:
        stats = dict(self.data.stats)
        return build_summary(stats, stats.get("finish_reason", "unknown"), self.settings.getdict("THCRAWL_MIN_COVERAGE"))

    @monitors.name("finish reason")
    def test_finish_reason(self) -> None:
        reason = self.summary["finish_reason"]
        self.assertIn(reason, SUCCESS_REASONS, f"the crawl ended with {reason!r}, not by finishing")

    @monitors.name("articles")
    def test_articles(self) -> None:
        summary, minimum = self.summary, self.settings.getint("THCRAWL_MONITOR_MIN_ARTICLES")
        # An incremental run that finds nothing new still saw the known articles in the listings.
        seen = summary["articles"] + (summary["skipped_known"] if summary["mode"] == "incremental" else 0)
        self.assertGreaterEqual(seen, minimum, f"{summary['articles']} articles written, "
                                               f"{summary['skipped_known']} known ones listed; expected {minimum}+")

    @monitors.name("field coverage")
    def test_field_coverage(self) -> None:
        summary = self.summary
        low = {f: summary["coverage"][f] for f in summary["coverage_below_threshold"]}
        self.assertFalse(low, f"field coverage below THCRAWL_MIN_COVERAGE: {low}")

    @monitors.name("layer drift")
    def test_layer_drift(self) -> None:
        """The CMS markup's share of field values against the last finished run: a drop means the site's
        layout changed and the metadata or fallback layers are filling in."""
        now = self.summary["layers"].get(CMS_LAYER)
        before = self.previous_layers().get(CMS_LAYER)
        if now is None or before is None:
            self.skipTest("no earlier run with extraction layers to compare with")
        drop = before - now
        allowed = self.settings.getfloat("THCRAWL_MONITOR_MAX_LAYER_DROP")
        self.assertLessEqual(drop, allowed, f"the CMS layer gave {now:.1%} of field values, {before:.1%} in the last "
                                            f"run: a drop of {drop:.1%} (allowed {allowed:.1%})")

    @monitors.name("errors")
    def test_errors(self) -> None:
        summary = self.summary
        errors = sum(summary["errors"].values())
        share = errors / summary["requests"] if summary["requests"] else 0.0
        allowed = self.settings.getfloat("THCRAWL_MONITOR_MAX_ERROR_SHARE")
        self.assertLessEqual(share, allowed, f"{errors} errors in {summary['requests']} requests ({share:.1%}, "
                                             f"allowed {allowed:.1%}): {summary['errors']}")

    @monitors.name("lost for good")
    def test_lost_for_good(self) -> None:
        """Articles that could not be fetched after every retry, as a share of the articles tried."""
        summary = self.summary
        tried = summary["articles"] + summary["failed"]
        share = summary["failed"] / tried if tried else 0.0
        allowed = self.settings.getfloat("THCRAWL_MONITOR_MAX_LOST_SHARE")
        self.assertLessEqual(share, allowed, f"{summary['failed']} of {tried} articles lost ({share:.1%}, allowed "
                                             f"{allowed:.1%}): {summary['failed_by_reason']}")

    def previous_layers(self) -> dict[str, float]:
        owner = self.data.crawler.get_extension(RunOwner)
        return (owner.previous_summary if owner else {}).get("layers") or {}


class RunMonitorSuite(MonitorSuite):
    monitors = [RunMonitor]

    def __init__(self, *args: Any, crawler: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, crawler=crawler, **kwargs)
        names = notifier_names(crawler.settings.get("THCRAWL_NOTIFY")) if crawler is not None else []
        self.add_monitors_failed_actions([load_object(NOTIFIERS[name]) for name in names])
