"""The ledger: every URL the crawl touched has exactly one outcome, and the run's status
says honestly whether the export is complete. `migrate()` (conftest) already checks each
run's ledger against the fixture server's request log; these tests check the outcomes."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from belong_scraper.fixture_server import FixtureServer, LoggedRequest
from belong_scraper.items import Article, PageReport, Rejected
from belong_scraper.ledger import build_ledger, ledger_status
from tests.conftest import (
    HOLDOUT,
    SITE,
    CliResult,
    SiteRun,
    copy_export,
    load_export,
    migrate,
)


def ledger_of(out: Path) -> dict:
    return json.loads((out / "ledger.json").read_text(encoding="utf-8"))


def by_url(ledger: dict) -> dict[str, dict]:
    return {entry["url"]: entry for entry in ledger["entries"]}


def folder_bytes(out: Path) -> dict[str, bytes]:
    """Every file under the folder, hidden ones too."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def entries_where(ledger: dict, **facts) -> list[dict]:
    return [e for e in ledger["entries"] if all(e.get(k) == v for k, v in facts.items())]


# -- units -------------------------------------------------------------------------------


def report(url: str, status: int = 200, **facts) -> PageReport:
    return PageReport(url=url, canonical=url, status=status, attempts=1, **facts)


def test_each_url_gets_one_outcome() -> None:
    article = Article(id="article-1", legacy_id=1, source_url="http://s/news.php?id=1")
    reports = [
        report("http://s/", kind="home", links=["http://s/news.php?id=1"],
               skipped={"http://other/": "off-site", "http://s/cal?m=9": "trap-guard"}),
        report("http://s/news.php?id=1", kind="article"),
        report("http://s/old", 301, kind="redirect", redirect_to="http://s/news.php?id=1"),
        report("http://s/news.php?id=2", 404, kind="article"),
        report("http://s/news.php?id=3", 0, kind="article", error="TimeoutError: took too long"),
        report("http://s/huge", 200, kind="other", error="skipped: too large", skip="too-large"),
    ]  # fmt: skip
    entries = build_ledger(reports, [article], [], {"http://s/robots.txt": 1},
                           ["http://s/", "http://s/never"], "finished")  # fmt: skip
    outcomes = {e["url"]: e["outcome"] for e in entries}
    assert outcomes == {
        "http://s/": "page",
        "http://s/news.php?id=1": "record",
        "http://s/old": "redirect",
        "http://s/news.php?id=2": "broken",
        "http://s/news.php?id=3": "failed",
        "http://s/huge": "skipped",
        "http://other/": "skipped",
        "http://s/cal?m=9": "skipped",
        "http://s/robots.txt": "page",
        # Asked for and never answered: a failure, never silence.
        "http://s/never": "failed",
    }
    status, reasons = ledger_status(entries, "finished")
    assert status == "incomplete"
    assert any("2 fetches failed" in r for r in reasons)
    assert any("too-large" in r for r in reasons)


def test_a_rejected_record_is_an_outcome_of_its_page() -> None:
    keep = Article(id="article-1", legacy_id=1, source_url="http://s/p")
    entries = build_ledger(
        [report("http://s/p", kind="article")], [keep],
        [Rejected(url="http://s/p", error="ValueError: bad", stage="CleanBodyPipeline",
                  record_id="article-2")],
        {}, [], "finished",
    )  # fmt: skip
    (entry,) = entries
    assert entry["outcome"] == "rejected"
    assert entry["records"] == ["article-1"]
    assert entry["rejected"] == [
        {"record_id": "article-2", "stage": "CleanBodyPipeline", "error": "ValueError: bad"}
    ]
    assert ledger_status(entries, "finished")[0] == "incomplete"


def test_robots_off_site_and_barren_trap_skips_keep_a_run_complete() -> None:
    entries = build_ledger(
        [report("http://s/", kind="home", skipped={"http://x/": "off-site"}),
         report("http://s/admin", 0, error="skipped: robots", skip="robots")],
        [], [], {}, ["http://s/", "http://s/admin"], "finished",
    )  # fmt: skip
    assert ledger_status(entries, "finished") == ("complete", [])


def test_a_closespider_finish_is_incomplete_and_names_what_was_never_fetched() -> None:
    entries = build_ledger([report("http://s/", kind="home")], [], [], {},
                           ["http://s/", "http://s/a"], "closespider_pagecount")  # fmt: skip
    assert by_url({"entries": entries})["http://s/a"]["skip"] == "crawl-stopped"
    status, reasons = ledger_status(entries, "closespider_pagecount")
    assert status == "incomplete" and "closespider_pagecount" in reasons[0]


# -- end to end --------------------------------------------------------------------------


@pytest.fixture
def clean_counts(migrated_no_warc: Path) -> dict[str, int]:
    """What a clean `migrate --no-warc` of the site exports (the session's run of it; read
    per test, so this module's crawls need not share a worker)."""
    return {name: len(rows) for name, rows in load_export(migrated_no_warc).items()}


def test_clean_run_ledger_is_complete(migrated_export: Path) -> None:
    ledger = ledger_of(migrated_export)
    assert ledger["status"] == "complete" and ledger["reasons"] == []
    manifest = json.loads((migrated_export / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["ledger"]["counts"] == ledger["counts"]
    ids = {i for e in ledger["entries"] for i in e.get("records", [])}
    exported = {r["id"] for rows in load_export(migrated_export).values() for r in rows}
    assert ids == exported  # every record traces back to the page that gave it


@pytest.mark.parametrize("site", [SITE, HOLDOUT], ids=["fixture-site", "holdout-site"])
def test_redirect_chain_longer_than_the_trap_guard_limit_reaches_its_record(
    site: Path, tmp_path: Path
) -> None:
    variant = 0 if site == SITE else 1
    with FixtureServer(site, faults=["redirect-chain"], variant=variant) as server:
        result = migrate(server, tmp_path / "out", "--no-warc", "-s", "TRAP_BARREN_LIMIT=2")
    assert result.returncode == 0, result.stderr
    articles = {a["id"]: a for a in load_export(tmp_path / "out")["articles"]}
    assert "article-9101" in articles
    hops = [e for e in ledger_of(tmp_path / "out")["entries"] if "/go.php" in e["url"]]
    assert len(hops) == 4 + variant and all(e["outcome"] == "redirect" for e in hops)


def test_redirect_loops_and_long_chains_are_reported_with_their_hops(
    tmp_path: Path, clean_counts: dict[str, int]
) -> None:
    with FixtureServer(SITE, faults=["redirect-loop"]) as server:
        result = migrate(server, tmp_path / "out", "--no-warc")
    assert result.returncode == 1, result.stderr
    assert "redirect-hops" in result.stderr and "Traceback" not in result.stderr
    ledger = ledger_of(tmp_path / "out")
    loops = [e for e in ledger["entries"] if e.get("reason", "").startswith("redirect loop")]
    assert {len(e["hops"]) for e in loops} <= {2, 4}  # self-loop, A→B→C→A
    assert len(loops) == 2
    (long,) = entries_where(ledger, skip="redirect-hops")
    assert len(long["hops"]) == 7 and long["hops"][0].endswith("/long.php?hop=1")
    # Nothing else was lost.
    counts = {name: len(rows) for name, rows in load_export(tmp_path / "out").items()}
    assert counts == clean_counts
    assert result.seconds < 120 and result.max_rss_mb < 400


@dataclass
class SharedRun:
    result: CliResult
    log: list[LoggedRequest]
    out: Path
    origin: str


# Faults in how pages link (feeds, ports, query variants): each leaves every page of the
# site as it was and the run complete, so one crawl carries them all and each test reads
# what concerns its own fault.
LINK_FAULTS = ["bad-feed", "feed-guids", "other-port", "query-variants"]


@pytest.fixture(scope="session")
def link_faults_run(tmp_path_factory) -> SharedRun:
    out = tmp_path_factory.mktemp("link-faults") / "out"
    with FixtureServer(SITE, faults=LINK_FAULTS) as server:
        result = migrate(server, out, "--no-warc")
        return SharedRun(result, list(server.log), out, server.origin)


def test_feed_guids_that_are_not_urls_are_never_requested(link_faults_run: SharedRun) -> None:
    result, out = link_faults_run.result, link_faults_run.out
    assert result.returncode == 0, result.stderr
    asked = [r.target for r in link_faults_run.log]
    assert not [t for t in asked if "@" in t or "urn:" in t or "tag:" in t or "9999" in t]
    assert result.seconds < 120 and result.max_rss_mb < 400
    assert {e["url"] for e in ledger_of(out)["entries"]}.isdisjoint(
        {f"{link_faults_run.origin}/news.php?id=9999"}
    )


def test_links_to_another_port_are_another_site(link_faults_run: SharedRun) -> None:
    result = link_faults_run.result
    assert result.returncode == 0, result.stderr
    ledger = ledger_of(link_faults_run.out)
    off_site = {e["url"] for e in entries_where(ledger, skip="off-site")}
    assert "http://127.0.0.1:1/news.php?id=58" in off_site
    assert "http://localhost:1/page.php?p=about" in off_site
    assert "https://127.0.0.1/news.php?id=57" in off_site
    assert result.seconds < 120 and result.max_rss_mb < 400


def test_malformed_and_huge_feeds_are_read_without_losing_pages(
    link_faults_run: SharedRun, clean_counts: dict[str, int]
) -> None:
    result, out = link_faults_run.result, link_faults_run.out
    assert result.returncode == 0, result.stderr
    entries = by_url(ledger_of(out))
    feeds = [e for url, e in entries.items() if "rss.php?cat=" in url]
    assert {e["outcome"] for e in feeds} == {"page"}
    counts = {name: len(rows) for name, rows in load_export(out).items()}
    assert counts == clean_counts
    assert result.seconds < 180 and result.max_rss_mb < 400


def test_endless_query_variants_are_cut_and_accounted_for(
    link_faults_run: SharedRun, clean_counts: dict[str, int]
) -> None:
    result, out = link_faults_run.result, link_faults_run.out
    assert result.returncode == 0, result.stderr
    searched = [r for r in link_faults_run.log if r.target.startswith("/search.php")]
    assert 0 < len(searched) < 50
    ledger = ledger_of(out)
    assert entries_where(ledger, skip="trap-guard")
    counts = {name: len(rows) for name, rows in load_export(out).items()}
    assert counts == clean_counts
    assert result.seconds < 120 and result.max_rss_mb < 400


def test_the_per_family_cap_counts_distinct_pages_and_says_so(tmp_path: Path) -> None:
    """A windowed pagination links each page from ~10 others: the cap counts pages, not
    links. Under the cap every article is reached; over it the run says incomplete."""
    # The cap applies to every family: it must sit above the snapshot's own (its ~40
    # article pages, reached partly through article-to-article links in an order that
    # varies) and below the archive's 60 pages, so that only the archive is capped.
    faults = ["deep-pagination:pages=60,per_page=1"]
    with FixtureServer(SITE, faults=faults) as server:
        result = migrate(server, tmp_path / "under", "--no-warc",
                         "-s", "TRAP_MAX_PAGES_PER_FAMILY=80")  # fmt: skip
    assert result.returncode == 0, result.stderr
    archive = [a for a in load_export(tmp_path / "under")["articles"] if a["legacy_id"] >= 20000]
    assert len(archive) == 60
    with FixtureServer(SITE, faults=faults) as server:
        result = migrate(server, tmp_path / "over", "--no-warc",
                         "-s", "TRAP_MAX_PAGES_PER_FAMILY=45")  # fmt: skip
    assert result.returncode == 1
    assert "trap-guard-cap" in result.stderr
    ledger = ledger_of(tmp_path / "over")
    capped = entries_where(ledger, skip="trap-guard-cap")
    assert capped and all("/archive.php?page=" in e["url"] for e in capped)
    assert ledger["status"] == "incomplete"


def test_closespider_is_incomplete_and_removes_nothing(
    tmp_path: Path, migrated_run: SiteRun
) -> None:
    # A first complete run: a copy of the session's, continued on the server it ran on.
    out = copy_export(migrated_run.out, tmp_path)
    server = migrated_run.server
    before = load_export(out)
    redirects_before = set((out / "redirects.csv").read_text(encoding="utf-8").splitlines())
    hugo_before = sorted(p.relative_to(out).as_posix() for p in (out / "hugo").rglob("*.md"))
    result = migrate(server, out, "-s", "CLOSESPIDER_PAGECOUNT=15")
    assert result.returncode == 1, result.stderr
    assert "closespider_pagecount" in result.stderr
    ledger = ledger_of(out)
    assert ledger["status"] == "incomplete" and entries_where(ledger, skip="crawl-stopped")
    changes = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert not [i for k, v in changes.items() if isinstance(v, dict) for i in v["removed"]]
    after = load_export(out)
    assert {k: [r["id"] for r in v] for k, v in after.items()} == {
        k: [r["id"] for r in v] for k, v in before.items()
    }
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "incomplete"
    carried = set(manifest["carried_records"])
    assert len(carried) > 20
    # Carried records are the previous run's, exactly; so are their redirects.
    previous = {r["id"]: r for rows in before.values() for r in rows}
    for rows in after.values():
        for record in rows:
            if record["id"] in carried:
                assert record == previous[record["id"]]
    redirects = set((out / "redirects.csv").read_text(encoding="utf-8").splitlines())
    assert {r for r in redirects_before if any(i in r for i in carried)} <= redirects
    hugo_after = sorted(p.relative_to(out).as_posix() for p in (out / "hugo").rglob("*.md"))
    assert hugo_after == hugo_before
    # The next complete run: nothing removed, the export whole again.
    assert migrate(server, out).returncode == 0
    changes = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert not [i for k, v in changes.items() if isinstance(v, dict) for i in v["removed"]]
    assert load_export(out) == before


def test_a_record_that_breaks_a_pipeline_is_rejected_and_carried(
    tmp_path: Path, migrated_export: Path
) -> None:
    out = copy_export(migrated_export, tmp_path)  # a first complete run
    before = {a["id"]: a for a in load_export(out)["articles"]}
    pipelines = json.dumps({
        "pipelines.clean_body.CleanBodyPipeline": 100,
        "tests.support.failing_pipeline.FailFor": 150,
        "pipelines.normalise.NormalisePipeline": 200,
        "pipelines.media.MediaPipeline": 300,
        "pipelines.export.ExportPipeline": 900,
    })  # fmt: skip
    with FixtureServer(SITE) as server:
        result = migrate(server, out, "-s", f"ITEM_PIPELINES={pipelines}",
                         "-s", "FAIL_FOR_IDS=article-58")  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    entry = next(e for e in ledger_of(out)["entries"] if e["url"].endswith("news.php?id=58"))
    assert entry["outcome"] == "rejected"
    assert entry["rejected"][0]["stage"] == "FailFor"
    assert "article-58" in entry["rejected"][0]["error"]
    after = {a["id"]: a for a in load_export(out)["articles"]}
    assert after["article-58"] == before["article-58"]
    changes = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert "article-58" not in changes["articles"]["removed"]
    assert "/news.php?id=58" in (out / "redirects.csv").read_text(encoding="utf-8")


def test_a_failing_export_leaves_the_previous_export_and_state_untouched(
    tmp_path: Path, migrated_export: Path
) -> None:
    out = copy_export(migrated_export, tmp_path)  # a first complete run
    # Something in the folder the export cannot replace: its Hugo tree is now a file.
    shutil.rmtree(out / "hugo")
    (out / "hugo").write_text("not a folder", encoding="utf-8")
    snapshot = folder_bytes(out)
    from belong_scraper.state import StateStore

    store = StateStore(f"sqlite:///{out}.state.sqlite")
    runs_before = [(r.id, r.status) for r in store.runs()]
    records_before = {k: v.last_seen_run for k, v in store.known_records().items()}
    store.close()
    with FixtureServer(SITE) as server:
        result = run_again = migrate(server, out)
    assert run_again.returncode == 1
    assert "export failed" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()[-1]) < 400
    assert folder_bytes(out) == snapshot
    store = StateStore(f"sqlite:///{out}.state.sqlite")
    runs = [(r.id, r.status) for r in store.runs()]
    assert runs[: len(runs_before)] == runs_before and runs[-1][1] == "failed"
    assert {k: v.last_seen_run for k, v in store.known_records().items()} == records_before
    store.close()
    assert not list(tmp_path.glob(".out.*"))  # no staging folder left behind
