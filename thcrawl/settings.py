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
# The share of articles whose field the CMS layer served (extraction[field] starts with "cms"), per field.
# Below it the run is "degraded" (exit 3) even when generic layers filled the field: the site's markup
# changed, and the generic layers are a safety net, not the reading the crawler was proven on. Fields a real
# article may lack (authors, tags, images, source) are left out; add them with -s to watch them too.
THCRAWL_MIN_CMS_SHARE = {"title": 0.9, "body": 0.9, "published_raw": 0.9, "category": 0.9}

# How fast it goes: at most 2 requests at a time to the site, a second between them, AutoThrottle on top,
# and never faster than the Crawl-delay in robots.txt.
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

# Requests stay on the configured site (host and port), whatever a page links or redirects to.
DOWNLOADER_MIDDLEWARES = {
    "thcrawl.safety.SiteOnlyMiddleware": 650,
    "thcrawl.politeness.RobotsCrawlDelayMiddleware": 560,
    "thcrawl.politeness.RetryAfterMiddleware": 570,
    # Closest to the network: the fetch time, then the raw response into the WARC (with --warc).
    "thcrawl.warc.WarcWriterMiddleware": 950,
    "thcrawl.warc.FetchTimeMiddleware": 960,
}
THCRAWL_WARC = False
THCRAWL_RETRY_AFTER_MAX = 120.0
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "thcrawl.politeness.CrawlDelayAutoThrottle": 0,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "thcrawl.lifecycle.RunLifecycle": 500,
    "thcrawl.progress.ProgressLine": 510,
}
ITEM_PIPELINES = {
    "thcrawl.pipelines.dates.DatesPipeline": 100,
    "thcrawl.pipelines.dedupe.DedupePipeline": 200,
    "thcrawl.pipelines.validation.ValidationPipeline": 300,
    "thcrawl.pipelines.provenance.ProvenancePipeline": 350,
    "thcrawl.pipelines.state.StatePipeline": 400,
    "thcrawl.pipelines.jsonl_writer.JsonlWriterPipeline": 900,
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
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
