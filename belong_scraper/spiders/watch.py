"""WatchSpider: the cheap crawl of the scheduled job — feed, first listing pages, and only
the articles that are new or whose teaser changed.

It knows what the state knows through its `known` argument (article id → teaser hash),
given by the CLI; it does no I/O of its own beyond fetching.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from belong_scraper.cleaning import normalise_space, prepare_document
from belong_scraper.items import Article, Teaser, article_id
from belong_scraper.links import feed_links
from belong_scraper.pages import ArticlePage, Document, TeaserPage
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin, canonical_url, page_type


def teaser_hash(title: str, excerpt: str) -> str:
    text = normalise_space(title) + "\n" + normalise_space(excerpt)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class WatchSpider(scrapy.Spider):
    name = "watch"
    custom_settings: ClassVar[dict[str, Any]] = {
        "ITEM_PIPELINES": {
            "pipelines.clean_body.CleanBodyPipeline": 100,
            "pipelines.normalise.NormalisePipeline": 200,
            "pipelines.watch.WatchPipeline": 900,
        },
        "SPIDER_MIDDLEWARES": {},
    }

    def __init__(
        self,
        start_url: str,
        known: dict[str, str | None] | None = None,
        known_texts: dict[str, str | None] | None = None,
        known_urls: dict[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.known = known or {}  # article id → teaser hash (None: not seen in a teaser yet)
        self.known_texts = known_texts or {}  # article id → text hash
        # Canonical URL → article id: where an article's URL carries no id (a permalink),
        # the state says which article it is; an unknown one is new.
        self.known_urls = known_urls or {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> WatchSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.profile = load_profile(crawler.settings.get("SITE_PROFILE"))
        spider.origin = Origin.from_url(spider.start_url, spider.profile)
        spider.rules = spider.profile.watch
        return spider

    async def start(self) -> Any:
        base = self.origin.url
        yield scrapy.Request(base + self.rules.feed, callback=self.parse_feed)
        yield scrapy.Request(
            base + self.rules.listing,
            callback=self.parse_listing,
            cb_kwargs={"page": 1},
        )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        text, _, _ = prepare_document(response.body, content_type)
        for url, _ in feed_links(text, response.url):
            canonical = canonical_url(url, self.origin, self.profile)
            kind, keys = page_type(canonical or "", self.profile)
            if kind == "article" and canonical:
                article_id = self._id_of(canonical, keys)
                if article_id not in self.known:
                    yield self._article(canonical, article_id, None)

    def parse_listing(self, response: Response, page: int) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        doc = Document.from_bytes(
            response.url, response.body, content_type, self.profile, self.origin
        )
        teasers = TeaserPage(doc).teasers()
        self.crawler.stats.inc_value("watch/listing_pages")
        met_known = False
        for teaser in teasers:
            digest = teaser_hash(teaser.title, teaser.excerpt)
            article_id = teaser.article_id or self.known_urls.get(teaser.url or "")
            if article_id in self.known:
                met_known = True
                if self.known[article_id] not in (None, digest):
                    yield self._article(self._url_of(teaser), article_id, digest)
                else:
                    yield TeaserSeen(article_id, digest, teaser.url or "", teaser.title)
            else:
                # The feed may already have asked for this article (without a teaser):
                # the duplicate request is filtered, so the teaser is recorded on its own
                # (an article whose id only its page states records it from there).
                if article_id:
                    yield TeaserSeen(article_id, digest, teaser.url or "", teaser.title)
                yield self._article(self._url_of(teaser), article_id, digest)
        if teasers and not met_known and page < self.rules.max_listing_pages:
            template = self.rules.listing_page
            yield scrapy.Request(
                self.origin.url + template.format(page=page + 1),
                callback=self.parse_listing,
                cb_kwargs={"page": page + 1},
            )

    def _document(self, response: Response) -> Document:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        return Document.from_bytes(
            response.url, response.body, content_type, self.profile, self.origin
        )

    def _id_of(self, canonical: str, keys: dict[str, str]) -> str | None:
        if "id" in keys:
            return article_id(keys["id"])
        return self.known_urls.get(canonical)

    def _url_of(self, teaser: Teaser) -> str:
        return teaser.url or ""

    def _article(self, url: str, article_id: str | None, digest: str | None) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, cb_kwargs={"teaser": digest})

    def parse_article(self, response: Response, teaser: str | None) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        doc = Document.from_bytes(
            response.url, response.body, content_type, self.profile, self.origin
        )
        if doc.kind != "article":
            return
        item = ArticlePage(doc).to_item()
        item.evidence["teaser_sha256"] = teaser
        yield from self._whole(item, item.evidence.pop("continued_at", []))

    def _whole(self, item: Article, later: list[str]) -> Iterator[Any]:
        """The article once its further pages are joined (as the migration joins them:
        the same text, so the same hash); a page that fails leaves what it has."""
        if not later:
            yield item
            return
        yield scrapy.Request(
            later[0],
            callback=self.parse_part,
            errback=lambda failure: iter([item]),
            cb_kwargs={"item": item, "later": later[1:]},
            dont_filter=True,
        )

    def parse_part(self, response: Response, item: Article, later: list[str]) -> Iterator[Any]:
        if response.status == 200:
            item.body_html += "\n" + ArticlePage(self._document(response)).continued_body()
        yield from self._whole(item, later)


class TeaserSeen:
    """A known article's teaser, unchanged: its hash is kept as the new baseline."""

    def __init__(self, article_id: str, teaser_sha256: str, url: str, title: str):
        self.article_id = article_id
        self.teaser_sha256 = teaser_sha256
        self.url = url
        self.title = title
