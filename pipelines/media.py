"""MediaPipeline: download every image and document a record references.

Downloads go through Scrapy's engine, so robots.txt, retries, the User-Agent and
AutoThrottle apply as for pages. Each URL is fetched once per run, whatever number of
records use it. Bytes land in ``<out>/media/.incoming/<sha256>``; when the crawl ends
the export step gives each distinct file its legacy ``uploads/YYYY/MM/`` path, so the
layout does not depend on the order downloads finished. A failed download is recorded
(status, reason) on the item and the run goes on.

Only media on the legacy site are downloaded: files hosted elsewhere stay links.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path
from typing import Any

from lxml import html as lxml_html
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from belong_scraper.exporters import atomic_write
from belong_scraper.items import Article, Cluster, Page, Partner
from belong_scraper.media import media_type_of
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin, is_media

DOCUMENT_LINK = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|zip)$", re.IGNORECASE)


def referenced_media(record: Any) -> list[str]:
    """Every image and document URL the record references, in a stable order."""
    urls: list[str] = []
    if isinstance(record, Article):
        urls += [i["url"] for i in record.images] + [a["url"] for a in record.attachments]
    if isinstance(record, Partner) and record.logo_url:
        urls.append(record.logo_url)
    for html in _html_fields(record):
        if not html.strip():
            continue
        root = lxml_html.fragment_fromstring(html, create_parent="div")
        urls += [img.get("src") for img in root.iter("img") if img.get("src")]
        urls += [
            a.get("href")
            for a in root.iter("a")
            if a.get("href") and DOCUMENT_LINK.search(a.get("href").split("?")[0])
        ]
    return list(dict.fromkeys(urls))


def _html_fields(record: Any) -> list[str]:
    if isinstance(record, Article | Page):
        return [record.body_html]
    if isinstance(record, Cluster):
        return [record.intro_html]
    if isinstance(record, Partner):
        return [record.description_html]
    return []


class MediaPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.profile = load_profile(crawler.settings.get("SITE_PROFILE"))
        self.incoming = Path(crawler.settings.get("EXPORT_DIR", "exports")) / "media" / ".incoming"
        self.enabled = crawler.settings.getbool("MEDIA_ENABLED", True)
        self.results: dict[str, asyncio.Future[dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MediaPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not self.enabled or not isinstance(item, Article | Partner | Cluster | Page):
            return item
        origin = Origin.from_url(item.source_url, self.profile)
        urls = [u for u in referenced_media(item) if origin.owns(u) and is_media(u, self.profile)]
        results = await asyncio.gather(*(self._fetch_once(url) for url in urls))
        item.evidence["media"] = {url: result for url, result in zip(urls, results, strict=True)}
        return item

    def _fetch_once(self, url: str) -> asyncio.Future[dict[str, Any]]:
        if url not in self.results:
            self.results[url] = asyncio.ensure_future(self._fetch(url))
        return self.results[url]

    async def _fetch(self, url: str) -> dict[str, Any]:
        request = Request(url, meta={"handle_httpstatus_all": True, "dont_redirect": False})
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            return {"ok": False, "status": 0, "reason": f"skipped: {exc}"}
        except Exception as exc:  # timeouts, refused connections: recorded, not fatal
            return {"ok": False, "status": 0, "reason": f"{type(exc).__name__}: {exc}"}
        self.crawler.stats.inc_value(f"media/status/{response.status}")
        if response.status != 200:
            return {"ok": False, "status": response.status, "reason": f"HTTP {response.status}"}
        if not response.body:
            return {"ok": False, "status": 200, "reason": "empty file"}
        body = response.body
        digest = hashlib.sha256(body).hexdigest()
        target = self.incoming / digest
        if not target.exists():
            atomic_write(target, body)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        return {
            "ok": True,
            "status": 200,
            "sha256": digest,
            "bytes": len(body),
            "media_type": media_type_of(body, content_type, url),
            "etag": (response.headers.get("ETag") or b"").decode("latin-1") or None,
            "last_modified": (response.headers.get("Last-Modified") or b"").decode("latin-1")
            or None,
        }
