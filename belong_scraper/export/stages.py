"""The stages in their order, each timed; the state committed and the folder swapped in
together, last (a failure anywhere leaves both as they were: the caller discards)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from belong_scraper.export.assemble import assemble_stage
from belong_scraper.export.finish import (
    archive_stage,
    changes_stage,
    checksums_stage,
    report_stage,
)
from belong_scraper.export.handoff import handoff_stage, removable_records
from belong_scraper.export.manifest import (
    Ledger,
    file_list,
    ledger_stage,
    manifest_stage,
)
from belong_scraper.export.records import records_stage
from belong_scraper.export.renderings import renderings_stage
from belong_scraper.export.run import Assembled, ExportRun, HandedOff
from belong_scraper.export.spill import RowSpill
from belong_scraper.state import StateStore


@dataclass
class Outcome:
    """What the crawl stats report of the export."""

    status: str
    reasons: list[str]
    counts: dict[str, int]
    ledger: Ledger
    handed: HandedOff
    pages: int


def run_export(run: ExportRun, store: StateStore, commit: Callable[[], None]) -> Outcome:
    """Every stage, in order; ``commit`` swaps the staged folder in, inside the state's
    transaction."""
    clock = run.clock
    with clock.stage("assemble"):
        assembled = assemble_stage(run)
    spill = RowSpill(run.job_dir)  # the redirect rows go there from the handoff on
    try:
        with clock.stage("handoff"):
            handed = handoff_stage(run, assembled, spill)
        return _after_handoff(run, store, commit, assembled, handed, spill)
    finally:
        spill.close()


def _after_handoff(
    run: ExportRun,
    store: StateStore,
    commit: Callable[[], None],
    assembled: Assembled,
    handed: HandedOff,
    spill: RowSpill,
) -> Outcome:
    clock = run.clock
    with clock.stage("records"):
        written = records_stage(run, handed, spill)
    # From here the stages read the rows put aside, not the files just written.
    source = spill.source(run.origin.url, handed.handoff.assets)
    with clock.stage("renderings"):
        rendered = renderings_stage(run, handed, source)
    with clock.stage("manifest"):
        files = file_list(spill.db, written.files, rendered.files)
        ledger = ledger_stage(run, handed, files)
        manifest = manifest_stage(run, assembled, handed, written, rendered, ledger, files)

    def finish(changes: dict[str, dict[str, list[str]]]) -> None:
        """Inside the state's transaction: the rest of the folder, then the swap."""
        with clock.stage("changes"):
            changes_stage(run, manifest, changes)
        with clock.stage("report"):
            report_stage(run, manifest, source, handed.handoff.redirects)
        with clock.stage("archive"):
            archive_stage(run, manifest, source)
        with clock.stage("checksums"):
            checksums_stage(run, manifest)
        commit()

    counts, rows = written.counts, written.state
    started, inner = time.perf_counter(), sum(clock.seconds.values())
    store.finish_run(
        run.run_id,
        ledger.status,
        counts,
        spill.rows(),
        rows.fetched_pages,
        rows.change_hashes,
        removable=removable_records(run, rows.kept_ids, ledger.status),
        before_commit=finish,
    )
    store.save_watch_items(run.run_id, rows.watch_items)
    # The state's own share: finish_run's time less the stages it ran inside.
    clock.seconds["state"] = time.perf_counter() - started - (sum(clock.seconds.values()) - inner)
    return Outcome(ledger.status, ledger.reasons, counts, ledger, handed, assembled.facts.pages)


def stage_stats(run: ExportRun) -> dict[str, Any]:
    clock = run.clock
    stats: dict[str, Any] = {
        f"export/stage_seconds/{name}": round(s, 3) for name, s in clock.seconds.items()
    }
    stats |= {f"export/stage_peak_rss_mb/{name}": mb for name, mb in clock.peaks.items()}
    return stats
