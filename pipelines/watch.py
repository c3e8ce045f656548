"""WatchPipeline: decide what the watch run found (new, updated) for the CLI to report.

The decision is on the cleaned article text (title and body), never on page bytes, so a
new sidebar, a session id or a rotating banner is not an update.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy.crawler import Crawler

from belong_scraper.cleaning import normalise_space
from belong_scraper.items import Article


def text_hash(title: str, body_text: str) -> str:
    text = normalise_space(title) + "\n" + normalise_space(body_text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class WatchPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.articles: dict[str, Article] = {}
        self.teasers: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WatchPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            self.articles[item.id] = item
        elif hasattr(item, "teaser_sha256"):
            self.teasers[item.article_id] = item
        return item

    def close_spider(self) -> None:
        known_texts = getattr(self.crawler.spider, "known_texts", {})
        posts = []
        items: dict[str, dict[str, Any]] = {}
        for article_id, seen in sorted(self.teasers.items()):
            items[article_id] = {"article_id": article_id, "teaser_sha256": seen.teaser_sha256,
                                 "url": seen.url, "title": seen.title}  # fmt: skip
        for article in sorted(self.articles.values(), key=lambda a: a.legacy_id):
            digest = text_hash(article.title, article.body_text)
            if article.id not in known_texts:
                change = "new"
            elif known_texts[article.id] not in (None, digest):
                change = "updated"
            else:
                change = None
            item = {
                "article_id": article.id,
                "url": article.source_url,
                "title": article.title,
                "text_sha256": digest,
            }
            if article.evidence.get("teaser_sha256"):
                item["teaser_sha256"] = article.evidence["teaser_sha256"]
            items[article.id] = {**items.get(article.id, {}), **item}
            if change:
                posts.append(
                    {"change": change, "id": article.id, "title": article.title,
                     "url": article.source_url, "published": article.published,
                     "author": article.author, "summary": article.summary}
                )  # fmt: skip
        self.crawler.stats.set_value(
            "watch/result", {"posts": posts, "items": [items[k] for k in sorted(items)]}
        )
