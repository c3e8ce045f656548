"""Shared fixtures: the fixture sites served on loopback and a CLI runner."""

from __future__ import annotations

import json
import os
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
def state_url(request, tmp_path: Path) -> str:
    """A fresh, empty state database on each back end (.ci/run starts PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/state.sqlite"
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("BELONG_TEST_PG_URL is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip("no PostgreSQL here: set BELONG_TEST_PG_URL (.ci/postgres.sh prints one)")
    from sqlalchemy import create_engine, text

    from belong_scraper.state.store import _normalise_url

    engine = create_engine(_normalise_url(PG_URL))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL


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
