"""provenance.json: every exported record id → the capture it was extracted from.

A sidecar, so the record files stay deterministic. Records are found by their
``source_url`` (assets by ``url``) among the captures of the archive folder:

1. the exact URL, else the same SURT key (another spelling of the same URL);
2. the latest capture with a 2xx status (a fail-once page has a 5xx capture first); for
   an asset, preferably the capture whose payload SHA-256 is the asset's own;
3. when only a redirect was captured, its ``Location`` is followed (up to five hops).

A ``revisit`` capture stores no payload: its entry adds ``payload_record``, the capture
that holds the bytes. A record whose URL has no capture maps to ``null``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import orjson

from belong_scraper.archive.index import Capture, CaptureTable, url_key
from belong_scraper.exporters import StreamedValue, json_members_pieces, write_json_document
from belong_scraper.items import RECORD_STEMS
from belong_scraper.scratch import scratch_table

PROVENANCE_NAME = "provenance.json"
RECORD_FILES = RECORD_STEMS
MAX_HOPS = 5


class CaptureLookup:
    """The captures of a URL, by its exact spelling, its SURT key or a record id: dicts
    over a list of captures, or queries of a ``CaptureTable`` (a 20,000-article archive
    is not held in memory for this)."""

    def __init__(self, captures: list[Capture] | CaptureTable):
        self.table = captures if isinstance(captures, CaptureTable) else None
        self.by_url: dict[str, list[Capture]] = {}
        self.by_key: dict[str, list[Capture]] = {}
        self.by_id: dict[str, Capture] = {}
        if self.table is not None:
            return
        for capture in captures:
            self.by_url.setdefault(capture.url, []).append(capture)
            self.by_key.setdefault(capture.urlkey, []).append(capture)
            self.by_id[capture.record_id] = capture

    def with_url(self, url: str) -> list[Capture]:
        return self.table.with_url(url) if self.table is not None else self.by_url.get(url, [])

    def with_id(self, record_id: str) -> Capture | None:
        return (
            self.table.with_id(record_id) if self.table is not None else self.by_id.get(record_id)
        )

    def candidates(self, url: str) -> list[Capture]:
        if self.table is not None:
            return self.table.with_url(url) or self.table.with_key(url_key(url))
        return self.by_url.get(url) or self.by_key.get(url_key(url)) or []

    def find(self, url: str, sha256: str | None = None) -> Capture | None:
        """The capture a record at ``url`` came from (see the module docstring)."""
        seen: set[str] = set()
        for _hop in range(MAX_HOPS + 1):
            captures = self.candidates(url)
            if not captures or url in seen:
                return None
            seen.add(url)
            ok = [c for c in captures if c.status is not None and 200 <= c.status < 300]
            if sha256:
                wanted = f"sha256:{sha256}"
                exact = [c for c in ok if c.digest == wanted]
                ok = exact or ok
            if ok:
                return latest(ok)
            redirects = [c for c in captures if c.location and c.status and 300 <= c.status < 400]
            if not redirects:
                return latest(captures)
            url = urljoin(url, latest(redirects).location or "")
        return None

    def describe(self, capture: Capture) -> dict[str, Any]:
        entry = capture.position()
        if capture.record_type == "revisit":
            original = self.with_id(capture.refers_to or "")
            if original is None:
                original = next(
                    (
                        c
                        for c in self.with_url(capture.refers_to_uri or "")
                        if c.date == capture.refers_to_date and c.record_type == "response"
                    ),
                    None,
                )
            entry["payload_record"] = original.position() if original else None
        return entry


def latest(captures: list[Capture]) -> Capture:
    return max(captures, key=lambda c: (c.date, c.filename, c.offset))


def folder_sources(out_dir: Path) -> Iterator[tuple[str, str, str | None]]:
    """(record or asset id, the URL it came from, the asset's SHA-256) of a written folder."""
    for stem in RECORD_FILES:
        for row in _load(out_dir / f"{stem}.json"):
            yield row["id"], row.get("source_url") or "", None
    for row in _load(out_dir / "assets.json"):
        yield row["id"], row.get("url") or "", row.get("sha256")


def provenance(
    out_dir: Path,
    captures: list[Capture] | CaptureTable,
    sources: Iterable[tuple[str, str, str | None]] | None = None,
) -> dict[str, Any]:
    """``sources``: what the export holds (id, URL, SHA-256 of an asset); a written
    folder's files when not given (``verify``, old folders)."""
    document = _document(out_dir, captures, sources)
    return {**document, "records": document["records"].__json__()}


def _document(
    out_dir: Path,
    captures: list[Capture] | CaptureTable,
    sources: Iterable[tuple[str, str, str | None]] | None,
    db: sqlite3.Connection | None = None,
) -> dict[str, Any]:
    lookup = CaptureLookup(captures)
    records = RecordCaptures(db)
    for record_id, url, sha256 in folder_sources(out_dir) if sources is None else sources:
        capture = lookup.find(url, sha256)
        records[record_id] = lookup.describe(capture) if capture else None
    return {
        "about": "record id -> the WARC capture it was extracted from (see docs/archive.md)",
        "records": records,
    }


class RecordCaptures(StreamedValue):
    """Record id → its capture's entry (or None), sorted by id when written (a record
    given twice keeps its last entry), kept in a SQLite table until then."""

    def __init__(self, db: sqlite3.Connection | None = None):
        self._db = sqlite3.connect(":memory:") if db is None else db
        # Ids as UTF-8 bytes, compared bytewise: the code-point order Python sorts by.
        self._table = scratch_table(self._db, "provenance", "id BLOB PRIMARY KEY, entry BLOB")

    def __setitem__(self, record_id: str, entry: dict[str, Any] | None) -> None:
        self._db.execute(
            f"INSERT OR REPLACE INTO {self._table} (id, entry) VALUES (?, ?)",
            (record_id.encode("utf-8", "surrogatepass"), orjson.dumps(entry)),
        )

    def entries(self) -> Iterator[tuple[str, Any]]:
        cursor = self._db.execute(f"SELECT id, entry FROM {self._table} ORDER BY id")
        while batch := cursor.fetchmany(1024):
            for key, entry in batch:
                yield key.decode("utf-8", "surrogatepass"), orjson.loads(entry)

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        return json_members_pieces(self.entries(), depth)

    def __json__(self) -> dict[str, Any]:
        return dict(self.entries())


def write_provenance(
    out_dir: Path,
    captures: list[Capture] | CaptureTable | None = None,
    sources: Iterable[tuple[str, str, str | None]] | None = None,
    db: sqlite3.Connection | None = None,
) -> Path:
    """Write ``DIR/provenance.json`` from the captures of ``DIR/archive``, its records a
    batch at a time (``db``: where they wait, sorted, until then)."""
    if captures is None:
        from belong_scraper.archive.index import archive_dir, scan

        captures = scan(archive_dir(out_dir)).captures
    path = Path(out_dir) / PROVENANCE_NAME
    write_json_document(path, _document(Path(out_dir), captures, sources, db))
    return path


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [row for row in data if isinstance(row, dict) and row.get("id")]
