"""The archive's captures kept in a SQLite table (what the export does) give the index and
provenance the in-memory list gives, byte for byte, and the scan reads each capture as
warcio's parsing iterator reads it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive.index import (
    CAPTURE_TYPES,
    CaptureTable,
    _capture_of,
    cdxj_bytes,
    scan,
    warc_files,
    write_index,
)
from belong_scraper.archive.provenance import provenance, write_provenance
from belong_scraper.archive.warc import Exchange, PayloadRef, RotatingWarcWriter
from belong_scraper.exporters import json_bytes

ORIGIN = "http://site.test"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def archive(out: Path) -> list[tuple[str, str, str | None]]:
    """WARCs in two files (rotation) with responses, a failing first fetch, a redirect,
    a revisit and an image; and the sources an export would look up in them."""
    writer = RotatingWarcWriter(out / "archive", "run-1", max_size=3000)
    sources: list[tuple[str, str, str | None]] = []
    for i in range(12):
        url = f"{ORIGIN}/news.php?id={i}"
        if i % 4 == 0:  # failed once, then answered
            writer.write_exchange(Exchange(url=url, status=503, response_headers=HTML, body=b""))
        writer.write_exchange(
            Exchange(url=url, status=200, response_headers=HTML, body=f"<p>é {i}</p>".encode())
        )
        sources.append((f"article-{i}", url, None))
    writer.write_exchange(
        Exchange(
            url=f"{ORIGIN}/old",
            status=301,
            response_headers=[("Location", "/news.php?id=3")],
            body=b"",
        )
    )
    sources.append(("page-old", f"{ORIGIN}/old", None))
    image = Exchange(url=f"{ORIGIN}/a.jpg", status=200, body=b"\xff\xd8 jpeg",
                     response_headers=[("Content-Type", "image/jpeg")])  # fmt: skip
    first = writer.write_exchange(image)
    again = Exchange(url=f"{ORIGIN}/a.jpg?v=2", status=200, body=image.body,
                     response_headers=image.response_headers)  # fmt: skip
    writer.write_exchange(again, revisit_of=PayloadRef(image.url, "2026-01-01T00:00:00Z",
                                                       first.record_id))  # fmt: skip
    writer.close()
    sources += [("asset-000000000001", f"{ORIGIN}/a.jpg?v=2", image.payload_digest[7:]),
                ("article-3", f"{ORIGIN}/news.php?id=3", None),  # given twice: the last counts
                ("article-99", f"{ORIGIN}/never", None),
                ("page-spelled", f"{ORIGIN.upper()}/news.php?id=5", None)]  # fmt: skip
    return sources


def test_a_table_of_captures_gives_the_lists_index_and_provenance(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sources = archive(out)
    listed = scan(out / "archive")
    db = sqlite3.connect(tmp_path / "scratch.sqlite")
    tabled = scan(out / "archive", CaptureTable(db))
    assert len(warc_files(out / "archive")) > 1 and tabled.counts == listed.counts
    assert list(tabled.captures) == listed.captures and len(tabled.captures) == len(listed.captures)
    write_index(out / "archive", tabled.captures)
    index = (out / "archive" / "index.cdxj").read_bytes()
    assert index == cdxj_bytes(listed.captures)
    stamp = (out / "archive" / "index.cdxj").stat().st_mtime_ns
    write_index(out / "archive", tabled.captures)  # the same lines: the file is left alone
    assert (out / "archive" / "index.cdxj").stat().st_mtime_ns == stamp
    write_provenance(out, tabled.captures, sources, db)
    expected = provenance(out, listed.captures, sources)
    assert (out / "provenance.json").read_bytes() == json_bytes(expected)
    records = expected["records"]
    assert records["article-99"] is None and records["page-old"]["target_uri"].endswith("id=3")
    assert records["asset-000000000001"]["payload_record"]["target_uri"] == f"{ORIGIN}/a.jpg"
    assert records["page-spelled"]["target_uri"] == f"{ORIGIN}/news.php?id=5"


def test_the_scan_reads_captures_as_the_parsing_iterator_does(tmp_path: Path) -> None:
    """Request records' HTTP headers are not parsed; the captures are what warcio's
    iterator, parsing every record, gives."""
    out = tmp_path / "out"
    archive(out)
    expected = []
    for path in warc_files(out / "archive"):
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle, arc2warc=False)
            for record in iterator:
                if record.rec_type in CAPTURE_TYPES:
                    capture = _capture_of(path, record)
                    iterator.read_to_end(record)
                    capture.offset = iterator.get_record_offset()
                    capture.length = iterator.get_record_length()
                    expected.append(capture)
    captures = scan(out / "archive").captures
    assert captures == expected
    assert {c.status for c in captures} == {200, 301, 503}
    assert all(c.mime for c in captures if c.status == 200)
