"""Stage 3, records: each record validated against its schema, the JSON and CSV per
record type, and the handoff files (assets, redirect map). A record that failed this
time is exported as the previous run had it."""

from __future__ import annotations

from belong_scraper.assemble import change_hash
from belong_scraper.export.run import ExportRun, HandedOff, RecordRef, RecordsWritten, StateRows
from belong_scraper.export.spill import RowSpill
from belong_scraper.export.state import fetched_pages, watch_baseline
from belong_scraper.exporters import split_valid, write_handoff, write_records
from belong_scraper.handoff import apache_rules, nginx_map, page_rules
from belong_scraper.items import (
    RECORD_TYPES,
    Rejected,
    from_export_dict,
    record_type,
    to_export_dict,
)
from belong_scraper.urls import canonical_url


def records_stage(run: ExportRun, handed: HandedOff, spill: RowSpill) -> RecordsWritten:
    """The files, then the state's rows put aside in ``spill``; the records themselves
    are let go (``handed`` keeps RecordRefs), so later stages run without them."""
    by_type, schema_rejected = split_valid(handed.records)
    for bad in schema_rejected:
        handed.rejected.append(Rejected(
            url=bad["record"].get("source_url") or "", stage="schema",
            error="breaks its schema: " + "; ".join(bad["errors"])[:300],
            record_id=bad["id"]))  # fmt: skip
    exported = {row["id"] for rows in by_type.values() for row in rows}
    carried = list(handed.carried)
    carried_ids = {c.id for c in carried}
    failed = []
    for item in handed.rejected:
        state = run.known.get(item.record_id or "")
        if state is not None and state.removed_in_run is None and item.record_id not in carried_ids:
            failed.append(item.record_id)
            carried_ids.add(item.record_id)
    data = run.state_data(failed) if failed else {}
    carried += [from_export_dict(run.known[i].type, data.get(i) or {}) for i in failed]
    carried = [c for c in carried if c.id not in exported]
    for record in carried:
        by_type[record_type(record)].append(to_export_dict(record))
    files = write_records(run.out_dir, by_type)

    def canonicalize(url: str) -> str | None:
        return canonical_url(url, run.origin, run.profile)

    redirects = handed.handoff.redirects
    rules = page_rules(redirects, canonicalize)  # worked out once for both servers
    files.update(
        write_handoff(
            run.out_dir,
            handed.handoff.assets,
            redirects,
            nginx_map(redirects, canonicalize, run.profile, rules),
            apache_rules(redirects, canonicalize, run.profile, rules),
        )
    )
    for kind in RECORD_TYPES:  # carried rows are the state's already: marked so
        for row in by_type[kind]:
            spill.add(kind, row, carried=row["id"] not in exported)
    counts = {kind: len(by_type[kind]) for kind in RECORD_TYPES}
    records = handed.records
    state = StateRows(
        change_hashes={r.id: change_hash(r) for r in records if r.id in exported},
        fetched_pages=fetched_pages(run.collected.reports, records),
        watch_items=watch_baseline(run.collected.listings, records),
        kept_ids={r.id for r in records},
    )
    _let_go(run, handed)
    return RecordsWritten(counts, schema_rejected, carried, exported, files, state)


def _let_go(run: ExportRun, handed: HandedOff) -> None:
    """Keep only what later stages read of each record; the collected list is emptied
    too (it is the pipeline's), so the records' bodies can be freed."""
    # In place: the assemble stage's list is this same list.
    handed.assembled[:] = [
        RecordRef(r.id, r.source_url, {"media": r.evidence.get("media", {})})
        for r in handed.assembled
    ]
    handed.records = []
    run.collected.records.clear()
