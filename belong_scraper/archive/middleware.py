"""WarcCaptureMiddleware: every HTTP exchange of a crawl, as served, into WARC/1.1 files.

Robots.txt, the feed, pages, redirects, 404s, every 5xx attempt and media downloads (the
media pipeline downloads through the engine) all pass through the downloader
middlewares. This one sits closest to the downloader (priority 950, above
HttpCompressionMiddleware at 590 and RetryMiddleware at 550), so it sees each response
before it is decompressed or retried, and each request after every other middleware
(User-Agent, Accept-Encoding) has set its headers.

Settings: ``WARC_ENABLED`` (default on), ``EXPORT_DIR`` (files go to
``<EXPORT_DIR>/archive/``, or to ``WARC_DIR`` until the export links them there),
``RUN_ID`` (in file names and warcinfo), ``WARC_MAX_SIZE`` (bytes per file before a new
one starts, default 1 GB).

Responses replayed from Scrapy's HTTP cache (flag ``cached``: what ``migrate --resume``
replays from the interrupted run's job folder) are not captured again: they were
captured when they were fetched, into WARCs that stay in the same archive folder.

A payload already stored in the folder's archive (same SHA-256 as a ``response`` record
in ``archive/index.cdxj``, from an earlier run) is written as a ``revisit`` record
(profile identical-payload-digest) pointing at that capture. Fetches that got no response
at all (timeouts, refused connections) are written as ``metadata`` records.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from belong_scraper.archive.index import (
    INDEX_NAME,
    archive_dir,
    read_index,
    read_record_head,
    scan,
    warc_files,
)
from belong_scraper.archive.warc import (
    DEFAULT_MAX_SIZE,
    Exchange,
    PayloadRef,
    RotatingWarcWriter,
    make_run_id,
)
from belong_scraper.archive.written import WrittenFile
from belong_scraper.limits import TOO_LARGE_KEY

logger = logging.getLogger(__name__)
PRIORITY = 950
# Settings recorded in warcinfo: what shaped the crawl.
INFO_SETTINGS = (
    "SITE_PROFILE",
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS",
    "RETRY_TIMES",
    "RETRY_HTTP_CODES",
    "DOWNLOAD_TIMEOUT",
    "TRAP_BARREN_LIMIT",
    "MEDIA_ENABLED",
    "WARC_MAX_SIZE",
    "PAGE_MAX_BYTES",
    "MEDIA_MAX_BYTES",
    "PAGE_TIME_BUDGET",
)

# Every capture middleware of this process, by export folder (closed ones too, so that
# finish_archive called twice reports the same counts).
_by_dir: dict[Path, list[WarcCaptureMiddleware]] = {}
_registry_lock = threading.Lock()


def pending_warcs(out_dir: Path) -> list[Path]:
    """WARCs this process's crawl on ``out_dir`` wrote outside its archive/ (the job
    folder), for the export to link in."""
    with _registry_lock:
        middlewares = list(_by_dir.get(Path(out_dir).resolve(), []))
    home = archive_dir(Path(out_dir)).resolve()
    found: list[Path] = []
    for middleware in middlewares:
        if middleware.directory.resolve() != home:
            found += [p for p in warc_files(middleware.directory) if p not in found]
    return found


def written_files(out_dir: Path) -> dict[str, WrittenFile]:
    """What this process's writers on ``out_dir`` noted of each WARC, by file name (the
    export takes the captures of a file they closed from here, not from the file)."""
    with _registry_lock:
        middlewares = list(_by_dir.get(Path(out_dir).resolve(), []))
    found: dict[str, WrittenFile] = {}
    for middleware in middlewares:
        found.update(middleware.writer.written)
    return found


def close_active(out_dir: Path) -> dict[str, int]:
    """Close the writers a crawl in this process has open on ``out_dir`` (the export step
    runs before spider_closed) and return what they wrote, by record type."""
    counts: dict[str, int] = {}
    with _registry_lock:
        middlewares = list(_by_dir.get(Path(out_dir).resolve(), []))
    for middleware in middlewares:
        middleware.close()
        for name, value in middleware.writer.counts.items():
            counts[name] = counts.get(name, 0) + value
        counts["capture_errors"] = counts.get("capture_errors", 0) + middleware.errors
    return counts


class PayloadIndex:
    """Payload digests already stored in archive folders (``response`` records only):
    from a folder's CDXJ index, or from its WARCs when the index is missing or older than
    a WARC (a run that ended before writing it). Several folders: the export's archive
    (earlier runs) and the run's own, kept in its job folder until the export."""

    def __init__(self, *directories: Path):
        self.directory = directories[0]
        self.by_digest: dict[str, list[tuple[str, str, str, int]]] = {}
        self._heads: dict[tuple[str, int], PayloadRef | None] = {}
        self._files: dict[str, Path] = {}
        for directory in dict.fromkeys(Path(d) for d in directories):
            self._read(directory)

    def _read(self, directory: Path) -> None:
        index = directory / INDEX_NAME
        files = warc_files(directory)
        self._files.update({path.name: path for path in files})
        fresh = index.exists() and all(
            index.stat().st_mtime >= path.stat().st_mtime for path in files
        )
        if fresh:
            for _urlkey, timestamp, block in read_index(index):
                if block.get("mime") == "warc/revisit" or not block.get("digest"):
                    continue
                self._add(block["digest"], block["url"], timestamp, block["filename"],
                          int(block["offset"]))  # fmt: skip
        elif files:
            for capture in scan(directory).captures:
                if capture.record_type == "response" and capture.digest:
                    self._add(capture.digest, capture.url, capture.timestamp, capture.filename,
                              capture.offset)  # fmt: skip

    def _add(self, digest: str, url: str, timestamp: str, filename: str, offset: int) -> None:
        self.by_digest.setdefault(digest, []).append((url, timestamp, filename, offset))

    def __len__(self) -> int:
        return len(self.by_digest)

    def lookup(self, digest: str, url: str) -> PayloadRef | None:
        """The capture to refer to: the latest of the same URL, else the latest of any."""
        candidates = self.by_digest.get(digest)
        if not candidates:
            return None
        same_url = [c for c in candidates if c[0] == url]
        url_, _ts, filename, offset = max(same_url or candidates, key=lambda c: c[1])
        key = (filename, offset)
        if key not in self._heads:
            try:
                path = self._files.get(filename, self.directory / filename)
                head = read_record_head(path, offset)
                self._heads[key] = PayloadRef(
                    url=head.get("WARC-Target-URI", url_),
                    date=head["WARC-Date"],
                    record_id=head.get("WARC-Record-ID"),
                )
            except (OSError, KeyError, ValueError) as exc:
                logger.warning("index entry %s:%s unreadable (%s)", filename, offset, exc)
                self._heads[key] = None
        return self._heads[key]


class WarcCaptureMiddleware:
    def __init__(
        self,
        out_dir: Path,
        run_id: str | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        info: dict[str, Any] | None = None,
        stats: Any = None,
        directory: Path | None = None,
    ):
        self.out_dir = Path(out_dir)
        # The run's WARCs wait in ``directory`` (the job folder, when the CLI runs) and are
        # linked into the export's archive/ by the export, so a failed export or an
        # interrupted crawl adds nothing to the export folder.
        self.directory = Path(directory) if directory else archive_dir(self.out_dir)
        self.run_id = run_id or make_run_id()
        self.stats = stats
        self.errors = 0
        self.payloads = PayloadIndex(archive_dir(self.out_dir), self.directory)
        self.writer = RotatingWarcWriter(self.directory, self.run_id, max_size, info)
        with _registry_lock:
            _by_dir.setdefault(self.out_dir.resolve(), []).append(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured("WARC capture is off (WARC_ENABLED=False)")
        info = {
            "belong-run-id": settings.get("RUN_ID"),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "operator": settings.get("CONTACT_URL"),
            "belong-settings": {name: settings.get(name) for name in INFO_SETTINGS},
        }
        middleware = cls(
            Path(settings.get("EXPORT_DIR", "exports")),
            settings.get("RUN_ID"),
            settings.getint("WARC_MAX_SIZE", DEFAULT_MAX_SIZE),
            info,
            crawler.stats,
            settings.get("WARC_DIR"),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # -- Scrapy hooks --------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in (response.flags or []):
            return response  # replayed from HTTPCACHE (migrate --resume): captured when fetched
        try:
            self.capture(exchange_of(request, response))
        except Exception:  # an archive problem must not stop the migration; it is counted
            self.errors += 1
            self._inc("warc/errors")
            logger.exception("could not write the WARC records of %s", response.url)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None  # not fetched (robots.txt, offsite): nothing was exchanged
        try:
            error = f"{type(exception).__name__}: {exception}"
            self.writer.write_fetch_error(request.url, error)
            self._inc("warc/records/metadata")
        except Exception:
            self.errors += 1
            self._inc("warc/errors")
            logger.exception("could not write the WARC record of failed %s", request.url)
        return None

    def spider_closed(self) -> None:
        self.close()

    # -- capture -------------------------------------------------------------------------

    def capture(self, exchange: Exchange) -> None:
        revisit_of = None
        if exchange.body:  # an empty payload is not worth a reference
            revisit_of = self.payloads.lookup(exchange.payload_digest, exchange.url)
        self.writer.write_exchange(exchange, revisit_of)
        self._inc("warc/records/revisit" if revisit_of else "warc/records/response")
        self._inc("warc/records/request")

    def close(self) -> None:
        self.writer.close()

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def exchange_of(request: Request, response: Response) -> Exchange:
    """The exchange as Scrapy saw it, timed from when the request went out."""
    latency = request.meta.get("download_latency")
    now = datetime.now(UTC)
    started = now - timedelta(seconds=latency) if isinstance(latency, int | float) else now
    ip = getattr(response, "ip_address", None)
    flags = getattr(response, "flags", None) or []
    return Exchange(
        url=response.url,
        status=response.status,
        response_headers=_header_pairs(response.headers),
        body=response.body,
        method=request.method,
        request_headers=_header_pairs(request.headers),
        request_body=request.body or b"",
        protocol=getattr(response, "protocol", None) or "HTTP/1.1",
        ip_address=str(ip) if ip else None,
        date=started,
        truncated=_truncation(request, flags),
    )


def _truncation(request: Request, flags: list[str]) -> str | None:
    """WARC-Truncated for a body that is not all the server meant to send: ``length``
    when the size bound stopped the download (limits.py), ``disconnect`` when the
    connection ended early."""
    if request.meta.get(TOO_LARGE_KEY) and "download_stopped" in flags:
        return "length"
    if "dataloss" in flags or "partial" in flags:
        return "disconnect"
    return None


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values if isinstance(values, list | tuple) else [values]:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            pairs.append((key, text))
    return pairs
