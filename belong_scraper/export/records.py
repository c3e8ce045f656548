"""Stage 3, records: each record validated against its schema, the JSON and CSV per
record type, and the handoff files (assets, redirect map). A record that failed this
time is exported as the previous run had it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from belong_scraper.assemble import change_hash
from belong_scraper.export.parked import opener
from belong_scraper.export.run import (
    ExportRun,
    HandedOff,
    HexDigests,
    RecordRef,
    RecordsWritten,
    StateRows,
)
from belong_scraper.export.spill import ParkedRows, RowSpill
from belong_scraper.export.state import fetched_pages, watch_baseline
from belong_scraper.exporters import write_handoff, write_records_from
from belong_scraper.handoff import apache_lines, nginx_lines, page_rules
from belong_scraper.items import (
    EXPORT_FILES,
    Article,
    Rejected,
    from_export_dict,
    record_type,
    to_export_dict,
)
from belong_scraper.schemas import validation_errors
from belong_scraper.urls import canonical_url
from pipelines.watch import text_hash


def records_stage(run: ExportRun, handed: HandedOff, spill: RowSpill) -> RecordsWritten:
    """Each record, its text opened, validated and put aside in ``spill`` (a row at a
    time), then the files written from there in id order; the records themselves are let
    go (``handed`` keeps RecordRefs), so later stages run without them."""
    opened = opener(run.collected.texts)
    schema_rejected: list[dict] = []
    exported: set[str] = set()
    change_hashes, text_hashes = HexDigests(), HexDigests()
    for record in handed.records:
        with opened(record):
            if isinstance(record, Article):  # the watch baseline has every kept article
                text_hashes[record.id] = text_hash(record.title, record.body_text)
            kind, row = record_type(record), to_export_dict(record)
            errors = validation_errors(kind, row, run.profile)
            if errors:
                schema_rejected.append({"id": record.id, "type": kind, "errors": errors,
                                        "record": row})  # fmt: skip
                continue
            spill.add(kind, row)
            exported.add(record.id)
            change_hashes[record.id] = change_hash(row)
    for bad in schema_rejected:
        handed.rejected.append(Rejected(
            url=bad["record"].get("source_url") or "", stage="schema",
            error="breaks its schema: " + "; ".join(bad["errors"])[:300],
            record_id=bad["id"]))  # fmt: skip
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
    for record in carried:  # carried rows are the state's already: marked so
        spill.add(record_type(record), to_export_dict(record), carried=True)
    # What the state needs of the records, taken now; then the records are let go before
    # the files are written: the writing's own memory (rows read back, the redirect
    # rules) reuses theirs instead of adding to it (the records stage's peak at 4,000
    # articles: 166.6 -> 164.0 MB).
    records = handed.records
    state = StateRows(
        change_hashes=change_hashes,
        fetched_pages=fetched_pages(run.collected.reports, records),
        watch_items=watch_baseline(run.collected.listings, records, text_hashes),
        kept_ids={r.id for r in records},
    )
    del records
    _let_go(run, handed)
    files = write_records_from(run.out_dir, spill.sorted_rows, run.profile)

    def canonicalize(url: str) -> str | None:
        return canonical_url(url, run.origin, run.profile)

    redirects = handed.handoff.redirects
    rules = page_rules(redirects, canonicalize)  # worked out once for both servers
    files.update(
        write_handoff(
            run.out_dir,
            handed.handoff.assets,
            redirects,
            nginx_lines(redirects, canonicalize, run.profile, rules),
            apache_lines(redirects, canonicalize, run.profile, rules),
        )
    )
    # The report reads the redirect rows again, after the renderings: they wait on disk
    # (there already when the handoff put them in the spill).
    if not isinstance(redirects, ParkedRows):
        handed.handoff.redirects = spill.park("redirects", redirects)
    del redirects, rules
    counts = {kind: entry["records"] for kind, entry in _json_entries(files).items()}
    return RecordsWritten(counts, schema_rejected, carried, exported, files, state)


def _json_entries(files: dict[str, dict]) -> dict[str, dict]:
    """Each record type's JSON file entry (its ``records``: the rows written)."""
    return {kind: files[f"{stem}.json"] for kind, stem in EXPORT_FILES.items()}


# A record without downloads: one empty, read-only mapping for all of them.
NO_MEDIA: Mapping[str, Any] = MappingProxyType({})


def _let_go(run: ExportRun, handed: HandedOff) -> None:
    """Keep only what later stages read of each record; the collected list is emptied
    too (it is the pipeline's), so the records' bodies can be freed."""
    # In place: the assemble stage's list is this same list.
    handed.assembled[:] = [
        RecordRef(r.id, r.source_url, r.evidence.get("media") or NO_MEDIA) for r in handed.assembled
    ]
    handed.records = []
    run.collected.records.clear()
