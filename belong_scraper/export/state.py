"""What the state database keeps of a run besides its records: the pages fetched (with
their validators, for the next run's conditional requests) and the watch baseline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from belong_scraper.items import Article, Listing, PageReport, Record
from belong_scraper.spiders.watch import teaser_hash


def fetched_pages(reports: list[PageReport], records: list[Record]) -> list[dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = {}
    for report in reports:
        pages[report.url] = {
            "url": report.url,
            "canonical_url": report.canonical,
            "status": report.status,
            "kind": report.kind,
            "etag": report.etag,
            "last_modified": report.last_modified,
            "payload_sha256": report.payload_sha256,
            "php_errors": sum(report.php_errors.values()),
            "error": report.error,
        }
    for record in records:
        for url, result in record.evidence.get("media", {}).items():
            pages[url] = {
                "url": url,
                "canonical_url": url,
                "status": result["status"],
                "kind": "media",
                "etag": result.get("etag"),
                "last_modified": result.get("last_modified"),
                "payload_sha256": result.get("sha256"),
                "php_errors": 0,
                "error": None if result.get("ok") else result.get("reason"),
            }
    return [pages[url] for url in sorted(pages)]


def watch_baseline(
    listings: Iterable[Listing], records: list[Record], text_hashes: dict[str, str]
) -> list[dict[str, Any]]:
    """What `watch` compares against: each article's listing teaser (from the archive's
    first page showing it, else any listing's) and its text's hash (``text_hashes``:
    article id → `text_hash`, worked out while its text was open). One pass, one listing
    in memory at a time: the lowest rank wins, the first seen among equal ranks."""
    best: dict[str, tuple[tuple[bool, int, str], str]] = {}
    for listing in listings:
        rank = (listing.kind != "listing", listing.page, listing.url)
        for teaser in listing.teasers:
            kept = best.get(teaser.article_id)
            if kept is None or rank < kept[0]:
                best[teaser.article_id] = (rank, teaser_hash(teaser.title, teaser.excerpt))
    teasers = {article_id: digest for article_id, (_, digest) in best.items()}
    return [
        {"article_id": r.id, "url": r.source_url, "title": r.title,
         "teaser_sha256": teasers.get(r.id), "text_sha256": text_hashes[r.id]}
        for r in records
        if isinstance(r, Article)
    ]  # fmt: skip
