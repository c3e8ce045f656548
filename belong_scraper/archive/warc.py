"""Writing WARC/1.1 files: exchanges in, gzip'd records out, rotated by size.

Independent of Scrapy so it can be tested directly: the downloader middleware turns a
request/response pair into an :class:`Exchange` and hands it to :class:`RotatingWarcWriter`.

Every digest is SHA-256 in hex (``sha256:<64 hex>``), the same form as ``assets.json``
and the state database, so a payload can be matched to a media file with ``sha256sum``.
"""

from __future__ import annotations

import hashlib
import http
import io
import json
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from belong_scraper import __version__
from belong_scraper.archive.written import WrittenFile

ARCHIVE_DIRNAME = "archive"
WARC_SUFFIX = ".warc.gz"
DEFAULT_MAX_SIZE = 1_000_000_000  # 1 GB, Heritrix's default
BUFFERED_RECORD_MAX = 4 * 1024 * 1024  # records up to this size reach the file in one write
WARC_VERSION = "1.1"
FILE_PREFIX = "belong"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
# What a Scrapy-side capture can and cannot keep (declared in every warcinfo record).
FIDELITY = (
    "payload-exact: response bodies are the bytes the server sent (before any decompression "
    "or cleaning); http-headers-normalised: header names as Scrapy re-cases them, "
    "Transfer-Encoding dropped (chunking decoded by the client), Content-Length set to the "
    "stored payload, reason phrase from the status code, non-ASCII header values "
    "percent-encoded (RFC 8187); request headers as Scrapy sent them plus Host"
)
UNSAFE_RUN_ID = re.compile(r"[^A-Za-z0-9_.-]+")
# Request headers whose values are credentials: an archive is shared and kept for decades,
# a password in it is leaked for as long. The standard ones, and any header a user may add
# (-s DEFAULT_REQUEST_HEADERS) whose name says it carries a secret (X-Api-Key, X-Auth-Token).
CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")
CREDENTIAL_NAME = re.compile(r"auth|token|secret|passw|api-?key|session|cookie|credential", re.I)
REDACTED = "[redacted]"
REDACTION = (
    "request headers carrying credentials (Authorization, Proxy-Authorization, Cookie, and "
    f"any whose name contains auth, token, secret, passw, api-key, session, cookie or "
    f"credential) have their value replaced by {REDACTED} in request records; "
    "response headers (Set-Cookie included) are kept as served"
)
TRUNCATION = (
    "a response over the size bound (PAGE_MAX_BYTES, MEDIA_MAX_BYTES) is stored as the "
    "prefix that arrived before the download was stopped, with WARC-Truncated: length"
)


def is_credential_header(name: str) -> bool:
    return name.lower() in CREDENTIAL_HEADERS or bool(CREDENTIAL_NAME.search(name))


def redact_request_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The request headers with every credential value replaced by ``[redacted]``."""
    return [(name, REDACTED if is_credential_header(name) else value) for name, value in headers]


def sha256_digest(*parts: bytes) -> str:
    """The digest of the parts concatenated (without concatenating a large body)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return "sha256:" + digest.hexdigest()


def make_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date with microseconds, UTC, e.g. 2025-01-31T12:00:00.123456Z."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive, use_micros=True)


@dataclass
class Exchange:
    """One HTTP request and the response it got, as captured."""

    url: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    reason: str | None = None
    ip_address: str | None = None
    date: datetime = field(default_factory=lambda: datetime.now(UTC))
    truncated: str | None = None  # WARC-Truncated reason, when the body is incomplete

    @property
    def payload_digest(self) -> str:
        return sha256_digest(self.body)


@dataclass
class PayloadRef:
    """Where an earlier, identical payload is stored (the target of a revisit record)."""

    url: str
    date: str  # the original record's WARC-Date, verbatim
    record_id: str | None = None


@dataclass
class Written:
    """What one write put on disk: enough for the index and for provenance."""

    filename: str
    record_type: str
    record_id: str
    offset: int
    length: int
    payload_digest: str | None


def normalise_response_headers(
    headers: Iterable[tuple[str, str]], body_length: int
) -> list[tuple[str, str]]:
    """Headers that describe the stored body: no Transfer-Encoding (the client decoded the
    chunks), Content-Length equal to the stored payload (Content-Encoding is kept: the
    body is stored as sent, still compressed)."""
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in ("transfer-encoding", "content-length")
    ]
    kept.append(("Content-Length", str(body_length)))
    return kept


class _Sha256WARCWriter(WARCWriter):
    """warcio's writer with SHA-256 wherever it computes a digest itself (warcinfo)."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


class RotatingWarcWriter:
    """Appends records to ``<dir>/<prefix>-<run_id>-NNNNN.warc.gz``, starting a new file
    (with its own warcinfo record) when the current one reaches ``max_size`` bytes.

    Each record is its own gzip member and is flushed as soon as it is written, so the
    files on disk are readable at any moment, even after a crash.
    """

    def __init__(
        self,
        directory: Path,
        run_id: str,
        max_size: int = DEFAULT_MAX_SIZE,
        info: dict[str, Any] | None = None,
        prefix: str = FILE_PREFIX,
    ):
        self.directory = Path(directory)
        self.run_id = UNSAFE_RUN_ID.sub("-", run_id) or make_run_id()
        self.max_size = max(int(max_size), 1)
        self.info = dict(info or {})
        self.prefix = prefix
        self.files: list[Path] = []
        self.counts: dict[str, int] = {}
        # Each file's records as written, by file name: the export indexes from these.
        self.written: dict[str, WrittenFile] = {}
        self._handle: Any = None
        self._writer: _Sha256WARCWriter | None = None
        self._path: Path | None = None
        self._sequence = 0

    # -- files -------------------------------------------------------------------------

    def _next_path(self) -> Path:
        while True:
            name = f"{self.prefix}-{self.run_id}-{self._sequence:05d}{WARC_SUFFIX}"
            self._sequence += 1
            path = self.directory / name
            if not path.exists():
                return path

    def _ensure_file(self) -> None:
        if self._handle is not None and self._handle.tell() < self.max_size:
            return
        self._close_file()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._next_path()
        self._handle = open(path, "xb")  # kept open across records
        self._writer = _Sha256WARCWriter(self._handle, gzip=True, warc_version=WARC_VERSION)
        self._path = path
        self.files.append(path)
        self.written[path.name] = WrittenFile()
        self._write(self._warcinfo_record(path.name))

    def _close_file(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            self._handle.close()
            assert self._path is not None
            self.written[self._path.name].close(self._path)
        self._handle = self._writer = self._path = None

    def close(self) -> None:
        self._close_file()

    @property
    def closed(self) -> bool:
        return self._handle is None

    # -- records -----------------------------------------------------------------------

    def _write(self, record: Any) -> Written:
        assert self._handle is not None and self._writer is not None and self._path is not None
        offset = self._handle.tell()
        notes = self.written[self._path.name]
        try:
            self._write_record(record)
        except BaseException:
            notes.damaged = True  # what reached the file is unknown: it is read back
            raise
        headers = record.rec_headers
        rec_type = headers.get_header("WARC-Type")
        self.counts[rec_type] = self.counts.get(rec_type, 0) + 1
        length = self._handle.tell() - offset
        notes.note(record, rec_type, offset, length, self._path.name)
        return Written(
            filename=self._path.name,
            record_type=rec_type,
            record_id=headers.get_header("WARC-Record-ID"),
            offset=offset,
            length=length,
            payload_digest=headers.get_header("WARC-Payload-Digest"),
        )

    def _write_record(self, record: Any) -> None:
        assert self._handle is not None and self._writer is not None
        if (getattr(record, "length", 0) or 0) > BUFFERED_RECORD_MAX:
            # A large media file is compressed straight to the file: one more copy of it
            # in memory for each concurrent download would cost more than the one write
            # is worth (a cut last record is skipped by the index, see docs/archive.md).
            self._writer.write_record(record)
        else:
            # The record goes to disk in one write: a process killed mid-crawl (migrate
            # --resume exists for that) leaves whole gzip members, not half of one.
            buffer = io.BytesIO()
            _Sha256WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION).write_record(record)
            self._handle.write(buffer.getbuffer())
        self._handle.flush()

    def _warcinfo_record(self, filename: str) -> Any:
        fields = {
            "software": software_line(),
            "format": f"WARC File Format {WARC_VERSION}",
            "conformsTo": CONFORMS_TO,
            "isPartOf": self.run_id,
            "fidelity": FIDELITY,
            "redaction": REDACTION,
            "truncation": TRUNCATION,
            "payload-digest": "sha256, hex",
            **{k: v for k, v in self.info.items() if v not in (None, "")},
        }
        info = {
            name: json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value
            for name, value in fields.items()
        }
        assert self._writer is not None
        return self._writer.create_warcinfo_record(filename, info)

    def write_exchange(self, exchange: Exchange, revisit_of: PayloadRef | None = None) -> Written:
        """Write the response (or a revisit, when ``revisit_of`` holds the same payload)
        and its request, in one file; returns the response/revisit record's position."""
        self._ensure_file()
        assert self._writer is not None
        http_headers = StatusAndHeaders(
            f"{exchange.status} {reason_phrase(exchange)}".rstrip(),
            normalise_response_headers(exchange.response_headers, len(exchange.body)),
            protocol=exchange.protocol or "HTTP/1.1",
        )
        http_headers.compute_headers_buffer()
        header_bytes = http_headers.headers_buff
        warc_headers: dict[str, str] = {"WARC-Date": warc_date(exchange.date)}
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        if revisit_of is None:
            warc_headers["WARC-Payload-Digest"] = exchange.payload_digest
            warc_headers["WARC-Block-Digest"] = sha256_digest(header_bytes, exchange.body)
            if exchange.truncated:
                warc_headers["WARC-Truncated"] = exchange.truncated
            response = self._writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.body),
                length=len(exchange.body),
                warc_headers_dict=warc_headers,
                http_headers=http_headers,
            )
        else:
            warc_headers["WARC-Block-Digest"] = sha256_digest(header_bytes)
            if revisit_of.record_id:
                warc_headers["WARC-Refers-To"] = revisit_of.record_id
            response = self._writer.create_revisit_record(
                exchange.url,
                exchange.payload_digest,
                revisit_of.url,
                revisit_of.date,
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
        written = self._write(response)
        self._write(self._request_record(exchange, written.record_id))
        return written

    def _request_record(self, exchange: Exchange, concurrent_to: str) -> Any:
        assert self._writer is not None
        split = exchange.url.split("/", 3)
        target = "/" + (split[3] if len(split) > 3 else "")
        headers = redact_request_headers(exchange.request_headers)
        if not any(name.lower() == "host" for name, _ in headers) and len(split) > 2:
            headers.insert(0, ("Host", split[2]))
        http_headers = StatusAndHeaders(
            f"{exchange.method} {target} {exchange.protocol or 'HTTP/1.1'}",
            headers,
            is_http_request=True,
        )
        http_headers.compute_headers_buffer()
        warc_headers = {
            "WARC-Date": warc_date(exchange.date),
            "WARC-Concurrent-To": concurrent_to,
            "WARC-Payload-Digest": sha256_digest(exchange.request_body),
            "WARC-Block-Digest": sha256_digest(http_headers.headers_buff + exchange.request_body),
        }
        return self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            warc_headers_dict=warc_headers,
            http_headers=http_headers,
        )

    def write_fetch_error(self, url: str, error: str, date: datetime | None = None) -> Written:
        """A fetch that got no response at all (timeout, refused connection): a
        ``metadata`` record (application/warc-fields) saying what happened."""
        self._ensure_file()
        assert self._writer is not None
        one_line = " ".join(error.split())
        payload = f"fetch-error: {one_line}\r\n".encode()
        record = self._writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Date": warc_date(date or datetime.now(UTC)),
                "WARC-Block-Digest": sha256_digest(payload),
            },
        )
        return self._write(record)


def reason_phrase(exchange: Exchange) -> str:
    if exchange.reason is not None:
        return exchange.reason
    try:
        return http.HTTPStatus(exchange.status).phrase
    except ValueError:
        return ""


def software_line() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"belong-scraper/{__version__}"]
    for name in ("warcio", "Scrapy"):
        try:
            parts.append(f"{name}/{version(name)}")
        except PackageNotFoundError:
            pass
    return " ".join(parts)
