"""TrapGuardMiddleware: bounds crawler traps (the endless calendar) without naming them.

A page is *productive* when it yields a record or links to content pages that no other
page of its family (same path and parameter names) linked to before. Chains of
same-family links (prev/next, page=N+1) are followed while they stay productive, and for
``TRAP_BARREN_LIMIT`` unproductive pages after that. Deep pagination keeps producing new
article links, so it is followed to its end; an endless calendar stops producing and is cut.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from belong_scraper.items import Article, Cluster, Page, Partner
from belong_scraper.profile import load_profile
from belong_scraper.urls import page_type, url_family

RECORD_CLASSES = (Article, Partner, Cluster, Page)
UNCOUNTED_KINDS = {"other", "feed"}


class TrapGuardMiddleware:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.profile = load_profile(settings.get("SITE_PROFILE"))
        self.limit = settings.getint("TRAP_BARREN_LIMIT", 3)
        self.max_per_family = settings.getint("TRAP_MAX_PAGES_PER_FAMILY", 10000)
        self.stats = crawler.stats
        self.linked_from_family: dict[str, set[str]] = defaultdict(set)
        self.requested_per_family: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapGuardMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._guard(response, list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        outputs = [o async for o in result]
        for output in self._guard(response, outputs):
            yield output

    def _guard(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        family = url_family(response.url)
        productive = any(isinstance(o, RECORD_CLASSES) for o in outputs)
        seen = self.linked_from_family[family]
        for request in (o for o in outputs if isinstance(o, Request)):
            if url_family(request.url) == family or request.url in seen:
                continue
            if page_type(request.url, self.profile)[0] not in UNCOUNTED_KINDS:
                seen.add(request.url)
                productive = True
        inherited = (
            response.meta.get("trap_barren", 0) if response.meta.get("trap_family") == family else 0
        )
        barren = 0 if productive else inherited + 1
        for output in outputs:
            if isinstance(output, Request):
                target = url_family(output.url)
                # A page that is neither content nor listing (a calendar's other view, its
                # day pages) continues the chain: two views linking to each other must not
                # restart each other's count.
                chained = target == family or (
                    page_type(output.url, self.profile)[0] in UNCOUNTED_KINDS
                )
                if chained:
                    if (
                        barren >= self.limit
                        or self.requested_per_family[target] >= self.max_per_family
                    ):
                        self.stats.inc_value("trap_guard/dropped")
                        continue
                    self.requested_per_family[target] += 1
                    output.meta["trap_family"] = target
                    output.meta["trap_barren"] = barren
            yield output
