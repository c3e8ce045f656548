"""MediaPipeline: download every image and document a record references.

Downloads go through Scrapy's engine, so robots.txt, retries, the User-Agent and
AutoThrottle apply as for pages. Each URL is fetched once per run, whatever number of
records use it. Bytes land in ``<out>/media/.incoming/<sha256>``; when the crawl ends
the export step gives each distinct file its legacy ``uploads/YYYY/MM/`` path, so the
layout does not depend on the order downloads finished. A failed download is recorded
(status, reason) on the item and the run goes on.

Only media on the legacy site are downloaded: files hosted elsewhere stay links.

An SVG is stored as its sanitized copy (``belong_scraper.svg``), the one published; one
that cannot be sanitized is not stored and is recorded as withheld. Either way the result
says so (``svg``) and keeps the digest of the bytes as served (``served_sha256``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

from lxml import html as lxml_html
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from belong_scraper.exporters import atomic_write
from belong_scraper.items import Article, Cluster, Page, Partner
from belong_scraper.media import media_type_of
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.state import StateStore, default_db_url
from belong_scraper.svg import is_svg, sanitize_svg
from belong_scraper.urls import is_document, is_media
from pipelines.base import crawl_origin, rejects_failures


def referenced_media(record: Any, profile: SiteProfile) -> list[str]:
    """Every image and document URL the record references, in a stable order; body
    links count when they are documents (the profile's document extensions)."""
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
            if a.get("href") and is_document(a.get("href"), profile)
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


def media_incoming(settings: Any) -> Path:
    """Where downloads wait for the export: ``MEDIA_INCOMING_DIR`` (the CLI puts it in the
    run's job folder, so the export folder is untouched until the export), else
    ``<EXPORT_DIR>/media/.incoming``."""
    configured = settings.get("MEDIA_INCOMING_DIR")
    if configured:
        return Path(configured)
    return Path(settings.get("EXPORT_DIR", "exports")) / "media" / ".incoming"


class MediaPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.profile = load_profile(crawler.settings.get("SITE_PROFILE"))
        self.incoming = media_incoming(crawler.settings)
        self.enabled = crawler.settings.getbool("MEDIA_ENABLED", True)
        self.results: dict[str, asyncio.Future[dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MediaPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        """Validators of earlier downloads, and where their bytes are: files that did not
        change are answered 304 and taken from the previous export."""
        self.validators: dict[str, dict[str, Any]] = {}
        self.previous_files: dict[str, Path] = {}
        if not self.enabled:
            return
        settings = self.crawler.settings
        out_dir = Path(settings.get("EXPORT_DIR", "exports"))
        store = StateStore(
            settings.get("STATE_DB_URL") or default_db_url(out_dir),
            site=settings.get("STATE_SITE") or None,
        )
        try:
            self.validators = store.media_validators()
        finally:
            store.close()
        assets = out_dir / "assets.json"
        if assets.exists():
            for asset in json.loads(assets.read_text(encoding="utf-8")):
                self.previous_files[asset["sha256"]] = out_dir / asset["local_path"]

    @rejects_failures
    async def process_item(self, item: Any) -> Any:
        if not self.enabled or not isinstance(item, Article | Partner | Cluster | Page):
            return item
        origin = crawl_origin(self.crawler, self.profile, item.source_url)
        urls = [
            u
            for u in referenced_media(item, self.profile)
            if origin.owns(u) and is_media(u, self.profile)
        ]
        results = await asyncio.gather(*(self._fetch_once(url) for url in urls))
        item.evidence["media"] = {url: result for url, result in zip(urls, results, strict=True)}
        return item

    def _fetch_once(self, url: str) -> asyncio.Future[dict[str, Any]]:
        if url not in self.results:
            self.results[url] = asyncio.ensure_future(self._fetch(url))
        return self.results[url]

    async def _fetch(self, url: str) -> dict[str, Any]:
        headers = {}
        known = self.validators.get(url)
        previous = self.previous_files.get(known["sha256"]) if known else None
        if known and previous is not None and previous.exists():
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        request = Request(
            url, headers=headers, meta={"handle_httpstatus_all": True, "dont_redirect": False}
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            return {"ok": False, "status": 0, "reason": f"skipped: {exc}"}
        except Exception as exc:  # timeouts, refused connections: recorded, not fatal
            return {"ok": False, "status": 0, "reason": f"{type(exc).__name__}: {exc}"}
        self.crawler.stats.inc_value(f"media/status/{response.status}")
        if response.status == 304 and headers:
            body = previous.read_bytes()
            if hashlib.sha256(body).hexdigest() == known["sha256"]:
                return self._store(url, body, None, response, status=304, known=known)
            return await self._fetch_unconditionally(url)
        if response.status != 200:
            return {"ok": False, "status": response.status, "reason": f"HTTP {response.status}"}
        if not response.body:
            return {"ok": False, "status": 200, "reason": "empty file"}
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        return self._store(url, response.body, content_type, response, status=200)

    async def _fetch_unconditionally(self, url: str) -> dict[str, Any]:
        self.validators.pop(url, None)
        return await self._fetch(url)

    def _store(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        response: Any,
        status: int,
        known: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        header = response.headers.get
        served = hashlib.sha256(body).hexdigest()
        svg = None
        if is_svg(body, content_type, url):
            # The published copy is sanitized (the WARC keeps what was served); its digest
            # is the one assets.json gives, so fixity checks describe the file on disk.
            clean = sanitize_svg(body)
            if clean is None:
                reason = "svg withheld: not a well-formed SVG document"
                return {"ok": False, "status": status, "reason": reason, "svg": "withheld",
                        "served_sha256": served}  # fmt: skip
            body, svg, content_type = clean, "sanitized", "image/svg+xml"
        digest = hashlib.sha256(body).hexdigest()
        target = self.incoming / digest
        if not target.exists():
            atomic_write(target, body)
        return {
            "ok": True,
            "status": status,
            "sha256": digest,
            "bytes": len(body),
            "media_type": media_type_of(body, content_type, url),
            "etag": (header("ETag") or b"").decode("latin-1") or (known or {}).get("etag"),
            "last_modified": (header("Last-Modified") or b"").decode("latin-1")
            or (known or {}).get("last_modified"),
            **({"svg": svg, "served_sha256": served} if svg else {}),
        }
