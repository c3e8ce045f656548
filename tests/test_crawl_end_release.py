"""What only the crawl needs is let go when it ends, before the export runs: Scrapy's
duplicate filter's fingerprints (at the scheduler's close), the repeat filter's URLs and
the trap guard's link counts (on spider_closed, whose spider-middleware handlers run
before the item pipelines')."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from scrapy import Request, signals
from scrapy.core.scraper import Scraper
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from belong_scraper import settings
from belong_scraper.middlewares import (
    ReleasingDupeFilter,
    RepeatedRequestFilter,
    TrapGuardMiddleware,
)

PROJECT = {name: value for name, value in vars(settings).items() if name.isupper()}
ORIGIN = "http://127.0.0.1:8000"


def test_the_dupe_filter_lets_its_fingerprints_go_at_close(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={**PROJECT, "JOBDIR": str(tmp_path)})
    seen = ReleasingDupeFilter.from_crawler(crawler)
    requests = [Request(f"{ORIGIN}/news.php?id={i}") for i in range(50)]
    assert not any(seen.request_seen(r) for r in requests)
    assert all(seen.request_seen(r) for r in requests)  # a filter as Scrapy's is
    assert len(seen._fingerprints) == 50  # where Scrapy keeps them (see the class)
    seen.close("finished")
    assert seen._fingerprints == set()
    # A resumed job still knows them: they were written to the job folder as they came.
    again = ReleasingDupeFilter.from_crawler(crawler)
    assert all(again.request_seen(r) for r in requests)
    again.close("finished")


def test_the_project_filters_duplicates_with_it() -> None:
    assert PROJECT["DUPEFILTER_CLASS"] == "belong_scraper.middlewares.ReleasingDupeFilter"


class Probe:
    """An item pipeline that notes, on spider_closed, what the middlewares still hold."""

    seen: ClassVar[dict[str, Any]] = {}

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Probe:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        return item

    def spider_closed(self) -> None:
        for middleware in SCRAPER[0].spidermw.middlewares:
            if isinstance(middleware, RepeatedRequestFilter):
                Probe.seen["sent"] = len(middleware.sent)
            if isinstance(middleware, TrapGuardMiddleware):
                Probe.seen["linked"] = sum(map(len, middleware.linked_from_family.values()))
                Probe.seen["let_through"] = len(middleware.requested_per_family)


SCRAPER: list[Scraper] = []


def test_the_middlewares_let_go_before_the_pipelines_hear_of_the_end() -> None:
    crawler = get_crawler(settings_dict={**PROJECT, "ITEM_PIPELINES": {f"{__name__}.Probe": 100}})
    scraper = Scraper(crawler)
    SCRAPER[:] = [scraper]
    guard, repeats = (
        next(m for m in scraper.spidermw.middlewares if isinstance(m, kind))
        for kind in (TrapGuardMiddleware, RepeatedRequestFilter)
    )
    page = HtmlResponse(
        f"{ORIGIN}/news.php", body=b"<html></html>", request=Request(f"{ORIGIN}/news.php")
    )
    links = [Request(f"{ORIGIN}/news.php?id={i}") for i in range(20)]
    links += [Request(f"{ORIGIN}/partners.php"), Request(f"{ORIGIN}/news.php?page=2")]
    passed = list(repeats.process_spider_output(page, guard.process_spider_output(page, links)))
    assert passed and repeats.sent and guard.linked_from_family  # the crawl counted them
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert Probe.seen == {"sent": 0, "linked": 0, "let_through": 0}
    # and a repeat after the end (there is none in a crawl) would simply pass
    assert list(repeats.process_spider_output(page, [links[0]])) == [links[0]]
