"""The exported rows, kept in a run-local SQLite file (the job folder's
``export-rows.sqlite``) once the record files are written: the state is handed this run's
rows from there, and the renderings and the report read every row (carried ones too)
from there as an ``ExportSource``, so none of them runs with every record in memory and
none reads back a file the export just wrote."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from belong_scraper.items import EXPORT_FILES, RECORD_TYPES
from belong_scraper.scratch import small_page_cache


def encode_row(row: Any) -> bytes | str:
    """A row as the scratch files keep it: orjson's compact bytes, or the standard
    encoder's text for what orjson refuses (a lone surrogate, an integer past 64 bits)."""
    try:
        return orjson.dumps(row)
    except TypeError:
        return json.dumps(row)  # ASCII: a lone surrogate is stored too


def decoded_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The rows of a ``SELECT data ...`` cursor over a scratch table, decoded, fetched a
    batch at a time."""
    while batch := cursor.fetchmany(256):
        for (data,) in batch:
            yield decode_row(data)


def decode_row(data: bytes | str) -> Any:
    """A kept row back, as json.loads gives it: orjson's bytes by orjson (about twice as
    fast), the standard encoder's text by the standard decoder (orjson would read an
    integer past 64 bits as a float). SQLite gives back the type it was handed."""
    if isinstance(data, str):
        return json.loads(data)
    return orjson.loads(data)


class ScratchDB:
    """A run-local SQLite file in the job folder (a private temp folder when there is
    none, as in a stage run in a test): scratch, so no journal and no sync; an earlier
    run's leftover is replaced, and the file is removed on close."""

    def __init__(self, folder: Path | None, name: str):
        self._temp = None
        if folder is None:
            self._temp = tempfile.TemporaryDirectory(prefix="belong-scratch-")
            folder = Path(self._temp.name)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / name
        self.path.unlink(missing_ok=True)
        self.db = small_page_cache(sqlite3.connect(self.path))
        self.db.execute("PRAGMA journal_mode=OFF")  # nothing to recover
        self.db.execute("PRAGMA synchronous=OFF")

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)
        if self._temp is not None:
            self._temp.cleanup()


class RowSpill:
    def __init__(self, folder: Path | None):
        self.scratch = ScratchDB(folder, "export-rows.sqlite")
        self.path, self.db = self.scratch.path, self.scratch.db
        self.db.execute(
            "CREATE TABLE rows (seq INTEGER PRIMARY KEY, kind INTEGER, id TEXT, "
            "carried INTEGER, data TEXT)"
        )
        self.db.execute("CREATE INDEX rows_by_id ON rows (kind, id)")

    def add(self, kind: str, row: dict[str, Any], *, carried: bool = False) -> None:
        """One exported row; ``carried`` for a record the state already holds as it is."""
        self.db.execute(
            "INSERT INTO rows (kind, id, carried, data) VALUES (?, ?, ?, ?)",
            (RECORD_TYPES.index(kind), row["id"], int(carried), encode_row(row)),
        )

    def rows(self) -> Iterator[dict[str, Any]]:
        """This run's rows (not the carried ones), by record type in registry order, each
        type in the order added: what the state is handed."""
        cursor = self.db.execute("SELECT data FROM rows WHERE carried = 0 ORDER BY kind, seq")
        for (data,) in cursor:
            yield decode_row(data)

    def sorted_rows(self, kind: str) -> Iterator[dict[str, Any]]:
        """Every row of a record type, carried ones too, in id order: a record file's
        rows (SQLite compares UTF-8 text bytewise: the code-point order Python sorts by)."""
        cursor = self.db.execute(
            "SELECT data FROM rows WHERE kind = ? ORDER BY id", (RECORD_TYPES.index(kind),)
        )
        while batch := cursor.fetchmany(256):  # decoded one batch at a time
            for (data,) in batch:
                yield decode_row(data)

    def redirect_table(self) -> RedirectTable:
        return RedirectTable(self.db)

    def park(self, name: str, rows: Iterable[dict[str, Any]]) -> ParkedRows:
        """Rows a later stage reads again (the redirect map's, for the report), put aside
        in their order; what comes back reads them one at a time."""
        self.db.execute(f"CREATE TABLE {name} (seq INTEGER PRIMARY KEY, data TEXT)")
        self.db.executemany(
            f"INSERT INTO {name} (data) VALUES (?)",
            ((encode_row(row),) for row in rows),
        )
        return ParkedRows(self.db, name)

    def source(self, origin: str, assets: list[dict[str, Any]]) -> SpillSource:
        return SpillSource(self, origin, assets)

    def close(self) -> None:
        self.scratch.close()


class RedirectTable:
    """The redirect map's rows as the handoff finds them, kept here rather than in memory
    (at 20,000 articles about 60,000 rows, each a dict and two URL strings, held from the
    handoff to the records stage): the first row for a legacy path wins, and ``finish``
    gives them in legacy path order without the rows whose target is itself a legacy
    path (what ``handoff.redirect_rows`` does with a dict in memory)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        # Bytes, not TEXT: a URL is stored whatever it holds; compared bytewise, UTF-8
        # sorts as its code points, the order Python sorts the paths in.
        self.db.execute(
            "CREATE TABLE redirect_rows (path BLOB PRIMARY KEY, target BLOB, data TEXT)"
        )

    def add(self, row: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO redirect_rows (path, target, data) VALUES (?, ?, ?)",
            (_key(row["legacy_path"]), _key(row["target"]), encode_row(row)),
        )

    def finish(self) -> ParkedRows:
        self.db.execute("CREATE TABLE redirects (seq INTEGER PRIMARY KEY, data TEXT)")
        self.db.execute(
            "INSERT INTO redirects (data) SELECT data FROM redirect_rows "
            "WHERE target NOT IN (SELECT path FROM redirect_rows) ORDER BY path"
        )
        self.db.execute("DROP TABLE redirect_rows")
        return ParkedRows(self.db, "redirects")


def _key(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class ParkedRows:
    """Rows put aside by ``RowSpill.park``: read back in their order, as often as needed."""

    def __init__(self, db: sqlite3.Connection, table: str):
        self._db, self._table = db, table
        self._count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return decoded_rows(self._db.execute(f"SELECT data FROM {self._table} ORDER BY seq"))

    def __len__(self) -> int:
        return self._count


class SpillSource:
    """The exported records as the renderings and the report read them
    (``targets.ExportSource``): every row of a record file, sorted by id as the file is
    (SQLite compares UTF-8 text bytewise: the code-point order Python sorts by)."""

    def __init__(self, spill: RowSpill, origin: str, assets: list[dict[str, Any]]):
        self._spill, self._db = spill, spill.db
        self.db = spill.db  # the scratch file, for later stages' own tables
        self._kinds = {stem: RECORD_TYPES.index(kind) for kind, stem in EXPORT_FILES.items()}
        self.origin = origin
        self._assets = sorted(assets, key=lambda asset: asset["id"])

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        kind = self._kinds.get(name)
        if kind is None:
            return
        yield from self._spill.sorted_rows(RECORD_TYPES[kind])

    def record(self, name: str, record_id: str) -> dict[str, Any] | None:
        kind = self._kinds.get(name)
        found = self._db.execute(
            "SELECT data FROM rows WHERE kind = ? AND id = ?", (kind, record_id)
        ).fetchone()
        return decode_row(found[0]) if found else None

    def assets(self) -> list[dict[str, Any]]:
        return list(self._assets)
