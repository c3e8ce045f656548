"""A migrate job: its settings, and what happens inside the crawl process at its start and end.

One place for `belong-scraper migrate` and a Scrapyd job of the `site` spider (a fleet's):
`job_settings` turns (out, db, site, resume, overrides) into the crawl's settings, and the
spider calls `MigrateJob.begin` as it is made (the settings are still open then): the
site's lock in the state, the job folder `<out>.job` (run.json with the run id; kept for
`--resume`), the HTTP cache every response is kept in, the media and WARC folders. When the
engine stops, `finish` turns the crawl stats into the migrate exit status, removes the job
folder of a finished run, records a fleet job's outcome in the state and lets the lock go.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from belong_scraper.status import (
    EXIT_INCOMPLETE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
)

logger = logging.getLogger(__name__)

# Responses not kept for --resume: a resumed run asks for them again.
UNCACHED_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
RESUME_AUTO = "auto"  # resume the interrupted run if there is one, else start afresh


class JobError(Exception):
    """A job that cannot start: one line and the migrate exit status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def job_dir(out_dir: Path) -> Path:
    """Where a run keeps what it needs to be resumed: <out>.job beside the output folder
    (on the storage every node shares, for a fleet)."""
    out_dir = Path(out_dir).resolve()
    return out_dir.parent / (out_dir.name + ".job")


def job_settings(
    out_dir: Path,
    db_url: str | None,
    site: str | None,
    resume: bool | str,
    overrides: dict[str, Any],
) -> dict[str, Any]:
    """The settings of a migrate job, for the CLI's crawl and a Scrapyd job alike. `resume`:
    True (continue the interrupted run), False (start afresh), or RESUME_AUTO."""
    from belong_scraper.state import default_db_url

    out_dir = Path(out_dir).resolve()  # a Scrapyd job runs in its own folder
    settings: dict[str, Any] = {
        "EXPORT_DIR": str(out_dir),
        "STATE_DB_URL": db_url or default_db_url(out_dir),
        "JOB_RESUME": resume,
    }
    if site:
        settings["STATE_SITE"] = site
    return {**settings, **overrides}


def prepare_job(out_dir: Path, resume: bool | str) -> dict[str, str]:
    """The run's job folder: reused with resume, started afresh otherwise."""
    folder = job_dir(out_dir)
    marker = folder / "run.json"
    if resume == RESUME_AUTO:
        resume = marker.exists()
    if resume:
        if not marker.exists():
            raise JobError(f"nothing to resume: no interrupted run in {folder}", EXIT_USAGE)
        return json.loads(marker.read_text(encoding="utf-8"))
    if folder.exists():
        print(f"belong-scraper: discarding the interrupted run in {folder}", file=sys.stderr)
        keep_captures(folder, out_dir)
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
    job = {"run_id": run_id}
    marker.write_text(json.dumps(job), encoding="utf-8")
    return job


def keep_captures(job: Path, out_dir: Path) -> None:
    """What an abandoned run fetched stays archived: its WARCs join the export's archive
    (the next export indexes them and lists them in SHA256SUMS)."""
    from belong_scraper.archive.index import archive_dir, warc_files

    source = job / "archive"
    if not source.is_dir():
        return
    target = archive_dir(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    for path in warc_files(source):
        if not (target / path.name).exists():
            shutil.move(str(path), target / path.name)


def resume_flag(value: Any) -> bool | str:
    """JOB_RESUME as a setting: a bool, "auto", or a string from `-s`/Scrapyd."""
    if isinstance(value, str):
        if value.strip().lower() == RESUME_AUTO:
            return RESUME_AUTO
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def outcome(stats: dict[str, Any], out_dir: Path, db_url: str) -> tuple[int, str]:
    """The migrate exit status of a crawl and its one line, from the export's stats."""
    status = stats.get("export/status")
    if stats.get("export/interrupted"):
        return EXIT_INTERRUPTED, (
            f"interrupted ({stats['export/interrupted']}); continue with: migrate --resume "
            f"--out {out_dir}"
        )
    if stats.get("export/failed"):
        # The responses stay in the job folder: --resume re-runs the export without
        # fetching again.
        return EXIT_INCOMPLETE, (
            f"the export failed ({stats['export/failed']}); the previous export and the "
            f"state are untouched; retry with: migrate --resume --out {out_dir}"
        )
    if status is None:
        reason = stats.get("finish_reason", "unknown")
        return EXIT_INCOMPLETE, f"the crawl ended without an export (finish reason: {reason})"
    if status != "complete":
        reasons = "; ".join(stats.get("export/reasons") or ["see the ledger"])
        return EXIT_INCOMPLETE, (
            f"incomplete: {reasons}; {stats.get('export/records', 0)} records written to "
            f"{out_dir} (every fetch's outcome: {out_dir}/ledger.json)"
        )
    return EXIT_OK, (
        f"{stats.get('export/records', 0)} records from {stats.get('export/pages', 0)} pages "
        f"written to {out_dir} (state: {db_url})"
    )


class MigrateJob:
    """The in-process part of a migrate job, made by the spider (`begin`) before the
    crawl's settings freeze; `outcome` is set when the engine stops."""

    def __init__(self, crawler: Crawler, start_url: str):
        from belong_scraper.state import StateStore, default_db_url

        settings = crawler.settings
        self.crawler = crawler
        self.out_dir = Path(settings.get("EXPORT_DIR", "exports")).resolve()
        self.db_url = settings.get("STATE_DB_URL") or default_db_url(self.out_dir)
        self.fleet_job = settings.get("FLEET_JOB_ID") or None
        self.outcome: tuple[int, str] | None = None
        self.run_id: str | None = None
        self._held = contextlib.ExitStack()
        named = settings.get("STATE_SITE") or None
        self.store = StateStore(self.db_url, site=named, start_url=start_url)
        self.site = self.store.site

    @classmethod
    def begin(cls, crawler: Crawler, start_url: str) -> MigrateJob:
        from belong_scraper.state.store import StateLocked

        job = cls(crawler, start_url)
        try:
            # Held by this process's connection for the whole run: a second job of the
            # site, on any node, is refused; a killed job's lock dies with it.
            job._held.enter_context(job.store.lock(job.site))
        except StateLocked as exc:
            job._record_fleet(EXIT_LOCKED, f"{exc}; exiting")
            job.store.close()
            raise JobError(f"{exc}; exiting", EXIT_LOCKED) from exc
        try:
            job._start()
        except JobError as exc:
            job._record_fleet(exc.status, str(exc))
            job._release()
            raise
        except BaseException as exc:
            job._record_fleet(EXIT_INTERNAL, f"the job could not start: {exc}")
            job._release()
            raise
        crawler.signals.connect(job.finish, signal=signals.engine_stopped)
        return job

    def _start(self) -> None:
        settings = self.crawler.settings
        self.out_dir.mkdir(parents=True, exist_ok=True)
        folder = job_dir(self.out_dir)
        run = prepare_job(self.out_dir, resume_flag(settings.get("JOB_RESUME")))
        self.run_id = run["run_id"]
        values = {
            "EXPORT_DIR": str(self.out_dir),
            "STATE_DB_URL": self.db_url,
            "STATE_SITE": self.site,
            "STATE_LOCK_HELD": True,
            "RUN_ID": self.run_id,
            # Every response of the run is kept in the job folder as it arrives: a resumed
            # run replays them instead of fetching again, then fetches the rest.
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_DIR": str(folder / "httpcache"),
            "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.DummyPolicy",
            "HTTPCACHE_EXPIRATION_SECS": 0,
            "HTTPCACHE_IGNORE_HTTP_CODES": UNCACHED_CODES,
            # Downloads wait there too: the export folder is only touched by the export.
            "MEDIA_INCOMING_DIR": str(folder / "incoming"),
            "WARC_DIR": str(folder / "archive"),
            # Scrapyd hands a job a JOBDIR of its node when its jobs_dir is set: a resumed
            # run (on any node) would then drop requests that node's queue saw. What a
            # run resumes from is its job folder above.
            "JOBDIR": None,
        }
        for name, value in values.items():
            settings.set(name, value, priority="cmdline")
        if self.fleet_job:
            from belong_scraper.fleet.book import job_started

            job_started(self.store.engine, self.fleet_job, self.run_id)

    def finish(self) -> None:
        try:
            stats = self.crawler.stats.get_stats()
            self.outcome = outcome(stats, self.out_dir, self.db_url)
            status = self.outcome[0]
            if status != EXIT_INTERRUPTED and not stats.get("export/failed"):
                if stats.get("export/status") is not None:
                    shutil.rmtree(job_dir(self.out_dir), ignore_errors=True)
            self._record_fleet(status, self.outcome[1], stats)
        finally:
            self._release()

    def _record_fleet(self, status: int, message: str, stats: dict | None = None) -> None:
        if not self.fleet_job:
            return
        from belong_scraper.fleet.book import job_finished

        try:
            job_finished(self.store.engine, self.fleet_job, status, message, stats or {})
        except Exception as exc:  # the export is done; the fleet reports the job as lost
            logger.error("could not record the fleet job's outcome: %s", exc)

    def _release(self) -> None:
        try:
            self._held.close()
        finally:
            self.store.close()
