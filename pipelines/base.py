"""What every pipeline needs: the site profile and the crawled origin of an item."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler

from belong_scraper.items import Rejected
from belong_scraper.ledger import one_line
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.urls import Origin

logger = logging.getLogger(__name__)


class ProfilePipeline:
    def __init__(self, profile: SiteProfile, crawler: Crawler | None = None):
        self.profile = profile
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(load_profile(crawler.settings.get("SITE_PROFILE")), crawler)

    def origin_of(self, source_url: str) -> Origin:
        return crawl_origin(self.crawler, self.profile, source_url)


def crawl_origin(crawler: Crawler | None, profile: SiteProfile, fallback_url: str) -> Origin:
    """The one crawled origin: the spider's (its scope, from its start URL), which every
    pipeline and the export share. Only a pipeline run without a crawl (a unit test, the
    golden cases) takes it from the URL it is given, as a spider started there would."""
    spider = crawler.spider if crawler is not None else None
    origin = getattr(spider, "origin", None)
    if isinstance(origin, Origin):
        return origin
    return _origin_at(origin_key(fallback_url), profile)


def origin_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@cache
def _origin_at(root: str, profile: SiteProfile) -> Origin:
    return Origin.from_url(root, profile)


def rejection(item: Any, stage: str, exc: BaseException) -> Rejected:
    return Rejected(
        url=getattr(item, "source_url", "") or "",
        error=one_line(exc),
        stage=stage,
        record_id=getattr(item, "id", None),
    )


def rejects_failures(process_item: Callable[..., Any]) -> Callable[..., Any]:
    """A record that breaks a pipeline becomes a ``Rejected`` outcome passed on to the
    export (the ledger), instead of an item Scrapy drops with a traceback."""
    stage = process_item.__qualname__.split(".")[0]

    if inspect.iscoroutinefunction(process_item):

        @functools.wraps(process_item)
        async def guarded_async(self: Any, item: Any) -> Any:
            if isinstance(item, Rejected):
                return item
            try:
                return await process_item(self, item)
            except Exception as exc:
                logger.warning("%s rejected %s: %s", stage, getattr(item, "id", item), exc)
                return rejection(item, stage, exc)

        return guarded_async

    @functools.wraps(process_item)
    def guarded(self: Any, item: Any) -> Any:
        if isinstance(item, Rejected):
            return item
        try:
            return process_item(self, item)
        except Exception as exc:
            logger.warning("%s rejected %s: %s", stage, getattr(item, "id", item), exc)
            return rejection(item, stage, exc)

    return guarded
