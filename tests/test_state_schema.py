"""The state's schema: brought to Alembic's newest revision on open, Alembic loaded only
when a database needs it."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from belong_scraper.state import StateStore
from belong_scraper.state.migrations import HEAD_REVISION
from belong_scraper.state.store import schema_revision


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
