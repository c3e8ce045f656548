"""The state database: runs, fetched pages and records with their content hashes.

No Scrapy imports here: the store is used by the export pipeline and, later, by the
incremental `watch` job.
"""

from belong_scraper.state.store import StateStore, default_db_url

__all__ = ["StateStore", "default_db_url"]
