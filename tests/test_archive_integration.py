"""The capture middleware inside a real Scrapy crawl, where transport details matter: a
gzip'd, chunked page (stored compressed, as sent), timeouts (metadata records), and the
archive facts the export step counts in the crawl process, in the manifest."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive import verify
from belong_scraper.archive.index import read_index, warc_files
from tests.conftest import FAST, run_cli

HOME = (
    b"<!DOCTYPE html><html><head><meta charset='windows-1252'><title>Caf\xe9</title></head>"
    b"<body><p>Before<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/index.php"
    b"</b> on line <b>3</b><br />\nafter</p><a href='/slow.php'>slow</a></body></html>"
)
GZIPPED_HOME = gzip.compress(HOME, mtime=0)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on /slow.php

    def _answer(self) -> None:
        if self.path == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(GZIPPED_HOME), 40):
                chunk = GZIPPED_HOME[start : start + 40]
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path == "/slow.php":
            time.sleep(2.5)  # longer than DOWNLOAD_TIMEOUT
        body = b"not here"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def transport_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_transport_details_and_in_process_finish(transport_server: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    home_url = transport_server + "/"
    result = run_cli(
        "migrate", "--start-url", transport_server + "/", "--out", str(out), *FAST,
        "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1",
        timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    facts = json.loads((out / "manifest.json").read_text())["archive"]
    files = warc_files(out / "archive")
    records = []
    for path in files:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                records.append((record, record.raw_stream.read()))
    kinds = [r.rec_type for r, _ in records]
    # Facts counted in the crawl process match what is on disk: nothing was written
    # after finish_archive closed the files, and the index covers every capture.
    assert facts["this_run"]["responses"] == kinds.count("response") > 0
    assert facts["this_run"]["fetch_errors"] == kinds.count("metadata") == 2
    assert len(read_index(out / "archive" / "index.cdxj")) == facts["captures"]
    assert verify(out).ok  # SHA256SUMS written in the crawl and still true after it
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    (home, payload), *_ = [
        (r, p)
        for r, p in records
        if r.rec_type == "response" and r.rec_headers.get_header("WARC-Target-URI") == home_url
    ]
    assert payload == GZIPPED_HOME  # as sent: still gzip'd, chunking undone
    assert home.http_headers.get_header("Content-Encoding") == "gzip"
    assert home.http_headers.get_header("Transfer-Encoding") is None
    assert home.http_headers.get_header("Content-Length") == str(len(GZIPPED_HOME))
    assert gzip.decompress(payload) == HOME
    timeouts = [p for r, p in records if r.rec_type == "metadata"]
    assert all(p.startswith(b"fetch-error: ") and b"Timeout" in p for p in timeouts)
    provenance = json.loads((out / "provenance.json").read_text())["records"]
    assert provenance["page-home"]["payload_digest"] == home.rec_headers.get_header(
        "WARC-Payload-Digest"
    )
