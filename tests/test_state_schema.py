"""The state's schema: brought to Alembic's newest revision on open, Alembic loaded only
when a database needs it."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from belong_scraper.state import StateStore
from belong_scraper.state.migrations import HEAD_REVISION
from belong_scraper.state.store import StateError, schema_revision


def test_the_head_revision_constant_is_alembics_head() -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("belong_scraper.state") / "migrations")
    )
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_a_new_database_gets_the_schema_at_the_head(tmp_path: Path) -> None:
    store = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    try:
        with store.engine.connect() as connection:
            assert schema_revision(connection) == HEAD_REVISION
            assert {"runs", "records"} <= set(inspect(connection).get_table_names())
    finally:
        store.close()


def test_a_database_at_the_head_opens_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    StateStore(url).close()
    probe = (
        "import sys; from belong_scraper.state import StateStore; "
        f"StateStore({url!r}).close(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def upgrade_to(url: str, revision: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from belong_scraper.state.store import _normalise_url, migrations_on_disk

    engine = create_engine(_normalise_url(url))
    with engine.begin() as connection, migrations_on_disk() as location:
        config = Config()
        config.set_main_option("script_location", str(location))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def test_the_schema_alembic_builds_is_the_models(state_url: str) -> None:
    """Upgraded from nothing by the migrations, the database has every table, column and
    index the models declare: the ORM and the migrations cannot drift apart."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from belong_scraper.state.models import Base

    upgrade_to(state_url, "head")
    store = StateStore(state_url)
    try:
        with store.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        store.close()


def _schema(url: str) -> dict[str, object]:
    """Every table's columns (name, type, nullability; in any order: a migration adds a
    column last), key, indexes, unique and foreign keys, as the database reports them."""
    from sqlalchemy import create_engine

    from belong_scraper.state.store import _normalise_url

    engine = create_engine(_normalise_url(url))
    try:
        with engine.connect() as connection:
            found = inspect(connection)
            schema = {}
            for table in sorted(found.get_table_names()):
                columns = found.get_columns(table)
                indexes = found.get_indexes(table)
                schema[table] = (
                    sorted((c["name"], str(c["type"]), c["nullable"]) for c in columns),
                    found.get_pk_constraint(table)["constrained_columns"],
                    sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in indexes),
                    sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
                    sorted(
                        (tuple(f["constrained_columns"]), f["referred_table"])
                        for f in found.get_foreign_keys(table)
                    ),
                )
            return schema
    finally:
        engine.dispose()


def test_a_new_database_is_made_without_alembic_as_the_migrations_would_make_it(
    state_url: str, tmp_path: Path
) -> None:
    """An empty database is given the models' tables and stamped with the newest revision
    (Alembic's create_all-then-stamp), not migrated step by step: the same tables,
    columns, keys and indexes as the migrations build, at the revision Alembic reads."""
    from alembic.migration import MigrationContext

    StateStore(state_url).close()  # made by create_schema: the database was empty
    migrated = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    if state_url.startswith("sqlite"):
        upgrade_to(migrated, "head")
        made, built = _schema(state_url), _schema(migrated)
        assert made.keys() == built.keys() and made == built
    with StateStore(state_url).engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD_REVISION
    upgrade_to(state_url, "head")  # Alembic finds nothing to do
    probe = (
        "import sys; from belong_scraper.state import StateStore; "
        f"StateStore({str(tmp_path / 'fresh.sqlite')!r}.join(['sqlite:///', ''])).close(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_0001_state_is_upgraded_with_each_row_given_its_site(state_url: str) -> None:
    """A state made before sites existed (one site per database) keeps every row, each
    keyed by the site of its run's start URL, and reads as before with no site named."""
    from sqlalchemy import create_engine, text

    from belong_scraper.state.store import _normalise_url

    upgrade_to(state_url, "0001")
    engine = create_engine(_normalise_url(state_url))
    stamp = "2026-01-01 00:00:00+00:00"
    with engine.begin() as db:
        for run_id, kind in (("r1", "migrate"), ("w1", "watch")):
            db.execute(text(
                "insert into runs (id, kind, started_at, start_url, status, counts, settings) "
                "values (:id, :kind, :at, 'https://www.Old-Site.example/', 'complete', '{}', '{}')"
            ), {"id": run_id, "kind": kind, "at": stamp})  # fmt: skip
        db.execute(text(
            "insert into records (id, type, legacy_urls, content_sha256, change_sha256, "
            "first_seen_run, last_seen_run, last_changed_run, data) values "
            "('article-1', 'article', '[]', 'c', 'h', 'r1', 'r1', 'r1', '{\"id\": \"article-1\"}')"
        ))  # fmt: skip
        db.execute(text(
            "insert into fetched_pages (run_id, url, canonical_url, status, kind, php_errors) "
            "values ('r1', 'https://old-site.example/m.jpg', 'https://old-site.example/m.jpg', "
            "200, 'media', 0)"
        ))  # fmt: skip
        db.execute(text(
            "insert into record_changes (run_id, record_id, record_type, change) "
            "values ('r1', 'article-1', 'article', 'new')"
        ))  # fmt: skip
        db.execute(text(
            "insert into watch_items (article_id, url, title, last_checked_run) "
            "values ('article-1', 'https://old-site.example/a/1', 'One', 'w1'), "
            "('article-2', 'https://old-site.example/a/2', 'Two', null)"
        ))  # fmt: skip
    engine.dispose()
    store = StateStore(state_url)  # upgrades to the head
    try:
        with store.engine.connect() as connection:
            assert schema_revision(connection) == HEAD_REVISION
            for table in ("runs", "records", "fetched_pages", "record_changes", "watch_items"):
                sites = connection.execute(text(f"select distinct site from {table}")).scalars()
                assert list(sites) == ["old-site.example"], table
        assert store.site == "old-site.example"
        assert set(store.known_records()) == {"article-1"}
        assert store.known_records()["article-1"].data == {"id": "article-1"}
        assert set(store.watch_items()) == {"article-1", "article-2"}
        assert list(store.media_validators()) == ["https://old-site.example/m.jpg"]
        assert store.last_run("migrate") == "r1"
    finally:
        store.close()


def test_two_sites_in_one_state_never_see_each_others_rows(state_url: str) -> None:
    """Both sites have an `article-1`; each store reads and writes its own."""
    from datetime import UTC, datetime

    stores = {site: StateStore(state_url, site=site) for site in ("one", "two")}
    try:
        for site, store in stores.items():
            run_id = f"run-{site}"
            store.start_run(run_id, f"https://{site}.example/", datetime.now(UTC), {})
            record = {"id": "article-1", "content_sha256": site, "title": site}
            changes = store.finish_run(run_id, "complete", {}, [record], [], {"article-1": site})
            assert changes["article"]["new"] == ["article-1"]
        for site, store in stores.items():
            assert store.known_records()["article-1"].data["title"] == site
            assert [r.id for r in store.runs()] == [f"run-{site}"]
        # A second run of one site over the same record: unchanged, and the other untouched.
        store = stores["one"]
        store.start_run("run-one-2", "https://one.example/", datetime.now(UTC), {})
        record = {"id": "article-1", "content_sha256": "one", "title": "one"}
        changes = store.finish_run("run-one-2", "complete", {}, [record], [], {"article-1": "one"})
        assert not any(ids for kinds in changes.values() for ids in kinds.values())
        assert stores["two"].known_records()["article-1"].last_seen_run == "run-two"
        with pytest.raises(StateError, match="several sites"):
            StateStore(state_url).known_records()
    finally:
        for store in stores.values():
            store.close()


def test_a_state_of_one_site_is_that_sites_whatever_url_a_run_spells(state_url: str) -> None:
    """No site named: a run uses the state's only site (the fixture served on another
    port, the site moved to https), and a new site of a state of several gets its key."""
    from datetime import UTC, datetime

    first = StateStore(state_url, start_url="http://127.0.0.1:1111/")
    try:
        first.start_run("r1", "http://127.0.0.1:1111/", datetime.now(UTC), {})
        record = {"id": "article-1", "content_sha256": "c"}
        first.finish_run("r1", "complete", {}, [record], [], {"article-1": "c"})
        assert first.site == "127.0.0.1:1111"
    finally:
        first.close()
    again = StateStore(state_url, start_url="https://127.0.0.1:2222/")
    try:
        assert again.site == "127.0.0.1:1111" and set(again.known_records()) == {"article-1"}
    finally:
        again.close()
    named = StateStore(state_url, site="other")
    try:
        named.start_run("r2", "http://other.example/", datetime.now(UTC), {})
    finally:
        named.close()
    new = StateStore(state_url, start_url="https://www.third.example/")
    try:
        assert new.site == "third.example" and new.known_records() == {}
    finally:
        new.close()
