"""Stage 1, assemble: what needs every page (assemble.assemble), then the field caps on
what assembly added (teaser summaries, tag names), each record finished while its text is
open (export/parked.py)."""

from __future__ import annotations

from belong_scraper.assemble import assemble
from belong_scraper.export.parked import opener
from belong_scraper.export.run import Assembled, ExportRun
from belong_scraper.items import Record
from pipelines.limits import cap_fields


def assemble_stage(run: ExportRun) -> Assembled:
    collected = run.collected

    def capped(record: Record) -> None:
        if cap_fields(record, run.field_caps):
            record.review_flags = sorted(set(record.review_flags))

    records, facts = assemble(
        collected.records,
        collected.listings,
        collected.reports,
        run.profile,
        graph=run.graph,
        linked_from=collected.linked_from,
        previous=run.known,
        opened=opener(collected.texts),
        finish=capped,
    )
    return Assembled(records, facts)
