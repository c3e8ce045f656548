"""What the state database keeps of a run besides its records: the pages fetched (with
their validators, for the next run's conditional requests) and the watch baseline.

Both are handed to the state as iterators made when it reads them, not lists: at 20,000
articles the fetched pages' rows alone were about 30 MB, held from the records stage to
the end of the export."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from belong_scraper.export.shelf import ParkedReports
from belong_scraper.items import Article, Listing, PageReport, Record
from belong_scraper.spiders.watch import teaser_hash


def fetched_pages(reports: Iterable[PageReport], records: list[Record]) -> Iterator[dict[str, Any]]:
    """Every fetched URL's row, in URL order: a page's last report, or a medium's outcome
    (which wins over a report of the same URL). The media outcomes are read now (the
    records are let go after the records stage); the reports as the rows are read, from
    the shelf's URL order."""
    media: dict[str, dict[str, Any]] = {}
    for record in records:
        for url, result in record.evidence.get("media", {}).items():
            media[url] = {
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
    return _merged(reports, media)


def _merged(
    reports: Iterable[PageReport], media: dict[str, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    pages = (
        _page_row(report) for report in _last_per_url(_by_url(reports)) if report.url not in media
    )
    yield from heapq.merge(pages, (media[url] for url in sorted(media)), key=lambda r: r["url"])


def _by_url(reports: Iterable[PageReport]) -> Iterable[PageReport]:
    if isinstance(reports, ParkedReports):
        return reports.by_url()
    return sorted(reports, key=lambda r: r.url)  # stable: ties stay in arrival order


def _last_per_url(reports: Iterable[PageReport]) -> Iterator[PageReport]:
    for _, same in itertools.groupby(reports, key=lambda r: r.url):
        *_, last = same
        yield last


def _page_row(report: PageReport) -> dict[str, Any]:
    return {
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


def watch_baseline(
    listings: Iterable[Listing], records: list[Record], text_hashes: Mapping[str, str]
) -> Iterator[dict[str, Any]]:
    """What `watch` compares against: each article's listing teaser (from the archive's
    first page showing it, else any listing's) and its text's hash (``text_hashes``:
    article id → `text_hash`, worked out while its text was open). The articles' ids,
    URLs and titles are taken now (a tuple each), the teasers when the rows are read: one
    pass, one listing in memory at a time, the lowest rank wins, the first seen among
    equal ranks."""
    articles = [(r.id, r.source_url, r.title) for r in records if isinstance(r, Article)]
    return _watch_rows(listings, articles, text_hashes)


def _watch_rows(
    listings: Iterable[Listing],
    articles: list[tuple[str, str, str]],
    text_hashes: Mapping[str, str],
) -> Iterator[dict[str, Any]]:
    best: dict[str, tuple[tuple[bool, int, str], str]] = {}
    for listing in listings:
        rank = (listing.kind != "listing", listing.page, listing.url)
        for teaser in listing.teasers:
            kept = best.get(teaser.article_id)
            if kept is None or rank < kept[0]:
                best[teaser.article_id] = (rank, teaser_hash(teaser.title, teaser.excerpt))
    teasers = {article_id: digest for article_id, (_, digest) in best.items()}
    del best
    for article_id, url, title in articles:
        yield {"article_id": article_id, "url": url, "title": title,
               "teaser_sha256": teasers.get(article_id),
               "text_sha256": text_hashes[article_id]}  # fmt: skip
