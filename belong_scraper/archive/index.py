"""Reading the WARCs back: every capture with its position, and the CDXJ index of them.

The index (``archive/index.cdxj``) has the form pywb and OpenWayback read: one line per
capture (``response`` and ``revisit`` records), ``<SURT key> <14-digit timestamp> <JSON>``,
lines sorted bytewise, the JSON block with ``url``, ``mime``, ``status``, ``digest``,
``length``, ``offset`` and ``filename`` (the WARC's name, relative to the archive folder).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import surt
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from belong_scraper.archive.warc import ARCHIVE_DIRNAME, WARC_SUFFIX
from belong_scraper.exporters import atomic_write

INDEX_NAME = "index.cdxj"
CAPTURE_TYPES = ("response", "revisit")


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

    def cdxj_line(self) -> str:
        block: dict[str, Any] = {"url": self.url}
        block["mime"] = "warc/revisit" if self.record_type == "revisit" else (self.mime or "-")
        if self.status is not None:
            block["status"] = str(self.status)
        if self.digest:
            block["digest"] = self.digest
        block["length"] = str(self.length)
        block["offset"] = str(self.offset)
        block["filename"] = self.filename
        return f"{self.urlkey} {self.timestamp} {json.dumps(block)}"

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


@dataclass
class Scan:
    """Everything in the archive folder's WARCs."""

    files: list[Path]
    captures: list[Capture]
    counts: dict[str, int]


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
        iterator = ArchiveIterator(handle, arc2warc=False, check_digests=False)
        try:
            for record in records_of(iterator):
                rec_type = record.rec_type
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
    http = record.http_headers
    status = None
    mime = location = None
    if http is not None:
        code = (http.get_statuscode() or "").strip()
        status = int(code) if code.isdigit() else None
        content_type = http.get_header("Content-Type")
        mime = content_type.split(";", 1)[0].strip() if content_type else None
        location = http.get_header("Location")
    return Capture(
        filename=path.name,
        offset=0,
        length=0,
        record_type=record.rec_type,
        record_id=headers.get_header("WARC-Record-ID"),
        url=headers.get_header("WARC-Target-URI"),
        date=headers.get_header("WARC-Date"),
        status=status,
        mime=mime or None,
        digest=headers.get_header("WARC-Payload-Digest"),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        location=location,
    )


def scan(directory: Path) -> Scan:
    files = warc_files(directory)
    captures: list[Capture] = []
    counts: dict[str, int] = {}
    for path in files:
        for rec_type, capture in iter_captures(path):
            counts[rec_type] = counts.get(rec_type, 0) + 1
            if capture is not None:
                captures.append(capture)
    return Scan(files, captures, counts)


def cdxj_bytes(captures: Iterable[Capture]) -> bytes:
    lines = sorted(c.cdxj_line().encode("utf-8") for c in captures)
    return b"".join(line + b"\n" for line in lines)


def write_index(directory: Path, captures: Iterable[Capture]) -> Path:
    """Write ``index.cdxj`` (only when its content changed, so its checksum stays valid)."""
    path = directory / INDEX_NAME
    data = cdxj_bytes(captures)
    if not path.exists() or path.read_bytes() != data:
        atomic_write(path, data)
    return path


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
