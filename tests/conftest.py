"""Shared fixtures: the fixture sites served on loopback and a CLI runner."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from belong_scraper.fixture_server import FixtureServer
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.urls import Origin

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SITE = FIXTURES / "site"
HOLDOUT = FIXTURES / "holdout-site"
# Loopback crawls: no politeness delay against our own server.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="session")
def profile() -> SiteProfile:
    return load_profile()


@pytest.fixture(scope="session")
def origin(profile: SiteProfile) -> Origin:
    return Origin.from_url("http://127.0.0.1:8000/", profile)


@pytest.fixture
def fixture_site() -> Iterator[FixtureServer]:
    """The bundled snapshot on a free loopback port (fresh: fail-once pages fail again)."""
    with FixtureServer(SITE) as server:
        yield server


@pytest.fixture
def holdout_site() -> Iterator[FixtureServer]:
    with FixtureServer(HOLDOUT) as server:
        yield server


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the belong-scraper command for real, in its own process (Twisted's reactor
    cannot be restarted within one process)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "belong_scraper.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def migrate(server: FixtureServer, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(
        "migrate", "--start-url", server.origin + "/", "--out", str(out), *FAST, *extra
    )
    return result


def load_export(out: Path) -> dict[str, list[dict]]:
    return {
        name: json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("articles", "partners", "clusters", "pages")
    }


@pytest.fixture(scope="session")
def migrated_export(tmp_path_factory) -> Path:
    """One full migration of the fixture site, shared by tests that read its outputs."""
    out = tmp_path_factory.mktemp("migrated") / "out"
    with FixtureServer(SITE) as server:
        result = migrate(server, out)
    assert result.returncode == 0, result.stderr
    return out


PG_URL = os.environ.get("BELONG_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty state database on each back end: a SQLite file, or a new database
    on the real PostgreSQL server that .ci/run starts (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/state.sqlite"
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("BELONG_TEST_PG_URL is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip("no PostgreSQL here: set BELONG_TEST_PG_URL (.ci/postgres.sh prints one)")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from belong_scraper.state.store import _normalise_url

    admin_url = make_url(_normalise_url(PG_URL))
    name = f"belong_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def holdout_export(tmp_path_factory) -> Path:
    """One full migration of the holdout site (never used to tune the extractors)."""
    out = tmp_path_factory.mktemp("holdout") / "out"
    with FixtureServer(HOLDOUT) as server:
        result = migrate(server, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session", params=["fixture-site", "holdout-site"])
def any_export(request) -> Path:
    """Each migrated site in turn: checks that must hold on a site never seen too."""
    name = "migrated_export" if request.param == "fixture-site" else "holdout_export"
    return request.getfixturevalue(name)


def unlink_article(site: Path, article_id: int) -> None:
    """Leave the article's page served (200) but take every link to it off the site."""
    link = re.compile(
        rf'<a\b[^>]*href="[^"]*(?:id={article_id}|news/{article_id})(?:[&#][^"]*)?"[^>]*>'
        r"(.*?)</a>",
        re.DOTALL,
    )
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            path.write_text(link.sub(r"\1", text), encoding="utf-8", errors="surrogateescape")
