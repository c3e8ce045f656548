"""The archive package piece by piece, without a crawl: the capture middleware on
hand-made exchanges, rotation, revisits through the index, checksums and bags."""

from __future__ import annotations

import gzip
import ipaddress
import json
from pathlib import Path

import bagit
import pytest
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError as TxTimeoutError
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive import finish_archive
from belong_scraper.archive.fixity import make_bag, read_sums, verify, write_checksums
from belong_scraper.archive.index import read_index, warc_files
from belong_scraper.archive.middleware import WarcCaptureMiddleware
from belong_scraper.archive.warc import Exchange, RotatingWarcWriter

ORIGIN = "http://127.0.0.1:9"


def response(path: str, body: bytes, status: int = 200, **headers: str) -> Response:
    request = Request(ORIGIN + path, headers={"Accept-Encoding": "gzip, deflate"})
    request.meta["download_latency"] = 0.25
    return Response(
        request.url,
        status=status,
        headers={"Content-Type": "text/html; charset=windows-1252", **headers},
        body=body,
        request=request,
        ip_address=ipaddress.ip_address("127.0.0.1"),
        protocol="HTTP/1.1",
    )


def records(directory: Path, run_id: str = "") -> list:
    out = []
    for path in warc_files(directory):
        if run_id not in path.name:
            continue
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                record.payload = record.raw_stream.read()
                out.append(record)
    return out


def capture(out: Path, *responses: Response, run_id: str = "run-1", **kwargs) -> None:
    middleware = WarcCaptureMiddleware(out, run_id, **kwargs)
    for resp in responses:
        assert middleware.process_response(resp.request, resp) is resp
    middleware.close()


def test_compressed_chunked_body_is_stored_as_sent(tmp_path: Path) -> None:
    sent = gzip.compress("caf\xe9 <b>Warning</b>".encode("cp1252"))
    resp = response(
        "/news.php?id=1",
        sent,
        **{"Content-Encoding": "gzip", "Transfer-Encoding": "chunked", "Content-Length": "1"},
    )
    capture(tmp_path, resp)
    response_record, request_record = [
        r for r in records(tmp_path / "archive") if r.rec_type != "warcinfo"
    ]
    assert response_record.rec_type == "response"
    assert response_record.payload == sent  # not decompressed, not decoded
    http = response_record.http_headers
    assert http.get_header("Content-Encoding") == "gzip"
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("Content-Length") == str(len(sent))
    assert http.statusline == "200 OK"
    assert response_record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert request_record.rec_type == "request"
    assert request_record.http_headers.protocol == "GET"
    assert request_record.http_headers.statusline == "/news.php?id=1 HTTP/1.1"
    assert request_record.http_headers.get_header("Host") == "127.0.0.1:9"
    assert request_record.http_headers.get_header("Accept-Encoding") == "gzip, deflate"


def test_files_rotate_by_size_and_each_starts_with_warcinfo(tmp_path: Path) -> None:
    bodies = [json.dumps(list(range(i, i + 9000))).encode() for i in range(6)]
    capture(tmp_path, *(response(f"/p{i}", b) for i, b in enumerate(bodies)), max_size=20_000)
    files = warc_files(tmp_path / "archive")
    assert len(files) >= 3
    for path in files:
        with open(path, "rb") as handle:
            kinds = [r.rec_type for r in ArchiveIterator(handle)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        assert kinds.count("response") == kinds.count("request")  # pairs are never split


def test_unchanged_payload_becomes_a_revisit_through_the_index(tmp_path: Path) -> None:
    capture(tmp_path, response("/a", b"same bytes"), response("/empty", b""), run_id="run-1")
    finish_archive(tmp_path)
    first = {
        r.rec_headers.get_header("WARC-Target-URI"): r
        for r in records(tmp_path / "archive")
        if r.rec_type == "response"
    }
    capture(
        tmp_path,
        response("/a", b"same bytes"),
        response("/b", b"same bytes"),  # another URL, same payload: url-agnostic revisit
        response("/a2", b"new bytes"),
        response("/empty", b""),  # an empty payload is never worth a revisit
        run_id="run-2",
    )
    second = records(tmp_path / "archive", "run-2")
    by_url = {
        r.rec_headers.get_header("WARC-Target-URI"): r
        for r in second
        if r.rec_type in ("response", "revisit")
    }
    assert by_url[f"{ORIGIN}/a"].rec_type == "revisit"
    assert by_url[f"{ORIGIN}/b"].rec_type == "revisit"
    revisit = by_url[f"{ORIGIN}/b"].rec_headers
    original = first[f"{ORIGIN}/a"].rec_headers
    assert revisit.get_header("WARC-Refers-To") == original.get_header("WARC-Record-ID")
    assert revisit.get_header("WARC-Refers-To-Target-URI") == f"{ORIGIN}/a"
    assert revisit.get_header("WARC-Refers-To-Date") == original.get_header("WARC-Date")
    assert by_url[f"{ORIGIN}/a2"].rec_type == "response"
    assert by_url[f"{ORIGIN}/empty"].rec_type == "response"
    facts = finish_archive(tmp_path)
    assert facts["revisits"] == 2 and facts["captures"] == 6
    assert len(read_index(tmp_path / "archive" / "index.cdxj")) == 6


def test_a_record_cut_short_by_a_kill_is_neither_indexed_nor_revisited(tmp_path: Path) -> None:
    big = bytes(range(256)) * 400
    capture(tmp_path, response("/a", b"whole"), response("/big", big), run_id="run-1")
    (warc,) = warc_files(tmp_path / "archive")
    data = warc.read_bytes()
    # As a SIGKILL in the middle of the last record would leave it: request record gone,
    # the response member cut in half.
    members = [r for r in records(tmp_path / "archive") if r.rec_type != "warcinfo"]
    assert [r.rec_type for r in members] == ["response", "request", "response", "request"]
    cut = data.rfind(b"\x1f\x8b\x08", 0, data.rfind(b"\x1f\x8b\x08"))  # the big response
    warc.write_bytes(data[: cut + (len(data) - cut) // 3])
    facts = finish_archive(tmp_path)
    assert facts["truncated_records"] == 1
    urls = [block["url"] for _, _, block in read_index(tmp_path / "archive" / "index.cdxj")]
    assert urls == [f"{ORIGIN}/a"]
    # A re-crawl stores the big payload again in full, not as a revisit of partial bytes.
    capture(tmp_path, response("/big", big), run_id="run-2")
    (again,) = [r for r in records(tmp_path / "archive", "run-2") if r.rec_type != "warcinfo"][:1]
    assert again.rec_type == "response" and again.payload == big


def test_revisits_without_an_index_fall_back_to_reading_the_warcs(tmp_path: Path) -> None:
    capture(tmp_path, response("/a", b"payload"), run_id="run-1")  # no finish: no index
    capture(tmp_path, response("/a", b"payload"), run_id="run-2")
    kinds = [r.rec_type for r in records(tmp_path / "archive") if r.rec_type != "warcinfo"]
    assert kinds == ["response", "request", "revisit", "request"]


def test_fetch_without_response_is_a_metadata_record(tmp_path: Path) -> None:
    middleware = WarcCaptureMiddleware(tmp_path, "run-1")
    request = Request(ORIGIN + "/slow")
    assert middleware.process_exception(request, TxTimeoutError("took too long")) is None
    assert middleware.process_exception(request, IgnoreRequest("robots.txt")) is None
    middleware.close()
    (metadata,) = [r for r in records(tmp_path / "archive") if r.rec_type == "metadata"]
    assert metadata.rec_headers.get_header("WARC-Target-URI") == ORIGIN + "/slow"
    assert metadata.payload.startswith(b"fetch-error: TimeoutError")
    assert finish_archive(tmp_path)["fetch_errors"] == 1


def test_from_crawler_reads_the_settings(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"EXPORT_DIR": str(tmp_path), "WARC_ENABLED": False})
    with pytest.raises(NotConfigured):
        WarcCaptureMiddleware.from_crawler(crawler)
    settings = {"EXPORT_DIR": str(tmp_path), "RUN_ID": "20250101T000000Z-abc", "WARC_MAX_SIZE": 5}
    middleware = WarcCaptureMiddleware.from_crawler(get_crawler(settings_dict=settings))
    resp = response("/", b"x")
    middleware.process_response(resp.request, resp)
    middleware.spider_closed()
    (path,) = warc_files(tmp_path / "archive")
    assert path.name == "belong-20250101T000000Z-abc-00000.warc.gz"
    assert middleware.writer.max_size == 5


def test_checksums_skip_transient_files_and_verify_names_changes(tmp_path: Path) -> None:
    (tmp_path / "media" / ".incoming").mkdir(parents=True)
    (tmp_path / "media" / ".incoming" / "abc").write_bytes(b"partial")
    (tmp_path / ".articles.json.tmp").write_bytes(b"half-written")
    (tmp_path / "articles.json").write_bytes(b"[]\n")
    (tmp_path / "media" / "a b.jpg").write_bytes(b"\xff\xd8")
    sums = read_sums(write_checksums(tmp_path))
    assert sorted(sums) == ["articles.json", "media/a b.jpg"]
    assert verify(tmp_path).ok
    (tmp_path / "media" / ".incoming" / "def").write_bytes(b"still transient")
    assert verify(tmp_path).ok
    (tmp_path / "articles.json").write_bytes(b"[1]\n")
    report = verify(tmp_path)
    assert report.modified == ["articles.json"] and not report.ok


def test_bag_is_made_beside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    (out / "articles.json").write_bytes(b"[]\n")
    (out / ".transient").write_bytes(b"x")
    bag_dir = make_bag(out)
    assert bag_dir == tmp_path / "exports.bag"
    assert bagit.Bag(str(bag_dir)).validate()
    assert not (bag_dir / "data" / ".transient").exists()
    assert (out / "articles.json").exists()  # the export folder is left as it was
    (bag_dir / "data" / "extra.txt").write_text("x")
    (bag_dir / "data" / "articles.json").unlink()
    report = verify(bag_dir)
    assert report.missing == ["data/articles.json"] and report.extra == ["data/extra.txt"]


def test_writer_is_usable_without_scrapy(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "run id/with spaces")
    written = writer.write_exchange(
        Exchange(url=ORIGIN + "/", status=404, response_headers=[], body=b"gone")
    )
    writer.close()
    assert written.record_type == "response" and written.offset > 0
    assert " " not in written.filename and "/" not in written.filename
    assert written.payload_digest.startswith("sha256:")


def test_responses_replayed_from_the_http_cache_are_not_captured_again(tmp_path: Path) -> None:
    fresh, cached = response("/a", b"fetched now"), response("/b", b"from the cache")
    cached.flags.append("cached")
    capture(tmp_path, fresh, cached)
    urls = [
        r.rec_headers.get_header("WARC-Target-URI")
        for r in records(tmp_path / "archive")
        if r.rec_type == "response"
    ]
    assert urls == [f"{ORIGIN}/a"]
