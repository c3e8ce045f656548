"""The manifest's file list (every file of the export folder: path → sha256, bytes, and a
record file's records), kept in a SQLite table rather than in memory: at 20,000 articles
it lists about 45,000 files, the Hugo tree's included, each a dict of a path and a
digest. It is written into manifest.json a batch at a time where the manifest holds it,
and SHA256SUMS is made from it in path order, so neither file is ever whole in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from belong_scraper.export.spill import decode_row, encode_row
from belong_scraper.exporters import StreamedValue, json_members_pieces
from belong_scraper.scratch import scratch_table


class FileList(StreamedValue, MutableMapping[str, dict[str, Any]]):
    """Path → manifest entry, in the order first added (a dict's order: setting a listed
    path again changes its entry, not its place). ``db``: the export's scratch SQLite
    connection (a private in-memory one when not given)."""

    def __init__(
        self,
        db: sqlite3.Connection | None = None,
        entries: Mapping[str, dict[str, Any]] | None = None,
    ):
        self._db = sqlite3.connect(":memory:") if db is None else db
        # A path compared as TEXT is compared as its UTF-8 bytes: SHA256SUMS's order.
        self._table = scratch_table(
            self._db,
            "manifest_files",
            "seq INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, sha256 TEXT, entry BLOB NOT NULL",
        )
        if entries:
            self.update(entries)

    def __setitem__(self, name: str, entry: dict[str, Any]) -> None:
        self._db.execute(
            f"INSERT INTO {self._table} (name, sha256, entry) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, entry = excluded.entry",
            (name, entry.get("sha256"), encode_row(entry)),
        )

    def update(self, other: Any = (), /, **extra: dict[str, Any]) -> None:
        pairs = other.items() if isinstance(other, Mapping) else other
        self._db.executemany(
            f"INSERT INTO {self._table} (name, sha256, entry) VALUES (?, ?, ?) ON CONFLICT "
            "(name) DO UPDATE SET sha256 = excluded.sha256, entry = excluded.entry",
            (
                (name, entry.get("sha256"), encode_row(entry))
                for name, entry in [*pairs, *extra.items()]
            ),
        )

    def __getitem__(self, name: str) -> dict[str, Any]:
        found = self._db.execute(
            f"SELECT entry FROM {self._table} WHERE name = ?", (name,)
        ).fetchone()
        if found is None:
            raise KeyError(name)
        return decode_row(found[0])

    def __delitem__(self, name: str) -> None:
        if self._db.execute(f"DELETE FROM {self._table} WHERE name = ?", (name,)).rowcount == 0:
            raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        found = self._db.execute(f"SELECT 1 FROM {self._table} WHERE name = ?", (name,))
        return found.fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        for (name,) in self._db.execute(f"SELECT name FROM {self._table} ORDER BY seq"):
            yield name

    def __len__(self) -> int:
        return self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0]

    def entries(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, entry) in order, read a batch at a time."""
        cursor = self._db.execute(f"SELECT name, entry FROM {self._table} ORDER BY seq")
        while batch := cursor.fetchmany(1024):
            for name, entry in batch:
                yield name, decode_row(entry)

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        return self.entries()

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        return json_members_pieces(self.entries(), depth)

    def __json__(self) -> dict[str, dict[str, Any]]:
        return dict(self.entries())

    def walked(self, names: Iterable[str]) -> Walked:
        """The files a walk of the folder found (``names``), set against the list."""
        return Walked(self, names)


class Walked:
    """The names of a folder walk in a scratch table (dropped on exit), set against a
    file list: which files no stage listed, and each file's listed SHA-256."""

    def __init__(self, files: FileList, names: Iterable[str]):
        self._files, self._db = files, files._db
        self._table = scratch_table(self._db, "walked", "name TEXT PRIMARY KEY")
        self.add(names)

    def add(self, names: Iterable[str]) -> None:
        self._db.executemany(f"INSERT OR IGNORE INTO {self._table} (name) VALUES (?)",
                             ((n,) for n in names))  # fmt: skip

    def unlisted(self, but: str = "") -> list[str]:
        """The walked names not listed (other than ``but``), by the UTF-8 bytes of the
        name (the files no stage described: media, WARCs, the archive's index). Not in the
        walk's order: that is the directory's own, which differs run to run with the
        names, and two runs of the same site would list the same files in another order."""
        return [name for (name,) in self._db.execute(
            f"SELECT name FROM {self._table} WHERE name != ? AND name NOT IN "
            f"(SELECT name FROM {self._files._table}) ORDER BY name", (but,)
        )]  # fmt: skip

    def digests(self) -> Iterator[tuple[str, str | None]]:
        """(name, its listed SHA-256 or None) of each walked name, sorted by the UTF-8
        bytes of the name (SHA256SUMS's order)."""
        cursor = self._db.execute(
            f"SELECT w.name, f.sha256 FROM {self._table} AS w LEFT JOIN "
            f"{self._files._table} AS f ON f.name = w.name ORDER BY w.name"
        )
        while batch := cursor.fetchmany(1024):
            yield from batch

    def __enter__(self) -> Walked:
        return self

    def __exit__(self, *_: object) -> None:
        self._db.execute(f"DROP TABLE {self._table}")
