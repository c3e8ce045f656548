"""StateStore: records runs, fetched pages and record hashes in any SQLAlchemy database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from belong_scraper.state.models import Base, FetchedPage, RecordState, RecordVersion, Run


class StateError(RuntimeError):
    """The state database cannot be opened or written."""


def default_db_url(out_dir: Path) -> str:
    """A SQLite file beside the output folder: <out>.state.sqlite."""
    out_dir = Path(out_dir).resolve()
    return f"sqlite:///{out_dir.parent / (out_dir.name + '.state.sqlite')}"


class StateStore:
    def __init__(self, url: str):
        try:
            self.engine: Engine = create_engine(url, future=True)
            Base.metadata.create_all(self.engine)
        except (ArgumentError, SQLAlchemyError, ImportError) as exc:
            raise StateError(f"cannot open state database {url}: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def start_run(self, run_id: str, start_url: str, started_at: datetime, settings: dict) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(
                Run(id=run_id, started_at=started_at, start_url=start_url, status="running",
                    counts={}, settings=settings)
            )  # fmt: skip

    def finish_run(
        self,
        run_id: str,
        status: str,
        counts: dict[str, int],
        records: Iterable[dict[str, Any]],
        pages: Iterable[dict[str, Any]],
    ) -> dict[str, str]:
        """Store the run's pages and records; returns record id → new/updated/unchanged."""
        changes: dict[str, str] = {}
        with Session(self.engine) as session, session.begin():
            run = session.get(Run, run_id)
            run.finished_at = datetime.now(UTC)
            run.status = status
            run.counts = counts
            for page in pages:
                session.add(FetchedPage(run_id=run_id, **page))
            known = {r.id: r for r in session.scalars(select(RecordState))}
            for data in records:
                state = known.get(data["id"])
                digest = data["content_sha256"]
                if state is None:
                    change = "new"
                    session.add(
                        RecordState(
                            id=data["id"], type=data["id"].split("-", 1)[0],
                            source_url=data.get("source_url"), content_sha256=digest,
                            first_seen_run=run_id, last_seen_run=run_id,
                            last_changed_run=run_id, data=data,
                        )
                    )  # fmt: skip
                else:
                    change = "unchanged" if state.content_sha256 == digest else "updated"
                    state.last_seen_run = run_id
                    state.removed_in_run = None
                    if change == "updated":
                        state.content_sha256, state.data = digest, data
                        state.last_changed_run = run_id
                changes[data["id"]] = change
                session.add(
                    RecordVersion(run_id=run_id, record_id=data["id"], content_sha256=digest,
                                  change=change)
                )  # fmt: skip
        return changes

    def runs(self) -> list[Run]:
        with Session(self.engine) as session:
            return list(session.scalars(select(Run).order_by(Run.started_at)))

    def record_hashes(self) -> dict[str, str]:
        with Session(self.engine) as session:
            return {r.id: r.content_sha256 for r in session.scalars(select(RecordState))}
