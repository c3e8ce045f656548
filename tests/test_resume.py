"""`migrate --resume` after SIGKILL or SIGINT ends with the export of an uninterrupted run."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from belong_scraper.fixture_server import FixtureServer
from tests.conftest import SITE, SiteRun, StartedCli, migrate, start_cli

COMPARED = [
    *(
        f"{n}.{e}"
        for n in ("articles", "partners", "clusters", "pages", "assets")
        for e in ("json", "csv")
    ),
    "redirects.csv",
    "wordpress.xml",
]


def start(server: FixtureServer, out: Path) -> StartedCli:
    """A slow migration (one request at a time, 50 ms apart) we can interrupt mid-crawl."""
    return start_cli("migrate", "--start-url", server.origin + "/", "--out", str(out),
                     "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False",
                     "-s", "CONCURRENT_REQUESTS=1")  # fmt: skip


def wait_for_requests(server: FixtureServer, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(server.log) < count:
        assert time.monotonic() < deadline, "the crawl did not get going"
        time.sleep(0.05)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "sigint"])
def test_resume_gives_the_uninterrupted_export(
    tmp_path: Path, how: signal.Signals, migrated_run: SiteRun
) -> None:
    # The uninterrupted reference is the session's plain run, on the server it ran on.
    reference, server = migrated_run.out, migrated_run.server
    assert migrated_run.result.returncode == 0, migrated_run.result.stderr
    uninterrupted_requests = len(migrated_run.log)
    server.log.clear()

    out = tmp_path / "out"
    process = start(server, out)
    wait_for_requests(server, 40)
    process.send_signal(how)
    stopped = process.wait(timeout=120)
    if how == signal.SIGINT:
        assert stopped.returncode == 130, stopped.stderr
        assert "--resume" in stopped.stderr and "Traceback" not in stopped.stderr
    assert not (out / "articles.json").exists()  # nothing half-written
    before_resume = len(server.log)
    assert before_resume < uninterrupted_requests
    # The responses so far are rows of one SQLite file (its write-ahead log beside it),
    # whole after the kill: a row per response, not a folder of files each.
    cache = tmp_path / "out.job" / "httpcache"
    assert {p.name for p in cache.iterdir()} <= {f"site.sqlite{x}" for x in ("", "-wal", "-shm")}
    with sqlite3.connect(cache / "site.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM responses").fetchone()[0] >= 20

    resumed = migrate(server, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    # Pages fetched before the interruption were replayed from the job, not refetched.
    assert len(server.log) - before_resume < uninterrupted_requests
    for name in COMPARED:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert not (tmp_path / "out.job").exists()
    assert_archive_complete(out)


def assert_archive_complete(out: Path) -> None:
    """The interrupted run's WARC and the resumed run's together hold every record's page:
    replayed pages were not captured twice, and every file passes `warcio check`."""
    from warcio.archiveiterator import ArchiveIterator

    from belong_scraper.archive.index import warc_files

    files = warc_files(out / "archive")
    assert len(files) == 2  # one per run
    check = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check",
                            *map(str, files)], capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    targets = []
    for path in files:
        with open(path, "rb") as handle:
            targets += [
                (r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode())
                for r in ArchiveIterator(handle)
                if r.rec_type == "response"
            ]
    provenance = json.loads((out / "provenance.json").read_text())["records"]
    assert provenance and all(entry is not None for entry in provenance.values())
    # Captured once: a page replayed from the job is not written again (the fail-once
    # pages have two captures, a 5xx and a 200, each once).
    assert len(targets) == len(set(targets))


def test_resume_without_an_interrupted_run_is_a_usage_error(tmp_path: Path) -> None:
    with FixtureServer(SITE) as server:
        result = migrate(server, tmp_path / "out", "--resume")
    assert result.returncode == 2 and "nothing to resume" in result.stderr
