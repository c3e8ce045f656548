"""SQLAlchemy 2 models of the state database (schema managed by Alembic: state/migrations).

A record is never deleted, only marked removed in a run; every run's changes are kept
(record_changes), so "what changed since run N" is a query, not a diff of export files.
One database may hold many sites (a fleet's shared PostgreSQL state): every table carries
the site's key (`state.sites.site_key`, or the name SITES.toml gives), and every query of
the store is scoped by it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    site: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="migrate")  # migrate, watch
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    start_url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))  # running, complete, incomplete, failed
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)


class FetchedPage(Base):
    """One fetch of one URL in one run (pages and media), with the server's validators."""

    __tablename__ = "fetched_pages"
    __table_args__ = (UniqueConstraint("run_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    site: Mapped[str] = mapped_column(String(200), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text, index=True)
    status: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    payload_sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    php_errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class RecordState(Base):
    __tablename__ = "records"

    # A record id ("article-12") is unique within its site only.
    site: Mapped[str] = mapped_column(String(200), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)
    slug: Mapped[str | None] = mapped_column(Text)
    legacy_urls: Mapped[list] = mapped_column(JSON, default=list)
    content_sha256: Mapped[str] = mapped_column(String(64))
    change_sha256: Mapped[str] = mapped_column(String(64))
    first_seen_run: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    last_seen_run: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    last_changed_run: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    removed_in_run: Mapped[str | None] = mapped_column(ForeignKey("runs.id"))
    data: Mapped[dict] = mapped_column(JSON)


class RecordChange(Base):
    __tablename__ = "record_changes"
    __table_args__ = (UniqueConstraint("run_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    site: Mapped[str] = mapped_column(String(200), index=True)
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(16))
    change: Mapped[str] = mapped_column(String(16))  # new, updated, removed
    content_sha256: Mapped[str | None] = mapped_column(String(64))


class WatchItem(Base):
    """What `watch` has seen and reported of an article: its teaser and its text."""

    __tablename__ = "watch_items"

    site: Mapped[str] = mapped_column(String(200), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    teaser_sha256: Mapped[str | None] = mapped_column(String(64))
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    first_reported_run: Mapped[str | None] = mapped_column(String(64))
    last_checked_run: Mapped[str | None] = mapped_column(String(64))


class FleetJob(Base):
    """One Scrapyd job of a `fleet` run: which site ran where, and how it ended. Kept in the
    shared state so `fleet status`, `cancel` and `--resume` work from any machine; the job
    itself writes its outcome (belong_scraper/jobs.py), the fleet only what it scheduled."""

    __tablename__ = "fleet_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the Scrapyd job id
    fleet_run: Mapped[str] = mapped_column(String(64), index=True)
    site: Mapped[str] = mapped_column(String(200), index=True)
    node: Mapped[str] = mapped_column(Text)  # the Scrapyd URL
    # scheduled, running, complete, incomplete, interrupted, failed, locked, cancelled
    status: Mapped[str] = mapped_column(String(32))
    exit_status: Mapped[int | None] = mapped_column(Integer)
    run_id: Mapped[str | None] = mapped_column(String(64))
    records: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
