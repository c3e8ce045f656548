"""Tables the export's later stages keep in its scratch SQLite file (or a private
in-memory one): the manifest's file list, the report's rows, the archive's captures."""

from __future__ import annotations

import sqlite3
import uuid


def scratch_table(db: sqlite3.Connection, prefix: str, columns: str) -> str:
    """A new table of ``columns`` in ``db``; its name is new to the file, whatever tables
    it holds already (two lists in one process, a file another process left)."""
    name = f"{prefix}_{uuid.uuid4().hex}"
    db.execute(f"CREATE TABLE {name} ({columns})")
    return name
