"""Reading the WARCs back: every capture with its position, and the CDXJ index of them.

The index (``archive/index.cdxj``) has the form pywb and OpenWayback read: one line per
capture (``response`` and ``revisit`` records), ``<SURT key> <14-digit timestamp> <JSON>``,
lines sorted bytewise, the JSON block with ``url``, ``mime``, ``status``, ``digest``,
``length``, ``offset`` and ``filename`` (the WARC's name, relative to the archive folder).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import orjson
import surt
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from belong_scraper.archive.warc import ARCHIVE_DIRNAME, WARC_SUFFIX
from belong_scraper.archive.written import CAPTURE_TYPES, WrittenFile, http_facts
from belong_scraper.exporters import StreamedFile, atomic_write
from belong_scraper.scratch import scratch_table

INDEX_NAME = "index.cdxj"


@dataclass(slots=True)  # one per capture of every run: ~30,000 at 20,000 articles
class Capture:
    """One response or revisit record and where it is."""

    filename: str
    offset: int
    length: int
    record_type: str
    record_id: str
    url: str
    date: str  # WARC-Date, verbatim
    status: int | None
    mime: str | None
    digest: str | None
    refers_to: str | None = None  # revisit: WARC-Refers-To (record id of the payload)
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    location: str | None = None  # the Location header of a redirect

    @property
    def timestamp(self) -> str:
        return iso_date_to_timestamp(self.date)

    @property
    def urlkey(self) -> str:
        return url_key(self.url)

    def cdxj_line(self, urlkey: str | None = None) -> str:
        """The capture's CDXJ line (``urlkey``: its SURT key, when already made)."""
        block: dict[str, Any] = {"url": self.url}
        block["mime"] = "warc/revisit" if self.record_type == "revisit" else (self.mime or "-")
        if self.status is not None:
            block["status"] = str(self.status)
        if self.digest:
            block["digest"] = self.digest
        block["length"] = str(self.length)
        block["offset"] = str(self.offset)
        block["filename"] = self.filename
        key = self.urlkey if urlkey is None else urlkey
        return f"{key} {self.timestamp} {json.dumps(block)}"

    def position(self) -> dict[str, Any]:
        return {
            "warc_file": f"{ARCHIVE_DIRNAME}/{self.filename}",
            "record_id": self.record_id,
            "record_type": self.record_type,
            "offset": self.offset,
            "length": self.length,
            "payload_digest": self.digest,
            "target_uri": self.url,
            "date": self.date,
            "status": self.status,
        }


_FIELD_NAMES = tuple(f.name for f in fields(Capture))


@dataclass
class Scan:
    """Everything in the archive folder's WARCs."""

    files: list[Path]
    captures: list[Capture] | CaptureTable
    counts: dict[str, int]


class CaptureTable:
    """The captures of a scan in a SQLite table, not in memory (at 20,000 articles about
    36,000, each a dozen strings), with their SURT keys and CDXJ lines made once: the
    index is written from it in line order and provenance looks captures up in it.
    ``db``: the export's scratch SQLite connection (a private in-memory one when not
    given). Iterating gives the captures in the order added."""

    def __init__(self, db: sqlite3.Connection | None = None):
        self._db = sqlite3.connect(":memory:") if db is None else db
        # Keys as UTF-8 bytes (compared bytewise: a CDXJ file's line order).
        self._table = scratch_table(
            self._db,
            "captures",
            "seq INTEGER PRIMARY KEY, url BLOB, urlkey BLOB, record_id BLOB, line BLOB, data BLOB",
        )
        self._pending: list[tuple[bytes, bytes, bytes | None, bytes, bytes]] = []
        self._count = 0
        self._indexed = False

    def append(self, capture: Capture) -> None:
        urlkey = capture.urlkey
        self._pending.append((_blob(capture.url), _blob(urlkey), _blob(capture.record_id),
                              capture.cdxj_line(urlkey).encode("utf-8"),
                              orjson.dumps(_fields(capture))))  # fmt: skip
        self._count += 1
        if len(self._pending) >= 1024:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany(
            f"INSERT INTO {self._table} (url, urlkey, record_id, line, data) "
            "VALUES (?, ?, ?, ?, ?)",
            self._pending,
        )
        self._pending = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Capture]:
        self._flush()
        cursor = self._db.execute(f"SELECT data FROM {self._table} ORDER BY seq")
        while batch := cursor.fetchmany(512):
            for (data,) in batch:
                yield Capture(*orjson.loads(data))

    def cdxj_lines(self) -> Iterator[bytes]:
        """The index's lines (without their line ends), sorted bytewise."""
        self._flush()
        cursor = self._db.execute(f"SELECT line FROM {self._table} ORDER BY line")
        while batch := cursor.fetchmany(1024):
            for (line,) in batch:
                yield line

    def _where(self, column: str, value: str, last: bool = False) -> list[Capture]:
        if not self._indexed:
            self._flush()
            for name in ("url", "urlkey", "record_id"):
                self._db.execute(f"CREATE INDEX {self._table}_{name} ON {self._table} ({name})")
            self._indexed = True
        order = "DESC LIMIT 1" if last else ""
        rows = self._db.execute(
            f"SELECT data FROM {self._table} WHERE {column} = ? ORDER BY seq {order}",
            (_blob(value),),
        )
        return [Capture(*orjson.loads(data)) for (data,) in rows]

    def with_url(self, url: str) -> list[Capture]:
        """The captures of this exact URL, in scan order."""
        return self._where("url", url)

    def with_key(self, urlkey: str) -> list[Capture]:
        return self._where("urlkey", urlkey)

    def with_id(self, record_id: str) -> Capture | None:
        """The last capture with this WARC-Record-ID (as a dict of them would keep)."""
        found = self._where("record_id", record_id, last=True)
        return found[0] if found else None


def _fields(capture: Capture) -> list[Any]:
    return [getattr(capture, name) for name in _FIELD_NAMES]


def _blob(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8", "surrogatepass")


def url_key(url: str) -> str:
    try:
        return surt.surt(url)
    except Exception:  # an unparsable URL still gets a line, keyed as itself
        return url


def archive_dir(out_dir: Path) -> Path:
    return Path(out_dir) / ARCHIVE_DIRNAME


def warc_files(directory: Path) -> list[Path]:
    """The WARC files of an archive folder, in name order (run id, then sequence)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(WARC_SUFFIX) and p.is_file())


class RecordCutShort(ValueError):
    """A record cut inside its WARC or HTTP headers (a file cut short mid-record)."""


def records_of(iterator: ArchiveIterator) -> Iterator[Any]:
    """The iterator's records. A record cut inside its headers makes warcio fail on a
    header it then finds missing (an AttributeError on the target URI): RecordCutShort,
    damage said as such, never taken for a bug of ours."""
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (AttributeError, KeyError, TypeError) as exc:
            raise RecordCutShort(f"a record cut short in its headers ({exc})") from exc
        yield record


def iter_captures(path: Path) -> Iterator[tuple[str, Capture | None]]:
    """(record type, capture or None) for every record of one WARC file. A last record cut
    short (a crawl killed mid-write) is yielded as ``("truncated", None)``: it is no
    capture, so neither the index nor provenance points at partial bytes."""
    pending: tuple[str, Capture | None, int, int] | None = None
    with open(path, "rb") as handle:
        # HTTP headers parsed only for the captures (the request records' are never read:
        # a third of the scan's time), as the iterator would have parsed them.
        iterator = ArchiveIterator(handle, arc2warc=False, check_digests=False,
                                   no_record_parse=True)  # fmt: skip
        try:
            for record in records_of(iterator):
                rec_type = record.rec_type
                if rec_type in CAPTURE_TYPES and not _read_http_headers(iterator, record):
                    continue  # what the iterator skips: HTTP headers ending too soon
                capture = _capture_of(path, record) if rec_type in CAPTURE_TYPES else None
                iterator.read_to_end(record)
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                if capture is not None:
                    capture.offset, capture.length = offset, length
                if pending is not None:
                    yield pending[:2]
                pending = (rec_type, capture, offset, length)
        except RecordCutShort:
            if pending is not None:
                yield pending[:2]
            yield ("truncated", None)
            return
    if pending is not None:
        complete = member_is_complete(path, pending[2], pending[3])
        yield pending[:2] if complete else ("truncated", None)


def _read_http_headers(iterator: ArchiveIterator, record: Any) -> bool:
    """The record's HTTP headers read as the iterator reads them when it parses records
    (the same loader, the same rules); False where it would have dropped the record (an
    end of file inside them)."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    try:
        record.http_headers = iterator.loader.load_http_headers(
            record.rec_type, uri, record.raw_stream, record.length
        )
    except EOFError:
        return False
    except (AttributeError, KeyError, TypeError) as exc:
        raise RecordCutShort(f"a record cut short in its headers ({exc})") from exc
    return True


def member_is_complete(path: Path, offset: int, length: int) -> bool:
    """Does the gzip member at offset end with its end-of-stream marker? (Uncompressed
    WARCs carry no such marker: they are taken as they are.)"""
    if not path.name.endswith(".gz"):
        return True
    with open(path, "rb") as handle:
        handle.seek(offset)
        raw = handle.read(length)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inflater.decompress(raw)
    except zlib.error:
        return False
    return inflater.eof


def _capture_of(path: Path, record: Any) -> Capture:
    headers = record.rec_headers
    status, mime, location = http_facts(record.http_headers)
    return Capture(
        filename=path.name,
        offset=0,
        length=0,
        record_type=record.rec_type,
        record_id=headers.get_header("WARC-Record-ID"),
        url=headers.get_header("WARC-Target-URI"),
        date=headers.get_header("WARC-Date"),
        status=status,
        mime=mime,
        digest=headers.get_header("WARC-Payload-Digest"),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        location=location,
    )


def scan(
    directory: Path,
    into: CaptureTable | None = None,
    written: Mapping[str, WrittenFile] | None = None,
) -> Scan:
    """Every record of the folder's WARCs; the captures in a list, or ``into`` a table.
    ``written``: what this process's writers noted, by file name: a file they closed is
    taken from its notes (the same captures, not read again), any other is read."""
    files = warc_files(directory)
    captures: list[Capture] | CaptureTable = [] if into is None else into
    counts: dict[str, int] = {}
    for path in files:
        notes = (written or {}).get(path.name)
        if notes is not None and notes.describes(path):
            for rec_type, count in notes.counts.items():
                counts[rec_type] = counts.get(rec_type, 0) + count
            for capture in notes.iter_captures():
                captures.append(capture)
            continue
        for rec_type, capture in iter_captures(path):
            counts[rec_type] = counts.get(rec_type, 0) + 1
            if capture is not None:
                captures.append(capture)
    return Scan(files, captures, counts)


def cdxj_bytes(captures: Iterable[Capture]) -> bytes:
    return b"".join(line + b"\n" for line in _sorted_lines(captures))


def _sorted_lines(captures: Iterable[Capture] | CaptureTable) -> Iterator[bytes]:
    if isinstance(captures, CaptureTable):
        return captures.cdxj_lines()
    return iter(sorted(c.cdxj_line().encode("utf-8") for c in captures))


def write_index(directory: Path, captures: Iterable[Capture] | CaptureTable) -> Path:
    """Write ``index.cdxj`` (only when its content changed, so its checksum stays valid),
    a line at a time when the captures are in a table."""
    path = directory / INDEX_NAME
    if not isinstance(captures, CaptureTable):
        data = cdxj_bytes(captures)
        if not path.exists() or path.read_bytes() != data:
            atomic_write(path, data)
        return path
    if path.exists():  # the same lines already: left as it is
        digest, size = hashlib.sha256(), 0
        for line in captures.cdxj_lines():
            digest.update(line + b"\n")
            size += len(line) + 1
        if size == path.stat().st_size and digest.hexdigest() == _sha256_of(path):
            return path
    with StreamedFile(path) as out:
        for line in captures.cdxj_lines():
            out.write(line + b"\n")
    return path


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_index(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(urlkey, timestamp, block) per line of a CDXJ file."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("!"):
            continue
        urlkey, timestamp, block = line.split(" ", 2)
        entries.append((urlkey, timestamp, json.loads(block)))
    return entries


def read_record_head(path: Path, offset: int) -> dict[str, str]:
    """The WARC headers of the record at ``offset`` of a WARC file."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle, arc2warc=False):
            return dict(record.rec_headers.headers)
    raise ValueError(f"no WARC record at {path}:{offset}")
