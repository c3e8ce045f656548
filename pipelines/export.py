"""ExportPipeline: collect every item; when the crawl ends, assemble, validate and write.

The one place that touches the output folder and the state database. Its outcome
(status, counts, rejected records) goes into the crawl stats, which the CLI reads.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from belong_scraper import __version__
from belong_scraper.archive import finish_archive, write_checksums
from belong_scraper.archive.fixity import export_files, file_sha256
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
)
from belong_scraper.profile import load_profile
from belong_scraper.report import write_report
from belong_scraper.schemas import DOCUMENT_SCHEMAS, validation_errors
from belong_scraper.spiders.watch import teaser_hash
from belong_scraper.state import StateStore, default_db_url
from belong_scraper.targets.hugo import write_hugo
from belong_scraper.targets.wxr import write_wxr
from belong_scraper.urls import Origin, canonical_url
from pipelines.watch import text_hash


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
        return item

    def spider_closed(self, reason: str) -> None:
        """Export only a crawl that ran to its end; an interrupted one (Ctrl-C, shutdown)
        leaves the previous export untouched and is continued by `migrate --resume`."""
        try:
            if reason == "finished" or reason.startswith("closespider_"):
                self._export()
            else:
                self.store.close_run(self.run_id, "interrupted", {})
                self.crawler.stats.set_value("export/interrupted", reason)
        finally:
            self.store.close()
            self.locks.close()

    def _export(self) -> None:
        stats = self.crawler.stats
        known = self.store.known_records()
        records, facts = assemble(
            self.records, self.listings, self.reports, self.profile, previous=known
        )
        handoff = self._handoff(records)
        by_type, rejected = split_valid(records)
        files = write_records(self.out_dir, by_type)
        files.update(
            write_handoff(
                self.out_dir,
                handoff.assets,
                handoff.redirects,
                nginx_map(handoff.redirects, self._canonicalize, self.profile),
                apache_rules(handoff.redirects, self._canonicalize, self.profile),
            )
        )
        files.update(self._renderings(handoff))
        counts = {kind: len(by_type[kind]) for kind in RECORD_TYPES}
        status = "complete" if not (facts.failed_pages or rejected) else "incomplete"
        finished_at = datetime.now(UTC)
        manifest = self._manifest(files, counts, facts, rejected, status, finished_at)
        manifest["counts"]["assets"] = len(handoff.assets)
        manifest["failed_downloads"] = handoff.failed_downloads
        manifest["unmapped_links"] = handoff.unmapped_links
        manifest["broken_body_links"] = handoff.broken_body_links
        manifest["wxr"] = handoff.wxr
        manifest["wxr_collisions"] = handoff.wxr.get("collisions", [])
        changes = self.store.finish_run(
            self.run_id,
            status,
            counts,
            [row for kind in RECORD_TYPES for row in by_type[kind]],
            self._fetched_pages(records),
            {r.id: change_hash(r) for r in records},
            removable=self._removable(known, records, status),
        )
        change_set = {"previous_run": self.previous_run, "run": self.run_id}
        change_set |= {EXPORT_FILES[kind]: changes[kind] for kind in RECORD_TYPES}
        assert not validation_errors("changes", change_set), validation_errors(
            "changes", change_set
        )
        atomic_write(self.out_dir / "changes.json", json_bytes(change_set))
        manifest["files"]["changes.json"] = describe(json_bytes(change_set))
        manifest["changes"] = {
            EXPORT_FILES[k]: {c: len(ids) for c, ids in changes[k].items()} for k in RECORD_TYPES
        }
        write_manifest(self.out_dir, manifest)
        # The report reads the finished folder (manifest included), then is listed in it.
        write_report(self.out_dir)
        report = json.loads((self.out_dir / "report.json").read_text(encoding="utf-8"))
        for problem in validation_errors("report", report):
            manifest["warnings"].append(f"report.json: {problem}")
        for kind in ("changes", "report"):
            schema = json_bytes(DOCUMENT_SCHEMAS[kind])
            atomic_write(self.out_dir / "schema" / f"{kind}.schema.json", schema)
            manifest["files"][f"schema/{kind}.schema.json"] = describe(schema)
        for name in ("report.html", "report.json", "review.csv"):
            manifest["files"][name] = describe((self.out_dir / name).read_bytes())
        # The archive closes last: its index and provenance.json cover every fetch, media
        # downloads included; SHA256SUMS then covers every file, the manifest included.
        manifest["archive"] = finish_archive(self.out_dir)
        # Every other file too (media, WARCs, ...): the manifest describes the whole folder.
        for name in export_files(self.out_dir):
            if name != "manifest.json" and name not in manifest["files"]:
                path = self.out_dir / name  # streamed: WARCs can be large
                manifest["files"][name] = {
                    "sha256": file_sha256(path),
                    "bytes": path.stat().st_size,
                }
        write_manifest(self.out_dir, manifest)
        write_checksums(
            self.out_dir, {name: entry["sha256"] for name, entry in manifest["files"].items()}
        )
        self.store.save_watch_items(self.run_id, self._watch_baseline(records))
        stats.set_value("export/status", status)
        stats.set_value("export/records", sum(counts.values()))
        stats.set_value("export/rejected", len(rejected))
        stats.set_value("export/failed_pages", len(facts.failed_pages))
        stats.set_value("export/pages", facts.pages)
        stats.set_value("export/assets", len(handoff.assets))
        stats.set_value("export/failed_downloads", len(handoff.failed_downloads))

    def _handoff(self, records: list[Record]) -> Handoff:
        """Assets, bodies rewritten to the new site, the redirect map (hashes redone)."""
        handoff = Handoff()
        handoff.assets, handoff.failed_downloads, by_url = publish_assets(self.out_dir, records)
        origin = Origin.from_url(self._start_url() or records[0].source_url, self.profile)
        self._origin = origin
        rewriter = LinkRewriter(
            records, self.reports, by_url, origin, self.profile, handoff.failed_downloads
        )
        rewrite_records(records, rewriter)
        handoff.redirects = redirect_rows(records, self.reports, rewriter, self.profile)
        handoff.unmapped_links = [
            {"url": url, "linked_from": sorted(ids)}
            for url, ids in sorted(rewriter.unmapped.items())
        ]
        # A body link still pointing at the old site needs a human before cut-over.
        unmapped_in = {record_id for ids in rewriter.unmapped.values() for record_id in ids}
        for record in records:
            if record.id in unmapped_in and "unmapped-link" not in record.review_flags:
                record.review_flags.append("unmapped-link")
        handoff.broken_body_links = [
            {"url": url, "linked_from": sorted(ids)} for url, ids in sorted(rewriter.broken.items())
        ]
        for record in records:
            record.content_sha256 = content_hash(record)
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

    def _renderings(self, handoff: Handoff) -> dict[str, dict[str, Any]]:
        """The CMS renderings of the export folder: a Hugo tree and a WordPress WXR file.

        They read the files just written (the contract), so they stay renderings of it."""
        files: dict[str, dict[str, Any]] = {}
        hugo_files = write_hugo(
            self.out_dir, site_title=self.profile.site_title, language=self.profile.default_language
        )
        for name in hugo_files:
            files[name] = describe((self.out_dir / name).read_bytes())
        handoff.wxr = write_wxr(
            self.out_dir, site_title=self.profile.site_title, language=self.profile.default_language
        )
        files["wordpress.xml"] = describe((self.out_dir / "wordpress.xml").read_bytes())
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
        404/410, or answered without them, or (in a complete crawl) is no longer linked.
        A page that failed to load proves nothing."""
        current = {r.id for r in records}
        fetched = {r.canonical: r.status for r in self.reports if not r.redirect_to}
        removable = set()
        for record_id, state in known.items():
            if record_id in current or state.removed_in_run is not None:
                continue
            page_status = fetched.get(state.source_url)
            if page_status in (200, 404, 410) or (page_status is None and status == "complete"):
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
