"""`migrate --from-warc`: a crawl answered from an archive, never from the network.

``ReplayDownloadHandler`` takes the place of Scrapy's HTTP handler: each request gets the
capture the archive holds for its URL, with the status, headers and payload as recorded
(the bytes before decompression, so the size bounds, decompression and decoding run as
they did live). A URL captured several times answers in capture order (a 503, then the
200 of the retry); once the captures are used up, the last one answers again. A fetch
that got no response when it was captured (a ``metadata`` record) fails again with the
error recorded. A URL the archive does not hold fails with :class:`NotInArchive`.

When the archive holds several runs (re-crawls into one folder), a URL is answered by
the captures of the latest run that fetched it: that is the site as the last export saw it.
A 304 it got for a conditional request answers only a conditional request; a plain one
gets the last full (2xx) capture of the URL from any run.

``ReplayCaptureMiddleware`` takes the place of the WARC capture middleware: a replayed
response is already archived, so it writes nothing; it links the source WARCs into the
run's archive, so the new export holds the same WARC files, indexed, and its provenance
points at the original captures. Details: docs/archive.md, "Re-deriving an export".
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import ipaddress
import os
import shutil
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Request, Response

# Scrapy's own helpers for its handlers (the signal check, the response class by type):
# a replayed response is made exactly as the HTTP handler makes one.
from scrapy.utils._download_handlers import check_stop_download, make_response
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.misc import load_object
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from belong_scraper.archive.index import member_is_complete, records_of, warc_files
from belong_scraper.archive.middleware import WarcCaptureMiddleware

FILES_SETTING = "WARC_REPLAY_FILES"  # the source WARCs, as a list of paths
HANDLER = "belong_scraper.archive.replay.ReplayDownloadHandler"
CAPTURE = "belong_scraper.archive.replay.ReplayCaptureMiddleware"
LIVE_CAPTURE = "belong_scraper.archive.middleware.WarcCaptureMiddleware"
# Every scheme that would reach the network; file: and data: stay local as they are.
NETWORK_SCHEMES = ("http", "https", "ftp", "s3")
FETCH_ERROR_PREFIX = "fetch-error:"


class ReplayError(Exception):
    """The archive cannot be replayed at all (nothing readable); the message is one line."""


class NotInArchive(Exception):
    """A request for a URL the archive holds no capture of."""


@dataclass(frozen=True)
class Event:
    """One answer the archive holds for a URL: a capture's position, or a fetch error."""

    kind: str  # response, revisit or metadata
    path: Path
    offset: int
    error: str | None = None  # metadata: the error recorded for a fetch with no response
    record_id: str | None = None
    refers_to: str | None = None  # revisit: the record id holding its payload
    digest: str | None = None
    status: int | None = None


@dataclass
class ArchiveContents:
    """What the source WARCs hold, by URL, in capture order, without any payload."""

    files: list[Path]
    events: dict[str, list[Event]] = field(default_factory=dict)  # the latest run's
    full: dict[str, Event] = field(default_factory=dict)  # the last 2xx capture of any run
    responses: dict[str, tuple[Path, int]] = field(default_factory=dict)  # record id
    by_digest: dict[str, tuple[Path, int]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (WARC-Date, URL)
    damage: list[str] = field(default_factory=list)  # one line per damaged file

    def start_url(self) -> str | None:
        """The crawl's start URL as the archive shows it: the root page of the first
        site captured when it was captured (the CLI starts there), else the earliest
        request other than robots.txt."""
        pages = [(date, url) for date, url in self.requests if not url.endswith("/robots.txt")]
        if not pages:
            return None
        first = min(pages)[1]
        scheme, _, rest = first.partition("://")
        root = f"{scheme}://{rest.split('/', 1)[0]}/"
        return root if root in self.events else first


def source_files(paths: Sequence[str | Path]) -> list[Path]:
    """The WARC files named: folders give their ``*.warc.gz`` in name order (run, then
    sequence), files are taken as given. Two files of one name must be the same file:
    the export's archive holds them under their names."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = warc_files(path) + sorted(path.glob("*.warc"))
            if not found:
                raise ReplayError(f"{path} holds no WARC files (*.warc.gz, *.warc)")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise ReplayError(f"no such WARC file or folder: {path}")
    by_name: dict[str, Path] = {}
    unique: list[Path] = []
    for path in files:
        seen = by_name.get(path.name)
        if seen is None:
            by_name[path.name] = path
            unique.append(path)
        elif not _same_file(seen, path):
            raise ReplayError(f"two different WARC files are named {path.name}: {seen}, {path}")
    return unique


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve() or os.path.samefile(a, b):
        return True
    return _sha256(a) == _sha256(b)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_contents(files: Sequence[Path]) -> ArchiveContents:
    """Every answer the WARCs hold, grouped by URL. A damaged file gives what it holds
    before the damage and a line in ``damage``; nothing readable at all is an error."""
    contents = ArchiveContents(list(files))
    by_run: dict[str, dict[str, list[Event]]] = {}
    for path in files:
        noise = io.StringIO()  # warcio writes what it skips to stderr: one line of ours instead
        try:
            with contextlib.redirect_stderr(noise):
                _read_file(path, contents, by_run)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            contents.damage.append(f"{path}: damaged, records after the damage unused ({message})")
        else:
            skipped = " ".join(noise.getvalue().split()[:12])
            if skipped:
                contents.damage.append(f"{path}: malformed records skipped ({skipped} ...)")
    # The latest run that fetched a URL answers for it (runs in file-name order).
    for run_events in by_run.values():
        contents.events.update(run_events)
        for url, events in run_events.items():
            full = [e for e in events if e.status is not None and 200 <= e.status < 300]
            if full:
                contents.full[url] = full[-1]
    if not contents.events:
        reasons = "; ".join(contents.damage) or "no response, revisit or fetch-error record"
        raise ReplayError(f"nothing to replay in {len(files)} WARC file(s): {reasons}")
    return contents


def _read_file(
    path: Path, contents: ArchiveContents, by_run: dict[str, dict[str, list[Event]]]
) -> None:
    run = path.name
    for rec_type, record, event in _events_of(path):
        if rec_type == "warcinfo":
            run = record or run
        elif rec_type == "request":
            contents.requests.append(record)
        elif event is not None and record:  # an answer needs the URL it answers
            by_run.setdefault(run, {}).setdefault(record, []).append(event)
            if event.kind == "response" and event.record_id:
                contents.responses[event.record_id] = (path, event.offset)
                if event.digest:
                    contents.by_digest.setdefault(event.digest, (path, event.offset))


def _events_of(path: Path) -> Any:
    """(record type, what the record says, its Event) for each record of one file. A last
    record cut short (a killed crawl) is left out, as the index leaves it out."""
    pending: tuple[str, Any, Event | None, int, int] | None = None
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle, arc2warc=False, check_digests=False)
        for record in records_of(iterator):
            item = _read(path, record)
            iterator.read_to_end(record)
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            if item[2] is not None:
                item = (item[0], item[1], _at(item[2], offset))
            if pending is not None:
                yield pending[:3]
            pending = (*item, offset, length)
    if pending is not None:
        if member_is_complete(path, pending[3], pending[4]):
            yield pending[:3]
        else:
            raise ValueError(f"its last record (offset {pending[3]}) is cut short")


def _at(event: Event, offset: int) -> Event:
    return dataclasses.replace(event, offset=offset)


def _read(path: Path, record: Any) -> tuple[str, Any, Event | None]:
    headers = record.rec_headers
    rec_type = record.rec_type
    url = headers.get_header("WARC-Target-URI")
    if rec_type == "warcinfo":
        fields = record.content_stream().read().decode("utf-8", "replace")
        run = next(
            (line.split(":", 1)[1].strip() for line in fields.splitlines()
             if line.startswith("isPartOf:")), None,
        )  # fmt: skip
        return rec_type, run, None
    if rec_type == "request":
        return rec_type, (headers.get_header("WARC-Date") or "", url), None
    if rec_type in ("response", "revisit"):
        code = (record.http_headers.get_statuscode() or "") if record.http_headers else ""
        event = Event(rec_type, path, 0, record_id=headers.get_header("WARC-Record-ID"),
                      refers_to=headers.get_header("WARC-Refers-To"),
                      digest=headers.get_header("WARC-Payload-Digest"),
                      status=int(code) if code.strip().isdigit() else None)  # fmt: skip
        return rec_type, url, event
    if rec_type == "metadata":
        text = record.content_stream().read().decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith(FETCH_ERROR_PREFIX):
                error = line[len(FETCH_ERROR_PREFIX) :].strip()
                return rec_type, url, Event(rec_type, path, 0, error=error)
    return rec_type, url, None


@lru_cache(maxsize=4)
def _cached_contents(files: tuple[str, ...]) -> ArchiveContents:
    return read_contents([Path(p) for p in files])


def contents_of(files: Sequence[str | Path]) -> ArchiveContents:
    """The contents of the source WARCs, read once per process (the CLI reads them for
    the start URL, the handler to answer)."""
    return _cached_contents(tuple(str(p) for p in files))


@dataclass
class Stored:
    """A capture as recorded: what a response is made of."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    protocol: str
    ip_address: str | None
    truncated: str | None


def read_capture(path: Path, offset: int) -> Stored:
    """The response or revisit record at ``offset``: its HTTP status and headers, and its
    payload as stored (still compressed when the server compressed it)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle, arc2warc=False, check_digests=False)))
        http = record.http_headers
        code = (http.get_statuscode() or "").strip()
        headers = record.rec_headers
        return Stored(
            status=int(code) if code.isdigit() else 200,
            headers=list(http.headers),
            # raw_stream: the payload as stored; content_stream() would inflate it
            body=record.raw_stream.read(),
            protocol=http.protocol or "HTTP/1.1",
            ip_address=headers.get_header("WARC-IP-Address"),
            truncated=headers.get_header("WARC-Truncated"),
        )


class ReplayDownloadHandler:
    """Scrapy download handler for every network scheme: answers from the archive."""

    lazy = False

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        files = crawler.settings.getlist(FILES_SETTING)
        if not files:
            raise ValueError(f"{HANDLER} needs the {FILES_SETTING} setting")
        self.contents = contents_of(files)
        self.used: dict[str, int] = {}
        self.retryable = _retryable(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        events = self.contents.events.get(request.url)
        if not events:
            self._inc("replay/not_in_archive")
            raise NotInArchive(f"not in the archive: {request.url}")
        turn = self.used.get(request.url, 0)
        self.used[request.url] = turn + 1
        event = events[min(turn, len(events) - 1)]
        if event.status == 304 and not is_conditional(request):
            # The run that archived it asked "changed since?"; this one asks for the
            # file: the server's answer to that is the last full capture of any run.
            event = self.contents.full.get(request.url, event)
        if event.error is not None:
            self._inc("replay/fetch_errors")
            raise replayed_error(event.error, self.retryable)
        self._inc("replay/responses")
        return await self._response(request, event)

    async def _response(self, request: Request, event: Event) -> Response:
        # Read in a thread, as Scrapy's file handler reads: a media capture can be large.
        stored = await run_in_thread(read_capture, event.path, event.offset)
        if event.kind == "revisit":
            stored.body = await run_in_thread(self._revisited, request, event)
        body = stored.body
        flags = ["dataloss"] if stored.truncated == "disconnect" else None
        # The limits middleware stops a download from this signal, as it did live.
        stop = check_stop_download(signals.bytes_received, self.crawler, request, data=body)
        ip = ipaddress.ip_address(stored.ip_address) if stored.ip_address else None
        return make_response(url=request.url, status=stored.status,
                             headers=Headers(stored.headers), body=body, flags=flags,
                             ip_address=ip, protocol=stored.protocol,
                             stop_download=stop)  # fmt: skip

    def _revisited(self, request: Request, event: Event) -> bytes:
        """A revisit's payload: the record it refers to, else one of the same digest."""
        where = self.contents.responses.get(event.refers_to or "")
        if where is None and event.digest:
            where = self.contents.by_digest.get(event.digest)
        if where is None:
            self._inc("replay/not_in_archive")
            raise NotInArchive(
                f"not in the archive: the payload of the revisit of {request.url} "
                f"({event.refers_to or event.digest})"
            )
        return read_capture(*where).body

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    async def close(self) -> None:
        return None


CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")


def is_conditional(request: Request) -> bool:
    return any(request.headers.get(name) for name in CONDITIONAL_HEADERS)


def _retryable(crawler: Crawler) -> dict[str, type[BaseException]]:
    """The exception classes the retry middleware retries, and their subclasses, by name:
    a fetch error replayed as one of them is retried as it was live."""
    found: dict[str, type[BaseException]] = {}
    pending: list[Any] = list(crawler.settings.getlist("RETRY_EXCEPTIONS"))
    while pending:
        entry = pending.pop(0)
        try:
            cls = load_object(entry) if isinstance(entry, str) else entry
        except (ImportError, AttributeError, ValueError):
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.setdefault(cls.__name__, cls)
            pending += cls.__subclasses__()
    return found


class ReplayedFetchError(Exception):
    """A fetch error as recorded: its message is the recorded one, verbatim."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def replayed_error(recorded: str, retryable: dict[str, type[BaseException]]) -> Exception:
    """The exception a recorded ``Type: message`` stands for: of the same name and, when
    the retry middleware retries that type, of that type too."""
    name, sep, message = recorded.partition(": ")
    if not sep or not name.isidentifier():
        return ReplayedFetchError(recorded)
    base = retryable.get(name)
    bases: tuple[type, ...] = (ReplayedFetchError, base) if base else (ReplayedFetchError,)
    try:
        cls = type(name, bases, {"__init__": ReplayedFetchError.__init__,
                                 "__str__": ReplayedFetchError.__str__})  # fmt: skip
    except TypeError:  # a base with an incompatible layout
        cls = type(name, (ReplayedFetchError,), {})
    return cls(message)


class ReplayCaptureMiddleware(WarcCaptureMiddleware):
    """The capture middleware of a replayed run: the responses are archived already, so
    nothing is written; the source WARCs are linked in where the run's WARCs wait, and
    the export links them into its archive as it would a live run's."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        middleware = super().from_crawler(crawler)
        files = [Path(p) for p in crawler.settings.getlist(FILES_SETTING)]
        link_into(files, middleware.directory)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        return None


def link_into(files: Sequence[Path], directory: Path) -> None:
    """Hard links (a copy across file systems) of the files, under their own names."""
    directory.mkdir(parents=True, exist_ok=True)
    for source in files:
        target = directory / source.name
        if target.exists():
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def replay_settings(paths: Sequence[str | Path]) -> tuple[list[Path], dict[str, Any]]:
    """The source WARCs and the settings that make a crawl answer from them."""
    from belong_scraper import settings as project

    files = [p.resolve() for p in source_files(paths)]
    middlewares = dict(project.DOWNLOADER_MIDDLEWARES)
    priority = middlewares.pop(LIVE_CAPTURE, 950)
    middlewares[LIVE_CAPTURE] = None
    middlewares[CAPTURE] = priority
    return files, {
        FILES_SETTING: [str(p) for p in files],
        "DOWNLOAD_HANDLERS": {scheme: HANDLER for scheme in NETWORK_SCHEMES},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        # Nothing to be polite to: the archive answers.
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
    }
