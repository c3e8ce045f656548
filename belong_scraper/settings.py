"""Scrapy settings: the one place for crawl politeness, pipelines and outputs.

Defaults fit the live legacy site (a small PHP server on shared hosting): obey
robots.txt, identify ourselves with a contact URL, let AutoThrottle pace the crawl, retry
transient 5xx and timeouts. Every value can be overridden with ``-s NAME=VALUE``.
"""

from belong_scraper import __version__

BOT_NAME = "belong_scraper"
SPIDER_MODULES = ["belong_scraper.spiders"]
NEWSPIDER_MODULE = "belong_scraper.spiders"

# The site profile (bundled name or path to a TOML file): URL patterns, selectors, vocabularies.
SITE_PROFILE = "legacy"

# Output folder and state database; the CLI sets both from --out and --db.
EXPORT_DIR = "exports"
STATE_DB_URL = None  # default: sqlite file beside EXPORT_DIR (<EXPORT_DIR>.state.sqlite)
# The site's key in the state (migrate --site, a SITES.toml name); default: the start URL's
# host (belong_scraper/state/sites.py).
STATE_SITE = None

# A crawl of the `site` spider is a migrate job (belong_scraper/jobs.py): the site's lock,
# the job folder <EXPORT_DIR>.job with its HTTP cache, a run id. The same for `migrate`, a
# Scrapyd job and `scrapy crawl site`. JOB_RESUME: continue the interrupted run (True), or
# "auto" (continue one if there is one). FLEET_JOB_ID: set by `fleet` for the job's outcome.
JOB_SETUP = True
JOB_RESUME = False
FLEET_JOB_ID = None

CONTACT_URL = "https://github.com/aer-eu/belong_scraper"
USER_AGENT = f"belong-scraper/{__version__} (+{CONTACT_URL}; site migration crawler)"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# What a response yields is handled by this many tasks, made afresh for every response
# (Scrapy's default, 100, made 100 tasks per page for the 3 to 5 items and requests a page
# yields once repeats are filtered; the pipelines run in the process, nothing awaits long).
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30

# Bounds on one fetch (belong_scraper/limits.py, README "Limits"). A page over
# PAGE_MAX_BYTES, on the wire or once inflated, is recorded as too large and not parsed;
# its capture is archived truncated. Media files (PDF reports, photos) are legitimately
# larger than any page, so they get their own bound. Scrapy's DOWNLOAD_MAXSIZE and
# DOWNLOAD_WARNSIZE match them: the backstop for a request the limits middleware did not
# see (it sets both per request).
PAGE_MAX_BYTES = 8 * 1024 * 1024
MEDIA_MAX_BYTES = 32 * 1024 * 1024
DOWNLOAD_MAXSIZE = MEDIA_MAX_BYTES
DOWNLOAD_WARNSIZE = PAGE_MAX_BYTES
# Seconds one URL may take, every attempt included: retries stop once it is spent and
# each attempt's timeout is cut to what remains (a slow drip cannot last for hours).
PAGE_TIME_BUDGET = 120.0
# Caps on record fields, in characters, over pipelines/limits.py's defaults (title 500,
# bodies 1,000,000, ...): e.g. -s 'FIELD_MAX_CHARS={"title": 300}'. A cut field is flagged.
FIELD_MAX_CHARS: dict[str, int] = {}

# Every request the server sees is one the middlewares counted (no hidden pool retry).
DOWNLOAD_HANDLERS = {
    "http": "belong_scraper.download.CountedHTTPDownloadHandler",
    "https": "belong_scraper.download.CountedHTTPDownloadHandler",
}

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Redirects are followed by the spider so each one is recorded (see spiders/site.py), up
# to MAX_REDIRECT_HOPS whatever the trap guard counts; a longer chain or a loop is in the
# ledger with its hops.
REDIRECT_ENABLED = True
MAX_REDIRECT_HOPS = 5
COOKIES_ENABLED = False  # PHPSESSID cookies would only add session noise
DEPTH_LIMIT = 0  # deep pagination is legitimate; traps are bounded by TrapGuardMiddleware
TRAP_BARREN_LIMIT = 3
TRAP_MAX_PAGES_PER_FAMILY = 10000
CLOSESPIDER_PAGECOUNT = 50000  # a last safety net for a site gone wrong

# Scrapy's filter, its fingerprints let go when the crawl ends (before the export).
DUPEFILTER_CLASS = "belong_scraper.middlewares.ReleasingDupeFilter"

SPIDER_MIDDLEWARES = {
    "belong_scraper.middlewares.TrapGuardMiddleware": 950,
    # After the guard, so the guard counts every link and a link it cut is not remembered.
    "belong_scraper.middlewares.RepeatedRequestFilter": 940,
}

# Web archive (docs/archive.md): every exchange as served, into <EXPORT_DIR>/archive/.
# Closest to the downloader, so it sees bodies before decompression and every retry.
DOWNLOADER_MIDDLEWARES = {
    # After the HTTP cache (900): counts what reached the server, retries included.
    "belong_scraper.ledger.FetchLog": 920,
    "belong_scraper.archive.middleware.WarcCaptureMiddleware": 950,
    # After the archive and the HTTP cache have the response, before anything reads it.
    "belong_scraper.limits.ResponseSizeMiddleware": 890,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "belong_scraper.limits.InflationBoundMiddleware": 590,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "belong_scraper.limits.TimeBudgetRetryMiddleware": 550,
}
WARC_ENABLED = True
WARC_MAX_SIZE = 1_000_000_000

# Order (see pipelines/README.md): clean bodies, normalise fields, then assemble + export.
ITEM_PIPELINES = {
    "pipelines.clean_body.CleanBodyPipeline": 100,
    "pipelines.normalise.NormalisePipeline": 200,
    "pipelines.limits.FieldLimitsPipeline": 250,
    "pipelines.media.MediaPipeline": 300,
    "pipelines.export.ExportPipeline": 900,
}

EXTENSIONS = {
    "belong_scraper.progress.ProgressLine": 500,
    "belong_scraper.frozen.SetupObjectsFrozen": 0,
    # No console into a running crawl: Scrapy's telnet console and its remote control (an
    # HTTP endpoint that runs code) each listen on a port, and nothing of ours uses them.
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}
TELNETCONSOLE_ENABLED = False  # also when a run's EXTENSIONS replace these
REMOTE_CONTROL_ENABLED = False
PROGRESS_ENABLED = False  # the CLI turns it on
PROGRESS_INTERVAL = 5.0

# Download every image and document records reference into <EXPORT_DIR>/media/.
MEDIA_ENABLED = True

HTTPCACHE_ENABLED = False
# When `migrate` turns the cache on (for --resume): one SQLite file, not six files per
# response (belong_scraper/httpcache.py).
HTTPCACHE_STORAGE = "belong_scraper.httpcache.SQLiteCacheStorage"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
