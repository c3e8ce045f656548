"""End-to-end: each transport fault (belong_scraper/faults/transport.py) switched on in a
crawl of the fixture site, and another variant of it in a crawl of the holdout site.

Every run must stay bounded (time, peak RSS), keep every good record of a clean run of
the same site, give the fault's URLs their outcome in the ledger (DIR/ledger.json, with
their attempts; `migrate()` checks the whole ledger against the server's log) and exit
with the status that outcome implies.

One crawl per site carries every fault of a group at once (GROUPS: faults whose runs take
the same bounds and end with the same status); each fault is still its own test, asserted
on its own URLs, and its own ledger entries must decide the status the run exits with.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import HOLDOUT, SITE, CliResult, load_export, migrate
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive.index import warc_files
from belong_scraper.fixture_server import FixtureServer, LoggedRequest
from belong_scraper.ledger import ledger_status

# Short bounds keep the slow faults fast: 2 s per attempt, 5 s per URL in all.
SHORT = ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "PAGE_TIME_BUDGET=5"]
PAGE_MAX_BYTES = 8 * 1024 * 1024
MAX_SECONDS = 60
MAX_RSS_MB = 400
MANIFEST_LISTS = ("failed_pages", "skipped_by_robots", "rejected_records", "failed_downloads")

# fault -> (article ids it serves, what becomes of them)
FAULTS = {
    "hang": ([9401, 9402], "failed"),
    "reset": ([9403, 9404], "failed"),
    "slow-drip": ([9405, 9406], "failed"),
    "empty-200": ([9410, 9411], "no-record"),
    "huge-page": ([9420], "too-large"),
    "gzip-bomb": ([9430], "too-large-inflated"),
    "binary-html": ([9440, 9441], "no-record"),
    "invalid-utf8": ([9450], "exported"),
    "huge-fields": ([9460], "exported-capped"),
}
# pipelines/limits.py's caps, in characters.
CAPS = {"title": 500, "author": 300, "body_html": 1_000_000, "body_text": 1_000_000,
        "body_markdown": 1_000_000}  # fmt: skip


# Faults crawled together. A group shares its bounds and the status its run ends with:
# short bounds only where the fault is a slow or dead server (elsewhere they would make an
# ordinary page, or the first read of a huge one, time out on a busy machine and be
# retried, which is not what those faults test); a page exported in full leaves the run
# complete, a failed, rejected or too-large one does not.
GROUPS = {
    "dead": ["hang", "reset", "slow-drip"],
    "refused": ["binary-html", "empty-200", "gzip-bomb", "huge-page"],
    "exported": ["huge-fields", "invalid-utf8"],
}
GROUP_OF = {fault: group for group, faults in GROUPS.items() for fault in faults}
assert sorted(GROUP_OF) == sorted(FAULTS)
assert all(FAULTS[f][1] == "failed" for f in GROUPS["dead"])
assert all(FAULTS[f][1].startswith("exported") for f in GROUPS["exported"])


@dataclass
class FaultRun:
    result: CliResult
    origin: str
    log: list[LoggedRequest]
    out: Path


class FaultRuns:
    """Each group's crawl of a site, run when a test first asks for it."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.runs: dict[tuple[str, int, str], FaultRun] = {}

    def get(self, site: Path, variant: int, group: str) -> FaultRun:
        key = (site.name, variant, group)
        if key not in self.runs:
            out = self.base / f"{site.name}-{variant}-{group}" / "out"
            bounds = SHORT if group == "dead" else []
            with FixtureServer(site, faults=GROUPS[group], variant=variant) as server:
                result = migrate(server, out, *bounds)
                log = list(server.log)
            self.runs[key] = FaultRun(result, server.origin, log, out)
        return self.runs[key]


@pytest.fixture(scope="session")
def fault_runs(tmp_path_factory) -> FaultRuns:
    return FaultRuns(tmp_path_factory.mktemp("transport-faults"))


def manifest_entries(out: Path, url: str) -> dict[str, list[dict]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found = {}
    for name in MANIFEST_LISTS:
        hits = [e for e in manifest.get(name) or [] if url in json.dumps(e)]
        if hits:
            found[name] = hits
    return found


def warc_records(out: Path, url_part: str) -> list[tuple[object, bytes]]:
    found = []
    for path in warc_files(out / "archive"):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and target.endswith(url_part):
                    # raw_stream: as stored (content_stream would inflate a bomb here).
                    found.append((record, record.raw_stream.read()))
    return found


def check_fault_run(fault: str, run: FaultRun, clean: Path) -> None:
    result, origin, log, out = run.result, run.origin, run.log, run.out
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.seconds < MAX_SECONDS, result.seconds
    assert result.max_rss_mb < MAX_RSS_MB, result.max_rss_mb
    expected, got = load_export(clean), load_export(out)
    for kind, records in expected.items():
        missing = {r["id"] for r in records} - {r["id"] for r in got[kind]}
        assert not missing, (kind, sorted(missing))
    ids, effect = FAULTS[fault]
    served = [i for i in ids if any(f"id={i}" in entry.target for entry in log)]
    assert served, f"the crawl never met the {fault} fault"
    exported = {a["legacy_id"]: a for a in got["articles"]}
    ledger = {e["url"]: e for e in json.loads((out / "ledger.json").read_text())["entries"]}
    for article_id in served:
        url = f"{origin}/news.php?id={article_id}"
        attempts = [e for e in log if e.target == f"/news.php?id={article_id}"]
        entry = ledger[url]
        assert entry.get("attempts", 0) >= len(attempts) >= 1
        if effect == "exported":
            check_repaired_article(exported[article_id])
            assert entry["outcome"] == "record"
            continue
        if effect == "exported-capped":
            check_capped_article(exported[article_id])
            assert entry["outcome"] == "record"
            continue
        assert article_id not in exported, f"{fault}: article {article_id} was exported"
        if effect == "failed":
            assert entry["outcome"] == "failed" and entry["reason"]
            # RETRY_TIMES 3 (the budget may cut it), and Twisted's connection pool sends a
            # request once more when a reused connection drops before any answer.
            assert 1 <= len(attempts) <= 2 * 4
        elif effect == "no-record":
            # The page answered but gave no record: rejected, and the run says so.
            assert entry["outcome"] == "rejected", entry
        elif effect.startswith("too-large"):
            assert entry["outcome"] == "skipped" and entry["skip"] == "too-large"
            assert "too large" in entry["reason"]
            assert ("inflated" in entry["reason"]) == effect.endswith("inflated")
            assert len(attempts) == 1  # too large is final: no retry
            check_capture(out, article_id, inflated=effect.endswith("inflated"))
    # Exported in full is complete; a failed, rejected or too-large page is not: the run
    # says so, and this fault's own entries are enough to make it so.
    assert result.returncode == (0 if effect.startswith("exported") else 1), result.stderr
    own = [ledger[f"{origin}/news.php?id={article_id}"] for article_id in served]
    assert ledger_status(own, "finished")[0] == (
        "complete" if effect.startswith("exported") else "incomplete"
    )


def check_repaired_article(article: dict) -> None:
    """The invalid-UTF-8 article is exported, its valid text intact."""
    assert any(w in article["title"] for w in ("Graz, Österreich", "Timișoara", "café"))
    assert "Newcomers and local volunteers met" in article["body_text"]
    assert "Partners from four regions shared" in article["body_text"]


def check_capped_article(article: dict) -> None:
    """The article with run-on fields is exported, each field cut to its cap, flagged."""
    for name, cap in CAPS.items():
        assert len(article[name] or "") <= cap, name
    assert len(article["tags"]) <= 200 and all(len(t) <= 100 for t in article["tags"])
    for name in ("title", "author", "body_html", "body_text", "tags"):
        assert f"field-truncated:{name}" in article["review_flags"], name
    assert article["body_html"].rstrip().endswith("</p>")  # cut between blocks


def check_capture(out: Path, article_id: int, inflated: bool) -> None:
    """The over-limit capture is archived: truncated when cut on the wire, whole (still
    compressed) for a bomb; and the archive stays valid."""
    ((record, payload),) = warc_records(out, f"news.php?id={article_id}")
    if inflated:
        assert record.rec_headers.get_header("WARC-Truncated") is None
        assert record.http_headers.get_header("Content-Encoding") in ("gzip", "x-gzip", "deflate")
        assert len(payload) < PAGE_MAX_BYTES  # the compressed bytes, never inflated
    else:
        assert record.rec_headers.get_header("WARC-Truncated") == "length"
        assert PAGE_MAX_BYTES < len(payload) < PAGE_MAX_BYTES + 4 * 1024 * 1024
    files = [str(p) for p in warc_files(out / "archive")]
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *files],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"id={article_id}" in (out / "archive" / "index.cdxj").read_text(encoding="utf-8")


def grouped(site: str) -> list:
    """The faults as parameters, each on the worker that runs its group's crawl."""
    return [
        pytest.param(f, marks=pytest.mark.xdist_group(f"transport-{site}-{GROUP_OF[f]}"))
        for f in sorted(FAULTS)
    ]


@pytest.mark.parametrize("fault", grouped("fixture-site"))
def test_transport_fault_on_the_fixture_site(
    fault: str, fault_runs: FaultRuns, migrated_export: Path
) -> None:
    check_fault_run(fault, fault_runs.get(SITE, 0, GROUP_OF[fault]), migrated_export)


@pytest.mark.parametrize("fault", grouped("holdout-site"))
def test_transport_fault_variant_on_the_holdout_site(
    fault: str, fault_runs: FaultRuns, holdout_export: Path
) -> None:
    check_fault_run(fault, fault_runs.get(HOLDOUT, 1, GROUP_OF[fault]), holdout_export)
