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

from belong_scraper.cleaning import looks_binary
from belong_scraper.items import Article, PageReport
from belong_scraper.ledger import attempts_of, one_line
from belong_scraper.limits import TooLarge
from belong_scraper.links import feed_links, html_links
from belong_scraper.pages import ArticlePage, Document, extract
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin, absolute, canonical_url, is_media, page_type

logger = logging.getLogger(__name__)
REDIRECT_CODES = (301, 302, 303, 307, 308)
GONE_CODES = (404, 410)
MAX_REDIRECT_HOPS = 5
NO_RECORD_KINDS = {"other", "feed"}  # page types no page object makes records of
# A further page of a split article that could not be read: the record keeps what it has.
CONTINUATION_MISSING = "continuation-missing"


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, start_url: str | None = None, profile: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not start_url:
            raise ValueError("the site spider needs -a start_url=URL")
        self.start_url = start_url
        # Every URL asked for: the ledger gives each one an outcome.
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.profile = load_profile(kwargs.get("profile") or crawler.settings.get("SITE_PROFILE"))
        spider.origin = Origin.from_url(spider.start_url, spider.profile)
        if crawler.settings.getbool("JOB_SETUP") and not crawler.settings.frozen:
            # A migrate job, from the CLI or Scrapyd alike: the lock, job folder, cache and
            # run id, set while the crawl's settings are still open (belong_scraper/jobs.py;
            # a crawl's are, until its spider is made).
            from belong_scraper.jobs import MigrateJob

            crawler.migrate_job = MigrateJob.begin(crawler, spider.start_url)
        return spider

    async def start(self) -> Any:
        first = canonical_url(self.start_url, self.origin, self.profile) or self.start_url
        yield self._request(first, referer=None)
        for path in self.profile.urls.seed_paths:
            seed = canonical_url(urljoin(self.origin.url + "/", path), self.origin, self.profile)
            if seed and seed != first:
                yield self._request(seed, referer=None)

    def _request(
        self, url: str, referer: str | None, chain: list[str] | None = None
    ) -> scrapy.Request:
        request = scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            meta={
                "dont_redirect": True,
                "handle_httpstatus_list": [*REDIRECT_CODES, *GONE_CODES],
                "referer_canonical": referer,
                "redirect_hops": len(chain or []),
                "redirect_chain": chain or [],
            },
        )
        # The request's own string when it spells the URL the same (a canonical URL is
        # safe already): the repeat filter, the fetch log and the trap guard keep that one.
        self.requested.add(request.url if request.url == url else url)
        return request

    def parse(self, response: Response) -> Iterator[Any]:
        canonical = canonical_url(response.url, self.origin, self.profile) or response.url
        referer = response.meta.get("referer_canonical")
        if response.meta.get("continues") is not None and (
            response.status != 200 or response.meta.get("too_large")
        ):
            # A further page of an article that moved, is gone or too large: the record
            # is not lost.
            yield from self._release(response.meta, f"HTTP {response.status}", canonical)
        if response.status in REDIRECT_CODES:
            yield from self._redirect(response, canonical, referer)
            return
        kind, _ = page_type(canonical, self.profile)
        too_large = response.meta.get("too_large")
        if response.status in GONE_CODES or too_large:
            yield PageReport(response.url, canonical, response.status, kind, referer=referer,
                             error=f"skipped: {too_large}" if too_large else None,
                             skip="too-large" if too_large else None,
                             attempts=self._attempts(response.request))  # fmt: skip
            return
        try:
            yield from self._page(response, canonical, kind, referer)
        except Exception as exc:  # a page that cannot be read at all is reported, not fatal
            logger.warning("could not read %s: %s", response.url, one_line(exc))
            yield from self._release(response.meta, one_line(exc), canonical)
            yield PageReport(response.url, canonical, response.status, kind, referer=referer,
                             error=f"extraction failed: {one_line(exc)}",
                             attempts=self._attempts(response.request))  # fmt: skip

    def _page(
        self, response: Response, canonical: str, kind: str, referer: str | None
    ) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if looks_binary(response.body):
            # A file served as a page (an image, a PDF behind text/html): nothing to read.
            # Where a record was expected its page failed to extract (carried, reviewed);
            # a download script's file is just not a page.
            what = f"not a page: binary content served as {content_type or 'no type'}"
            expected = kind not in NO_RECORD_KINDS
            yield from self._release(response.meta, what, canonical)
            yield PageReport(response.url, canonical, response.status, kind,
                             referer=referer, attempts=self._attempts(response.request),
                             payload_sha256=hashlib.sha256(response.body).hexdigest(),
                             error=f"extraction failed: {what}" if expected else f"skipped: {what}",
                             skip=None if expected else "not-a-page")  # fmt: skip
            return
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
            attempts=self._attempts(response.request),
        )
        items: list[Any] = []
        if not is_feed:
            try:
                items = list(extract(doc))
            except Exception as exc:  # a broken page is reported and the run goes on
                logger.warning("could not extract %s: %s", response.url, one_line(exc))
                report.error = f"extraction failed: {one_line(exc)}"
                items = []
        held, later = self._continuation(response.meta, doc, items)
        spellings: dict[str, set[str]] = {}
        for url, _via in raw_links:
            target = canonical_url(url, self.origin, self.profile)
            if target is None:
                if url.startswith(("http://", "https://")):
                    report.skipped.setdefault(url, "off-site")
                continue
            spellings.setdefault(target, set()).add(url)
        stats = self.crawler.stats
        for level, count in doc.php_errors.by_level.items():
            stats.inc_value(f"php_errors/removed/{level}", count)
        stats.inc_value(f"pages/{kind}")
        for item in items:
            flags = getattr(item, "review_flags", [])
            report.fallback_fields += [f for f in flags if f.startswith("generic-extractor")]
            yield item
        report.links = sorted(spellings)
        report.spellings = {k: sorted(v) for k, v in spellings.items()}
        yield report
        for target in report.links:
            if not is_media(target, self.profile) and target not in later:
                yield self._request(target, referer=canonical)
        if held is not None:
            yield self._continue(held, later, referer=canonical)

    def _continuation(
        self, meta: dict[str, Any], doc: Document, items: list[Any]
    ) -> tuple[Article | None, list[str]]:
        """The article this page continues or starts, while it has further pages to fetch.

        A split article is one record: its first page holds it back (taken out of
        ``items``), each further page adds its body, the last page lets it go."""
        held: Article | None = meta.get("continues")
        later: list[str] = list(meta.get("continue_at", []))
        if held is not None:
            held.body_html += "\n" + ArticlePage(doc).continued_body()
            held.php_errors_removed += doc.php_errors.total
            if doc.php_errors.fatal and "truncated-by-fatal-error" not in held.review_flags:
                held.review_flags.append("truncated-by-fatal-error")
        else:
            for item in items:
                if isinstance(item, Article) and item.evidence.get("continued_at"):
                    held, later = item, item.evidence.pop("continued_at")
                    items.remove(item)
                    break
        if held is not None and not later:
            items.append(held)  # the last page: the whole article goes on
            return None, []
        return held, later

    def _continue(self, held: Article, later: list[str], referer: str) -> scrapy.Request:
        """The request for an article's next page, carrying the article."""
        url, rest = later[0], later[1:]
        # Another page may have linked it first: fetched again rather than the record cut.
        again = url in self.requested
        request = self._request(url, referer=referer)
        request.dont_filter = again
        request.priority = 10  # the article waits in memory until its last page
        request.meta["continues"] = held
        request.meta["continue_at"] = rest
        return request

    def _release(self, meta: dict[str, Any], why: str, referer: str) -> Iterator[Any]:
        """The article a failed further page was carrying, with what it has, flagged; the
        pages after the missing one are still crawled, as pages."""
        held: Article | None = meta.pop("continues", None)
        if held is None:
            return
        logger.warning("article %s: a further page could not be read (%s)", held.id, why)
        if CONTINUATION_MISSING not in held.review_flags:
            held.review_flags.append(CONTINUATION_MISSING)
        yield held
        for url in meta.pop("continue_at", []):
            yield self._request(url, referer=referer)

    def _redirect(self, response: Response, canonical: str, referer: str | None) -> Iterator[Any]:
        location = response.headers.get("Location", b"").decode("latin-1")
        target_url = absolute(location, response.url) if location else None
        target = canonical_url(target_url, self.origin, self.profile) if target_url else None
        chain = [*response.meta.get("redirect_chain", []), canonical]
        report = PageReport(
            response.url, canonical, response.status, "redirect",
            redirect_to=target or target_url, referer=referer,
            spellings={target: [target_url]} if target and target_url else {},
            attempts=self._attempts(response.request),
        )  # fmt: skip
        if target is None:
            if target_url and target_url.startswith(("http://", "https://")):
                report.skipped[target_url] = "off-site"
            elif not target_url:
                report.error = "redirect without a usable Location header"
        elif target in chain:
            report.hops = [*chain, target]
            report.error = f"redirect loop after {len(chain)} hops"
        elif len(chain) > self.max_redirect_hops:
            report.hops = [*chain, target]
            report.error = f"skipped: redirect chain longer than {self.max_redirect_hops} hops"
            report.skip = "redirect-hops"
        yield report
        if target and not report.error and not is_media(target, self.profile):
            yield self._request(target, referer=referer, chain=chain)

    def failed(self, failure: Failure) -> Iterator[PageReport]:
        """Fetch failures (5xx after retries, timeouts, robots.txt, too large) are
        reported, not fatal."""
        request = failure.request
        canonical = canonical_url(request.url, self.origin, self.profile) or request.url
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else 0
        reason = one_line(failure.value) if failure.value is not None else "unknown failure"
        skip = skip_kind(failure) if response is None else None
        if skip:
            reason = f"skipped: {reason}"
        kind, _ = page_type(canonical, self.profile)
        yield from self._release(request.meta, reason, canonical)
        yield PageReport(
            request.url, canonical, status, kind,
            error=reason, referer=request.meta.get("referer_canonical"),
            attempts=self._attempts(request), skip=skip,
        )  # fmt: skip

    @property
    def max_redirect_hops(self) -> int:
        return self.crawler.settings.getint("MAX_REDIRECT_HOPS", MAX_REDIRECT_HOPS)

    def _attempts(self, request: scrapy.Request | None) -> int:
        return attempts_of(self.crawler, request.url) if request is not None else 0


def skip_kind(failure: Failure) -> str | None:
    """Why a request was not fetched, when it was a decision rather than a failure."""
    if failure.check(TooLarge):
        return "too-large"
    if not failure.check(scrapy.exceptions.IgnoreRequest):
        return None
    message = str(failure.value)
    if "robots.txt" in message:
        return "robots"
    if "DOWNLOAD_MAXSIZE" in message or "max size" in message:
        return "too-large"  # Scrapy's own bound on inflated bodies
    if "offsite" in message.lower():
        return "off-site"
    return "ignored"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
