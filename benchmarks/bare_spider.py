"""The baseline of benchmarks/scale.py: a bare Scrapy crawl, no item processing.

Follows every in-scope ``<a href>`` and ``<option value>`` (same scheme, host and port
as the start URL) and nothing else. Run by scale.py as
``python -m scrapy runspider benchmarks/bare_spider.py -a start_url=URL`` with the tool's
concurrency, timeout and retry settings, DOWNLOAD_DELAY=0, AutoThrottle off and robots.txt
obeyed, so the difference to a ``migrate`` of the same server is what the tool adds.

Links are folded the way any crawler of the site would fold them, without the tool's own
code: the parameters that never change a page (tracking, sessions, the print view) are
dropped, parameter names lower-cased, the rest sorted, ``rel="nofollow"`` links skipped.
Otherwise the bare crawl would fetch each page under several spellings and look slower
than a crawl that fetches each page once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

# The survey's parameters that never change the content (same as the profile's list).
DROPPED = ("utm_", "phpsessid", "sid", "sessionid", "fbclid", "gclid", "mc_cid", "mc_eid", "print")
# The survey's endless calendar (prev/next months forever): a crawl with no trap guard
# never ends on it. The tool's guard stops it after a few barren months; the bare crawl
# skips it, so the tool fetches a handful of pages more than its baseline.
ENDLESS = ("/events.php",)
LINKS = "//a[not(contains(concat(' ', @rel, ' '), ' nofollow '))]/@href | //option/@value"


def fold(url: str) -> str:
    parts = urlsplit(url)
    query = sorted(
        (name.lower(), value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith(DROPPED) and value
    )
    path = "/" if parts.path in ("", "/index.php") else parts.path
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(query), ""))


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_url: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        scope = urlsplit(start_url)
        self.scope = (scope.scheme, scope.netloc.lower())

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, scrapy.http.HtmlResponse):
            return  # images, documents, the feed: fetched, not parsed
        for href in response.xpath(LINKS).getall():
            href = href.strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            url = fold(response.urljoin(href))
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) == self.scope and parts.path not in ENDLESS:
                yield scrapy.Request(url, callback=self.parse)
