"""What every pipeline needs: the site profile and the crawled origin of an item."""

from __future__ import annotations

from functools import cache

from scrapy.crawler import Crawler

from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.urls import Origin


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
