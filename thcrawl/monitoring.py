"""Monitoring with spidermon (`pip install 'thcrawl[monitor]'`), switched on by SPIDERMON_ENABLED=True.

`Monitoring` stands in the EXTENSIONS setting for spidermon's own extension, so a project without the
extra still loads; `thcrawl.monitors` holds the monitor suite (which imports spidermon).
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

# THCRAWL_NOTIFY names -> spidermon's notification actions (run when a monitor fails).
NOTIFIERS = {
    "email": "spidermon.contrib.actions.email.smtp.SendSmtpEmail",
    "slack": "spidermon.contrib.actions.slack.notifiers.SendSlackMessageSpiderFinished",
    "telegram": "spidermon.contrib.actions.telegram.notifiers.SendTelegramMessageSpiderFinished",
    "discord": "spidermon.contrib.actions.discord.notifiers.SendDiscordMessageSpiderFinished",
}


def notifier_names(value: object) -> list[str]:
    """The THCRAWL_NOTIFY setting ("email,slack" or a list) as checked names; ValueError for an unknown one."""
    names = [n.strip().lower() for n in (value.split(",") if isinstance(value, str) else value or []) if n.strip()]
    unknown = [n for n in names if n not in NOTIFIERS]
    if unknown:
        raise ValueError(f"THCRAWL_NOTIFY: unknown notifier {unknown[0]!r}; use {', '.join(NOTIFIERS)}")
    return names


class Monitoring:
    """Builds spidermon's extension when SPIDERMON_ENABLED is set; otherwise not configured."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> object:
        if not crawler.settings.getbool("SPIDERMON_ENABLED"):
            raise NotConfigured
        try:
            from spidermon.contrib.scrapy.extensions import Spidermon
        except ImportError as exc:
            raise RuntimeError("SPIDERMON_ENABLED needs the monitor extra: pip install 'thcrawl[monitor]'") from exc
        return Spidermon.from_crawler(crawler)
