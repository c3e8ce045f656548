"""SQLAlchemy 2 models of the state database (schema managed by Alembic: state/migrations).

A record is never deleted, only marked removed in a run; every run's changes are kept
(record_changes), so "what changed since run N" is a query, not a diff of export files.
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
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(16))
    change: Mapped[str] = mapped_column(String(16))  # new, updated, removed
    content_sha256: Mapped[str | None] = mapped_column(String(64))


class WatchItem(Base):
    """What `watch` has seen and reported of an article: its teaser and its text."""

    __tablename__ = "watch_items"

    article_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    teaser_sha256: Mapped[str | None] = mapped_column(String(64))
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    first_reported_run: Mapped[str | None] = mapped_column(String(64))
    last_checked_run: Mapped[str | None] = mapped_column(String(64))
