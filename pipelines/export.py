"""ExportPipeline: collect every item; when the crawl ends, assemble, validate and write.

The one place that touches the output folder and the state database. Its outcome
(status, counts, rejected records) goes into the crawl stats, which the CLI reads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from belong_scraper import __version__
from belong_scraper.archive import finish_archive, write_checksums
from belong_scraper.archive.fixity import export_files, file_sha256
from belong_scraper.archive.index import ARCHIVE_DIRNAME
from belong_scraper.archive.middleware import close_active, pending_warcs
from belong_scraper.assemble import RunFacts, assemble, change_hash, content_hash
from belong_scraper.exporters import (
    CONTRACT_VERSION,
    atomic_write,
    describe,
    json_bytes,
    split_valid,
    write_handoff,
    write_manifest,
    write_records,
)
from belong_scraper.handoff import (
    Handoff,
    LinkRewriter,
    apache_rules,
    nginx_map,
    publish_assets,
    redirect_rows,
    rewrite_records,
)
from belong_scraper.items import (
    EXPORT_FILES,
    RECORD_TYPES,
    Article,
    Cluster,
    Listing,
    Page,
    PageReport,
    Partner,
    Record,
    Rejected,
    from_export_dict,
    record_type,
    to_export_dict,
)
from belong_scraper.ledger import (
    LEDGER_NAME,
    build_ledger,
    fetched_urls,
    ledger_counts,
    ledger_status,
    one_line,
)
from belong_scraper.profile import load_profile
from belong_scraper.report import write_report
from belong_scraper.schemas import DOCUMENT_SCHEMAS, validation_errors
from belong_scraper.spiders.watch import teaser_hash
from belong_scraper.staging import StagedFolder
from belong_scraper.state import StateStore, default_db_url
from belong_scraper.targets.hugo import write_hugo
from belong_scraper.targets.wxr import write_wxr
from belong_scraper.urls import Origin, canonical_url
from pipelines.base import rejection
from pipelines.limits import cap_fields, field_caps
from pipelines.watch import text_hash

logger = logging.getLogger(__name__)


class ExportPipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.profile = load_profile(settings.get("SITE_PROFILE"))
        self.out_dir = Path(settings.get("EXPORT_DIR", "exports"))
        self.db_url = settings.get("STATE_DB_URL") or default_db_url(self.out_dir)
        self.run_id = settings.get("RUN_ID") or uuid.uuid4().hex
        self.records: list[Record] = []
        self.listings: list[Listing] = []
        self.reports: list[PageReport] = []
        self.rejected: list[Rejected] = []
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.store = StateStore(self.db_url)
        self.locks = contextlib.ExitStack()
        if not self.crawler.settings.getbool("STATE_LOCK_HELD"):  # the CLI holds it itself
            self.locks.enter_context(self.store.lock())
        self.previous_run = self.store.last_run("migrate", exclude=self.run_id)
        self.store.start_run(self.run_id, self._start_url(), self.started_at, self._settings())

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article | Partner | Cluster | Page):
            self.records.append(item)
        elif isinstance(item, Listing):
            self.listings.append(item)
        elif isinstance(item, PageReport):
            self.reports.append(item)
        elif isinstance(item, Rejected):
            self.rejected.append(item)
        return item

    def spider_closed(self, reason: str) -> None:
        """Export only a crawl that ran to its end or was cut by a limit (an honest
        ``incomplete``); an interrupted one (Ctrl-C, shutdown) leaves the previous export
        untouched and is continued by `migrate --resume`."""
        try:
            if reason == "finished" or reason.startswith("closespider_"):
                self._staged_export(reason)
            else:
                self.store.close_run(self.run_id, "interrupted", {})
                self.crawler.stats.set_value("export/interrupted", reason)
        finally:
            self.store.close()
            self.locks.close()

    def _staged_export(self, reason: str) -> None:
        """Build the new folder beside the old one; the state is committed and the folder
        swapped in together, last. A failure anywhere leaves both as they were."""
        stage: StagedFolder | None = None
        try:
            this_run = close_active(self.out_dir)  # WARCs complete before they are linked
            stage = StagedFolder(self.out_dir)
            stage.link_in(pending_warcs(self.out_dir), ARCHIVE_DIRNAME)
            self._export(stage, reason, this_run)
        except Exception as exc:
            if stage is not None:
                stage.discard()
            message = one_line(exc)
            logger.error("export failed, previous export and state kept: %s", message)
            self.store.close_run(self.run_id, "failed", {})
            self.crawler.stats.set_value("export/failed", message)

    def _export(self, stage: StagedFolder, reason: str, this_run: dict[str, int]) -> None:
        out_dir = stage.path
        stats = self.crawler.stats
        known = self.store.known_records()
        records, facts = assemble(
            self.records, self.listings, self.reports, self.profile, previous=known
        )
        caps = field_caps(self.crawler.settings)
        for record in records:  # what assembly added (teaser summaries, tag names) too
            if cap_fields(record, caps):
                record.review_flags = sorted(set(record.review_flags))
                record.content_sha256 = content_hash(record)
        spider = self.crawler.spider
        requested = sorted(getattr(spider, "requested", ()))
        fetched = fetched_urls(self.crawler)
        rejected_items = list(self.rejected)
        entries = build_ledger(self.reports, records, rejected_items, fetched, requested, reason)
        status, reasons = ledger_status(entries, reason)
        carried = self._carried(known, records, status)
        handoff = self._handoff(records, carried, rejected_items, out_dir)
        assembled, records = records, [r for r in records if r.id not in handoff.rejected_ids]
        by_type, rejected = split_valid(records)
        for bad in rejected:
            rejected_items.append(Rejected(
                url=bad["record"].get("source_url") or "", stage="schema",
                error="breaks its schema: " + "; ".join(bad["errors"])[:300],
                record_id=bad["id"]))  # fmt: skip
        # A record that failed this time is exported as the previous run had it.
        exported = {row["id"] for rows in by_type.values() for row in rows}
        for item in rejected_items:
            state = known.get(item.record_id or "")
            if (
                state is not None
                and state.removed_in_run is None
                and item.record_id not in {c.id for c in carried}
            ):
                carried.append(from_export_dict(state.type, state.data))
        carried = [c for c in carried if c.id not in exported]
        for record in carried:
            by_type[record_type(record)].append(to_export_dict(record))
        files = write_records(out_dir, by_type)
        files.update(
            write_handoff(
                out_dir,
                handoff.assets,
                handoff.redirects,
                nginx_map(handoff.redirects, self._canonicalize, self.profile),
                apache_rules(handoff.redirects, self._canonicalize, self.profile),
            )
        )
        files.update(self._renderings(handoff, out_dir, assembled, rejected_items))
        entries = build_ledger(self.reports, assembled, rejected_items, fetched, requested, reason)
        status, reasons = ledger_status(entries, reason)
        counts = {kind: len(by_type[kind]) for kind in RECORD_TYPES}
        ledger = {"run_id": self.run_id, "status": status, "reasons": reasons,
                  "finish_reason": reason, "counts": ledger_counts(entries),
                  "entries": entries}  # fmt: skip
        atomic_write(out_dir / LEDGER_NAME, json_bytes(ledger))
        files[LEDGER_NAME] = describe(json_bytes(ledger), len(entries))
        finished_at = datetime.now(UTC)
        manifest = self._manifest(files, counts, facts, rejected, status, finished_at)
        manifest["status_reasons"] = reasons
        manifest["ledger"] = {"file": LEDGER_NAME, "counts": ledger["counts"]}
        manifest["rejected_items"] = [
            {"url": r.url, "record_id": r.record_id, "stage": r.stage, "error": r.error}
            for r in rejected_items
            if r.stage != "schema"
        ]
        manifest["rejected_pages"] = [
            {"url": e["url"], "status": e.get("status"), "reason": e["reason"]}
            for e in entries
            if e["outcome"] == "rejected" and e.get("reason")
        ]
        manifest["carried_records"] = sorted(c.id for c in carried)
        manifest["counts"]["assets"] = len(handoff.assets)
        manifest["failed_downloads"] = handoff.failed_downloads
        manifest["unmapped_links"] = handoff.unmapped_links
        manifest["broken_body_links"] = handoff.broken_body_links
        manifest["wxr"] = handoff.wxr
        manifest["wxr_collisions"] = handoff.wxr.get("collisions", [])

        def finish(changes: dict[str, dict[str, list[str]]]) -> None:
            """Inside the state's transaction: the rest of the folder, then the swap."""
            self._finish_folder(out_dir, manifest, changes, this_run)
            stage.commit()

        self.store.finish_run(
            self.run_id,
            status,
            counts,
            [row for kind in RECORD_TYPES for row in by_type[kind] if row["id"] in exported],
            self._fetched_pages(records),
            {r.id: change_hash(r) for r in records if r.id in exported},
            removable=self._removable(known, records, status),
            before_commit=finish,
        )
        self.store.save_watch_items(self.run_id, self._watch_baseline(records))
        stats.set_value("export/status", status)
        stats.set_value("export/reasons", reasons)
        stats.set_value("export/records", sum(counts.values()))
        stats.set_value("export/rejected", len(rejected_items))
        stats.set_value("export/failed_pages", ledger["counts"]["failed"])
        stats.set_value("export/pages", facts.pages)
        stats.set_value("export/assets", len(handoff.assets))
        stats.set_value("export/failed_downloads", len(handoff.failed_downloads))

    def _finish_folder(
        self,
        out_dir: Path,
        manifest: dict[str, Any],
        changes: dict[str, dict[str, list[str]]],
        this_run: dict[str, int],
    ) -> None:
        change_set = {"previous_run": self.previous_run, "run": self.run_id}
        change_set |= {EXPORT_FILES[kind]: changes[kind] for kind in RECORD_TYPES}
        problems = validation_errors("changes", change_set)
        if problems:
            raise ValueError(f"changes.json breaks its schema: {problems[0]}")
        atomic_write(out_dir / "changes.json", json_bytes(change_set))
        manifest["files"]["changes.json"] = describe(json_bytes(change_set))
        manifest["changes"] = {
            EXPORT_FILES[k]: {c: len(ids) for c, ids in changes[k].items()} for k in RECORD_TYPES
        }
        write_manifest(out_dir, manifest)
        # The report reads the finished folder (manifest included), then is listed in it.
        write_report(out_dir)
        report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
        for problem in validation_errors("report", report):
            manifest["warnings"].append(f"report.json: {problem}")
        for kind in ("changes", "report"):
            schema = json_bytes(DOCUMENT_SCHEMAS[kind])
            atomic_write(out_dir / "schema" / f"{kind}.schema.json", schema)
            manifest["files"][f"schema/{kind}.schema.json"] = describe(schema)
        for name in ("report.html", "report.json", "review.csv"):
            manifest["files"][name] = describe((out_dir / name).read_bytes())
        # The archive closes last: its index and provenance.json cover every fetch, media
        # downloads included; SHA256SUMS then covers every file, the manifest included.
        manifest["archive"] = finish_archive(out_dir, this_run)
        # Every other file too (media, WARCs, ...): the manifest describes the whole folder.
        for name in export_files(out_dir):
            if name != "manifest.json" and name not in manifest["files"]:
                path = out_dir / name  # streamed: WARCs can be large
                manifest["files"][name] = {
                    "sha256": file_sha256(path),
                    "bytes": path.stat().st_size,
                }
        write_manifest(out_dir, manifest)
        write_checksums(
            out_dir, {name: entry["sha256"] for name, entry in manifest["files"].items()}
        )

    def _carried(self, known: dict[str, Any], records: list[Record], status: str) -> list[Record]:
        """Known records this run did not export and cannot prove gone: carried over from
        the state as the previous run had them (an incomplete crawl proves nothing)."""
        current = {r.id for r in records}
        removable = self._removable(known, records, status)
        return [
            from_export_dict(state.type, state.data)
            for record_id, state in sorted(known.items())
            if record_id not in current
            and state.removed_in_run is None
            and record_id not in removable
            and state.data
        ]

    def _handoff(
        self,
        records: list[Record],
        carried: list[Record],
        rejected: list[Rejected],
        out_dir: Path,
    ) -> Handoff:
        """Assets, bodies rewritten to the new site, the redirect map (hashes redone).
        Carried records keep their bodies as exported; they still own their redirects and
        the assets they used."""
        handoff = Handoff()
        incoming = self.crawler.settings.get("MEDIA_INCOMING_DIR")
        handoff.assets, handoff.failed_downloads, by_url = publish_assets(
            out_dir, records, Path(incoming) if incoming else None
        )
        handoff.assets += carried_assets(out_dir, carried, handoff.assets)
        origin = Origin.from_url(self._start_url() or records[0].source_url, self.profile)
        self._origin = origin
        rewriter = LinkRewriter(
            [*records, *carried], self.reports, by_url, origin, self.profile,
            handoff.failed_downloads,
        )  # fmt: skip
        for record in records:
            try:
                rewrite_records([record], rewriter)
                record.content_sha256 = content_hash(record)
            except Exception as exc:  # one record's failure rejects it, not the export
                rejected.append(rejection(record, "export", exc))
                handoff.rejected_ids.add(record.id)
        kept = [r for r in records if r.id not in handoff.rejected_ids]
        handoff.redirects = redirect_rows([*kept, *carried], self.reports, rewriter, self.profile)
        handoff.unmapped_links = [
            {"url": url, "linked_from": sorted(ids)}
            for url, ids in sorted(rewriter.unmapped.items())
        ]
        # A body link still pointing at the old site needs a human before cut-over.
        unmapped_in = {record_id for ids in rewriter.unmapped.values() for record_id in ids}
        for record in kept:
            if record.id in unmapped_in and "unmapped-link" not in record.review_flags:
                record.review_flags.append("unmapped-link")
                record.content_sha256 = content_hash(record)
        handoff.broken_body_links = [
            {"url": url, "linked_from": sorted(ids)} for url, ids in sorted(rewriter.broken.items())
        ]
        return handoff

    def _canonicalize(self, url: str) -> str | None:
        return canonical_url(url, self._origin, self.profile)

    def _start_url(self) -> str:
        spider = self.crawler.spider
        return getattr(spider, "start_url", "") if spider is not None else ""

    def _settings(self) -> dict[str, Any]:
        names = ("SITE_PROFILE", "USER_AGENT", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
                 "ROBOTSTXT_OBEY", "RETRY_TIMES", "TRAP_BARREN_LIMIT")  # fmt: skip
        return {name: self.crawler.settings.get(name) for name in names}

    def _renderings(
        self,
        handoff: Handoff,
        out_dir: Path,
        records: list[Record],
        rejected: list[Rejected],
    ) -> dict[str, dict[str, Any]]:
        """The CMS renderings of the export folder: a Hugo tree and a WordPress WXR file.

        They read the files just written (the contract), so they stay renderings of it. A
        record one of them cannot render is left out of it and rejected at that stage."""
        files: dict[str, dict[str, Any]] = {}
        failures: dict[str, dict[str, str]] = {"hugo": {}, "wxr": {}}
        hugo_files = write_hugo(
            out_dir, site_title=self.profile.site_title, language=self.profile.default_language,
            failures=failures["hugo"],
        )  # fmt: skip
        for name in hugo_files:
            files[name] = describe((out_dir / name).read_bytes())
        handoff.wxr = write_wxr(
            out_dir, site_title=self.profile.site_title, language=self.profile.default_language,
            failures=failures["wxr"],
        )  # fmt: skip
        files["wordpress.xml"] = describe((out_dir / "wordpress.xml").read_bytes())
        sources = {r.id: r.source_url for r in records}
        for stage, failed in failures.items():
            for record_id, error in sorted(failed.items()):
                logger.warning("%s could not render %s: %s", stage, record_id, error)
                if record_id in sources:
                    rejected.append(Rejected(url=sources[record_id], error=error,
                                             stage=stage, record_id=record_id))  # fmt: skip
                else:  # an attachment (of a post that could not be rendered)
                    handoff.wxr.setdefault("unrendered", []).append(
                        {"item": record_id, "error": error}
                    )
        return files

    def _watch_baseline(self, records: list[Record]) -> list[dict[str, Any]]:
        """What `watch` compares against: each article's listing teaser and its text."""
        teasers: dict[str, str] = {}
        for listing in sorted(self.listings, key=lambda x: (x.kind != "listing", x.page, x.url)):
            for teaser in listing.teasers:
                teasers.setdefault(teaser.article_id, teaser_hash(teaser.title, teaser.excerpt))
        return [
            {"article_id": r.id, "url": r.source_url, "title": r.title,
             "teaser_sha256": teasers.get(r.id), "text_sha256": text_hash(r.title, r.body_text)}
            for r in records
            if isinstance(r, Article)
        ]  # fmt: skip

    def _removable(self, known: dict[str, Any], records: list[Record], status: str) -> set[str]:
        """Known records absent from this run that are really gone: their page answered
        404/410, or answered and was read without them, or (in a complete crawl) is no
        longer linked. Nothing is removed by an incomplete run: a page that failed to load,
        to extract or to export proves nothing."""
        if status != "complete":
            return set()
        current = {r.id for r in records}
        fetched = {r.canonical: r for r in self.reports if not r.redirect_to}
        removable = set()
        for record_id, state in known.items():
            if record_id in current or state.removed_in_run is not None:
                continue
            page = fetched.get(state.source_url)
            if page is None or page.status in (404, 410) or (page.status == 200 and not page.error):
                removable.add(record_id)
        return removable

    def _fetched_pages(self, records: list[Record]) -> list[dict[str, Any]]:
        pages: dict[str, dict[str, Any]] = {}
        for report in self.reports:
            pages[report.url] = {
                "url": report.url,
                "canonical_url": report.canonical,
                "status": report.status,
                "kind": report.kind,
                "etag": report.etag,
                "last_modified": report.last_modified,
                "payload_sha256": report.payload_sha256,
                "php_errors": sum(report.php_errors.values()),
                "error": report.error,
            }
        for record in records:
            for url, result in record.evidence.get("media", {}).items():
                pages[url] = {
                    "url": url,
                    "canonical_url": url,
                    "status": result["status"],
                    "kind": "media",
                    "etag": result.get("etag"),
                    "last_modified": result.get("last_modified"),
                    "payload_sha256": result.get("sha256"),
                    "php_errors": 0,
                    "error": None if result.get("ok") else result.get("reason"),
                }
        return [pages[url] for url in sorted(pages)]

    def _manifest(
        self,
        files: dict[str, dict[str, Any]],
        counts: dict[str, int],
        facts: RunFacts,
        rejected: list[dict[str, Any]],
        status: str,
        finished_at: datetime,
    ) -> dict[str, Any]:
        return {
            "contract_version": CONTRACT_VERSION,
            "tool": {"name": "belong-scraper", "version": __version__},
            "run_id": self.run_id,
            "status": status,
            "start_url": self._start_url(),
            "profile": self.profile.source,
            "default_language": self.profile.default_language,
            "started_at": self.started_at.isoformat(timespec="seconds"),
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
            "state_db": self.db_url,
        }


def carried_assets(
    out_dir: Path, carried: list[Record], current: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The previous export's assets that carried records use, when their file is still
    in the folder: a carried body keeps pointing at files that exist."""
    previous = out_dir / "assets.json"
    ids = {record.id for record in carried}
    if not ids or not previous.exists():
        return []
    have = {asset["sha256"] for asset in current}
    kept = []
    for asset in json.loads(previous.read_text(encoding="utf-8")):
        if asset["sha256"] in have or not ids & set(asset.get("used_by", [])):
            continue
        if (out_dir / asset["local_path"]).is_file():
            kept.append(asset)
    return kept
