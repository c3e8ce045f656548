"""Stages 6-8, inside the state's transaction: the change set and the report, the
archive (index and provenance cover every fetch, media downloads included), then the
manifest listing every file and SHA256SUMS covering them, the manifest included."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from belong_scraper.archive import finish_archive
from belong_scraper.archive.fixity import export_files, file_sha256, write_checksums_from
from belong_scraper.export.filelist import FileList
from belong_scraper.export.run import ExportRun
from belong_scraper.export.spill import SpillSource
from belong_scraper.exporters import atomic_write, describe, json_bytes, write_manifest
from belong_scraper.items import EXPORT_FILES, RECORD_STEMS, RECORD_TYPES
from belong_scraper.report import skeleton, streamed_facts, write_report
from belong_scraper.schemas import DOCUMENT_SCHEMAS, validation_errors
from belong_scraper.targets import ExportSource

MANIFEST_NAME = "manifest.json"


def changes_stage(
    run: ExportRun, manifest: dict[str, Any], changes: dict[str, dict[str, list[str]]]
) -> None:
    """changes.json: what the state says changed since the previous run."""
    change_set = {"previous_run": run.previous_run, "run": run.run_id}
    change_set |= {EXPORT_FILES[kind]: changes[kind] for kind in RECORD_TYPES}
    problems = validation_errors("changes", change_set)
    if problems:
        raise ValueError(f"changes.json breaks its schema: {problems[0]}")
    data = json_bytes(change_set)
    atomic_write(run.out_dir / "changes.json", data)
    manifest["files"]["changes.json"] = describe(data)
    manifest["changes"] = {
        EXPORT_FILES[k]: {c: len(ids) for c, ids in changes[k].items()} for k in RECORD_TYPES
    }


def report_stage(
    run: ExportRun,
    manifest: dict[str, Any],
    source: ExportSource,
    redirect_rows: Iterable[dict[str, Any]],
) -> None:
    """report.html, report.json, review.csv, from the export's rows, its manifest as it
    stands (written once, last) and its redirect rows: no file is read back."""
    out_dir = run.out_dir
    # The long lists (PHP errors per page, records to review) made as they are written,
    # the review rows waiting in the scratch SQLite file the records are in.
    db = source.db if isinstance(source, SpillSource) else None
    facts = streamed_facts(source, manifest, redirect_rows, db)
    described: dict[str, dict[str, Any]] = {}
    write_report(out_dir, facts, described=described)
    # report.json as a reader sees it: what the schema is checked against (the facts as
    # they are when they are JSON's own types already, not a second copy of them; the
    # long lists as lists: the schema asks no more of them)
    for problem in validation_errors("report", as_json(skeleton(facts))):
        manifest["warnings"].append(f"report.json: {problem}")
    for kind in ("changes", "report"):
        schema = json_bytes(DOCUMENT_SCHEMAS[kind])
        atomic_write(out_dir / "schema" / f"{kind}.schema.json", schema)
        manifest["files"][f"schema/{kind}.schema.json"] = describe(schema)
    for name in ("report.html", "report.json", "review.csv"):
        manifest["files"][name] = described[name]


def archive_stage(run: ExportRun, manifest: dict[str, Any], source: ExportSource) -> None:
    """The WARCs closed and indexed, each record's source mapped to its capture (the
    records and assets as the export holds them, not read back from its files; this
    run's captures as its writers noted them, not read back from its WARCs)."""
    db = source.db if isinstance(source, SpillSource) else None  # tables beside the rows
    manifest["archive"] = finish_archive(
        run.out_dir, run.warcs_this_run, export_sources(source), db, run.warcs_written
    )


def export_sources(source: ExportSource) -> Iterator[tuple[str, str, str | None]]:
    """(id, the URL it came from, an asset's SHA-256) of every exported record and asset."""
    for stem in RECORD_STEMS:
        for row in source.records(stem):
            yield row["id"], row.get("source_url") or "", None
    for asset in source.assets():
        yield asset["id"], asset.get("url") or "", asset.get("sha256")


def checksums_stage(run: ExportRun, manifest: dict[str, Any]) -> None:
    """Every other file (media, WARCs, ...) listed, the manifest written, SHA256SUMS: both
    from the file list a batch at a time, none of the 45,000 entries of a 20,000-article
    export in memory."""
    out_dir = run.out_dir
    files = manifest["files"]
    if not isinstance(files, FileList):  # a manifest made by hand
        files = manifest["files"] = FileList(None, files)
    # One walk: writing the manifest is the only change to the folder after it.
    with files.walked(export_files(out_dir)) as walked:
        for name in walked.unlisted(but=MANIFEST_NAME):
            path = out_dir / name  # streamed: WARCs can be large
            files[name] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
        written = write_manifest(out_dir, manifest)
        walked.add([MANIFEST_NAME])
        digests = (
            (name, written["sha256"] if name == MANIFEST_NAME else digest)
            for name, digest in walked.digests()
        )
        write_checksums_from(out_dir, digests)


def as_json(value: Any) -> Any:
    """``value`` as ``json.loads(json_bytes(value))`` gives it back: the value itself when
    it holds only JSON's types (dicts with text keys, lists, text, numbers, booleans,
    None), else a converted copy of the parts that differ (a tuple read back is a list, a
    number key text, a float such as NaN what the encoder writes)."""
    if isinstance(value, dict):
        items = {(k if isinstance(k, str) else json.dumps(k)): as_json(v) for k, v in value.items()}
        same = len(items) == len(value) and all(
            isinstance(k, str) and items[k] is v for k, v in value.items()
        )
        return value if same else items
    if isinstance(value, list):
        converted = [as_json(v) for v in value]
        return value if all(a is b for a, b in zip(converted, value, strict=True)) else converted
    if isinstance(value, str | int | bool) or value is None:
        return value
    return json.loads(json.dumps(value, ensure_ascii=False))  # tuples, floats, the rest
