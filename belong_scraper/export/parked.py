"""Record texts parked out of memory from the moment an item arrives until its row is
written: the bodies (HTML, Markdown, text) are most of a record's size (58% of the
fixture's article JSON), and nothing between the crawl and the records stage needs every
record's text at once. They wait in a run-local SQLite file (the job folder's
``export-texts.sqlite``); the record keeps every other field, so assembly and the handoff
still see it. A stage that needs one record's text opens it (`ParkedTexts.opened`), works
on it, and parks it again, so at most one record's text is in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from belong_scraper.export.spill import ScratchDB, decode_row, encode_row
from belong_scraper.items import Record

# The text fields of every record type: the large ones, none of which assembly's
# run-wide passes (slugs, paths, years, collisions, assets, link targets) read; titles stay.
PARKED_FIELDS = (
    "summary",  # made in assembly's per-record pass, from the teaser and the body
    "body_html",
    "body_markdown",
    "body_text",
    "intro_html",
    "intro_text",
    "description_html",
    "description_text",
)
# Where a parked record keeps its key: evidence is never exported.
PARKED_KEY = "parked_texts"


class ParkedTexts:
    def __init__(self, folder: Path | None):
        self.scratch = ScratchDB(folder, "export-texts.sqlite")
        self.path, self.db = self.scratch.path, self.scratch.db
        self.db.execute("CREATE TABLE texts (key INTEGER PRIMARY KEY, data TEXT)")
        self._next = 0

    def park(self, record: Record) -> None:
        """Move the record's texts into the file, leaving empty strings in their place."""
        texts = {name: getattr(record, name) for name in PARKED_FIELDS if hasattr(record, name)}
        key = record.evidence.get(PARKED_KEY)
        if key is None:
            key = self._next
            self._next += 1
        self.db.execute(
            "INSERT OR REPLACE INTO texts (key, data) VALUES (?, ?)",
            (key, encode_row(texts)),
        )
        for name in texts:
            setattr(record, name, "")
        record.evidence[PARKED_KEY] = key

    def restore(self, record: Record) -> dict[str, str]:
        """Put the record's texts back (a record never parked is left as it is); returns
        them as they were parked."""
        key = record.evidence.pop(PARKED_KEY, None)
        if key is None:
            return {}
        (data,) = self.db.execute("SELECT data FROM texts WHERE key = ?", (key,)).fetchone()
        texts = decode_row(data)
        for name, value in texts.items():
            setattr(record, name, value)
        record.evidence[PARKED_KEY] = key  # the same row when it is parked again
        return texts

    @contextmanager
    def opened(self, record: Record) -> Iterator[Record]:
        """The record with its texts while the block runs, parked again after it (also
        when it raises: a rejected record's texts are let go too). Texts the block left
        as they were are not written again: the row already holds them."""
        before = self.restore(record)
        try:
            yield record
        finally:
            if before and all(getattr(record, name) == value for name, value in before.items()):
                for name in before:
                    setattr(record, name, "")
            else:
                self.park(record)

    def close(self) -> None:
        self.scratch.close()


def opener(texts: ParkedTexts | None) -> Any:
    """``texts.opened``, or for records never parked (stage tests, carried records) a
    context that hands the record back as it is."""
    if texts is None:
        return _as_is
    return texts.opened


def _as_is(record: Record) -> AbstractContextManager[Record]:
    return nullcontext(record)
