"""Tables the export's later stages keep in its scratch SQLite file (or a private
in-memory one): the manifest's file list, the report's rows, the archive's captures."""

from __future__ import annotations

import sqlite3
import uuid

# SQLite keeps up to 2 MB of each connection's file in its own page cache (the default
# cache_size, -2000 KiB), filled as the file grows: the crawl's scratch files, its HTTP
# cache and the export's rows held 8 MB that way, pages the system's file cache holds
# anyway. Each is written once and read in order or by key, so a small cache costs a
# read from the system's cache now and then, not a disk read.
PAGE_CACHE_KIB = 256


def small_page_cache(db: sqlite3.Connection) -> sqlite3.Connection:
    """``db`` with its page cache held to PAGE_CACHE_KIB (a file's, not an in-memory
    database's: that one's pages are its only copy, and SQLite never evicts them)."""
    db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    return db


def scratch_table(db: sqlite3.Connection, prefix: str, columns: str) -> str:
    """A new table of ``columns`` in ``db``; its name is new to the file, whatever tables
    it holds already (two lists in one process, a file another process left)."""
    name = f"{prefix}_{uuid.uuid4().hex}"
    db.execute(f"CREATE TABLE {name} ({columns})")
    return name
