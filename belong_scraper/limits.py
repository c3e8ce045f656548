"""Bounds on what one fetch may cost: bytes on the wire, bytes inflated, time with retries.

A response over a bound is never parsed. It reaches the spider either as a ``TooLarge``
failure (nothing usable arrived) or as a truncated response whose ``meta["too_large"]``
says why (its capture is archived truncated, ``WARC-Truncated: length``).

Three downloader middlewares (settings.py registers them):

- ``ResponseSizeMiddleware``: ``PAGE_MAX_BYTES`` per page, ``MEDIA_MAX_BYTES`` per media
  file (the profile's media URLs), on the wire. The download stops at the bound
  (``StopDownload`` from the ``bytes_received`` signal), so the prefix that arrived is
  archived, flagged truncated, and the request fails with ``TooLarge``. It also puts the
  attempt number in ``meta["attempts"]``.
- ``InflationBoundMiddleware``: Scrapy's HttpCompressionMiddleware with the same bound on
  the inflated body; a bomb is stopped while inflating and fails with ``TooLarge``.
- ``TimeBudgetRetryMiddleware``: Scrapy's RetryMiddleware within ``PAGE_TIME_BUDGET``
  seconds per URL, every attempt included: each attempt's ``download_timeout`` is cut to
  what remains, and no retry starts once it is spent (the last failure stands).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from belong_scraper.profile import load_profile
from belong_scraper.urls import is_media

logger = logging.getLogger(__name__)

LIMIT_KEY = "max_bytes"  # request.meta: the byte bound of this request
TOO_LARGE_KEY = "too_large"  # request.meta: one-line reason once the bound is passed
ATTEMPTS_KEY = "attempts"  # request.meta: 1 + the retries made so far
BUDGET_SPENT_KEY = "time_budget_spent"  # request.meta: True when the budget stopped retries
_RECEIVED_KEY = "_bytes_received"
_STARTED_KEY = "_budget_started"
_TIMEOUT_KEY = "_budget_timeout"
# No retry is started with less time than this left: it could not get an answer.
MIN_ATTEMPT_SECONDS = 1.0


class TooLarge(IgnoreRequest):
    """A response over a size bound (compressed or inflated); the message says which."""


class ResponseSizeMiddleware:
    """The wire bound per request and the attempt count (see the module docstring)."""

    def __init__(self, page_max: int, media_max: int, profile: Any, stats: Any = None):
        self.page_max = page_max
        self.media_max = media_max
        self.profile = profile
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseSizeMiddleware:
        settings = crawler.settings
        middleware = cls(
            settings.getint("PAGE_MAX_BYTES"),
            settings.getint("MEDIA_MAX_BYTES"),
            load_profile(settings.get("SITE_PROFILE")),
            crawler.stats,
        )
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def limit_for(self, url: str) -> int:
        return self.media_max if is_media(url, self.profile) else self.page_max

    def process_request(self, request: Request) -> None:
        meta = request.meta
        meta[ATTEMPTS_KEY] = meta.get("retry_times", 0) + 1
        meta.pop(TOO_LARGE_KEY, None)  # a retry is a fresh download
        meta.pop(_RECEIVED_KEY, None)
        meta.setdefault(LIMIT_KEY, self.limit_for(request.url))
        # Scrapy's own wire bound would cancel the download and drop what arrived; the
        # bytes_received handler stops it at the same bound and keeps the prefix for the
        # archive. Scrapy's warn size would only log what TooLarge reports.
        meta["download_maxsize"] = 0
        meta["download_warnsize"] = 0
        return None

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        meta = request.meta
        limit = meta.get(LIMIT_KEY)
        if not limit:
            return
        received = meta.get(_RECEIVED_KEY, 0) + len(data)
        meta[_RECEIVED_KEY] = received
        if received > limit and TOO_LARGE_KEY not in meta:
            meta[TOO_LARGE_KEY] = f"too large: more than {limit} bytes > limit {limit}"
            raise StopDownload(fail=False)

    def process_response(self, request: Request, response: Response) -> Response:
        reason = self.over_limit(request, response)
        if reason is None:
            return response
        request.meta[TOO_LARGE_KEY] = reason
        if self.stats is not None:
            self.stats.inc_value("limits/too_large")
        raise TooLarge(reason)

    def over_limit(self, request: Request, response: Response) -> str | None:
        """Why the response is over its bound, or None. A response replayed from the
        HTTP cache (migrate --resume) lost its flags; its length still tells. A declared
        length alone proves nothing (a 304 or HEAD answer may carry the entity's)."""
        limit = request.meta.get(LIMIT_KEY) or self.limit_for(request.url)
        stopped = "download_stopped" in (response.flags or []) and request.meta.get(TOO_LARGE_KEY)
        if not stopped and len(response.body) <= limit:
            return None
        declared = _content_length(response)
        if declared is not None and declared > limit:
            return f"too large: {declared} bytes > limit {limit}"
        return f"too large: more than {limit} bytes > limit {limit}"


class InflationBoundMiddleware(HttpCompressionMiddleware):
    """HttpCompressionMiddleware bounded per request by ``meta["max_bytes"]``; a body
    that inflates past it fails with ``TooLarge``, its compressed capture archived."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        limit = request.meta.get(LIMIT_KEY)
        if limit:
            # The wire bound was applied while downloading (download_maxsize 0 there);
            # from here on Scrapy's key bounds what inflating may produce.
            request.meta["download_maxsize"] = limit
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:  # this middleware raises it only past the bound
            inflated = getattr(exc.__cause__, "decompressed_size", None)
            encoding = response.headers.get(b"Content-Encoding", b"").decode("latin-1")
            reason = (
                f"too large (inflated): more than {inflated or limit} bytes from "
                f"{len(response.body)} bytes {encoding} > limit {limit or self._max_size}"
            )
            request.meta[TOO_LARGE_KEY] = reason
            if self.stats is not None:
                self.stats.inc_value("limits/too_large")
            raise TooLarge(reason) from None


class TimeBudgetRetryMiddleware(RetryMiddleware):
    """RetryMiddleware within ``PAGE_TIME_BUDGET`` seconds per URL, retries included."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.budget = settings.getfloat("PAGE_TIME_BUDGET")
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")

    def remaining(self, request: Request) -> float:
        started = request.meta.setdefault(_STARTED_KEY, time.monotonic())
        return self.budget - (time.monotonic() - started)

    def process_request(self, request: Request) -> None:
        if self.budget <= 0:
            return None
        meta = request.meta
        timeout = meta.setdefault(_TIMEOUT_KEY, meta.get("download_timeout") or self.timeout)
        # Rounded: Scrapy's timeout message quotes it.
        left = round(self.remaining(request), 1)
        meta["download_timeout"] = max(MIN_ATTEMPT_SECONDS, min(timeout, left))
        return None

    def _retry(self, request: Request, reason: Any) -> Request | None:
        if self.budget > 0 and self.remaining(request) < MIN_ATTEMPT_SECONDS:
            attempts = request.meta.get("retry_times", 0) + 1
            logger.warning(
                "Gave up on %s after %d attempts: time budget of %gs spent (%s)",
                request.url, attempts, self.budget, _reason_text(reason),
            )  # fmt: skip
            request.meta[BUDGET_SPENT_KEY] = True
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("limits/time_budget_spent")
            return None
        return super()._retry(request, reason)


def _reason_text(reason: Any) -> str:
    if isinstance(reason, Exception):
        return f"{type(reason).__name__}: {reason}"
    return str(reason)


def _content_length(response: Response) -> int | None:
    value = response.headers.get(b"Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
