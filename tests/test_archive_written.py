"""The captures a WARC writer notes as it writes equal what reading its WARCs back gives,
record for record (the export indexes this run's WARCs from the notes), and a file the
notes no longer describe is read back."""

from __future__ import annotations

import shutil
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive import finish_archive, written
from belong_scraper.archive import middleware as capture_middleware
from belong_scraper.archive.index import Capture, archive_dir, iter_captures, scan, warc_files
from belong_scraper.archive.middleware import WarcCaptureMiddleware
from belong_scraper.archive.warc import Exchange, RotatingWarcWriter
from belong_scraper.archive.written import WrittenFile


def read_back(path: Path) -> tuple[list[Capture], Counter[str]]:
    """The captures and record counts of one WARC, read from the file."""
    captures, counts = [], Counter()
    for rec_type, capture in iter_captures(path):
        counts[rec_type] += 1
        if capture is not None:
            captures.append(capture)
    return captures, counts


def assert_notes_are_the_files(writer: RotatingWarcWriter) -> int:
    """Every file's notes equal its read-back, capture for capture; the captures seen."""
    seen = 0
    assert writer.files and set(writer.written) == {p.name for p in writer.files}
    for path in writer.files:
        notes = writer.written[path.name]
        captures, counts = read_back(path)
        assert notes.describes(path)
        assert list(notes.iter_captures()) == captures
        assert notes.counts == dict(counts)
        seen += len(captures)
    return seen


def real_traffic(export: Path) -> list[tuple[Request, Response]]:
    """The exchanges of a real crawl (the fixture site's), as Scrapy objects: what the
    capture middleware saw, rebuilt from the crawl's WARCs."""
    exchanges: list[tuple[Request, Response]] = []
    pending: Response | None = None
    for path in warc_files(archive_dir(export)):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, arc2warc=False):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response":
                    http = record.http_headers
                    pending = Response(url, status=int(http.get_statuscode()),
                                       headers=_grouped(http.headers),
                                       body=record.content_stream().read())  # fmt: skip
                elif record.rec_type == "request" and pending is not None:
                    headers = [(k, v) for k, v in record.http_headers.headers if k != "Host"]
                    exchanges.append((Request(url, headers=_grouped(headers)), pending))
                    pending = None
    return exchanges


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def capture_all(out: Path, traffic: list[tuple[Request, Response]]) -> WarcCaptureMiddleware:
    middleware = WarcCaptureMiddleware(out, run_id="written", max_size=200_000)
    for request, response in traffic:
        middleware.process_response(request, response)
    middleware.close()
    assert middleware.errors == 0
    return middleware


def test_a_real_crawls_captures_are_noted_as_read_back(migrated_export: Path, tmp_path: Path):
    """The fixture crawl's traffic through the capture middleware: rotated files,
    responses of every status, redirects with their Location."""
    traffic = real_traffic(migrated_export)
    middleware = capture_all(tmp_path / "out", traffic)
    assert len(middleware.writer.files) > 1  # rotation: each file's notes its own
    assert assert_notes_are_the_files(middleware.writer) == len(traffic)
    noted = [c for n in middleware.writer.written.values() for c in n.iter_captures()]
    assert {c.status for c in noted} >= {200, 301, 404}
    assert any(c.location for c in noted)


def test_revisits_of_an_earlier_runs_payloads_are_noted_as_read_back(
    migrated_export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(archive_dir(migrated_export), archive_dir(out))
    middleware = capture_all(out, real_traffic(migrated_export))
    assert middleware.writer.counts.get("revisit", 0) > 0
    assert_notes_are_the_files(middleware.writer)


def test_the_index_and_provenance_from_notes_are_the_read_back_ones(
    migrated_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier run's WARCs (read back) and this process's (from their notes): the
    same bytes as every file read back."""
    out = tmp_path / "out"
    shutil.copytree(archive_dir(migrated_export), archive_dir(out))
    traffic = real_traffic(migrated_export)
    capture_all(out, traffic)
    sources = [(f"r{i}", request.url, None) for i, (request, _) in enumerate(traffic)]
    noted = capture_middleware.written_files(out)
    assert noted and len(noted) < len(warc_files(archive_dir(out)))  # both kinds of file
    from_notes = finish_archive(out, {}, sources)
    files = {name: (archive_dir(out) / name).read_bytes() for name in ("index.cdxj",)}
    files["provenance.json"] = (out / "provenance.json").read_bytes()
    (archive_dir(out) / "index.cdxj").unlink()
    (out / "provenance.json").unlink()
    monkeypatch.setattr(capture_middleware, "written_files", lambda out_dir: {})
    assert finish_archive(out, {}, sources) == from_notes
    assert (archive_dir(out) / "index.cdxj").read_bytes() == files["index.cdxj"]
    assert (out / "provenance.json").read_bytes() == files["provenance.json"]


def write_some(directory: Path) -> RotatingWarcWriter:
    writer = RotatingWarcWriter(directory, "run-1")
    for i in range(3):
        writer.write_exchange(Exchange(url=f"http://site.test/{i}", status=200,
                                       response_headers=[("Content-Type", "text/html")],
                                       body=b"<p>%d</p>" % i))  # fmt: skip
    writer.write_fetch_error("http://site.test/gone", "TimeoutError: took too long")
    return writer


def test_a_file_the_notes_no_longer_describe_is_read_back(tmp_path: Path) -> None:
    writer = write_some(tmp_path / "job")
    path = writer.files[0]
    notes = writer.written[path.name]
    assert not notes.describes(path)  # still open: more may come
    writer.close()
    assert notes.describes(path)
    linked = tmp_path / "archive"
    linked.mkdir()
    (linked / path.name).hardlink_to(path)  # the staged export's link
    copied = tmp_path / "copied"
    copied.mkdir()
    shutil.copy2(path, copied / path.name)  # across file systems
    assert notes.describes(linked / path.name) and notes.describes(copied / path.name)
    with open(copied / path.name, "ab") as handle:  # not the file closed any more
        handle.write(path.read_bytes())
    assert not notes.describes(copied / path.name)
    changed = scan(copied, written=writer.written)
    assert changed.counts["response"] == 6  # what reading finds, not what was noted


def test_a_write_that_failed_leaves_its_file_to_be_read(tmp_path: Path) -> None:
    writer = write_some(tmp_path)

    def fail(record: object) -> None:
        raise OSError("disk full")

    writer._write_record = fail  # type: ignore[method-assign]
    with pytest.raises(OSError):
        writer.write_exchange(Exchange(url="http://site.test/x", status=200,
                                       response_headers=[], body=b"x"))  # fmt: skip
    writer.close()
    assert not writer.written[writer.files[0].name].describes(writer.files[0])


def test_a_folder_of_noted_and_unnoted_files_scans_as_read_back(tmp_path: Path) -> None:
    earlier = write_some(tmp_path / "archive")  # another process's: no notes of it here
    earlier.close()
    this_run = RotatingWarcWriter(tmp_path / "archive", "run-2")
    this_run.write_exchange(Exchange(url="http://site.test/new", status=200,
                                     response_headers=[], body=b"new"))  # fmt: skip
    this_run.close()
    mixed = scan(tmp_path / "archive", written=this_run.written)
    full = scan(tmp_path / "archive")
    assert mixed.captures == full.captures and mixed.counts == full.counts


HEADER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t;=\"'%<>"),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.integers(100, 599),
    reason=st.none() | st.text(string.ascii_letters + " ", max_size=12),
    content_type=st.none() | HEADER_TEXT,
    location=st.none() | HEADER_TEXT,
    body=st.binary(max_size=64),
    path=st.text(string.ascii_letters + string.digits + "/?=&% <>", max_size=20),
)
def test_any_served_headers_are_noted_as_read_back(
    tmp_path: Path, status, reason, content_type, location, body, path
) -> None:
    """Served header values the writer re-encodes (non-ASCII percent-encoded, blanks
    trimmed by the reader) and target URIs the reader corrects are noted as read."""
    headers = [("Content-Type", content_type)] if content_type is not None else []
    headers += [("Location", location)] if location is not None else []
    directory = tmp_path / f"w{abs(hash((status, path, body)))}"
    writer = RotatingWarcWriter(directory, "run-1")
    exchange = Exchange(url="http://site.test/" + path, status=status, reason=reason,
                        response_headers=headers, body=body)  # fmt: skip
    first = writer.write_exchange(exchange)
    writer.write_exchange(exchange, revisit_of=capture_middleware.PayloadRef(
        exchange.url, "2026-01-01T00:00:00Z", first.record_id))  # fmt: skip
    writer.close()
    assert_notes_are_the_files(writer)
    shutil.rmtree(directory)


def test_notes_hold_the_captures_fields_in_capture_order() -> None:
    notes = WrittenFile()
    assert notes.captures == [] and notes.closed_as is None
    assert tuple(f.name for f in fields(Capture)) == (  # the tuple order of written.py
        "filename", "offset", "length", "record_type", "record_id", "url", "date", "status",
        "mime", "digest", "refers_to", "refers_to_uri", "refers_to_date", "location",
    )  # fmt: skip


def test_a_staged_export_takes_the_runs_files_from_the_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's WARCs wait in its job folder and are linked into the staging folder the
    export writes: finish_archive is handed the notes and reads none of those files."""
    writer = write_some(tmp_path / "job" / "archive")
    writer.close()
    staged = tmp_path / "staging"
    archive_dir(staged).mkdir(parents=True)
    for path in writer.files:
        (archive_dir(staged) / path.name).hardlink_to(path)
    expected = scan(archive_dir(staged)).captures
    read: list[Path] = []

    def reading(path: Path) -> Iterator[tuple[str, Capture | None]]:
        read.append(path)
        return iter_captures(path)

    monkeypatch.setattr("belong_scraper.archive.index.iter_captures", reading)
    facts = finish_archive(staged, {}, [("a", "http://site.test/1", None)], None, writer.written)
    assert read == [] and facts["captures"] == len(expected) == 3
    assert facts["fetch_errors"] == 1 and facts["responses"] == 3
    assert scan(archive_dir(staged)).captures == expected  # without the notes: read
    assert read == [archive_dir(staged) / p.name for p in writer.files]


_field = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63), st.text())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_field, _field, _field), max_size=3 * written.PACK // 2 + 3))
def test_packed_notes_come_back_as_noted(noted) -> None:
    """The notes held packed (PACK captures a block) are the captures noted, in order."""
    notes = WrittenFile()
    for capture in noted:
        notes.pending.append(capture)
        if len(notes.pending) >= written.PACK:
            notes._pack()
    assert notes.captures == noted
    notes._pack()
    assert notes.captures == noted and notes.pending == []


def test_a_block_marshal_cannot_write_is_kept_as_it_is() -> None:
    class Odd(str):
        pass

    notes = WrittenFile()
    notes.pending = [("a.warc.gz", 1, Odd("x"))]
    notes._pack()
    notes.pending = [("a.warc.gz", 2, "y")]
    notes._pack()
    assert notes.captures == [("a.warc.gz", 1, "x"), ("a.warc.gz", 2, "y")]
