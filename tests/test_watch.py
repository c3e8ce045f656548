"""`belong-scraper watch`, the cron job, on SQLite and on a real PostgreSQL.

Migrate version A, then serve version B: watch prints exactly the new and the edited post,
POSTs them to a loopback receiver, writes an Atom feed; a second run prints nothing.
"""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import pytest

from belong_scraper.fixture_server import FixtureServer
from belong_scraper.state import StateStore
from tests.conftest import (
    FIXTURES,
    ON_VERSION_A,
    SITE,
    VersionA,
    free_port,
    run_cli,
    version_a,
    version_a_copy,
)

SITE_B = FIXTURES / "site-b"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


class Receiver:
    """A loopback HTTP endpoint that records the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        self.payloads: list[dict] = []
        received = self.payloads

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def watch(origin: str, db: str, *extra: str, fresh: bool = False):
    return run_cli("watch", "--start-url", origin + "/", "--db", db, *FAST, *extra, fresh=fresh)


@pytest.fixture(scope="session")
def migrated_a_sqlite(tmp_path_factory) -> VersionA:
    """Version A migrated into a SQLite state and watched once, for the test run
    (conftest's `version_a`, shared with the incremental tests)."""
    return version_a(tmp_path_factory, "sqlite")


# The tests on a copy of version A serve on its port: one worker for them and the
# incremental tests (conftest groups by fixtures a test names; these are asked for by name
# below).
ON_MIGRATED_A = ON_VERSION_A


@pytest.fixture(scope="session")
def migrated_a_postgresql(tmp_path_factory) -> VersionA:
    """The same on PostgreSQL: the database each PostgreSQL test's state is copied from."""
    return version_a(tmp_path_factory, "postgresql")


@pytest.fixture
def migrated_a(request, tmp_path: Path, state_url: str):
    """Version A migrated and watched once, in a state of this test's own: a copy of the
    run's state on the same back end (the SQLite file, or the PostgreSQL database)."""
    shared = version_a_copy(request, state_url, "migrated_a", "watched")
    return shared.port, state_url, shared.quiet


@ON_MIGRATED_A
def test_nothing_new_on_the_migrated_site_is_quiet(migrated_a) -> None:
    _, _, quiet = migrated_a
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


@ON_MIGRATED_A
def test_watch_reports_version_b_exactly(migrated_a, tmp_path: Path) -> None:
    port, db, _ = migrated_a
    receiver = Receiver()
    atom = tmp_path / "new-posts.atom"
    try:
        with FixtureServer(SITE_B, port=port) as server:
            first = watch(server.origin, db, "--notify", receiver.url, "--atom", str(atom))
            log = [r.target for r in server.log]
            second = watch(server.origin, db, "--notify", receiver.url)
    finally:
        receiver.close()
    assert first.returncode == 0, first.stderr
    origin = f"http://127.0.0.1:{port}"
    assert first.stdout.splitlines() == [
        "updated article-55 Opportunity: Call for Regions to Join the Intercultural Regions "
        f"Network (extended) {origin}/news.php?id=55",
        "new article-60 EU-Belong Legacy: the Intercultural Regions Network Continues "
        f"{origin}/news.php?id=60",
    ]
    # Cheap: the feed, the first listing page, and only the two articles it reports.
    articles = sorted(t for t in log if t.startswith("/news.php?id="))
    assert articles == ["/news.php?id=55", "/news.php?id=60"]
    assert len(log) <= 6, log
    # Quiet and exit 0 the second time: the state remembers what was reported.
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    assert len(receiver.payloads) == 1
    payload = receiver.payloads[0]
    assert [(p["change"], p["id"]) for p in payload["posts"]] == [
        ("updated", "article-55"),
        ("new", "article-60"),
    ]
    assert payload["posts"][1]["published"] == "2025-07-08"
    feed = ElementTree.parse(atom).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles[1] == "EU-Belong Legacy: the Intercultural Regions Network Continues"


@ON_MIGRATED_A
def test_json_lines(migrated_a) -> None:
    port, db, _ = migrated_a
    with FixtureServer(SITE_B, port=port) as server:
        result = watch(server.origin, db, "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["change"], x["id"]) for x in lines] == [
        ("updated", "article-55"),
        ("new", "article-60"),
    ]


@ON_MIGRATED_A
def test_a_second_overlapping_run_says_so_and_exits(migrated_a) -> None:
    port, db, _ = migrated_a
    store = StateStore(db)
    try:
        with store.lock(), FixtureServer(SITE_B, port=port) as server:
            result = watch(server.origin, db)
            assert result.returncode == 75
            assert "another run" in result.stderr and result.stdout == ""
            assert not server.log  # it did not even start crawling
    finally:
        store.close()


def test_failure_is_an_error_status(tmp_path: Path) -> None:
    result = watch(f"http://127.0.0.1:{free_port()}", f"sqlite:///{tmp_path}/s.sqlite")
    assert result.returncode != 0 and result.stderr.startswith("belong-scraper:")


@ON_MIGRATED_A
def test_a_refused_notification_is_retried_next_run(migrated_a) -> None:
    port, db, _ = migrated_a
    dead = f"http://127.0.0.1:{free_port()}/hook"
    with FixtureServer(SITE_B, port=port) as server:
        failed = watch(server.origin, db, "--notify", dead)
        again = watch(server.origin, db)
    assert failed.returncode == 1 and "notification" in failed.stderr
    assert len(again.stdout.splitlines()) == 2  # nothing was lost


def slow_listing(site: Path, copy: Path) -> Path:
    """The site with its first listing page answering late: the feed's article requests
    always go first, and the listing's requests for the same articles are duplicates."""
    shutil.copytree(site, copy)
    spec = json.loads((copy / "routes.json").read_text(encoding="utf-8"))
    for route in spec["routes"]:
        if route["path"] == "/news.php" and not route.get("query"):
            route["delay"] = 1.0
    (copy / "routes.json").write_text(json.dumps(spec), encoding="utf-8")
    return copy


def test_a_state_started_by_watch_alone_still_sees_edits(tmp_path: Path, state_url: str) -> None:
    """No migration first: the silent first run is the baseline, teasers included, even
    for articles the feed asked for before the listing did."""
    port = free_port()
    site_a, site_b = slow_listing(SITE, tmp_path / "a"), slow_listing(SITE_B, tmp_path / "b")
    with FixtureServer(site_a, port=port) as server:
        baseline = watch(server.origin, state_url, fresh=True)  # compared with below
    assert (baseline.returncode, baseline.stdout) == (0, "")
    with FixtureServer(site_b, port=port) as server:
        first = watch(server.origin, state_url)
        second = watch(server.origin, state_url)
    assert first.returncode == 0, first.stderr
    assert [line.split(" ", 2)[:2] for line in first.stdout.splitlines()] == [
        ["updated", "article-55"],
        ["new", "article-60"],
    ]
    assert (second.returncode, second.stdout) == (0, "")
