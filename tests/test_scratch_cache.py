"""The run's SQLite scratch files keep a small page cache: SQLite's memory stays bounded
however much a file holds (belong_scraper/scratch.py)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sqlite3
from pathlib import Path

import pytest

from belong_scraper.export.spill import ScratchDB
from belong_scraper.scratch import PAGE_CACHE_KIB, small_page_cache


def _sqlite_memory_used() -> int | None:
    """Bytes SQLite's allocator holds now, process-wide (None: the library's symbol is not
    reachable from here). The library _sqlite3 loaded: opening its name again hands back
    the same one, with the same counters."""
    name = ctypes.util.find_library("sqlite3")
    try:
        used = ctypes.CDLL(name).sqlite3_memory_used
    except (OSError, AttributeError, TypeError):
        return None
    used.restype = ctypes.c_int64
    return used()


def test_a_scratch_file_keeps_the_small_cache(tmp_path: Path) -> None:
    scratch = ScratchDB(tmp_path, "one.sqlite")
    try:
        (size,) = scratch.db.execute("PRAGMA cache_size").fetchone()
        assert size == -PAGE_CACHE_KIB
    finally:
        scratch.close()
    assert not (tmp_path / "one.sqlite").exists()


def test_sqlite_memory_stays_bounded_as_the_file_grows(tmp_path: Path) -> None:
    before = _sqlite_memory_used()
    if before is None:
        pytest.skip("sqlite3_memory_used is not reachable through ctypes here")
    scratch = ScratchDB(tmp_path, "big.sqlite")
    try:
        scratch.db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        row = "x" * 2000
        for key in range(6000):  # about 12 MB of rows, six times SQLite's default cache
            scratch.db.execute("INSERT INTO t VALUES (?, ?)", (key, row))
        # read back by key and in order: every page passes through the cache
        assert scratch.db.execute("SELECT count(*), sum(length(v)) FROM t").fetchone() == (
            6000,
            12_000_000,
        )
        assert scratch.db.execute("SELECT v FROM t WHERE k = 4321").fetchone() == (row,)
        grown = _sqlite_memory_used() - before
    finally:
        scratch.close()
    # The default cache would hold 2 MB of this file; a bounded one, a fraction of it.
    assert grown < 2 * PAGE_CACHE_KIB * 1024, grown


def test_the_http_cache_connection_is_bounded_too(tmp_path: Path) -> None:
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from belong_scraper.httpcache import SQLiteCacheStorage

    storage = SQLiteCacheStorage(Settings({"HTTPCACHE_DIR": str(tmp_path / "cache")}))
    crawler = get_crawler()

    class Spider:
        name = "site"

    spider = Spider()
    spider.crawler = crawler  # type: ignore[attr-defined]
    storage.open_spider(spider)  # type: ignore[arg-type]
    try:
        assert storage.db is not None
        (size,) = storage.db.execute("PRAGMA cache_size").fetchone()
        assert size == -PAGE_CACHE_KIB
    finally:
        storage.close_spider(spider)  # type: ignore[arg-type]


def test_small_page_cache_hands_the_connection_back() -> None:
    db = sqlite3.connect(":memory:")
    assert small_page_cache(db) is db
    db.close()
