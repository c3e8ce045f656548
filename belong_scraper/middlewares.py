"""TrapGuardMiddleware: bounds crawler traps (the endless calendar) without naming them.

A page is *productive* when it yields a record or links to content pages that no other
page of its family (same path and parameter names) linked to before. Chains of
same-family links (prev/next, page=N+1; or URLs the profile's ``urls.families`` makes one
family, such as a calendar whose months are paths) are followed while they stay productive, and for
``TRAP_BARREN_LIMIT`` unproductive pages after that. Deep pagination keeps producing new
article links, so it is followed to its end; an endless calendar stops producing and is cut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Response

from belong_scraper.items import Article, Cluster, Page, PageReport, Partner
from belong_scraper.profile import load_profile
from belong_scraper.urls import page_type, url_family

RECORD_CLASSES = (Article, Partner, Cluster, Page)
REDIRECT_CODES = (301, 302, 303, 307, 308)
UNCOUNTED_KINDS = {"other", "feed"}


class TrapGuardMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.profile = load_profile(settings.get("SITE_PROFILE"))
        self.limit = settings.getint("TRAP_BARREN_LIMIT", 3)
        self.max_per_family = settings.getint("TRAP_MAX_PAGES_PER_FAMILY", 10000)
        self.families = self.profile.urls.families
        self.stats = crawler.stats
        self.linked_from_family: dict[str, set[str]] = defaultdict(set)
        # Distinct URLs let through per family: a page linked from many pages of its family
        # (a windowed pagination links ~8 neighbours) counts once.
        self.requested_per_family: dict[str, set[str]] = defaultdict(set)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapGuardMiddleware:
        return cls(crawler)

    def spider_closed(self) -> None:
        """The crawl is over, its link counts with it: let go before the export runs (a
        spider middleware's handler is connected before the item pipelines')."""
        self.linked_from_family.clear()
        self.requested_per_family.clear()

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._guard(response, list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        outputs = [o async for o in result]
        for output in self._guard(response, outputs):
            yield output

    def _guard(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        report = next((o for o in outputs if isinstance(o, PageReport)), None)
        if response.status in REDIRECT_CODES:
            # A redirect is no page of a chain: its hops are bounded by MAX_REDIRECT_HOPS,
            # whatever this guard counts.
            yield from outputs
            return
        family = url_family(response.url, self.families)
        productive = any(isinstance(o, RECORD_CLASSES) for o in outputs)
        seen = self.linked_from_family[family]
        for request in (o for o in outputs if isinstance(o, Request)):
            if url_family(request.url, self.families) == family or request.url in seen:
                continue
            if page_type(request.url, self.profile)[0] not in UNCOUNTED_KINDS:
                seen.add(request.url)
                productive = True
        inherited = (
            response.meta.get("trap_barren", 0) if response.meta.get("trap_family") == family else 0
        )
        barren = 0 if productive else inherited + 1
        for output in outputs:
            # The next page of a split article carries its record: never cut.
            if isinstance(output, Request) and output.meta.get("continues") is None:
                target = url_family(output.url, self.families)
                # A page that is neither content nor listing (a calendar's other view, its
                # day pages) continues the chain: two views linking to each other must not
                # restart each other's count.
                chained = target == family or (
                    page_type(output.url, self.profile)[0] in UNCOUNTED_KINDS
                )
                if chained:
                    let_through = self.requested_per_family[target]
                    if barren >= self.limit:
                        self._drop(report, output.url, "trap-guard")
                        continue
                    if output.url not in let_through and len(let_through) >= self.max_per_family:
                        self._drop(report, output.url, "trap-guard-cap")
                        continue
                    let_through.add(output.url)
                    output.meta["trap_family"] = target
                    output.meta["trap_barren"] = barren
            yield output

    def _drop(self, report: PageReport | None, url: str, why: str) -> None:
        """Not followed, but not lost: the page's report (and so the ledger) says why.
        A cap is a limit (the run is incomplete); a barren chain is a trap, cut by design."""
        self.stats.inc_value(f"trap_guard/dropped/{why}")
        if report is not None:
            report.skipped.setdefault(url, why)


class RepeatedRequestFilter:
    """Drops a request for a URL an earlier request of the crawl already went on with,
    spelled the same: the verdict Scrapy's duplicate filter would give, given before the
    request costs a referer policy, a depth count, a fingerprint and a scheduler round-trip.

    Every page links its menu, footer and pagination window again, so most of what the
    spider yields is such a repeat (28,000 requests for 1,500 pages of the synthetic site).
    It sits after the trap guard (a lower order is nearer the engine), which still sees
    every link it counts; a request the guard cut is not remembered, so a later link from a
    productive page is still followed. ``dont_filter`` requests pass, as the filter lets
    them; the start requests do not come this way and are left to the filter itself."""

    def __init__(self) -> None:
        self.sent: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RepeatedRequestFilter:
        repeats = cls()
        crawler.signals.connect(repeats.spider_closed, signal=signals.spider_closed)
        return repeats

    def spider_closed(self) -> None:
        """No request follows the crawl's end: the URLs sent are let go before the export."""
        self.sent = set()

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for output in result:
            if self._new(output):
                yield output

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            if self._new(output):
                yield output

    def _new(self, output: Any) -> bool:
        if not isinstance(output, Request) or output.dont_filter or output.method != "GET":
            return True
        if output.url in self.sent:
            return False
        self.sent.add(output.url)
        return True


class ReleasingDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, whose fingerprints are let go when the scheduler closes
    it, before ``spider_closed`` (and so the export): the crawl's last use of them (6,000
    digests at 4,000 articles). With a job folder they are on disk already
    (``requests.seen``, written as they came)."""

    def close(self, reason: str) -> None:
        super().close(reason)
        # Scrapy keeps them in a private set (2.19: ``_fingerprints``, public only as a
        # deprecated copy); tests/test_crawl_end_release.py fails if that changes.
        seen = getattr(self, "_fingerprints", None)
        if isinstance(seen, set):
            seen.clear()
