"""What every export stage gets (the run's inputs) and what each hands the next."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from belong_scraper.assemble import RunFacts
from belong_scraper.handoff import Handoff
from belong_scraper.items import Listing, PageReport, Record, Rejected
from belong_scraper.profile import SiteProfile
from belong_scraper.urls import Origin


@dataclass
class Collected:
    """The items of the crawl, as the pipeline collected them."""

    records: list[Record] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    reports: list[PageReport] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class ExportRun:
    """The run's inputs, computed once before the first stage: one origin (the spider's),
    what the state knew, the previous export's assets (read before any stage writes)."""

    out_dir: Path  # the staging folder the stages write into
    profile: SiteProfile
    origin: Origin
    run_id: str
    start_url: str
    started_at: datetime
    db_url: str
    reason: str  # the crawl's finish reason
    collected: Collected
    known: dict[str, Any] = field(default_factory=dict)  # record id → its state
    previous_assets: list[dict[str, Any]] = field(default_factory=list)
    fetched: dict[str, int] = field(default_factory=dict)  # URL → attempts the server saw
    requested: list[str] = field(default_factory=list)
    field_caps: dict[str, int] = field(default_factory=dict)
    incoming: Path | None = None  # the job folder's downloads
    previous_run: str | None = None
    warcs_this_run: dict[str, int] = field(default_factory=dict)
    clock: StageClock = field(default_factory=lambda: StageClock())


@dataclass
class Assembled:
    records: list[Record]
    facts: RunFacts


@dataclass
class HandedOff:
    """Records pointing at the new site, their assets and redirects, and what is carried."""

    assembled: list[Record]  # every assembled record, handoff failures included
    records: list[Record]  # the ones the handoff did not reject
    carried: list[Record]  # known records this run cannot prove gone
    handoff: Handoff
    rejected: list[Rejected]  # every rejection so far; later stages add theirs


@dataclass
class RecordsWritten:
    by_type: dict[str, list[dict[str, Any]]]  # export dicts, carried ones included
    schema_rejected: list[dict[str, Any]]
    carried: list[Record]
    exported: set[str]  # ids of this run's records that were written
    files: dict[str, dict[str, Any]]


class StageClock:
    """Wall seconds per stage, for the `export/stage_seconds/<stage>` stats."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
