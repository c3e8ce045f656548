"""Web archiving of a migration run: WARC capture, CDXJ index, provenance, WACZ, fixity.

The export step calls :func:`finish_archive` once every export file is written (before
the manifest is final) and :func:`write_checksums` last. See docs/archive.md.

Modules: ``warc`` (writing WARC/1.1), ``middleware`` (the Scrapy downloader middleware),
``index`` (reading WARCs, CDXJ), ``provenance`` (record → capture), ``wacz`` (packages
and their validation), ``fixity`` (SHA256SUMS, BagIt, verification), ``cli`` (the
``package`` and ``verify`` commands).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from belong_scraper.archive.fixity import verify, write_checksums
from belong_scraper.archive.warc import FIDELITY
from belong_scraper.archive.written import WrittenFile

__all__ = ["finish_archive", "verify", "write_checksums", "write_provenance"]


def write_provenance(out_dir: Path) -> Path:
    """Write ``DIR/provenance.json`` from the captures in ``DIR/archive``."""
    from belong_scraper.archive.provenance import write_provenance as write

    return write(Path(out_dir))


def finish_archive(
    out_dir: Path,
    this_run: dict[str, int] | None = None,
    sources: Iterable[tuple[str, str, str | None]] | None = None,
    db: sqlite3.Connection | None = None,
    written: Mapping[str, WrittenFile] | None = None,
) -> dict[str, Any]:
    """Close this process's WARC writers on ``out_dir``, write ``archive/index.cdxj`` and
    ``provenance.json``, and return facts for the manifest. A folder without WARCs (a run
    with ``WARC_ENABLED=False``) gets neither file and ``{"enabled": False, ...}``.
    ``sources`` (id, URL, asset SHA-256) is what the export holds; without it the
    folder's record files are read. The captures and provenance's entries wait in a
    SQLite table (``db``: the export's scratch file; a private in-memory one when not
    given), not in memory, and both files are written from there. ``written``: what
    this run's writers noted of the WARCs they wrote, by file name (the writers of this
    process on ``out_dir`` when not given): those files are not read back."""
    from belong_scraper.archive.index import CaptureTable, archive_dir, scan, write_index
    from belong_scraper.archive.middleware import close_active, written_files
    from belong_scraper.archive.provenance import PROVENANCE_NAME
    from belong_scraper.archive.provenance import write_provenance as write

    out_dir = Path(out_dir)
    # ``this_run``: counts of writers the caller closed already (a staged export closes
    # them before it links the WARCs into its staging folder).
    this_run = close_active(out_dir) if this_run is None else this_run
    directory = archive_dir(out_dir)
    # This run's WARCs as their writers noted them; the others (earlier runs, an earlier
    # process of a resumed run, --from-warc's) read back.
    written = written_files(out_dir) if written is None else written
    scanned = scan(directory, CaptureTable(db), written)
    facts: dict[str, Any] = {
        "enabled": bool(scanned.files),
        "warc_files": [f"{directory.name}/{p.name}" for p in scanned.files],
        "captures": len(scanned.captures),
        "responses": scanned.counts.get("response", 0),
        "revisits": scanned.counts.get("revisit", 0),
        "requests": scanned.counts.get("request", 0),
        "fetch_errors": scanned.counts.get("metadata", 0),
        # Last records cut short by a killed process: kept on disk, not indexed.
        "truncated_records": scanned.counts.get("truncated", 0),
        "this_run": {
            "responses": this_run.get("response", 0),
            "revisits": this_run.get("revisit", 0),
            "fetch_errors": this_run.get("metadata", 0),
            "capture_errors": this_run.get("capture_errors", 0),
        },
        "fidelity": FIDELITY,
    }
    if not scanned.files:
        return facts
    index = write_index(directory, scanned.captures)
    write(out_dir, scanned.captures, sources, db)
    facts["index"] = f"{directory.name}/{index.name}"
    facts["provenance"] = PROVENANCE_NAME
    return facts
