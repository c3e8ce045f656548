"""The captures a WARC writer noted as it wrote them, so the export indexes this run's
WARCs without reading them back.

Each capture is what ``index.iter_captures`` reads from the record (the fields of
``index.Capture``, in its order): the WARC headers as written, the HTTP headers parsed
from the very bytes written (``headers_buff``) by warcio's parser, with the rules the
reader applies. A file is taken from its notes only when the writer closed it after
whole writes and it is still the file closed (same size and mtime); anything else (an
earlier process's WARCs of a resumed run, an earlier export's, ``--from-warc``'s, a write
that failed mid-record) is read back as before.
"""

from __future__ import annotations

import io
import marshal
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParser

CAPTURE_TYPES = ("response", "revisit")
# The reader's HTTP header parser: what it makes of the bytes is what the index gets.
_HTTP_PARSER = StatusAndHeadersParser(ArcWarcRecordLoader.HTTP_TYPES, verify=False)
_HTTP_SCHEMES = ArcWarcRecordLoader.HTTP_SCHEMES

# One capture: index.Capture's fields in its order (a tuple: no object per field name).
CaptureFields = tuple[Any, ...]
# Notes are held packed, this many captures to a zlib block of their marshalled fields: a
# capture's fields as objects are about 800 bytes (24 MB for the 30,000 captures of a
# 20,000-article crawl, held until the export), packed about a tenth of that.
PACK = 512


@dataclass(slots=True)
class WrittenFile:
    """One WARC file as its writer wrote it: the records by type, the captures in order,
    and the file's size and mtime when the writer closed it (None while open, or when a
    write failed: the file is then read back)."""

    counts: dict[str, int] = field(default_factory=dict)
    # PACK captures each, in writing order; a block marshal could not write kept as a list
    packed: list[bytes | list[CaptureFields]] = field(default_factory=list)
    pending: list[CaptureFields] = field(default_factory=list)  # not packed yet
    closed_as: tuple[int, int] | None = None
    damaged: bool = False

    def note(self, record: Any, rec_type: str, offset: int, length: int, filename: str) -> None:
        self.counts[rec_type] = self.counts.get(rec_type, 0) + 1
        if rec_type in CAPTURE_TYPES:
            self.pending.append(capture_fields(record, rec_type, filename, offset, length))
            if len(self.pending) >= PACK:
                self._pack()

    def _pack(self) -> None:
        if not self.pending:
            return
        try:
            self.packed.append(zlib.compress(marshal.dumps(self.pending), 1))
        except ValueError:  # a field of a type marshal does not write: kept as it is
            self.packed.append(self.pending)
        self.pending = []

    @property
    def captures(self) -> list[CaptureFields]:
        """Every capture noted, in writing order."""
        return [*self._fields()]

    def _fields(self) -> Iterator[CaptureFields]:
        for block in self.packed:
            yield from marshal.loads(zlib.decompress(block)) if isinstance(block, bytes) else block
        yield from self.pending

    def close(self, path: Path) -> None:
        self._pack()
        if not self.damaged:
            stat = path.stat()
            self.closed_as = (stat.st_size, stat.st_mtime_ns)

    def describes(self, path: Path) -> bool:
        """Is ``path`` (the file itself, a hard link or a copy of it) the file closed?"""
        if self.closed_as is None:
            return False
        try:
            stat = os.stat(path)
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == self.closed_as

    def iter_captures(self) -> Iterator[Any]:
        from belong_scraper.archive.index import Capture  # index imports the writer

        for fields in self._fields():
            yield Capture(*fields)


def capture_fields(
    record: Any, rec_type: str, filename: str, offset: int, length: int
) -> CaptureFields:
    """A written response or revisit record as ``index._capture_of`` reads it back."""
    headers = record.rec_headers
    url = _target_uri(_read(headers.get_header("WARC-Target-URI")))
    status, mime, location = http_facts(_http_headers_read(record, rec_type, url or ""))
    return (
        filename,
        offset,
        length,
        rec_type,
        _read(headers.get_header("WARC-Record-ID")),
        url,
        _read(headers.get_header("WARC-Date")),
        status,
        mime,
        _read(headers.get_header("WARC-Payload-Digest")),
        _read(headers.get_header("WARC-Refers-To")),
        _read(headers.get_header("WARC-Refers-To-Target-URI")),
        _read(headers.get_header("WARC-Refers-To-Date")),
        location,
    )


def http_facts(http: Any) -> tuple[int | None, str | None, str | None]:
    """Status, MIME type and Location of a record's HTTP headers, as the index keeps them
    (all None without headers)."""
    if http is None:
        return None, None, None
    code = (http.get_statuscode() or "").strip()
    content_type = http.get_header("Content-Type")
    return (
        int(code) if code.isdigit() else None,
        (content_type.split(";", 1)[0].strip() or None) if content_type else None,
        http.get_header("Location"),
    )


def _read(value: str | None) -> str | None:
    """A WARC header value as the reader parses it back: leading blanks after the colon
    and trailing whitespace gone."""
    return None if value is None else value.lstrip().rstrip()


def _target_uri(uri: str | None) -> str | None:
    """The target URI as the reader's loader corrects it (``<uri>``, spaces)."""
    if uri is not None and uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return uri.replace(" ", "%20") if uri is not None and " " in uri else uri


def _http_headers_read(record: Any, rec_type: str, url: str) -> Any:
    """The HTTP headers as the reader's loader parses the bytes written (None where it
    parses none: no block, a non-HTTP URI, an empty revisit)."""
    buffer = getattr(record.http_headers, "headers_buff", None) if record.http_headers else None
    if not buffer or not url.startswith(_HTTP_SCHEMES):
        return None
    try:
        return _HTTP_PARSER.parse(io.BytesIO(buffer))
    except EOFError:
        return None
