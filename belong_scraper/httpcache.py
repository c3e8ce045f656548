"""The HTTP cache `migrate --resume` replays: every response of the run in one SQLite file.

Scrapy's FilesystemCacheStorage writes a folder and six files per response (metadata
twice, headers and body of both request and response): 5.4% of a 4,000-article
migrate's samples, and a 20,000-article job folder of 180,000 files to remove at the end.
Here a response is one row, written as it arrives. The file stays whole after a kill -9:
SQLite's write-ahead log makes each row's insert atomic, and a row the log holds is the
operating system's once written (``synchronous=OFF`` only gives up safety against a
power cut, which a job folder of scratch files need not survive); a response the kill
interrupted is simply not there, and is fetched again.
"""

from __future__ import annotations

import pickle
import sqlite3
import time
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.httpcache import response_from_dict
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.project import data_path

from belong_scraper.scratch import small_page_cache


class SQLiteCacheStorage:
    """A Scrapy HTTPCACHE_STORAGE: ``<HTTPCACHE_DIR>/<spider>.sqlite``, a response per row
    (its ``Response.to_dict()``, pickled, as Scrapy's own DBM storage keeps it), keyed by
    the request's fingerprint."""

    def __init__(self, settings: BaseSettings):
        self.cachedir = Path(data_path(settings["HTTPCACHE_DIR"], createdir=True))
        self.expiration_secs = settings.getint("HTTPCACHE_EXPIRATION_SECS")
        self.db: sqlite3.Connection | None = None

    def open_spider(self, spider: Spider) -> None:
        self._fingerprinter = spider.crawler.request_fingerprinter
        # autocommit: each response its own transaction, kept whatever ends the process
        self.db = small_page_cache(
            sqlite3.connect(self.cachedir / f"{spider.name}.sqlite", isolation_level=None)
        )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS responses "
            "(fingerprint TEXT PRIMARY KEY, stored REAL, data BLOB)"
        )

    def close_spider(self, spider: Spider) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        assert self.db is not None
        found = self.db.execute(
            "SELECT stored, data FROM responses WHERE fingerprint = ?", (self._key(request),)
        ).fetchone()
        if found is None:
            return None
        stored, data = found
        if 0 < self.expiration_secs < time.time() - stored:
            return None
        request.meta["cache_timestamp"] = stored
        # pickle: rows this tool wrote in its own job folder, never a shared file
        return response_from_dict(pickle.loads(data))

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        assert self.db is not None
        data = stored_form(response)
        self.db.execute(
            "INSERT OR REPLACE INTO responses (fingerprint, stored, data) VALUES (?, ?, ?)",
            (self._key(request), time.time(), pickle.dumps(data, protocol=4)),
        )

    def _key(self, request: Request) -> str:
        return self._fingerprinter.fingerprint(request).hex()


def stored_form(response: Response) -> dict[str, Any]:
    """``response.to_dict()`` without the text encoding it would work out: for a page that
    declares none, ``TextResponse.encoding`` decodes the whole body to guess one (a
    millisecond a page; the spider decodes pages its own way and never asks). The
    response rebuilt from it (``response_from_dict``) works the encoding out again from
    the same headers and bytes if anything asks; one given explicitly is kept."""
    data: dict[str, Any] = {"headers": dict(response.headers)}
    for name in response.attributes:
        if name not in {"request", "certificate", "encoding"}:
            data.setdefault(name, getattr(response, name))
    if isinstance(response, TextResponse) and response._encoding:
        data["encoding"] = response._encoding
    if type(response) is not Response:
        data["_class"] = f"{type(response).__module__}.{type(response).__name__}"
    return data
