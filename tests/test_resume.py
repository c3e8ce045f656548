"""`migrate --resume` after SIGKILL or SIGINT ends with the export of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from belong_scraper.fixture_server import FixtureServer
from tests.conftest import ROOT, SITE, migrate

COMPARED = [
    *(
        f"{n}.{e}"
        for n in ("articles", "partners", "clusters", "pages", "assets")
        for e in ("json", "csv")
    ),
    "redirects.csv",
    "wordpress.xml",
]


def start(server: FixtureServer, out: Path) -> subprocess.Popen:
    """A slow migration (one request at a time, 50 ms apart) we can interrupt mid-crawl."""
    return subprocess.Popen(
        [sys.executable, "-m", "belong_scraper.cli", "migrate", "--start-url",
         server.origin + "/", "--out", str(out), "-s", "DOWNLOAD_DELAY=0.05",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip


def wait_for_requests(server: FixtureServer, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(server.log) < count:
        assert time.monotonic() < deadline, "the crawl did not get going"
        time.sleep(0.05)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "sigint"])
def test_resume_gives_the_uninterrupted_export(tmp_path: Path, how: signal.Signals) -> None:
    with FixtureServer(SITE) as server:
        reference = migrate(server, tmp_path / "reference")
        assert reference.returncode == 0, reference.stderr
        uninterrupted_requests = len(server.log)
        server.log.clear()

        out = tmp_path / "out"
        process = start(server, out)
        wait_for_requests(server, 40)
        process.send_signal(how)
        _, stderr = process.communicate(timeout=120)
        if how == signal.SIGINT:
            assert process.returncode == 130, stderr
            assert "--resume" in stderr and "Traceback" not in stderr
        assert not (out / "articles.json").exists()  # nothing half-written
        before_resume = len(server.log)
        assert before_resume < uninterrupted_requests

        resumed = migrate(server, out, "--resume")
        assert resumed.returncode == 0, resumed.stderr
        # Pages fetched before the interruption were replayed from the job, not refetched.
        assert len(server.log) - before_resume < uninterrupted_requests
    for name in COMPARED:
        assert (out / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
    assert not (tmp_path / "out.job").exists()


def test_resume_without_an_interrupted_run_is_a_usage_error(tmp_path: Path) -> None:
    with FixtureServer(SITE) as server:
        result = migrate(server, tmp_path / "out", "--resume")
    assert result.returncode == 2 and "nothing to resume" in result.stderr
