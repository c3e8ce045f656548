"""Secrets never reach the export: start-URL credentials are sent as HTTP Basic auth to
that host and written nowhere; credential request headers are redacted in the WARCs."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

from conftest import FAST, SITE, load_export, run_cli
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive.index import warc_files
from belong_scraper.archive.middleware import WarcCaptureMiddleware
from belong_scraper.archive.warc import REDACTED, redact_request_headers
from belong_scraper.cli import split_credentials
from belong_scraper.fixture_server import FixtureServer

USER, PASSWORD = "migrator", "Tr0ub4dor&3-s3cret"
TOKEN, COOKIE, API_KEY = "tok-9f8e7d6c5b4a", "PHPSESSID=ab12cd34ef56", "key-0a1b2c3d4e"


def test_split_credentials_strips_userinfo_and_scopes_auth_to_the_host() -> None:
    url, auth = split_credentials("https://us%40er:p%3Ass@eu-belong.example:8443/news.php?id=1")
    assert url == "https://eu-belong.example:8443/news.php?id=1"
    assert (auth["HTTPAUTH_USER"], auth["HTTPAUTH_PASS"]) == ("us@er", "p:ss")
    assert auth["HTTPAUTH_DOMAIN"] == "eu-belong.example:8443"
    assert "p:ss" not in repr(auth)  # Scrapy logs overridden settings with repr (-v)
    assert split_credentials("http://example.org/") == ("http://example.org/", {})
    assert split_credentials("http://@example.org/")[1] == {}


def test_credential_request_headers_are_redacted_response_headers_kept(tmp_path: Path) -> None:
    request = Request(
        "http://127.0.0.1:9/",
        headers={"Authorization": "Basic c2VjcmV0", "Cookie": COOKIE, "X-Api-Key": API_KEY,
                 "Proxy-Authorization": "Basic cHJveHk=", "Accept": "text/html"},
    )  # fmt: skip
    response = Response(request.url, headers={"Set-Cookie": COOKIE}, body=b"<p>hi</p>",
                        request=request)  # fmt: skip
    middleware = WarcCaptureMiddleware(tmp_path, "run-1")
    middleware.process_response(request, response)
    middleware.close()
    kinds = {}
    for path in warc_files(tmp_path / "archive"):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                kinds[record.rec_type] = record
                if record.rec_type == "warcinfo":
                    assert b"redact" in record.content_stream().read()
    sent = kinds["request"].http_headers
    for name in ("Authorization", "Cookie", "X-Api-Key", "Proxy-Authorization"):
        assert sent.get_header(name) == REDACTED
    assert sent.get_header("Accept") == "text/html"
    assert kinds["response"].http_headers.get_header("Set-Cookie") == COOKIE
    assert redact_request_headers([("X-Auth-Token", "t"), ("Referer", "r")]) == [
        ("X-Auth-Token", REDACTED),
        ("Referer", "r"),
    ]


def _every_file_text(folder: Path) -> dict[Path, bytes]:
    """Every file's bytes, .warc.gz and other gzip files decompressed."""
    texts = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts[path] = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return texts


def test_credentials_in_the_start_url_authenticate_and_are_written_nowhere(
    tmp_path: Path, migrated_export: Path
) -> None:
    out = tmp_path / "out"
    headers = json.dumps({"X-Api-Key": API_KEY, "Cookie": COOKIE})
    with FixtureServer(SITE) as server:
        start = server.origin.replace("http://", f"http://{USER}:{PASSWORD}@") + "/"
        result = run_cli("migrate", "--start-url", start, "--out", str(out), *FAST, "-v",
                         "-s", f"DEFAULT_REQUEST_HEADERS={headers}")  # fmt: skip
        log = list(server.log)
    assert result.returncode == 0, result.stderr[-2000:]
    # Used as HTTP Basic auth on every request to the site.
    basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert log and all(entry.headers.get("Authorization") == basic for entry in log)
    assert all(entry.headers.get("X-Api-Key") == API_KEY for entry in log)
    # The crawl is the same as without credentials.
    clean = load_export(migrated_export)
    got = load_export(out)
    for kind, records in clean.items():
        assert {r["id"] for r in records} <= {r["id"] for r in got[kind]}, kind
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["start_url"] == server.origin + "/"
    # Written nowhere: not in the export, its archive, the state database, or the output.
    secrets = [PASSWORD, basic.split()[1], API_KEY, COOKIE.split("=")[1]]
    state = out.parent / "out.state.sqlite"
    files = {**_every_file_text(out), state: state.read_bytes()}
    for secret in secrets:
        assert not [p for p, data in files.items() if secret.encode() in data], secret
        assert secret not in result.stderr and secret not in result.stdout
    assert f"{USER}:".encode() not in b"".join(files.values())
    requests = [data for p, data in files.items() if p.name.endswith(".warc.gz")]
    assert requests and all(b"Authorization: " + REDACTED.encode() in d for d in requests)


def test_a_start_url_with_only_a_user_name_still_runs(tmp_path: Path) -> None:
    with FixtureServer(SITE) as server:
        start = server.origin.replace("http://", "http://visitor@") + "/news.php"
        result = run_cli("migrate", "--start-url", start, "--out", str(tmp_path / "out"),
                         *FAST, "-s", "CLOSESPIDER_PAGECOUNT=3", "--no-warc")  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "visitor@" not in (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
