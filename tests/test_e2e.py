"""End to end: `belong-scraper migrate` crawls the fixture site on loopback, for real.

The whole export is compared with the checked-in expected export field by field; then
rules over every string of every output file; then the crawl's manners (robots.txt,
bounded requests) and determinism.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pytest

from belong_scraper.assemble import canonical_json
from belong_scraper.expected import RECORD_FILES, portable_export
from tests.checks import assert_clean_output
from tests.conftest import FIXTURES, load_export, migrate

EXPECTED = FIXTURES / "expected-export"


@pytest.fixture(scope="module")
def crawl(migrated_run, tmp_path_factory):
    """The session's crawl of the fixture site (conftest `migrated_run`), shared by the
    assertions of this module, and a second run on the same server into another folder."""
    second_out = tmp_path_factory.mktemp("e2e") / "second"
    second = migrate(migrated_run.server, second_out)
    return {
        "out": migrated_run.out,
        "result": migrated_run.result,
        "log": migrated_run.log,
        "origin": migrated_run.origin,
        "second": second,
        "second_out": second_out,
    }


def test_migrate_completes(crawl) -> None:
    result = crawl["result"]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    manifest = json.loads((crawl["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["rejected_records"] == []


@pytest.mark.parametrize("name", RECORD_FILES)
def test_export_matches_expected_field_by_field(crawl, name: str) -> None:
    got = {r["id"]: r for r in portable_export(crawl["out"], crawl["origin"])[name]}
    expected = {
        r["id"]: r for r in json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    }
    assert sorted(got) == sorted(expected)
    for record_id, record in expected.items():
        for field, value in record.items():
            assert got[record_id][field] == value, f"{record_id}.{field}"


def test_every_string_of_every_output_file_is_clean(crawl) -> None:
    assert_clean_output(crawl["out"])


def test_records_are_unique_and_hashes_hold(crawl) -> None:
    export = load_export(crawl["out"])
    ids = [r["id"] for records in export.values() for r in records]
    assert len(ids) == len(set(ids))
    for records in export.values():
        assert [r["id"] for r in records] == sorted(r["id"] for r in records)
        sources = [r["source_url"] for r in records if r.get("source_url") and "legacy_id" in r]
        assert len(sources) == len(set(sources))
        for record in records:
            body = {k: v for k, v in record.items() if k != "content_sha256"}
            digest = hashlib.sha256(canonical_json(body).encode()).hexdigest()
            assert record["content_sha256"] == digest
    bodies = [a["body_text"] for a in export["articles"] if a["body_text"]]
    assert len(bodies) == len(set(bodies)), "the same article exported twice"
    slugs = [a["slug"] for a in export["articles"]]
    assert len(slugs) == len(set(slugs))


def test_csv_carries_the_same_records(crawl) -> None:
    out = crawl["out"]
    for name in RECORD_FILES:
        records = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["id"] for r in rows] == [r["id"] for r in records]
        for row, record in zip(rows, records, strict=True):
            assert list(row) == list(record)
            for key, value in record.items():
                if isinstance(value, list | dict):
                    assert json.loads(row[key]) == value
                elif value is None:
                    assert row[key] == ""


def test_manifest_describes_the_files(crawl) -> None:
    out = crawl["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["contract_version"].startswith("1.")
    for name, entry in manifest["files"].items():
        data = (out / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    # Every file of the folder, media, Hugo tree and WARCs included; not itself nor the
    # checksums written after it.
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json", "SHA256SUMS"}
    assert manifest["counts"]["articles"] == len(load_export(out)["articles"])
    assert manifest["php_errors_removed"]["total"] > 0
    assert {"warning", "notice", "deprecated", "fatal_error"} <= set(
        manifest["php_errors_removed"]["by_level"]
    )
    broken = {b["url"] for b in manifest["broken_links"]}
    assert broken and all(b["linked_from"] for b in manifest["broken_links"])
    assert manifest["redirects"]
    assert manifest["failed_pages"] == []


def test_crawl_manners(crawl) -> None:
    log = crawl["log"]
    targets = [r.target for r in log]
    assert not [t for t in targets if t.startswith("/admin")], "requested a disallowed path"
    assert targets.count("/robots.txt") >= 1
    calendar = [t for t in targets if t.startswith("/events.php")]
    assert len(calendar) <= 40, "the endless calendar was not bounded"
    routes = json.loads((FIXTURES / "site" / "routes.json").read_text(encoding="utf-8"))
    assert len(log) <= len(routes["routes"]) + len(calendar) + 10
    page_requests = [t for t in targets if not t.startswith(("/uploads/", "/img/"))]
    assert not [t for t in page_requests if re.search(r"utm_|PHPSESSID|print=", t, re.I)]


def test_two_runs_give_byte_identical_record_files(crawl) -> None:
    assert crawl["second"].returncode == 0, crawl["second"].stderr
    first, second = crawl["out"], crawl["second_out"]
    names = [f"{n}.{ext}" for n in (*RECORD_FILES, "assets") for ext in ("json", "csv")]
    names += ["redirects.csv", "redirects.nginx.conf", "redirects.apache.conf", "wordpress.xml"]
    names += [p.relative_to(first).as_posix() for p in (first / "hugo").rglob("*") if p.is_file()]
    names += [p.relative_to(first).as_posix() for p in (first / "schema").iterdir()]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
