"""Stage 5, manifest: the ledger (every URL's one outcome, the run's status) and the
manifest of the folder, built from what the stages computed: its file list kept in the
export's scratch SQLite file (``FileList``), the rest in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from belong_scraper import __version__
from belong_scraper.assemble import RunFacts
from belong_scraper.export.filelist import FileList
from belong_scraper.export.renderings import Rendered
from belong_scraper.export.run import Assembled, ExportRun, HandedOff, RecordsWritten
from belong_scraper.exporters import CONTRACT_VERSION, write_json_object
from belong_scraper.items import EXPORT_FILES
from belong_scraper.ledger import LEDGER_NAME, build_ledger, ledger_counts, ledger_status


@dataclass
class Ledger:
    """What the later stages read of the ledger once ledger.json is written: its figures,
    not its entries (one per URL: about 30,000 at 20,000 articles)."""

    total: int  # URLs (entries of ledger.json)
    status: str
    reasons: list[str]
    counts: dict[str, int]  # outcome → URLs
    rejected_pages: list[dict[str, Any]]  # the manifest's: each rejected URL with a reason


def file_list(db: sqlite3.Connection | None, *parts: Mapping[str, dict[str, Any]]) -> FileList:
    """The manifest's file list from the stages' entries (in their order; a later part's
    entry for a path replaces an earlier's in its place), each part emptied once listed,
    so the entries are held once, in ``db``."""
    files = FileList(db)
    for part in parts:
        files.update(part)
        if isinstance(part, MutableMapping):
            part.clear()
    return files


def ledger_stage(
    run: ExportRun, handed: HandedOff, files: MutableMapping[str, dict[str, Any]]
) -> Ledger:
    """The final ledger, every stage's rejections in; ledger.json written and listed."""
    entries = build_ledger(run.collected.reports, handed.assembled, handed.rejected,
                           run.fetched, run.requested, run.reason)  # fmt: skip
    status, reasons = ledger_status(entries, run.reason)
    rejected_pages = [
        {"url": e["url"], "status": e.get("status"), "reason": e["reason"]}
        for e in entries
        if e["outcome"] == "rejected" and e.get("reason")
    ]
    ledger = Ledger(len(entries), status, reasons, ledger_counts(entries), rejected_pages)
    head = {"run_id": run.run_id, "status": status, "reasons": reasons,
            "finish_reason": run.reason, "counts": ledger.counts}  # fmt: skip
    files[LEDGER_NAME] = write_json_object(run.out_dir / LEDGER_NAME, head, "entries", entries)
    return ledger


def manifest_stage(
    run: ExportRun,
    assembled: Assembled,
    handed: HandedOff,
    written: RecordsWritten,
    rendered: Rendered,
    ledger: Ledger,
    files: MutableMapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """The manifest as a dict (``files``: every file written so far, in writing order);
    the last stages list the remaining files and write it."""
    handoff = handed.handoff
    manifest = _header(run, files, written.counts, assembled.facts,
                       written.schema_rejected, ledger.status)  # fmt: skip
    manifest["status_reasons"] = ledger.reasons
    manifest["ledger"] = {"file": LEDGER_NAME, "counts": ledger.counts}
    manifest["rejected_items"] = [
        {"url": r.url, "record_id": r.record_id, "stage": r.stage, "error": r.error}
        for r in handed.rejected
        if r.stage != "schema"
    ]
    manifest["rejected_pages"] = ledger.rejected_pages
    manifest["carried_records"] = sorted(c.id for c in written.carried)
    manifest["counts"]["assets"] = len(handoff.assets)
    manifest["failed_downloads"] = handoff.failed_downloads
    manifest["unmapped_links"] = handoff.unmapped_links
    manifest["broken_body_links"] = handoff.broken_body_links
    manifest["wxr"] = rendered.wxr
    manifest["wxr_collisions"] = rendered.wxr.get("collisions", [])
    return manifest


def _header(
    run: ExportRun,
    files: MutableMapping[str, dict[str, Any]],
    counts: dict[str, int],
    facts: RunFacts,
    rejected: list[dict[str, Any]],
    status: str,
) -> dict[str, Any]:
    finished_at = datetime.now(UTC)
    return {
        "contract_version": CONTRACT_VERSION,
        "tool": {"name": "belong-scraper", "version": __version__},
        "run_id": run.run_id,
        "status": status,
        "start_url": run.start_url,
        "profile": run.profile.source,
        "default_language": run.profile.default_language,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": finished_at.isoformat(timespec="seconds"),
        "counts": {EXPORT_FILES[k]: v for k, v in counts.items()},
        "files": files,
        "pages_fetched": facts.pages,
        "php_errors_removed": {
            "total": sum(facts.php_errors_by_level.values()),
            "by_level": dict(sorted(facts.php_errors_by_level.items())),
            "by_page": dict(sorted(facts.php_errors_by_page.items())),
        },
        "broken_links": facts.broken_links,
        "redirects": facts.redirects,
        "failed_pages": facts.failed_pages,
        "skipped_by_robots": facts.skipped,
        "rejected_records": rejected,
        "warnings": sorted(set(facts.warnings)),
        "state_db": run.db_url,
    }
