"""What every pipeline needs: the site profile and the crawled origin of an item."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from scrapy.crawler import Crawler

from belong_scraper.items import Rejected
from belong_scraper.ledger import one_line
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.urls import Origin

logger = logging.getLogger(__name__)


class ProfilePipeline:
    def __init__(self, profile: SiteProfile):
        self.profile = profile

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(load_profile(crawler.settings.get("SITE_PROFILE")))

    def origin_of(self, source_url: str) -> Origin:
        return _origin(source_url.split("/", 3)[2], source_url.split(":", 1)[0], self.profile)


@cache
def _origin(netloc: str, scheme: str, profile: SiteProfile) -> Origin:
    return Origin.from_url(f"{scheme}://{netloc}/", profile)


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
