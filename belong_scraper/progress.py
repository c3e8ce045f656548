"""Progress on the terminal: pages fetched, records extracted, errors, as the crawl runs."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from belong_scraper.items import Article, Cluster, Page, PageReport, Partner


class ProgressLine:
    """Rewrites one status line on a terminal; prints a line every few seconds otherwise."""

    def __init__(self, stream: TextIO, interval: float):
        self.stream = stream
        self.interval = interval
        self.tty = stream.isatty()
        self.pages = self.records = self.errors = 0
        self._last = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        if not crawler.settings.getbool("PROGRESS_ENABLED"):
            raise NotConfigured
        ext = cls(sys.stderr, crawler.settings.getfloat("PROGRESS_INTERVAL", 2.0))
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, PageReport):
            self.pages += 1
            if (item.error or item.status >= 500) and not (item.error or "").startswith("skipped"):
                self.errors += 1
        elif isinstance(item, Article | Partner | Cluster | Page):
            self.records += 1
        self.show()

    def show(self, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._last < (0.2 if self.tty else self.interval):
            return
        self._last = now
        line = f"pages {self.pages}  records {self.records}  errors {self.errors}"
        if self.tty:
            self.stream.write("\r\033[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def spider_closed(self) -> None:
        self.show(final=True)
