"""The HTTP download handler: Scrapy's, without Twisted's silent second try.

Twisted's connection pool sends an idempotent request again, once, when a reused
connection drops before any answer. That attempt is made below every middleware: the
retry budget, the ledger's attempt count and the WARC never see it. Retries are the
RetryMiddleware's job (``TimeBudgetRetryMiddleware``), where they are counted and bounded.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler


class CountedHTTPDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._pool.retryAutomatically = False
