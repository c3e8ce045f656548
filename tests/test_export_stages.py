"""The export stages run in-process, without a crawl: each on what the previous computed."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from belong_scraper.export.assemble import assemble_stage
from belong_scraper.export.finish import changes_stage
from belong_scraper.export.handoff import carried_assets, handoff_stage
from belong_scraper.export.manifest import ledger_stage, manifest_stage
from belong_scraper.export.records import records_stage
from belong_scraper.export.renderings import renderings_stage
from belong_scraper.export.run import Collected, ExportRun, StageClock, peak_rss_mb, rss_mb
from belong_scraper.export.sample import FIXTURE, ORIGIN, sample_items
from belong_scraper.export.spill import ParkedRows, RowSpill
from belong_scraper.export.stages import run_export, stage_stats
from belong_scraper.exporters import (
    ASSET_COLUMNS,
    REDIRECT_COLUMNS,
    csv_bytes,
    json_bytes,
    write_csv,
    write_handoff,
    write_json_and_csv,
    write_json_array,
)
from belong_scraper.handoff import apache_lines, apache_rules, nginx_lines, nginx_map
from belong_scraper.items import Article, PageReport, from_export_dict, to_export_dict
from belong_scraper.profile import load_profile
from belong_scraper.staging import StagedFolder
from belong_scraper.state import StateStore
from belong_scraper.urls import Origin, canonical_url

PROFILE = load_profile("legacy")


def collected(items: list) -> Collected:
    out = Collected()
    for item in items:
        out.add(item)
    return out


def export_run(out_dir: Path, items: list, **extra) -> ExportRun:
    out_dir.mkdir(parents=True, exist_ok=True)
    return ExportRun(
        out_dir=out_dir, profile=PROFILE, origin=Origin.from_url(ORIGIN + "/", PROFILE),
        run_id="run-1", start_url=ORIGIN + "/", started_at=datetime.now(UTC),
        db_url="sqlite://", reason="finished", collected=collected(items),
        fetched={r.url: 1 for r in items if isinstance(r, PageReport)}, **extra,
    )  # fmt: skip


def test_stages_in_order_write_the_records_and_their_map(tmp_path: Path) -> None:
    run = export_run(tmp_path / "out", sample_items())
    assembled = assemble_stage(run)
    ids = [r.id for r in assembled.records]
    assert ids == sorted(ids) and len(ids) == 37 + 14 + 4 + 5
    assert all(r.content_sha256 for r in assembled.records)
    handed = handoff_stage(run, assembled)
    assert handed.carried == [] and not handed.handoff.rejected_ids
    by_path = {row["legacy_url"]: row["target"] for row in handed.handoff.redirects}
    article = next(r for r in handed.records if r.id == "article-11")
    assert by_path[article.source_url] == article.path
    expected = [to_export_dict(r) for r in handed.records if r.id.startswith("article-")]
    spill = RowSpill(tmp_path / "job")
    written = records_stage(run, handed, spill)
    assert (run.out_dir / "articles.json").read_bytes() == json_bytes(expected)
    assert [r["id"] for r in expected] == sorted(r["id"] for r in expected)
    # The records are let go once written: the state's rows wait in the run's SQLite file.
    assert handed.records == [] and run.collected.records == []
    assert {type(r).__name__ for r in handed.assembled} == {"RecordRef"}
    assert [row["id"] for row in spill.rows()][:37] == [r["id"] for r in expected]
    assert written.counts == {"article": 37, "partner": 14, "cluster": 4, "page": 5}
    assert set(written.state.change_hashes) == written.exported
    # The state's rows are made as it reads them (once): from the shelf, not lists.
    watch = list(written.state.watch_items)
    assert sorted(w["article_id"] for w in watch) == sorted(r["id"] for r in expected)
    assert all(w["teaser_sha256"] and w["text_sha256"] for w in watch)
    pages = list(written.state.fetched_pages)
    assert [p["url"] for p in pages] == sorted({p["url"] for p in pages})
    assert list(written.state.fetched_pages) == []  # read once
    assert written.files["articles.json"]["records"] == 37
    assert {"redirects.csv", "redirects.nginx.conf", "assets.json"} <= set(written.files)
    # The renderings read the rows put aside, not the files: the same records, by id.
    source = spill.source(run.origin.url, handed.handoff.assets)
    assert list(source.records("articles")) == expected
    assert source.record("articles", "article-11") == next(
        r for r in expected if r["id"] == "article-11"
    )
    assert source.record("articles", "article-999") is None
    (run.out_dir / "articles.json").unlink()  # nothing reads it back
    rendered = renderings_stage(run, handed, source)
    assert "wordpress.xml" in rendered.files and (run.out_dir / "wordpress.xml").is_file()
    wxr = (run.out_dir / "wordpress.xml").read_bytes()
    assert rendered.files["wordpress.xml"]["sha256"] == hashlib.sha256(wxr).hexdigest()
    assert wxr.count(b"<wp:post_type><![CDATA[post]]>") == 37
    assert any(name.startswith("hugo/") for name in rendered.files)
    files = {**written.files, **rendered.files}
    ledger = ledger_stage(run, handed, files)
    assert ledger.status == "complete", ledger.reasons
    manifest = manifest_stage(run, assembled, handed, written, rendered, ledger, files)
    assert manifest["counts"] == {"articles": 37, "partners": 14, "clusters": 4, "pages": 5,
                                  "assets": 0}  # fmt: skip
    assert manifest["files"]["ledger.json"]["records"] == ledger.total
    # The manifest is the stages' data: nothing of it has been written yet.
    assert not (run.out_dir / "manifest.json").exists()
    empty = {"new": [], "updated": [], "removed": []}
    changes_stage(run, manifest, {k: empty for k in ("article", "partner", "cluster", "page")})
    assert manifest["changes"]["articles"] == {"new": 0, "updated": 0, "removed": 0}


def test_a_schema_breaking_record_is_rejected_and_the_rest_written(tmp_path: Path) -> None:
    items = sample_items()
    broken = next(i for i in items if getattr(i, "id", "") == "article-11")
    broken.date_source = "guessed"  # not one of the contract's values
    run = export_run(tmp_path / "out", items)
    handed = handoff_stage(run, assemble_stage(run))
    spill = RowSpill(None)
    try:
        written = records_stage(run, handed, spill)
        assert "article-11" not in {row["id"] for row in spill.rows()}
    finally:
        spill.close()
    assert [bad["id"] for bad in written.schema_rejected] == ["article-11"]
    assert [r.record_id for r in handed.rejected if r.stage == "schema"] == ["article-11"]
    assert written.counts["article"] == 36 and "article-11" not in written.exported


def test_carried_records_keep_the_previous_assets_they_use(tmp_path: Path) -> None:
    """The previous export's assets come in as data (read before any stage writes), not
    read back from a file the stages wrote."""
    out = tmp_path / "out"
    (out / "media").mkdir(parents=True)
    (out / "media" / "kept.jpg").write_bytes(b"jpeg")
    previous = [
        {"sha256": "a" * 64, "local_path": "media/kept.jpg", "used_by": ["article-9"]},
        {"sha256": "b" * 64, "local_path": "media/gone.jpg", "used_by": ["article-9"]},
        {"sha256": "c" * 64, "local_path": "media/kept.jpg", "used_by": ["article-8"]},
    ]
    run = export_run(out, [], previous_assets=previous)
    carried = [from_export_dict("page", {"id": "article-9", "key": "x"})]
    assert carried_assets(run, carried, current=[]) == previous[:1]
    assert carried_assets(run, carried, current=[{"sha256": "a" * 64}]) == []


@pytest.mark.parametrize("articles", [None, 120])
def test_run_export_commits_the_state_and_the_folder_together(
    tmp_path: Path, articles: int | None
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    store = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    try:
        stage = StagedFolder(out)
        run = export_run(stage.path, sample_items(articles))
        store.start_run(run.run_id, run.start_url, run.started_at, {})
        outcome = run_export(run, store, stage.commit)
        assert outcome.status == "complete"
        assert outcome.counts["article"] == (articles or 37)
        assert set(store.known_records()) >= {
            "article-11" if articles is None else "article-100000"
        }
    finally:
        store.close()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    sums = (out / "SHA256SUMS").read_text(encoding="utf-8")
    assert "manifest.json" in sums and "report.json" in sums and "changes.json" in sums
    assert set(manifest["files"]) >= {"report.html", "changes.json", "wordpress.xml"}
    stats = stage_stats(run)
    for name in ("assemble", "handoff", "records", "renderings", "manifest", "changes",
                 "report", "archive", "checksums", "state"):  # fmt: skip
        assert stats[f"export/stage_seconds/{name}"] >= 0


def test_streamed_record_files_are_the_bytes_of_the_whole_file_writers(tmp_path: Path) -> None:
    """JSON and CSV written a row at a time equal json_bytes / csv_bytes of the list:
    escaped newlines, a lone carriage return (a row quoted whole), formula cells, none."""
    rows = json.loads((FIXTURE / "articles.json").read_text(encoding="utf-8"))
    rows[0]["title"] = 'two\nlines, "quoted" \u2028 é'
    rows[1]["summary"] = "=1+1\rnext"
    for subset in (rows, rows[:1], []):
        entry = write_json_array(tmp_path / "a.json", subset)
        data = (tmp_path / "a.json").read_bytes()
        assert data == json_bytes(subset)
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                         "records": len(subset)}  # fmt: skip
        columns = list(rows[0])
        entry = write_csv(
            tmp_path / "a.csv", columns, ([r.get(c) for c in columns] for r in subset)
        )
        assert (tmp_path / "a.csv").read_bytes() == csv_bytes(subset, columns)
        assert entry["records"] == len(subset)
        both = write_json_and_csv(tmp_path / "b.json", tmp_path / "b.csv", columns, iter(subset))
        assert (tmp_path / "b.json").read_bytes() == json_bytes(subset)
        assert (tmp_path / "b.csv").read_bytes() == csv_bytes(subset, columns)
        assert [e["records"] for e in both] == [len(subset)] * 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_streamed_handoff_files_are_the_bytes_of_the_whole_file_writers(tmp_path: Path) -> None:
    """The handoff files written as they are made (the server maps a line at a time) equal
    the whole-file forms: json_bytes / csv_bytes of the rows, the maps' joined text."""
    out = tmp_path / "export"
    run = export_run(out, sample_items())
    handed = handoff_stage(run, assemble_stage(run))
    assets, redirects = handed.handoff.assets, handed.handoff.redirects
    assert redirects  # the sample has no media: assets.json is its empty array
    # Found straight into the export's row file, the same rows in the same order.
    spill = RowSpill(None)
    try:
        again = export_run(tmp_path / "again", sample_items())
        parked = handoff_stage(again, assemble_stage(again), spill).handoff.redirects
        assert isinstance(parked, ParkedRows) and list(parked) == redirects == list(parked)
        assert len(parked) == len(redirects)
    finally:
        spill.close()

    def canonicalize(url: str) -> str | None:
        return canonical_url(url, run.origin, PROFILE)

    lines = (
        nginx_lines(redirects, canonicalize, PROFILE),
        apache_lines(redirects, canonicalize, PROFILE),
    )
    streamed = write_handoff(tmp_path / "streamed", assets, redirects, *lines)
    nginx, apache = (
        nginx_map(redirects, canonicalize, PROFILE),
        apache_rules(redirects, canonicalize, PROFILE),
    )
    whole = write_handoff(tmp_path / "whole", assets, redirects, nginx, apache)
    assert streamed == whole
    files = {name: (tmp_path / "streamed" / name).read_bytes() for name in streamed}
    assert files["assets.json"] == json_bytes(assets)
    assert files["assets.csv"] == csv_bytes(assets, ASSET_COLUMNS)
    assert files["redirects.csv"] == csv_bytes(redirects, REDIRECT_COLUMNS)
    assert files["redirects.nginx.conf"] == nginx.encode() and nginx.endswith("}\n")
    assert files["redirects.apache.conf"] == apache.encode() and "RewriteRule" in apache
    for name, data in files.items():
        assert streamed[name]["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(peak_rss_mb() is None, reason="no /proc/self/status here")
def test_stage_peaks_leave_the_run_peak_alone() -> None:
    """A stage's peak is measured without resetting the kernel's mark: the whole run's
    peak (what the tests read at exit) still covers the crawl."""
    hwm = peak_rss_mb()
    clock = StageClock()
    with clock.stage("big"):
        block = bytearray(64 * 1024 * 1024)  # touched: resident, not only reserved
        block[::4096] = b"x" * len(block[::4096])
        at = rss_mb()
        # Held for a few of the sampler's rounds: in a process whose mark is higher
        # already (a test worker after a crawl), the sampler is what sees the stage's peak.
        time.sleep(5 * StageClock.INTERVAL)
        del block
    with clock.stage("small"):
        pass
    assert clock.peaks["big"] >= at - 1 and clock.peaks["small"] < clock.peaks["big"]
    assert clock.finish() == clock.peaks["big"]
    assert peak_rss_mb() >= hwm and set(clock.seconds) == {"big", "small"}


def test_an_incomplete_rerun_carries_records_from_the_state(tmp_path: Path) -> None:
    """The stages get the state's records without their data (ids, paths, URLs) and
    fetch the data of the few carried ones only."""
    out = tmp_path / "out"
    out.mkdir()
    store = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    try:
        for run_id, items, reason in (
            ("run-1", sample_items(), "finished"),
            ("run-2", [i for i in sample_items() if getattr(i, "id", "") != "article-11"
                       and getattr(i, "url", "") != "http://fixture.test/news.php?id=11"],
             "closespider_timeout"),
        ):  # fmt: skip
            stage = StagedFolder(out)
            run = export_run(stage.path, items, known=store.known_records(with_data=False),
                             state_data=store.record_data)  # fmt: skip
            run.run_id, run.reason = run_id, reason
            store.start_run(run_id, run.start_url, run.started_at, {})
            outcome = run_export(run, store, stage.commit)
            if run_id == "run-1":
                first = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    finally:
        store.close()
    assert outcome.status == "incomplete"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["carried_records"] == ["article-11"]
    again = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    assert [r for r in again if r["id"] == "article-11"] == [
        r for r in first if r["id"] == "article-11"
    ]


def test_collected_records_share_their_repeated_strings() -> None:
    """Two records parsed apart, with the same tags, image and language: collected, they
    hold one copy of each such string, their values unchanged; titles are not pooled."""
    first, second = (
        copy.deepcopy(next(i for i in sample_items() if isinstance(i, Article))) for _ in range(2)
    )
    for record in (first, second):
        record.tags = ["".join(["Migra", "tion"]), "x" + str(len(record.tags))]
        record.images = [{"url": "".join(["http://x.test/", "a.jpg"]), "alt": None}]
        record.evidence = {"media": {"".join(["http://x.test/", "a.jpg"]): {"status": 200}}}
    assert first.tags[0] is not second.tags[0]
    before = [to_export_dict(first), to_export_dict(second)]
    kept = collected([first, second]).records
    assert [to_export_dict(r) for r in kept] == before
    assert kept[0].tags[0] is kept[1].tags[0] and kept[0].tags[1] is kept[1].tags[1]
    assert kept[0].images[0]["url"] is kept[1].images[0]["url"]
    assert next(iter(kept[0].evidence["media"])) is next(iter(kept[1].evidence["media"]))
    assert kept[0].language is kept[1].language
