"""Stage 2, handoff: assets placed, bodies rewritten to the new site, the redirect map.

Which known records are carried over depends on the run's status so far (an incomplete
crawl proves nothing gone), so the ledger is first worked out here on the assembled
records."""

from __future__ import annotations

from typing import Any

from belong_scraper.assemble import content_hash
from belong_scraper.export.parked import opener
from belong_scraper.export.run import Assembled, ExportRun, HandedOff
from belong_scraper.export.spill import RowSpill
from belong_scraper.handoff import (
    Handoff,
    LinkRewriter,
    publish_assets,
    redirect_rows,
    rewrite_records,
)
from belong_scraper.items import Record, from_export_dict
from belong_scraper.ledger import build_ledger, ledger_status
from pipelines.base import rejection


def handoff_stage(run: ExportRun, assembled: Assembled, spill: RowSpill | None = None) -> HandedOff:
    """``spill``: where the redirect rows go as they are found (a list without)."""
    records = assembled.records
    rejected = list(run.collected.rejected)
    entries = build_ledger(
        run.collected.reports, records, rejected, run.fetched, run.requested, run.reason
    )
    status, _ = ledger_status(entries, run.reason)
    removable = removable_records(run, {r.id for r in records}, status)
    carried = carried_records(run, records, removable)
    handoff = _handoff(run, records, carried, rejected, spill)
    kept = [r for r in records if r.id not in handoff.rejected_ids]
    return HandedOff(records, kept, carried, handoff, rejected)


def removable_records(run: ExportRun, current: set[str], status: str) -> set[str]:
    """Known records absent from this run that are really gone: their page answered
    404/410, or answered and was read without them, or (in a complete crawl) is no
    longer linked. Nothing is removed by an incomplete run: a page that failed to load,
    to extract or to export proves nothing."""
    if status != "complete":
        return set()
    absent = {
        record_id: state
        for record_id, state in run.known.items()
        if record_id not in current and state.removed_in_run is None
    }
    if not absent:  # a first run, or every known record exported again
        return set()
    wanted = {state.source_url for state in absent.values()}
    fetched = {
        r.canonical: r for r in run.collected.reports if not r.redirect_to and r.canonical in wanted
    }
    removable = set()
    for record_id, state in absent.items():
        page = fetched.get(state.source_url)
        if page is None or page.status in (404, 410) or (page.status == 200 and not page.error):
            removable.add(record_id)
    return removable


def carried_records(run: ExportRun, records: list[Record], removable: set[str]) -> list[Record]:
    """Known records this run did not export and cannot prove gone: carried over from
    the state as the previous run had them (an incomplete crawl proves nothing)."""
    current = {r.id for r in records}
    candidates = [
        record_id
        for record_id, state in sorted(run.known.items())
        if record_id not in current and state.removed_in_run is None and record_id not in removable
    ]
    data = run.state_data(candidates) if candidates else {}
    return [
        from_export_dict(run.known[record_id].type, data[record_id])
        for record_id in candidates
        if data.get(record_id)
    ]


def carried_assets(
    run: ExportRun, carried: list[Record], current: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The previous export's assets that carried records use, when their file is still
    in the folder: a carried body keeps pointing at files that exist."""
    ids = {record.id for record in carried}
    if not ids:
        return []
    have = {asset["sha256"] for asset in current}
    return [
        asset
        for asset in run.previous_assets
        if asset["sha256"] not in have
        and ids & set(asset.get("used_by", []))
        and (run.out_dir / asset["local_path"]).is_file()
    ]


def _handoff(
    run: ExportRun,
    records: list[Record],
    carried: list[Record],
    rejected: list,
    spill: RowSpill | None = None,
) -> Handoff:
    """Assets, bodies rewritten to the new site, the redirect map (hashes redone).
    Carried records keep their bodies as exported; they still own their redirects and
    the assets they used."""
    handoff = Handoff()
    handoff.assets, handoff.failed_downloads, by_url = publish_assets(
        run.out_dir, records, run.incoming
    )
    handoff.assets += carried_assets(run, carried, handoff.assets)
    reports = run.collected.reports
    rewriter = LinkRewriter(
        [*records, *carried], run.graph, by_url, run.origin, run.profile, handoff.failed_downloads
    )
    opened = opener(run.collected.texts)
    for record in records:
        try:
            with opened(record):  # one record's text at a time
                rewrite_records([record], rewriter)
                # A body link still pointing at the old site needs a human before cut-over
                # (only this record's own rewrite adds it to `unmapped`).
                unmapped = record.id in rewriter.unmapped_ids
                if unmapped and "unmapped-link" not in record.review_flags:
                    record.review_flags.append("unmapped-link")
                record.content_sha256 = content_hash(record)
        except Exception as exc:  # one record's failure rejects it, not the export
            rejected.append(rejection(record, "export", exc))
            handoff.rejected_ids.add(record.id)
    kept = [r for r in records if r.id not in handoff.rejected_ids]
    table = spill.redirect_table() if spill is not None else None
    handoff.redirects = redirect_rows(
        [*kept, *carried], reports, rewriter, run.profile, run.graph, table
    )
    handoff.unmapped_links = [
        {"url": url, "linked_from": sorted(ids)} for url, ids in sorted(rewriter.unmapped.items())
    ]
    handoff.broken_body_links = [
        {"url": url, "linked_from": sorted(ids)} for url, ids in sorted(rewriter.broken.items())
    ]
    return handoff
