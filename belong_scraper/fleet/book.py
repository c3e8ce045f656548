"""The fleet's bookkeeping in the shared state: which job of which site ran on which node.

One source of truth for every machine: `fleet` writes what it scheduled, the job itself
its start and outcome (belong_scraper/jobs.py), `fleet status`, `cancel` and `--resume`
read it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from belong_scraper.state.models import FleetJob, RecordChange
from belong_scraper.status import EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK

# The states of a job that are over; a job in another one may still be running.
FINISHED = ("complete", "incomplete", "failed", "interrupted", "locked")


def status_name(exit_status: int, stats: dict[str, Any]) -> str:
    if exit_status == EXIT_OK:
        return "complete"
    if exit_status == EXIT_INCOMPLETE:
        return "failed" if stats.get("export/failed") else "incomplete"
    if exit_status == EXIT_INTERRUPTED:
        return "interrupted"
    if exit_status == EXIT_LOCKED:
        return "locked"
    return "failed"


def job_scheduled(engine: Engine, job_id: str, fleet_run: str, site: str, node: str) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            FleetJob(id=job_id, fleet_run=fleet_run, site=site, node=node, status="scheduled",
                     changes={}, scheduled_at=datetime.now(UTC))
        )  # fmt: skip


def job_started(engine: Engine, job_id: str, run_id: str) -> None:
    with Session(engine) as session, session.begin():
        job = session.get(FleetJob, job_id)
        if job is not None:
            job.status, job.run_id, job.started_at = "running", run_id, datetime.now(UTC)


def job_finished(
    engine: Engine, job_id: str, exit_status: int, message: str, stats: dict[str, Any]
) -> None:
    """The job's own outcome, with its run's change counts (what `record_changes` holds)."""
    with Session(engine) as session, session.begin():
        job = session.get(FleetJob, job_id)
        if job is None:
            return
        changes: dict[str, int] = {}
        if job.run_id:
            query = (
                select(RecordChange.change, func.count())
                .where(RecordChange.run_id == job.run_id)
                .group_by(RecordChange.change)
            )
            changes = {change: count for change, count in session.execute(query)}
        job.status = status_name(exit_status, stats)
        job.exit_status, job.message, job.changes = exit_status, message, changes
        job.records = stats.get("export/records")
        job.pages = stats.get("export/pages")
        job.finished_at = datetime.now(UTC)


def job_lost(engine: Engine, job_id: str, message: str) -> None:
    """A job that will not report: its node died or its process was killed."""
    with Session(engine) as session, session.begin():
        job = session.get(FleetJob, job_id)
        if job is not None and job.status not in FINISHED:
            job.status, job.exit_status, job.message = "interrupted", EXIT_INTERRUPTED, message
            job.finished_at = datetime.now(UTC)


def job_cancelled(engine: Engine, job_id: str) -> None:
    with Session(engine) as session, session.begin():
        job = session.get(FleetJob, job_id)
        if job is not None and job.status not in FINISHED:
            job.status, job.exit_status = "interrupted", EXIT_INTERRUPTED
            job.message = "cancelled; continue with: fleet --resume"
            job.finished_at = datetime.now(UTC)


@dataclass
class JobView:
    """A job as `fleet` prints it."""

    id: str
    site: str
    node: str
    status: str
    exit_status: int | None
    records: int | None
    pages: int | None
    changes: dict[str, int]
    message: str | None
    seconds: float | None
    fleet_run: str

    @classmethod
    def of(cls, job: FleetJob) -> JobView:
        seconds = None
        if job.started_at and job.finished_at:
            seconds = round((_aware(job.finished_at) - _aware(job.started_at)).total_seconds(), 1)
        return cls(job.id, job.site, job.node, job.status, job.exit_status, job.records,
                   job.pages, dict(job.changes or {}), job.message, seconds,
                   job.fleet_run)  # fmt: skip


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def latest_jobs(engine: Engine, sites: list[str], active_only: bool = False) -> dict[str, JobView]:
    """Each site's newest job (with `active_only`, its newest job not finished)."""
    with Session(engine) as session:
        query = select(FleetJob).where(FleetJob.site.in_(sites))
        if active_only:
            query = query.where(FleetJob.status.not_in(FINISHED))
        query = query.order_by(FleetJob.scheduled_at, FleetJob.id)
        return {job.site: JobView.of(job) for job in session.scalars(query)}


def job_view(engine: Engine, job_id: str) -> JobView:
    with Session(engine) as session:
        return JobView.of(session.get_one(FleetJob, job_id))
