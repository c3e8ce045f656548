"""`migrate --from-warc`: the export rebuilt from the archive of a live run, with the
fixture server stopped, equals the live export file by file, apart from run ids and
times and what docs/archive.md ("Re-deriving an export") lists as inherent."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive.index import warc_files
from belong_scraper.archive.replay import (
    FILES_SETTING,
    NotInArchive,
    ReplayDownloadHandler,
    contents_of,
)
from belong_scraper.archive.warc import Exchange, RotatingWarcWriter
from belong_scraper.limits import ResponseSizeMiddleware, TooLarge
from tests.conftest import run_cli

FAIL_ONCE = {"/news.php?id=21": 500, "/news.php?page=3": 503, "/partners.php?country=IT": 503}
# Files a replayed export writes differently from the live one: run ids and times in all,
# the state's path in the manifest; every other file is byte for byte the live one.
RUN_FILES = {"SHA256SUMS", "changes.json", "ledger.json", "manifest.json", "report.html",
             "report.json"}  # fmt: skip
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
# What a replay of a re-crawled folder gives as the second live run did (media included:
# the 304s that run got for its conditional requests answer with the first run's files).
LATEST_EXPORT = ("articles.json", "partners.json", "clusters.json", "pages.json", "assets.json",
                 "wordpress.xml", "provenance.json", "archive/index.cdxj")  # fmt: skip
# The state database beside each export (the live copy keeps its original's path).
STATE_DB = re.compile(r"sqlite:///[^\"\s]+")
# Which page a URL was first found on varies between two live runs too (concurrency).
REFERER = re.compile(r'"referer": "[^"]*"')


@pytest.fixture(scope="module")
def live(crawled_twice) -> dict:
    """Two live runs into one folder (the second writes revisits), a frozen copy of the
    first; the server is stopped (conftest, shared with the archive tests; read only)."""
    return crawled_twice


@pytest.fixture(scope="module")
def replayed_first(live, tmp_path_factory) -> dict:
    """`migrate --from-warc` of the first live run's archive, once the server is gone,
    shared by the tests that read its export (read only): its exit status, its stderr and
    the export folder, ``new``."""
    assert_unreachable(live["port"])
    new = tmp_path_factory.mktemp("replayed-first") / "new"
    status, stderr = replay(str(live["first"] / "archive"), "--out", str(new))
    return {"status": status, "stderr": stderr, "new": new}


def assert_unreachable(port: int) -> None:
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def replay(*args: str) -> tuple[int, str]:
    result = run_cli("migrate", "--from-warc", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def masked(path: Path, run_id: str, out: Path) -> str:
    # The run id, not the original run's id in the names of the WARCs both exports hold.
    text = re.sub(rf"(?<!belong-){re.escape(run_id)}", "RUN", path.read_text(encoding="utf-8"))
    text = STATE_DB.sub("DB", text.replace(str(out), "OUT"))
    text = ISO_TIME.sub("TIME", text)
    return REFERER.sub('"referer": R', text)


def export_files(out: Path) -> dict[str, Path]:
    return {str(p.relative_to(out)): p for p in out.rglob("*") if p.is_file()}


def test_replayed_export_equals_the_live_one(live, replayed_first) -> None:
    first, new = live["first"], replayed_first["new"]
    status, stderr = replayed_first["status"], replayed_first["stderr"]
    assert status == 0, stderr
    count = len(warc_files(first / "archive"))
    assert count >= 2  # WARC_MAX_SIZE rotated the files
    assert f"replaying {count} WARC file(s) from {live['origin']}/" in stderr  # start URL
    old_files, new_files = export_files(first), export_files(new)
    assert sorted(old_files) == sorted(new_files)
    # The same WARC files, linked in, not written again: provenance points at them.
    warcs = [name for name in old_files if name.endswith(".warc.gz")]
    assert len(warcs) == count
    for name in warcs:
        assert new_files[name].stat().st_ino == old_files[name].stat().st_ino
    differ = {n for n in old_files if old_files[n].read_bytes() != new_files[n].read_bytes()}
    assert differ <= RUN_FILES, differ  # records, renderings, provenance, index: identical
    assert {"manifest.json", "report.json", "changes.json"} <= differ
    old_run, new_run = (json.loads((o / "manifest.json").read_text())["run_id"]
                        for o in (first, new))  # fmt: skip
    old_manifest = json.loads(masked(first / "manifest.json", old_run, first))
    new_manifest = json.loads(masked(new / "manifest.json", new_run, new))
    # The one inherent difference: this run wrote no WARC record (docs/archive.md).
    this_run = old_manifest["archive"]["this_run"]
    assert this_run["responses"] == old_manifest["archive"]["responses"] > 100
    assert new_manifest["archive"]["this_run"] == dict.fromkeys(this_run, 0)
    new_manifest["archive"]["this_run"] = this_run
    for name in RUN_FILES | {"manifest.json"}:  # their hashes and sizes follow the run id
        old_manifest["files"].pop(name, None)
        new_manifest["files"].pop(name, None)
    assert new_manifest == old_manifest
    for name in RUN_FILES - {"manifest.json", "SHA256SUMS"}:
        assert masked(new / name, new_run, new) == masked(first / name, old_run, first), name
    # Every file with the same bytes has the same checksum line.
    sums = [dict(line.split("  ", 1)[::-1] for line in (o / "SHA256SUMS").read_text().splitlines())
            for o in (first, new)]  # fmt: skip
    assert sorted(sums[0]) == sorted(sums[1])
    assert all(sums[0][n] == sums[1][n] for n in sums[0] if n not in differ)
    assert run_cli("verify", str(new)).returncode == 0


def test_retried_urls_answer_in_capture_order(replayed_first) -> None:
    """A fail-once page was captured as a 5xx, then as the 200 of the retry: replayed,
    it takes two attempts again and gives its record."""
    new = replayed_first["new"]
    assert replayed_first["status"] == 0, replayed_first["stderr"]
    entries = {e["url"]: e for e in json.loads((new / "ledger.json").read_text())["entries"]}
    for target in FAIL_ONCE:
        entry = next(e for url, e in entries.items() if url.endswith(target))
        assert entry["attempts"] == 2 and entry["outcome"] in ("record", "page"), entry


def test_recrawled_archive_replays_the_latest_run_through_revisits(live) -> None:
    """The folder of two runs: each URL answers as the latest run got it, so revisit
    records answer with the payload of the first run's record they refer to."""
    files = warc_files(live["out"] / "archive")
    contents = contents_of(files)
    crawler = get_crawler(settings_dict={FILES_SETTING: [str(p) for p in files]})
    handler = ReplayDownloadHandler(crawler)
    first_bodies = payloads(warc_files(live["first"] / "archive"))
    url = next(u for u, events in contents.events.items() if events[-1].kind == "revisit")
    assert all(e.kind == "revisit" for e in contents.events[url])
    response = asyncio.run(handler.download_request(Request(url)))
    assert response.status == 200
    assert response.body == first_bodies[url][-1]


def test_recrawled_folder_rebuilds_the_latest_export(live, tmp_path) -> None:
    """The whole export from the two runs' folder: the records, renderings and
    provenance of the second live export (its captures are revisits of the first's, its
    media requests were conditional and got 304s: this run's are not, and get the
    first run's 200s)."""
    new = tmp_path / "new"
    status, stderr = replay(str(live["out"] / "archive"), "--out", str(new))
    assert status == 0, stderr
    for name in LATEST_EXPORT:
        assert (new / name).read_bytes() == (live["out"] / name).read_bytes(), name
    facts = json.loads((new / "manifest.json").read_text())["archive"]
    live_facts = json.loads((live["out"] / "manifest.json").read_text())["archive"]
    assert facts["revisits"] == live_facts["revisits"] > 50
    assert facts["this_run"]["revisits"] == 0 < live_facts["this_run"]["revisits"]


def payloads(files: list[Path]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for path in files:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    found.setdefault(url, []).append(record.raw_stream.read())
    return found


def test_fetch_errors_and_repeats_replay_in_order(tmp_path) -> None:
    """A timeout recorded then a 200: the first request fails with the recorded error, of
    the class the retry middleware retries; the next gets the 200, and so does any later one. A URL
    without a capture fails as not in the archive."""
    writer = RotatingWarcWriter(tmp_path, "20260101T000000Z-00000000")
    url = "http://127.0.0.1:9/slow.php"
    recorded = (
        "DownloadTimeoutError: Getting http://127.0.0.1:9/slow.php took longer than 30.0 seconds."
    )
    writer.write_fetch_error(url, recorded)
    body = b"\x1f\x8b compressed bytes as sent"
    writer.write_exchange(Exchange(url, 200, [("Content-Encoding", "gzip")], body))
    writer.close()
    crawler = get_crawler(settings_dict={FILES_SETTING: [str(p) for p in writer.files]})
    handler = ReplayDownloadHandler(crawler)
    with pytest.raises(DownloadTimeoutError) as failed:
        asyncio.run(handler.download_request(Request(url)))
    assert f"{type(failed.value).__name__}: {failed.value}" == recorded
    for _ in range(2):
        response = asyncio.run(handler.download_request(Request(url)))
        assert (response.status, response.body) == (200, body)
        assert response.headers[b"Content-Encoding"] == b"gzip"
    with pytest.raises(NotInArchive, match="not in the archive"):
        asyncio.run(handler.download_request(Request("http://127.0.0.1:9/other.php")))


def gzip_members(path: Path) -> list[tuple[str, str | None, bytes]]:
    """(record type, target URI, the record's own gzip member) of each record."""
    raw = path.read_bytes()
    members = []
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            kind, uri = record.rec_type, record.rec_headers.get_header("WARC-Target-URI")
            iterator.read_to_end(record)
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            members.append((kind, uri, raw[offset : offset + length]))
    return members


def test_url_missing_from_the_archive_fails_with_its_reason(live, tmp_path) -> None:
    """The archive without one article's captures, given as a list of files: that URL is
    failed in the ledger as not in the archive, and the run goes on."""
    missing = "/news.php?id=12"
    copies = []
    for path in warc_files(live["first"] / "archive"):
        kept = [m for kind, uri, m in gzip_members(path) if not (uri or "").endswith(missing)]
        copy = tmp_path / "warcs" / path.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(b"".join(kept))
        copies.append(str(copy))
    new = tmp_path / "new"
    status, stderr = replay(*copies, "--out", str(new))
    assert status == 1, stderr  # incomplete: one page failed
    entries = json.loads((new / "ledger.json").read_text())["entries"]
    entry = next(e for e in entries if e["url"].endswith(missing))
    assert entry["outcome"] == "failed"
    assert entry["reason"].startswith("NotInArchive: not in the archive: http://")
    articles = {a["id"] for a in json.loads((new / "articles.json").read_text())}
    live_articles = {a["id"] for a in json.loads((live["first"] / "articles.json").read_text())}
    assert "article-12" not in articles and len(articles) >= len(live_articles) - 1


def inside_a_record(path: Path, near: int) -> int:
    """An offset in the middle of the record that spans ``near``: a cut there damages a
    record (a cut that fell between two gzip members would leave a whole, shorter file)."""
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        offsets = [records.get_record_offset() for _ in records]
    offsets.append(path.stat().st_size)
    start, end = next((a, b) for a, b in itertools.pairwise(offsets) if b > near)
    return start + max(1, (end - start) // 2)


def test_cut_warc_is_used_up_to_the_damage_and_reported(live, tmp_path) -> None:
    folder = tmp_path / "warcs"
    shutil.copytree(live["first"] / "archive", folder)
    last = warc_files(folder)[-1]
    data = last.read_bytes()
    last.write_bytes(data[: inside_a_record(last, len(data) // 2)])
    status, stderr = replay(str(folder), "--out", str(tmp_path / "new"))
    warnings = [line for line in stderr.splitlines() if "damaged" in line]
    assert len(warnings) == 1 and warnings[0].startswith("belong-scraper: warning: ")
    assert last.name in warnings[0]
    assert status in (0, 1) and (tmp_path / "new" / "articles.json").exists()


def test_unreadable_archive_is_one_line_error(tmp_path) -> None:
    garbage = tmp_path / "x.warc.gz"
    garbage.write_bytes(b"this is not a WARC file\n" * 10)
    status, stderr = replay(str(garbage), "--out", str(tmp_path / "new"))
    assert status == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("belong-scraper: nothing to replay in 1 WARC file(s): ")
    status, stderr = replay(str(tmp_path / "nowhere"), "--out", str(tmp_path / "new"))
    assert status == 2 and "no such WARC file or folder" in stderr


def test_capture_over_the_size_bound_is_stopped_again(tmp_path) -> None:
    """A page archived truncated at PAGE_MAX_BYTES: replayed, the limits middleware stops
    it from the bytes_received signal as it did live, and it fails as TooLarge."""
    writer = RotatingWarcWriter(tmp_path, "20260101T000000Z-00000000")
    url = "http://127.0.0.1:9/big.php"
    writer.write_exchange(Exchange(url, 200, [("Content-Type", "text/html")], b"x" * 2048,
                                   truncated="length"))  # fmt: skip
    writer.close()
    settings = {FILES_SETTING: [str(p) for p in writer.files], "PAGE_MAX_BYTES": 1024,
                "SITE_PROFILE": "legacy"}  # fmt: skip
    crawler = get_crawler(settings_dict=settings)
    limits = ResponseSizeMiddleware.from_crawler(crawler)
    request = Request(url)
    limits.process_request(request)
    response = asyncio.run(ReplayDownloadHandler(crawler).download_request(request))
    assert "download_stopped" in response.flags
    with pytest.raises(TooLarge, match="limit 1024"):
        limits.process_response(request, response)
