"""ExportPipeline: collect every item; when the crawl ends, run the export stages.

The one place that touches the output folder and the state database. The stages
(`belong_scraper/export/`) do the work; this pipeline collects, builds the stages'
inputs once, stages the folder, and puts the outcome (status, counts, per-stage seconds,
the export's peak RSS) into the crawl stats, which the CLI reads.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from belong_scraper.archive.index import ARCHIVE_DIRNAME
from belong_scraper.archive.middleware import close_active, pending_warcs, written_files
from belong_scraper.export.parked import ParkedTexts
from belong_scraper.export.run import Collected, ExportRun, StageClock, detached
from belong_scraper.export.shelf import CrawlShelf
from belong_scraper.export.stages import run_export, stage_stats
from belong_scraper.exporters import deferred_sync
from belong_scraper.ledger import fetched_urls, one_line
from belong_scraper.profile import load_profile
from belong_scraper.staging import StagedFolder
from belong_scraper.state import StateStore, default_db_url
from pipelines.base import crawl_origin
from pipelines.limits import field_caps

logger = logging.getLogger(__name__)


class ExportPipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.profile = load_profile(settings.get("SITE_PROFILE"))
        self.out_dir = Path(settings.get("EXPORT_DIR", "exports"))
        self.db_url = settings.get("STATE_DB_URL") or default_db_url(self.out_dir)
        self.run_id = settings.get("RUN_ID") or uuid.uuid4().hex
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        site = self.crawler.settings.get("STATE_SITE") or None
        self.store = StateStore(self.db_url, site=site)
        self.locks = contextlib.ExitStack()
        if not self.crawler.settings.getbool("STATE_LOCK_HELD"):  # a migrate job holds it
            self.locks.enter_context(self.store.lock(site))
        self.previous_run = self.store.last_run("migrate", exclude=self.run_id)
        self.store.start_run(self.run_id, self._start_url(), self.started_at, self._settings())
        # What arrives is put aside in the job folder (a private temp one without it).
        incoming = self.crawler.settings.get("MEDIA_INCOMING_DIR")
        job_dir = Path(incoming).parent if incoming else None
        self.collected = Collected(texts=ParkedTexts(job_dir), shelf=CrawlShelf(job_dir))
        self.records = self.collected.records  # what the crawl collected, by kind

    def process_item(self, item: Any) -> Any:
        self.collected.add(detached(item))
        return item

    def spider_closed(self, reason: str) -> None:
        """Export only a crawl that ran to its end or was cut by a limit (an honest
        ``incomplete``); an interrupted one (Ctrl-C, shutdown) leaves the previous export
        untouched and is continued by `migrate --resume`."""
        try:
            if reason == "finished" or reason.startswith("closespider_"):
                self._staged_export(reason)
            else:
                self.store.close_run(self.run_id, "interrupted", {})
                self.crawler.stats.set_value("export/interrupted", reason)
        finally:
            self.collected.close()
            self.store.close()
            self.locks.close()

    def _staged_export(self, reason: str) -> None:
        """Build the new folder beside the old one; the state is committed and the folder
        swapped in together, last. A failure anywhere leaves both as they were."""
        stage: StagedFolder | None = None
        try:
            this_run = close_active(self.out_dir)  # WARCs complete before they are linked
            stage = StagedFolder(self.out_dir)
            stage.link_in(pending_warcs(self.out_dir), ARCHIVE_DIRNAME)
            with deferred_sync(), crawl_objects_frozen():  # one sync of the folder
                self._export(stage, reason, this_run)
        except Exception as exc:
            if stage is not None:
                stage.discard()
            message = one_line(exc)
            logger.error("export failed, previous export and state kept: %s", message)
            self.store.close_run(self.run_id, "failed", {})
            self.crawler.stats.set_value("export/failed", message)

    def _export(self, stage: StagedFolder, reason: str, this_run: dict[str, int]) -> None:
        started = time.perf_counter()
        clock = StageClock()  # from here on: the post-crawl stages' own time and peak
        run = self._run(stage.path, reason, this_run, clock)
        outcome = run_export(run, self.store, stage.commit)
        stats = self.crawler.stats
        handoff = outcome.handed.handoff
        stats.set_value("export/status", outcome.status)
        stats.set_value("export/reasons", outcome.reasons)
        stats.set_value("export/records", sum(outcome.counts.values()))
        stats.set_value("export/rejected", len(outcome.handed.rejected))
        stats.set_value("export/failed_pages", outcome.ledger.counts["failed"])
        stats.set_value("export/pages", outcome.pages)
        stats.set_value("export/assets", len(handoff.assets))
        stats.set_value("export/failed_downloads", len(handoff.failed_downloads))
        for name, value in stage_stats(run).items():
            stats.set_value(name, value)
        stats.set_value("export/seconds", round(time.perf_counter() - started, 3))
        peak = clock.finish()
        if peak is not None:
            stats.set_value("export/peak_rss_mb", peak)

    def _run(
        self, out_dir: Path, reason: str, this_run: dict[str, int], clock: StageClock
    ) -> ExportRun:
        """The stages' inputs, each worked out once."""
        spider = self.crawler.spider
        start_url = self._start_url()
        first = self.records[0].source_url if self.records else ""
        origin = crawl_origin(self.crawler, self.profile, start_url or first)
        incoming = self.crawler.settings.get("MEDIA_INCOMING_DIR")
        return ExportRun(
            out_dir=out_dir,
            profile=self.profile,
            origin=origin,
            run_id=self.run_id,
            start_url=start_url,
            started_at=self.started_at,
            db_url=self.db_url,
            reason=reason,
            collected=self.collected,
            known=self.store.known_records(with_data=False),
            state_data=self.store.record_data,
            previous_assets=previous_assets(out_dir),
            fetched=fetched_urls(self.crawler),
            requested=sorted(getattr(spider, "requested", ())),
            field_caps=field_caps(self.crawler.settings),
            incoming=Path(incoming) if incoming else None,
            job_dir=Path(incoming).parent if incoming else None,
            previous_run=self.previous_run,
            warcs_this_run=this_run,
            # The export runs on a staging folder: the writers are registered on out_dir.
            warcs_written=written_files(self.out_dir),
            clock=clock,
        )

    def _start_url(self) -> str:
        spider = self.crawler.spider
        return getattr(spider, "start_url", "") if spider is not None else ""

    def _settings(self) -> dict[str, Any]:
        names = ("SITE_PROFILE", "USER_AGENT", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
                 "ROBOTSTXT_OBEY", "RETRY_TIMES", "TRAP_BARREN_LIMIT")  # fmt: skip
        return {name: self.crawler.settings.get(name) for name in names}


def previous_assets(out_dir: Path) -> list[dict[str, Any]]:
    """The previous export's assets (the staged folder starts as its copy), read once
    before any stage writes: carried records keep the files they use."""
    path = out_dir / "assets.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


@contextlib.contextmanager
def crawl_objects_frozen() -> Any:
    """The objects alive when the crawl ends (the collected index, the link graph, the
    crawl's machinery) out of the cycle collector's reach while the stages run: each full
    collection walked every one of them again, though none becomes garbage before the
    export ends; what the stages make is collected as usual. Unfrozen after."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
