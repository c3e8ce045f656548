"""The handoff's Markdown: made again only from a body the link rewrite changed, and
always the Markdown of the body as exported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from belong_scraper.export.assemble import assemble_stage
from belong_scraper.export.handoff import handoff_stage
from belong_scraper.export.run import Collected, ExportRun
from belong_scraper.export.sample import ORIGIN, sample_items
from belong_scraper.items import Article, Page, PageReport
from belong_scraper.profile import load_profile
from belong_scraper.sanitize import html_to_markdown, html_to_text
from belong_scraper.urls import Origin

PROFILE = load_profile("legacy")


def test_markdown_is_the_exported_bodys_and_reused_when_the_body_is_unchanged(
    tmp_path: Path,
) -> None:
    items = sample_items()
    collected = Collected()
    for item in items:
        collected.add(item)
    run = ExportRun(
        out_dir=tmp_path, profile=PROFILE, origin=Origin.from_url(ORIGIN + "/", PROFILE),
        run_id="run-1", start_url=ORIGIN + "/", started_at=datetime.now(UTC),
        db_url="sqlite://", reason="finished", collected=collected,
        fetched={r.url: 1 for r in items if isinstance(r, PageReport)},
    )  # fmt: skip
    assembled = assemble_stage(run)
    bodies = [r for r in assembled.records if isinstance(r, Article | Page)]
    # One body the rewrite leaves alone, with a Markdown of its own: kept as it was.
    plain = next(r for r in bodies if isinstance(r, Article) and "<a " not in r.body_html)
    plain.body_html = "<p>Nothing here links anywhere.</p>"
    plain.body_markdown = marker = "kept, not made again"
    # One the rewrite changes (a link to another record): made again from the new body.
    linked = next(r for r in bodies if r is not plain and isinstance(r, Article))
    target = next(r for r in bodies if r is not linked and isinstance(r, Article))
    linked.body_html = f'<p>See <a href="{target.source_url}">this</a>.</p>'
    linked.body_markdown = "stale"
    handed = handoff_stage(run, assembled)
    collected.close()
    assert plain.body_markdown is marker
    assert target.path in linked.body_html and linked.body_markdown != "stale"
    for record in handed.records:
        if isinstance(record, Article | Page) and record is not plain:
            assert record.body_markdown == html_to_markdown(record.body_html), record.id
        if isinstance(record, Page):
            assert record.body_text == html_to_text(record.body_html), record.id
