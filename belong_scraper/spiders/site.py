"""SiteSpider: crawls the whole legacy site and routes each page to its page object.

The spider only fetches and routes; extraction lives in page objects, cleaning and
export in the pipelines. Redirects are handled here (not by RedirectMiddleware) so every
legacy spelling that redirects is recorded even when its target was already crawled.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from belong_scraper.items import PageReport
from belong_scraper.links import feed_links, html_links
from belong_scraper.pages import Document, extract
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin, absolute, canonical_url, is_media, page_type

logger = logging.getLogger(__name__)
REDIRECT_CODES = (301, 302, 303, 307, 308)
GONE_CODES = (404, 410)
MAX_REDIRECT_HOPS = 5


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, start_url: str | None = None, profile: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not start_url:
            raise ValueError("the site spider needs -a start_url=URL")
        self.start_url = start_url

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.profile = load_profile(kwargs.get("profile") or crawler.settings.get("SITE_PROFILE"))
        spider.origin = Origin.from_url(spider.start_url, spider.profile)
        return spider

    async def start(self) -> Any:
        first = canonical_url(self.start_url, self.origin, self.profile) or self.start_url
        yield self._request(first, referer=None)
        for path in self.profile.section("urls").get("seed_paths", []):
            seed = canonical_url(urljoin(self.origin.url + "/", path), self.origin, self.profile)
            if seed and seed != first:
                yield self._request(seed, referer=None)

    def _request(self, url: str, referer: str | None, hops: int = 0) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            meta={
                "dont_redirect": True,
                "handle_httpstatus_list": [*REDIRECT_CODES, *GONE_CODES],
                "referer_canonical": referer,
                "redirect_hops": hops,
            },
        )

    def parse(self, response: Response) -> Iterator[Any]:
        canonical = canonical_url(response.url, self.origin, self.profile) or response.url
        referer = response.meta.get("referer_canonical")
        if response.status in REDIRECT_CODES:
            yield from self._redirect(response, canonical, referer)
            return
        kind, _ = page_type(canonical, self.profile)
        if response.status in GONE_CODES:
            yield PageReport(response.url, canonical, response.status, kind, referer=referer)
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        doc = Document.from_bytes(
            response.url, response.body, content_type, self.profile, self.origin
        )
        is_feed = (
            kind == "feed"
            or "xml" in (content_type or "")
            or doc.text.lstrip().startswith(("<?xml", "<rss", "<feed"))
        )
        raw_links = (
            feed_links(doc.text, response.url) if is_feed else html_links(doc.root, response.url)
        )
        report = PageReport(
            url=response.url,
            canonical=canonical,
            status=response.status,
            kind=kind,
            encoding=doc.encoding,
            php_errors=dict(doc.php_errors.by_level),
            truncated=doc.php_errors.fatal,
            referer=referer,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            payload_sha256=hashlib.sha256(response.body).hexdigest(),
        )
        stats = self.crawler.stats
        for level, count in doc.php_errors.by_level.items():
            stats.inc_value(f"php_errors/removed/{level}", count)
        stats.inc_value(f"pages/{kind}")
        if not is_feed:
            try:
                items = extract(doc)
            except Exception as exc:  # a broken page is reported and the run goes on
                logger.exception("could not extract %s", response.url)
                report.error = f"extraction failed: {type(exc).__name__}: {exc}"
                items = []
            for item in items:
                flags = getattr(item, "review_flags", [])
                report.fallback_fields += [f for f in flags if f.startswith("generic-extractor")]
                yield item
        spellings: dict[str, set[str]] = {}
        for url, _via in raw_links:
            target = canonical_url(url, self.origin, self.profile)
            if target is None:
                continue
            spellings.setdefault(target, set()).add(url)
        report.links = sorted(spellings)
        report.spellings = {k: sorted(v) for k, v in spellings.items()}
        yield report
        for target in report.links:
            if not is_media(target, self.profile):
                yield self._request(target, referer=canonical)

    def _redirect(self, response: Response, canonical: str, referer: str | None) -> Iterator[Any]:
        location = response.headers.get("Location", b"").decode("latin-1")
        target_url = absolute(location, response.url) if location else None
        target = canonical_url(target_url, self.origin, self.profile) if target_url else None
        yield PageReport(
            response.url, canonical, response.status, "redirect",
            redirect_to=target or target_url, referer=referer,
            spellings={target: [target_url]} if target and target_url else {},
        )  # fmt: skip
        hops = response.meta.get("redirect_hops", 0) + 1
        if target and target != canonical and hops <= MAX_REDIRECT_HOPS:
            if not is_media(target, self.profile):
                yield self._request(target, referer=referer, hops=hops)

    def failed(self, failure: Failure) -> Iterator[PageReport]:
        """Fetch failures (5xx after retries, timeouts, robots.txt) are reported, not fatal."""
        request = failure.request
        canonical = canonical_url(request.url, self.origin, self.profile) or request.url
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else 0
        reason = failure.getErrorMessage() or type(failure.value).__name__
        if failure.check(scrapy.exceptions.IgnoreRequest) and response is None:
            reason = f"skipped: {reason}"
        kind, _ = page_type(canonical, self.profile)
        yield PageReport(
            request.url, canonical, status, kind,
            error=reason, referer=request.meta.get("referer_canonical"),
        )  # fmt: skip


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
