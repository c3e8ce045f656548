"""SurveySpider: a bounded, breadth-first, same-origin sample of a site.

Fetches go through the project's downloader middlewares and settings, so robots.txt,
retries within the time budget, size limits and the politeness delay apply as in a
migrate. It keeps no pages: each one becomes a ``PageFacts`` (``observe.py``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from belong_scraper.cleaning import looks_binary
from belong_scraper.compiled import xpath
from belong_scraper.ledger import one_line
from belong_scraper.links import feed_links, html_links
from belong_scraper.pages import Document
from belong_scraper.profile import SiteProfile
from belong_scraper.spiders.site import REDIRECT_CODES, skip_kind
from belong_scraper.survey.families import _join, _shape
from belong_scraper.survey.observe import (
    PageFacts,
    clues,
    declared_charset,
    mojibake_line,
    observe_chrome,
    observe_selectors,
)
from belong_scraper.survey.params import SamePageParams
from belong_scraper.urls import (
    Origin,
    absolute,
    canonical_url,
    declared_family,
    is_media,
    page_type,
)

logger = logging.getLogger(__name__)
# Links whose file name says they are no page, whatever the profile lists.
PAGE_SUFFIXES = ("", "php", "html", "htm", "asp", "aspx", "jsp", "cfm", "shtml", "xml")


def family_cap(pages: int) -> int:
    """Requests one URL family may take: a calendar that answers every month, or a
    thousand articles, must leave room in the sample for the other templates."""
    return max(5, pages // 6)


# Requests a family the profile names as one (urls.families, a calendar) may take: enough
# to measure its template; it never gets the budget left over, the trap it is.
DECLARED_FAMILY_CAP = 5


class SurveySpider(scrapy.Spider):
    name = "survey"
    custom_settings: ClassVar[dict[str, Any]] = {
        # Breadth first: the sample covers every template near the start before depth.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    }

    def __init__(
        self,
        start_url: str,
        profile: SiteProfile,
        pages: int,
        guided: bool,
        hosts: tuple[str, ...] = (),
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.profile = profile
        self.guided = guided  # a real profile, not the bare one a starting profile uses
        self.budget = pages
        self.origin = Origin.from_url(start_url, profile)
        if hosts:
            self._learn_hosts(hosts)
        self.requested: set[str] = set()
        self.seen: set[str] = set()  # every same-site page URL met, fetched or not
        self.hosts_read = False
        self.refunded = 0  # requests robots.txt refused: they cost the site nothing
        self.per_family: Counter[str] = Counter()
        # URLs over their family's cap, by family: fetched once the rest is done.
        self.deferred: defaultdict[str, list[str]] = defaultdict(list)
        self.facts: list[PageFacts] = []
        self.params = SamePageParams()

    def _learn_hosts(self, hosts: tuple[str, ...] | list[str]) -> None:
        bare = {h.lower().removeprefix("www.") for h in hosts}
        self.origin = dataclasses.replace(
            self.origin, legacy_hosts=self.origin.legacy_hosts | frozenset(bare)
        )

    async def start(self) -> Any:
        first = canonical_url(self.start_url, self.origin, self.profile) or self.start_url
        request = self._request(first)
        if request is not None:
            yield request
        for path in self.profile.urls.seed_paths:
            seed = canonical_url(urljoin(self.origin.url + "/", path), self.origin, self.profile)
            if seed:
                request = self._request(seed)
                if request is not None:
                    yield request

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SurveySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    @property
    def spent(self) -> int:
        """Requests that count against --pages: the ones that went to the server."""
        return len(self.requested) - self.refunded

    def _request(self, url: str, capped: bool = True) -> scrapy.Request | None:
        url = self.params.fold(url)
        self.seen.add(url)
        if url in self.requested:
            return None
        declared = declared_family(url, self.profile.urls.families)
        if declared is not None:
            if self.per_family[declared] >= DECLARED_FAMILY_CAP:
                return None
            family = declared
        else:
            family = _join(*_shape(url))
        if self.spent >= self.budget or (
            capped and self.per_family[family] >= family_cap(self.budget)
        ):
            if url not in self.deferred[family]:
                self.deferred[family].append(url)
            return None
        self.per_family[family] += 1
        self.requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            meta={"dont_redirect": True, "handle_httpstatus_all": True},
        )

    def _idle(self) -> None:
        """Nothing left below the family cap: the budget left goes to the families that
        hit it, one URL of each in turn, so a trap takes no more than its share."""
        released = 0
        while self.spent < self.budget and any(self.deferred.values()):
            for urls in self.deferred.values():
                while urls and self.spent < self.budget:
                    request = self._request(urls.pop(0), capped=False)
                    if request is not None:
                        self.crawler.engine.crawl(request)
                        released += 1
                        break
        if released:
            raise DontCloseSpider

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        canonical = canonical_url(response.url, self.origin, self.profile) or response.url
        facts = PageFacts(response.url, canonical, response.status)
        facts.content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if self.guided:
            facts.kind = page_type(canonical, self.profile)[0]
        self.facts.append(facts)
        if response.status in REDIRECT_CODES:
            location = response.headers.get("Location", b"").decode("latin-1")
            target = absolute(location, response.url) if location else None
            facts.redirect_to = target
            yield from self._follow([target] if target else [])
            return
        if response.status >= 400 or looks_binary(response.body) or response.meta.get("too_large"):
            facts.error = f"HTTP {response.status}" if response.status >= 400 else "not a page"
            return
        try:
            links = self._observe(response, facts)
        except Exception as exc:  # a page that cannot be read is noted, the survey goes on
            facts.error = f"unreadable: {one_line(exc)}"
            return
        yield from self._follow(links)

    def _observe(self, response: Response, facts: PageFacts) -> list[str]:
        content_type = facts.content_type or None
        if not self.guided and not self.hosts_read:
            # The first page read (the start URL, or where it redirected) names the site.
            self.hosts_read = True
            self._learn_hosts(self._own_hosts(response))
        doc = Document.from_bytes(
            response.url, response.body, content_type, self.profile, self.origin
        )
        facts.declared = declared_charset(response.body, content_type)
        facts.detected = doc.encoding
        facts.mojibake = mojibake_line(response.body, content_type)
        facts.php_errors = dict(doc.php_errors.by_level)
        facts.feed = "xml" in (content_type or "") or doc.text.lstrip().startswith(
            ("<?xml", "<rss", "<feed")
        )
        if facts.feed:
            return [url for url, _ in feed_links(doc.text, response.url)]
        if self.guided:
            facts.selectors = observe_selectors(doc, self.profile)
            facts.chrome_selectors, facts.chrome_phrases = observe_chrome(doc, self.profile)
        facts.clues = clues(doc.root, doc.text)
        if facts.clues.get("digest"):
            self.params.note(facts.canonical, facts.clues["digest"])
        return [url for url, _ in html_links(doc.root, response.url)]

    def _own_hosts(self, response: Response) -> list[str]:
        """Hosts the start page names as its own (its canonical link, og:url, feed): a
        copy of a site links to the production host, which is then the same site."""
        try:
            root = Document.from_bytes(
                response.url, response.body, None, self.profile, self.origin
            ).root
        except Exception:
            return []
        found = xpath(
            "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
            " | //link[@rel='alternate'][contains(@type,'rss')]/@href"
        )(root)
        hosts = {urlsplit(str(href)).hostname or "" for href in found}
        # A host whose links name the same paths as the page's own links: the same site
        # spelled with its production name (absolute links of a copy).
        links = [urlsplit(str(h)) for h in xpath("//a/@href")(root)]
        own = {(p.path, p.query) for p in links if not p.netloc or p.hostname == self.origin.host}
        hosts |= {
            p.hostname or ""
            for p in links
            if p.netloc and (p.path, p.query) in own - {("/", ""), ("", "")}
        }
        hosts.discard("")
        hosts.discard(self.origin.host)
        return sorted(hosts)

    def _follow(self, links: list[str]) -> Iterator[scrapy.Request]:
        for url in links:
            target = canonical_url(url, self.origin, self.profile)
            if target is None or is_media(target, self.profile):
                continue
            name = urlsplit(target).path.rsplit("/", 1)[-1]
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix not in PAGE_SUFFIXES:
                continue
            request = self._request(target)
            if request is not None:
                yield request

    def failed(self, failure: Failure) -> None:
        request = failure.request
        canonical = canonical_url(request.url, self.origin, self.profile) or request.url
        facts = PageFacts(request.url, canonical, 0, error=one_line(failure.value))
        skip = skip_kind(failure)
        if skip:
            facts.error = f"skipped ({skip}): {facts.error}"
        if skip == "robots":
            self.refunded += 1  # never reached the server: no part of the bound
        if self.guided:
            facts.kind = page_type(canonical, self.profile)[0]
        self.facts.append(facts)
