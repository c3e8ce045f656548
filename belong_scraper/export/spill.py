"""The run's exported rows, kept in a run-local SQLite file (the job folder's
``export-rows.sqlite``) once the record files are written: the state is handed them from
there, so the renderings and the report do not run with every record in memory too."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from belong_scraper.items import RECORD_TYPES


class RowSpill:
    def __init__(self, folder: Path | None):
        if folder is None:  # no job folder (a stage run in a test): a private temp one
            self._temp = tempfile.TemporaryDirectory(prefix="belong-rows-")
            folder = Path(self._temp.name)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "export-rows.sqlite"
        self.path.unlink(missing_ok=True)  # a failed run's leftovers
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")  # run-local scratch: nothing to recover
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE rows (seq INTEGER PRIMARY KEY, kind INTEGER, data TEXT)")

    def add(self, kind: str, row: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO rows (kind, data) VALUES (?, ?)",
            (RECORD_TYPES.index(kind), json.dumps(row, ensure_ascii=False)),
        )

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every row, by record type in registry order, each type in the order added."""
        cursor = self.db.execute("SELECT data FROM rows ORDER BY kind, seq")
        for (data,) in cursor:
            yield json.loads(data)

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)
        temp = getattr(self, "_temp", None)
        if temp is not None:
            temp.cleanup()
