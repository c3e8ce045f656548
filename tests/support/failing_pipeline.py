"""A pipeline that raises for the record ids in ``FAIL_FOR_IDS``: no real input makes a
pipeline raise once its bugs are fixed, so the guard that turns a failure into a rejected
record is tested with one that always fails. Plugged in with ``-s ITEM_PIPELINES=…``."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from pipelines.base import rejects_failures


class FailFor:
    def __init__(self, ids: set[str]):
        self.ids = ids

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailFor:
        return cls(set(crawler.settings.getlist("FAIL_FOR_IDS")))

    @rejects_failures
    def process_item(self, item: Any) -> Any:
        if getattr(item, "id", None) in self.ids:
            raise RuntimeError(f"cannot process {item.id}\nsecond line of the message")
        return item
