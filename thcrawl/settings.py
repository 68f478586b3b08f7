"""The crawler's manners, top to bottom: who it is, how fast it goes, what it obeys, where output goes.

Defaults are the polite ones for the real site. Tests and the demo override them explicitly (`--fast`
for a loopback replica only, `-s NAME=VALUE` for anything).
"""

from thcrawl import SITE_URL, __version__

BOT_NAME = "thcrawl"
SPIDER_MODULES = ["thcrawl.spiders"]
NEWSPIDER_MODULE = "thcrawl.spiders"

# Who it says it is: a User-Agent with a contact URL, so the site's operators can reach us.
THCRAWL_CONTACT_URL = "https://github.com/thcrawl/thcrawl#contact"
USER_AGENT = f"thcrawl/{__version__} (+{THCRAWL_CONTACT_URL})"

# What it crawls and where its output goes.
THCRAWL_BASE_URL = SITE_URL
THCRAWL_DATA_DIR = "data"
THCRAWL_RUN_DIR = None  # default: <THCRAWL_DATA_DIR>/runs/<UTC timestamp>/
THCRAWL_STATE = None  # default: <THCRAWL_DATA_DIR>/state.sqlite

# Scheduled runs: incremental once a run has finished ("full" ignores state when choosing what to fetch);
# known articles listed within the re-check window are fetched again to catch corrections.
THCRAWL_MODE = "auto"
THCRAWL_RECHECK_HOURS = 48
# A finished run whose field coverage falls below these shares is "degraded" (exit code 3): the sign
# of a layout change on the site.
THCRAWL_MIN_COVERAGE = {"title": 0.95, "body": 0.95, "published_at": 0.95}
# A finished run that could not fetch more than this share of the article URLs it tried (too large,
# redirect loops, errors after retries) is "degraded" too; those URLs are tried again next run.
THCRAWL_MAX_LOST_SHARE = 0.05

# How fast it goes: at most 2 requests at a time to the site, a second between them, AutoThrottle on top,
# and never faster than the Crawl-delay in robots.txt (read by Scrapy's robots.txt parser for
# ROBOTSTXT_USER_AGENT, else USER_AGENT; so it needs ROBOTSTXT_OBEY).
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
THCRAWL_HONOUR_CRAWL_DELAY = True

# What it obeys.
ROBOTSTXT_OBEY = True
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
REDIRECT_MAX_TIMES = 5

# How big a response may be: article pages are ~100 KB; anything past 10 MB is not a page of the site.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# How far a page may send it: links followed from one listing, feed or article page (a category page
# lists ~20), and sub-sitemaps in a run (the site has a few per month since 2019). The rest are counted.
THCRAWL_MAX_LINKS_PER_PAGE = 500
THCRAWL_MAX_SITEMAPS = 5000

# Requests stay on the configured site (host and port), whatever a page links or redirects to.
DOWNLOADER_MIDDLEWARES = {
    "thcrawl.safety.SiteOnlyMiddleware": 650,
    "thcrawl.politeness.RetryAfterMiddleware": 570,
    # Closest to the network: the fetch time, then the raw response into the WARC (with --warc).
    "thcrawl.warc.WarcWriterMiddleware": 950,
    "thcrawl.warc.FetchTimeMiddleware": 960,
}
THCRAWL_WARC = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
THCRAWL_RETRY_AFTER_MAX = 120.0
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "thcrawl.politeness.CrawlDelay": 0,
    "thcrawl.politeness.CrawlDelayAutoThrottle": 0,
    "thcrawl.health.UnhandledErrors": 0,
    # No way into a running crawl: neither Scrapy's telnet console nor its remote-control HTTP endpoint.
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "thcrawl.owner.RunOwner": 500,
    "thcrawl.progress.ProgressLine": 510,
    "thcrawl.monitoring.Monitoring": 520,
}

# Monitoring (pip install 'thcrawl[monitor]', then -s SPIDERMON_ENABLED=True): spidermon's monitors over the
# run's own stats when it ends, and a notification when one fails. THCRAWL_NOTIFY lists the channels
# ("email,slack,telegram,discord"), each set up with spidermon's settings (SPIDERMON_SMTP_HOST,
# SPIDERMON_EMAIL_TO, SPIDERMON_SLACK_SENDER_TOKEN, SPIDERMON_TELEGRAM_SENDER_TOKEN, ...).
SPIDERMON_ENABLED = False
SPIDERMON_SPIDER_CLOSE_MONITORS = ["thcrawl.monitors.RunMonitorSuite"]
THCRAWL_NOTIFY = []
SPIDERMON_EMAIL_SUBJECT = "thcrawl: a monitor of the {{ data.spider.name }} run failed"
SPIDERMON_BODY_TEXT = ("{% for r in result.monitors_failed_results %}{{ r.monitor.name }}: {{ r.reason }}\n"
                       "{% endfor %}")
THCRAWL_MONITOR_MIN_ARTICLES = 1  # articles written (or, incremental, known ones still listed)
THCRAWL_MONITOR_MAX_ERROR_SHARE = 0.05  # errors per request
THCRAWL_MONITOR_MAX_LOST_SHARE = 0.02  # articles lost for good per article tried
THCRAWL_MONITOR_MAX_LAYER_DROP = 0.15  # fall of the CMS layer's share of field values since the last run
ITEM_PIPELINES = {
    "thcrawl.pipelines.dates.DatesPipeline": 100,
    "thcrawl.pipelines.dedupe.DedupePipeline": 200,
    "thcrawl.pipelines.validation.ValidationPipeline": 300,
    # The one step that makes an article durable (journal append, fsync, state commit): thcrawl.owner.
    "thcrawl.pipelines.store.StorePipeline": 900,
}

# Articles are fetched before further listing pages (higher priority), depth-first, so the frontier
# stays small however large the archive is.
DEPTH_PRIORITY = 0
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleLifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.LifoMemoryQueue"

# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output (100 by default); thcrawl's
# pipelines are synchronous, so a single worker does the same work without ~100 tasks per page.
CONCURRENT_ITEMS = 1

# Scrapy checks each callback for a generator that returns a value by parsing the callback's source. Its
# cache is keyed by the bound method, a new object on every request, so the check re-parses the source
# (~1 ms for parse_article) whenever no other request with that callback is in flight. The test suite
# runs the same check once per callback instead (tests/test_spider_callbacks.py).
WARN_ON_GENERATOR_RETURN_VALUE = False

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# `thcrawl crawl --log-format json`: one JSON object per log line, for cron and log collectors.
THCRAWL_LOG_FORMAT = "text"
# Scrapy's periodic stats line (every LOGSTATS_INTERVAL s), whatever the log level: None = when stdout is not
# a terminal (cron, a pipe, a file), where the progress line does not show.
THCRAWL_PERIODIC_STATS = None
LOGSTATS_INTERVAL = 60.0
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
