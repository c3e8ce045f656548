"""The belong-scraper command as a user meets it: errors are one line, statuses mean something."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from belong_scraper.fixture_server import FixtureServer
from tests.conftest import FAST, ROOT, SITE, free_port, load_export, migrate, run_cli


def test_unreachable_origin_is_one_line_and_status_3(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    result = run_cli("migrate", "--start-url", f"http://127.0.0.1:{port}/", "--out", str(tmp_path))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("belong-scraper: cannot reach")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_is_status_4(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = run_cli("migrate", "--start-url", "http://127.0.0.1:1/", "--out", str(locked / "x"))
    assert result.returncode == 4 and "not writable" in result.stderr


def test_output_on_a_read_only_filesystem_is_status_4() -> None:
    """/sys refuses new folders even to root (CI runs as root)."""
    result = run_cli("migrate", "--start-url", "http://127.0.0.1:1/", "--out", "/sys/belong-out")
    assert result.returncode == 4
    assert "not writable" in result.stderr and "Traceback" not in result.stderr


def test_a_second_migrate_on_a_held_state_says_so_and_exits_75(tmp_path: Path) -> None:
    from belong_scraper.state import StateStore

    db = f"sqlite:///{tmp_path / 'state.sqlite'}"
    store = StateStore(db)
    try:
        with store.lock(), FixtureServer(SITE, port=free_port()) as server:
            result = run_cli(
                "migrate", "--start-url", server.origin + "/", "--out", str(tmp_path / "out"),
                "--db", db,
            )  # fmt: skip
            assert result.returncode == 75
            assert "another run" in result.stderr and "Traceback" not in result.stderr
            assert result.stderr.strip().count("\n") == 0
            assert not server.log  # it did not touch the site
            assert not (tmp_path / "out" / "manifest.json").exists()
    finally:
        store.close()


def test_output_path_that_is_a_file_is_status_4(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("migrate", "--start-url", "http://127.0.0.1:1/", "--out", str(blocker / "out"))
    assert result.returncode == 4
    assert "not writable" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["migrate", "--start-url", "ftp://example.org/"], "must be an http(s) URL"),
        (["migrate", "--start-url", "http://127.0.0.1:1/", "-s", "NOVALUE"], "NAME=VALUE"),
        (["migrate"], "needs --start-url"),
        (["migrate", "--start-url", "http://127.0.0.1:1/", "--db", "nosuchdb://x"],
         "cannot open state database"),
        (["migrate", "--start-url", "http://127.0.0.1:1/", "--profile", "/nonexistent.toml"],
         "no site profile"),
    ],
)  # fmt: skip
def test_usage_errors_are_status_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_cli(*args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_demo_serves_the_snapshot_and_migrates_it(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_cli("migrate", "--demo", "--out", str(out), "--port", str(free_port()))
    assert result.returncode == 0, result.stderr
    assert "records from" in result.stderr
    assert len(load_export(out)["articles"]) >= 30


def test_state_database_records_the_run_and_every_record(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    with FixtureServer(SITE) as server:
        result = migrate(server, tmp_path / "out", "--db", f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    export = load_export(tmp_path / "out")
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        runs = conn.execute(text("select id, status, counts from runs")).all()
        records = dict(conn.execute(text("select id, content_sha256 from records")).all())
        pages = conn.execute(text("select count(*) from fetched_pages")).scalar()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [(r.id, r.status) for r in runs] == [(manifest["run_id"], "complete")]
    assert records == {r["id"]: r["content_sha256"] for rs in export.values() for r in rs}
    assert pages >= manifest["pages_fetched"]


def test_scrapy_crawl_keeps_working(tmp_path: Path) -> None:
    out = tmp_path / "scrapy-out"
    with FixtureServer(SITE) as server:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"start_url={server.origin}/",
             "-s", f"EXPORT_DIR={out}", "-s", f"STATE_DB_URL=sqlite:///{tmp_path}/s.sqlite",
             *FAST, "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(load_export(out)["articles"]) >= 30


def test_a_profile_missing_a_watch_key_is_refused_in_one_line(tmp_path: Path) -> None:
    """A sister profile without [watch] fails at once, never falls back to EU-Belong paths."""
    text = (ROOT / "belong_scraper" / "profiles" / "legacy.toml").read_text(encoding="utf-8")
    profile = tmp_path / "sister.toml"
    profile.write_text(text.replace('feed = "/rss.php"\n', ""), encoding="utf-8")
    result = run_cli(
        "migrate", "--start-url", "http://127.0.0.1:1/", "--out", str(tmp_path / "out"),
        "--profile", str(profile),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "feed" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
