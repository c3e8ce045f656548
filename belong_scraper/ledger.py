"""The ledger: every URL the crawl touched ends in exactly one recorded outcome.

Outcomes: ``record`` (the page gave records), ``page`` (a page that holds no record:
listing, tag, feed, home, robots.txt), ``asset`` (a media file downloaded for a record),
``redirect`` (with its target), ``broken`` (404/410), ``skipped`` (robots, off-site,
trap guard, too large, a redirect chain too long, the crawl stopped before it), ``failed``
(after its attempts, or a redirect loop) and ``rejected`` (the page answered but a record
failed in extraction, a pipeline or the export). The run's status is decided here, once:
any failure, rejection or skip for a limit makes it ``incomplete``, with its reasons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from belong_scraper.items import PageReport, Record, Rejected

LEDGER_NAME = "ledger.json"
OUTCOMES = ("record", "page", "asset", "redirect", "broken", "skipped", "failed", "rejected")
# Skips that mean the tool stopped short of the site, not that the site said no.
LIMIT_SKIPS = frozenset({"too-large", "redirect-hops", "trap-guard-cap", "crawl-stopped"})
GONE = (404, 410)


class FetchLog:
    """Downloader middleware: how many times each URL went to the server (retries
    included). Placed after the HTTP cache, so a replayed response counts no attempt."""

    def __init__(self, crawler: Crawler):
        self.attempts: Counter[str] = Counter()
        crawler.fetch_log = self  # type: ignore[attr-defined]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchLog:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        self.attempts[request.url] += 1


def attempts_of(crawler: Crawler, url: str) -> int:
    log = getattr(crawler, "fetch_log", None)
    return log.attempts.get(url, 0) if log is not None else 0


def fetched_urls(crawler: Crawler) -> dict[str, int]:
    """Each URL's attempts: the log's own count, not a copy. The export reads it once the
    crawl is over, when nothing counts any more (6,000 URLs at 4,000 articles)."""
    log = getattr(crawler, "fetch_log", None)
    return log.attempts if log is not None else {}


def one_line(exc: BaseException | object) -> str:
    """An exception as one line: its type and the first line of its message. Twisted's
    "response never received" wraps the real causes in a list of failures: name those."""
    reasons = getattr(exc, "reasons", None)
    if isinstance(exc, BaseException) and reasons:
        causes = [getattr(r, "value", r) for r in reasons]
        inner = "; ".join(dict.fromkeys(one_line(c) for c in causes))
        return f"{type(exc).__name__}: {inner}"
    if isinstance(exc, BaseException):
        message = str(exc).strip().splitlines()
        name = type(exc).__name__
        return f"{name}: {message[0]}" if message else name
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _entry(url: str, outcome: str, **facts: Any) -> dict[str, Any]:
    return {"url": url, "outcome": outcome, **{k: v for k, v in facts.items() if v not in
                                                 (None, [], {})}}  # fmt: skip


def _report_entry(report: PageReport, records: list[str]) -> dict[str, Any]:
    common = {"status": report.status, "attempts": report.attempts or None,
              "referer": report.referer}  # fmt: skip
    if report.kind == "redirect":
        if report.skip:
            return _entry(report.url, "skipped", skip=report.skip, reason=report.error,
                          hops=report.hops, **common)  # fmt: skip
        if report.error:
            return _entry(report.url, "failed", reason=report.error, hops=report.hops, **common)
        return _entry(report.url, "redirect", target=report.redirect_to, **common)
    if report.status in GONE:
        return _entry(report.url, "broken", kind=report.kind, **common)
    if report.skip:
        return _entry(report.url, "skipped", skip=report.skip, reason=report.error, **common)
    if report.error and report.error.startswith("extraction failed") and report.status == 200:
        return _entry(report.url, "rejected", kind=report.kind, reason=report.error, **common)
    if report.error or report.status >= 500 or report.status == 0:
        return _entry(report.url, "failed", kind=report.kind,
                      reason=report.error or f"HTTP {report.status}", **common)  # fmt: skip
    if records:
        return _entry(report.url, "record", kind=report.kind, records=records, **common)
    return _entry(report.url, "page", kind=report.kind, **common)


def _media_outcome(result: dict[str, Any]) -> tuple[str, str | None]:
    """A media download that gave no asset: skipped by decision (robots, an SVG withheld
    because it cannot be made safe: the record is flagged for review), gone, or failed."""
    if result.get("svg") == "withheld":
        return "skipped", "unsafe-withheld"
    reason = str(result.get("reason", ""))
    if reason.startswith("skipped"):
        if "robots" in reason:
            return "skipped", "robots"
        return "skipped", "too-large" if "too large" in reason.lower() else "ignored"
    if result.get("status") in GONE or (result.get("status") == 200 and reason == "empty file"):
        return "broken", None  # the site links to nothing usable: its fault, not the run's
    return "failed", None


def build_ledger(
    reports: Iterable[PageReport],
    records: Iterable[Record],
    rejected: Iterable[Rejected],
    fetched: dict[str, int],
    requested: Iterable[str],
    finish_reason: str,
) -> list[dict[str, Any]]:
    """One entry per URL, sorted by URL. ``fetched`` is the downloader's attempt count per
    URL, ``requested`` every URL the spider asked for (start, seeds, followed links)."""
    records = list(records)
    by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_source[record.source_url].append(record.id)
    entries: dict[str, dict[str, Any]] = {}
    canonical_of: dict[str, str] = {}
    found_skips: dict[str, tuple[str, str | None]] = {}
    for report in reports:
        ids = sorted(set(by_source.get(report.canonical, []))) if report.kind != "redirect" else []
        entries[report.url] = _report_entry(report, ids)
        canonical_of[report.canonical] = report.url
        for url, why in report.skipped.items():
            found_skips.setdefault(url, (why, report.canonical))
    for record in records:
        for url, result in sorted(record.evidence.get("media", {}).items()):
            if url in entries:
                continue
            if result.get("ok"):
                entries[url] = _entry(url, "asset", status=result.get("status"),
                                      attempts=fetched.get(url) or None)  # fmt: skip
            else:
                outcome, skip = _media_outcome(result)
                entries[url] = _entry(url, outcome, status=result.get("status"), skip=skip,
                                      reason=result.get("reason"),
                                      attempts=fetched.get(url) or None)  # fmt: skip
    for item in rejected:
        url = canonical_of.get(item.url, item.url)
        entry = entries.setdefault(url, _entry(url, "rejected"))
        kept = [i for i in entry.get("records", []) if i != item.record_id]
        entry.update(outcome="rejected", records=kept)
        if not kept:
            entry.pop("records")
        entry.setdefault("rejected", []).append(
            {"record_id": item.record_id, "stage": item.stage, "error": item.error}
        )
    for url, (why, referer) in found_skips.items():
        if url not in entries and url not in canonical_of:
            entries[url] = _entry(url, "skipped", skip=why, referer=referer)
    stopped = finish_reason.startswith("closespider")
    for url in requested:
        if url in entries or url in canonical_of:
            continue
        attempts = fetched.get(url) or None
        if stopped:
            done = "fetched, not read" if attempts else "not fetched"
            reason = f"{done}: the crawl stopped ({finish_reason})"
            entries[url] = _entry(url, "skipped", skip="crawl-stopped", attempts=attempts,
                                  reason=reason)  # fmt: skip
        else:
            entries[url] = _entry(url, "failed", attempts=attempts,
                                  reason="requested, but no outcome was recorded")  # fmt: skip
    for url, attempts in fetched.items():
        if url in entries:
            continue
        if url.endswith("/robots.txt"):
            entries[url] = _entry(url, "page", kind="robots", attempts=attempts)
        else:
            entries[url] = _entry(url, "failed", attempts=attempts,
                                  reason="fetched, but no outcome was recorded")  # fmt: skip
    return [entries[url] for url in sorted(entries)]


def ledger_status(entries: list[dict[str, Any]], finish_reason: str) -> tuple[str, list[str]]:
    """``complete`` only when nothing failed, nothing was rejected, no limit cut the crawl
    short and the crawl ran to its end; otherwise ``incomplete`` and why."""
    counts = Counter(e["outcome"] for e in entries)
    limits = Counter(e["skip"] for e in entries if e.get("skip") in LIMIT_SKIPS)
    reasons = []
    if finish_reason != "finished":
        reasons.append(f"the crawl stopped early ({finish_reason})")
    if counts["failed"]:
        reasons.append(f"{counts['failed']} fetches failed")
    if counts["rejected"]:
        reasons.append(f"{counts['rejected']} pages had records rejected")
    for skip, count in sorted(limits.items()):
        reasons.append(f"{count} skipped: {skip}")
    return ("incomplete" if reasons else "complete"), reasons


def ledger_counts(entries: list[dict[str, Any]]) -> dict[str, int]:
    counts = Counter(e["outcome"] for e in entries)
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}
