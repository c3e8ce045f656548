"""Record texts parked on disk from collection to the records stage (export/parked.py):
the stages give the same files with them parked as with every text in memory."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

from belong_scraper.export.assemble import assemble_stage
from belong_scraper.export.handoff import handoff_stage
from belong_scraper.export.parked import PARKED_FIELDS, PARKED_KEY, ParkedTexts
from belong_scraper.export.records import records_stage
from belong_scraper.export.run import Collected, ExportRun
from belong_scraper.export.sample import ORIGIN, sample_items
from belong_scraper.export.spill import RowSpill
from belong_scraper.items import Article, PageReport, Record, to_export_dict
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin

PROFILE = load_profile("legacy")
RECORD_FILES = [f"{stem}.{ext}" for stem in ("articles", "partners", "clusters", "pages")
                for ext in ("json", "csv")]  # fmt: skip


def _run(out_dir: Path, items: list, texts: ParkedTexts | None) -> ExportRun:
    collected = Collected(texts=texts)
    for item in items:
        collected.add(item)
    out_dir.mkdir(parents=True)
    return ExportRun(
        out_dir=out_dir, profile=PROFILE, origin=Origin.from_url(ORIGIN + "/", PROFILE),
        run_id="run-1", start_url=ORIGIN + "/", started_at=datetime.now(UTC),
        db_url="sqlite://", reason="finished", collected=collected,
        fetched={r.url: 1 for r in items if isinstance(r, PageReport)},
    )  # fmt: skip


def _export(out_dir: Path, items: list, texts: ParkedTexts | None) -> tuple[dict, list]:
    """Assemble, handoff and records; the record files' bytes and the state's rows."""
    run = _run(out_dir, items, texts)
    handed = handoff_stage(run, assemble_stage(run))
    spill = RowSpill(None)
    try:
        written = records_stage(run, handed, spill)
        rows = list(spill.rows())
        state = written.state  # its rows are made as they are read: read them here
        state_rows = [list(state.fetched_pages), list(state.watch_items)]
    finally:
        spill.close()
    files = {name: (out_dir / name).read_bytes() for name in RECORD_FILES}
    return files, [rows, state.change_hashes, *state_rows]


def test_a_parked_record_holds_no_text_until_opened(tmp_path: Path) -> None:
    record = next(i for i in sample_items() if isinstance(i, Article) and i.body_html)
    before = to_export_dict(record)
    texts = ParkedTexts(tmp_path / "job")
    try:
        texts.park(record)
        assert all(getattr(record, name) == "" for name in PARKED_FIELDS if hasattr(record, name))
        assert (tmp_path / "job" / "export-texts.sqlite").is_file()
        with texts.opened(record) as opened:
            assert to_export_dict(opened) == before
            opened.body_text = "changed while open"
        assert record.body_text == ""  # parked again, with the change
        texts.restore(record)
        assert record.body_text == "changed while open" and record.body_html == before["body_html"]
    finally:
        texts.close()
    assert not (tmp_path / "job" / "export-texts.sqlite").exists()


def test_stages_write_the_same_files_with_texts_parked(tmp_path: Path) -> None:
    items = sample_items()
    in_memory = _export(tmp_path / "memory", copy.deepcopy(items), None)
    texts = ParkedTexts(None)
    try:
        parked = _export(tmp_path / "parked", items, texts)
        records: list[Record] = [i for i in items if isinstance(i, Article)]
        # Every record is parked again once the stages are done with it.
        assert all(r.body_html == "" and PARKED_KEY in r.evidence for r in records)
    finally:
        texts.close()
    assert parked[0] == in_memory[0]
    assert parked[1] == in_memory[1]
    # The summaries and body flags come from the parked texts, not from empty strings.
    assert b'"empty-body"' not in parked[0]["articles.json"]


def test_a_record_the_handoff_fails_on_is_rejected_with_texts_parked(tmp_path: Path) -> None:
    items = sample_items()
    broken = next(i for i in items if getattr(i, "id", "") == "article-11")
    broken.attachments = [{"no": "url"}]  # rewriting it raises (no "url")
    texts = ParkedTexts(None)
    try:
        run = _run(tmp_path / "out", items, texts)
        handed = handoff_stage(run, assemble_stage(run))
    finally:
        texts.close()
    assert [r.record_id for r in handed.rejected if r.stage == "export"] == ["article-11"]
    assert "article-11" not in {r.id for r in handed.records}
    assert len(handed.records) == 37 + 14 + 4 + 5 - 1


def test_the_pipeline_parks_texts_as_items_arrive_and_exports_them(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from belong_scraper import settings
    from belong_scraper.export.sample import iter_sample_items
    from pipelines.export import ExportPipeline

    project = {name: value for name, value in vars(settings).items() if name.isupper()}
    job = tmp_path / "out.job"
    crawler = get_crawler(settings_dict={**project,
        "EXPORT_DIR": str(tmp_path / "out"), "STATE_DB_URL": f"sqlite:///{tmp_path / 's.db'}",
        "MEDIA_INCOMING_DIR": str(job / "incoming"), "WARC_DIR": str(job / "archive")})  # fmt: skip
    pipeline = ExportPipeline.from_crawler(crawler)
    pipeline.open_spider()
    bodies = {}
    for item in iter_sample_items():
        if isinstance(item, Article):
            bodies[item.id] = item.body_text
        assert pipeline.process_item(item) is item
        if isinstance(item, Article):
            # The item goes on whole (item_scraped, a feed export); the pipeline's copy
            # is on disk from here on.
            assert item.body_text == bodies[item.id] and PARKED_KEY not in item.evidence
            assert pipeline.records[-1].body_html == pipeline.records[-1].body_text == ""
    assert (job / "export-texts.sqlite").is_file()
    pipeline.spider_closed("finished")
    assert crawler.stats.get_value("export/status") == "complete"
    assert not (job / "export-texts.sqlite").exists()  # run-local scratch, removed
    rows = json.loads((tmp_path / "out" / "articles.json").read_text(encoding="utf-8"))
    assert {row["id"]: row["body_text"] for row in rows} == bodies
    assert all(row["summary"] for row in rows if row["body_text"])
