"""End to end on the sister site (WordPress/Genesis, ../shared/sister-site.md): the same
`migrate`, with `--profile wordpress-sister` and no code of its own, crawls the snapshot on
loopback and must give the facts its survey lists (fixtures/sister-site/expected-facts.json),
field by field, and the rules every export holds; then the same on sister-holdout, a site
built from the same survey with other content that nothing was tuned on."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from belong_scraper.assemble import canonical_json
from belong_scraper.expected import RECORD_FILES, portable_export
from tests.checks import assert_clean_output
from tests.conftest import FIXTURES, load_export
from tests.test_report import browser  # noqa: F401  (the real Chromium, a fixture)
from tests.test_target_hugo import KINDS, build, needs_hugo

EXPECTED = FIXTURES / "sister-expected-export"
SITES = {"sister-site": "sister_export_run", "sister-holdout": "sister_holdout_run"}


def path_of(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module", params=sorted(SITES))
def sister(request) -> dict[str, Any]:
    """One migrate of each sister snapshot per test run (conftest `sister_run`), read only."""
    run = request.getfixturevalue(SITES[request.param])
    facts = json.loads((FIXTURES / request.param / "expected-facts.json").read_text("utf-8"))
    return {"name": request.param, "facts": facts, "export": load_export(run["out"]), **run}


def by_id(records: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in records}


def test_the_run_is_complete(sister) -> None:
    manifest = json.loads((sister["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete", manifest["status_reasons"]
    assert manifest["rejected_records"] == []
    assert manifest["contract_version"] == "1.2"


ARTICLE_FIELDS = ("legacy_id", "title", "published", "published_raw", "date_source",
                  "author", "tags", "categories", "clusters", "language")  # fmt: skip


@pytest.mark.parametrize("name", RECORD_FILES)
def test_export_matches_the_expected_export_field_by_field(sister, name: str) -> None:
    """fixtures/sister-expected-export (scripts/update_expected_export.py --site
    fixtures/sister-site --profile wordpress-sister --into fixtures/sister-expected-export)."""
    if sister["name"] != "sister-site":
        pytest.skip("the holdout is checked against its facts only, never an output of ours")
    got = by_id(portable_export(sister["out"], sister["origin"])[name])
    expected = by_id(json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8")))
    assert sorted(got) == sorted(expected)
    for record_id, record in expected.items():
        for field, value in record.items():
            assert got[record_id][field] == value, f"{record_id}.{field}"


def test_every_post_is_one_article_with_the_surveyed_fields(sister) -> None:
    facts = {k: v for k, v in sister["facts"]["articles"].items() if not v.get("removed")}
    got = by_id(sister["export"]["articles"])
    assert sorted(got) == sorted(facts)
    for record_id, fact in facts.items():
        article = got[record_id]
        assert path_of(article["source_url"]) == fact["url"], record_id
        for field in ARTICLE_FIELDS:
            if field in fact:
                assert article[field] == fact[field], f"{record_id}.{field}"


def test_a_removed_post_is_no_record(sister) -> None:
    removed = [k for k, v in sister["facts"]["articles"].items() if v.get("removed")]
    assert removed and not set(removed) & set(by_id(sister["export"]["articles"]))


def test_the_static_pages_and_only_they_are_pages(sister) -> None:
    got = by_id(sister["export"]["pages"])
    got.pop("page-home", None)  # the front page may be kept, as for the first site
    assert sorted(got) == sorted(sister["facts"]["pages"])
    for record_id, fact in sister["facts"]["pages"].items():
        assert path_of(got[record_id]["source_url"]) == fact["url"]
        assert got[record_id]["title"] == fact["title"]
        assert got[record_id]["key"] == fact["key"]


def test_no_cluster(sister) -> None:
    assert sister["export"]["clusters"] == []


def test_what_is_no_record_gives_none(sister) -> None:
    sources = {
        path_of(r["source_url"])
        for records in sister["export"].values()
        for r in records
        if r.get("source_url") and r["id"] != "page-home"  # the front page may be kept
    }
    assert not sources & set(sister["facts"]["_not_records"])


def test_php_errors_are_counted_on_each_record(sister) -> None:
    errors = sister["facts"]["php_errors"]
    for article in sister["export"]["articles"]:
        fact = sister["facts"]["articles"][article["id"]]
        pages = fact.get("_pages") or [fact["url"]]
        expected = sum(sum(errors.get(page, {}).values()) for page in pages)
        assert article["php_errors_removed"] == expected, article["id"]


def test_redirects_fold_into_the_crawled_origin_and_map_to_the_new_paths(sister) -> None:
    """Every redirect the crawl met lands where the site says (its absolute production
    Location folded into the crawled origin), and the redirect map sends that spelling to
    the new path of the record at its target: shortlinks, old permalinks, page ids."""
    ledger = json.loads((sister["out"] / "ledger.json").read_text(encoding="utf-8"))
    met = {path_of(e["url"]): e for e in ledger["entries"] if e["outcome"] == "redirect"}
    with (sister["out"] / "redirects.csv").open(encoding="utf-8") as rows:
        mapped = {row["legacy_path"]: row for row in csv.DictReader(rows)}
    records = {
        path_of(r["source_url"]): r
        for records in sister["export"].values()
        for r in records
        if r.get("source_url")
    }
    checked = 0
    for redirect in sister["facts"]["redirects"]:
        entry = met.get(redirect["from"])
        if entry is None:
            continue  # a spelling no crawled page links to
        assert path_of(entry["target"]) == path_of(redirect["location"]), redirect["from"]
        assert urlsplit(entry["target"]).netloc == urlsplit(entry["url"]).netloc
        record = records.get(path_of(redirect["location"]))
        if record is not None and record["path"] != redirect["from"]:
            assert mapped[redirect["from"]]["target"] == record["path"], redirect["from"]
            assert mapped[redirect["from"]]["record_id"] == record["id"]
            checked += 1
    # Every post's shortlink is one (/?p=N, in each page's <link rel=shortlink>).
    shortlinks = [r for r in sister["facts"]["redirects"] if r["from"].startswith("/?p=")]
    assert checked >= len(shortlinks) > 0


def test_every_string_is_clean(sister) -> None:
    assert_clean_output(sister["out"])


def test_records_are_unique_and_hashes_hold(sister) -> None:
    ids = [r["id"] for records in sister["export"].values() for r in records]
    assert len(ids) == len(set(ids))
    for records in sister["export"].values():
        for record in records:
            body = {k: v for k, v in record.items() if k != "content_sha256"}
            digest = hashlib.sha256(canonical_json(body).encode()).hexdigest()
            assert record["content_sha256"] == digest
    bodies = [a["body_text"] for a in sister["export"]["articles"]]
    assert all(bodies) and len(bodies) == len(set(bodies))


def test_crawl_manners(sister) -> None:
    requests = sister["requests"]
    assert not [t for t in requests if t.startswith(("/wp-json/", "/wp-admin/", "/?s="))]
    calendar = [t for t in requests if t.startswith("/events/")]
    assert len(calendar) <= 40, f"the endless calendar was not bounded: {len(calendar)}"
    assert not [t for t in requests if "replytocom=" in t or "relatedposts_hit=" in t]


def test_the_scheduled_job_after_a_migration_is_quiet(sister) -> None:
    # Article URLs carry no id here: watch knows them by the URLs the state recorded.
    assert sister["watch"] == {"status": 0, "stdout": ""}


def words(text: str) -> str:
    # The facts join text nodes with spaces ("academy@aer.eu ."): compare words.
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


def test_bodies_images_embeds_and_documents_are_the_surveyed_ones(sister) -> None:
    got = by_id(sister["export"]["articles"])
    for record_id, fact in sister["facts"]["articles"].items():
        if fact.get("removed"):
            continue
        article = got[record_id]
        images = [{k: v for k, v in i.items() if k != "asset"} for i in article["images"]]
        assert [{**i, "url": path_of(i["url"])} for i in images] == fact["images"], record_id
        assert article["embeds"] == fact["embeds"], record_id
        documents = [
            {"url": path_of(a["url"]), "title": a["title"]} for a in article["attachments"]
        ]
        assert documents == fact["attachments"], record_id
        text = words(article["body_text"])
        for has in fact["_body_has"]:  # every page of a split post, in order
            assert words(has) in text, (record_id, has)
        for chrome in fact["_not_in_body"]:
            assert chrome not in article["body_text"], (record_id, chrome)


def test_every_member_is_one_partner_with_the_surveyed_fields(sister) -> None:
    got = by_id(sister["export"]["partners"])
    assert sorted(got) == sorted(sister["facts"]["partners"])
    for record_id, fact in sister["facts"]["partners"].items():
        partner = got[record_id]
        assert path_of(partner["source_url"]) == fact["url"], record_id
        assert path_of(partner["logo_url"]) == fact["logo_url"], record_id
        for field in ("name", "country_code", "country", "region", "role", "role_raw", "website"):
            assert partner[field] == fact[field], f"{record_id}.{field}"
        assert partner["description_text"] and "Share this" not in partner["description_text"]


def test_the_only_broken_links_are_the_sites_own(sister) -> None:
    """Only what the site itself lost is reported broken: the deleted post's shortlink;
    every page's own shortlink answers (WordPress redirects ?p=N for any post type)."""
    manifest = json.loads((sister["out"] / "manifest.json").read_text(encoding="utf-8"))
    broken = {path_of(b["url"]) for b in manifest["broken_links"]}
    removed = {f["url"] for f in sister["facts"]["articles"].values() if f.get("removed")}
    assert broken == removed


REPLAYED_SAME = ("articles.json", "partners.json", "clusters.json", "pages.json", "assets.json",
                 "redirects.csv", "wordpress.xml", "provenance.json")  # fmt: skip


def test_the_archive_alone_rebuilds_the_same_export(sister) -> None:
    """`migrate --from-warc` with the site gone gives the live run's files, byte for byte
    (run ids and times live in other files)."""
    replayed = sister["out"].parent / "replayed"
    for name in REPLAYED_SAME:
        assert (replayed / name).read_bytes() == (sister["out"] / name).read_bytes(), name


@needs_hugo
def test_the_hugo_site_builds_every_record_at_its_path(sister, tmp_path: Path) -> None:
    public = tmp_path / "public"
    result = build(sister["out"] / "hugo", public)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "WARN" not in output and "ERROR" not in output, output
    for name, title_key in KINDS.items():
        for record in sister["export"][name]:
            page = public / record["path"].strip("/") / "index.html"
            doc = lxml_html.fromstring(page.read_bytes())
            assert record[title_key] in [h.text_content().strip() for h in doc.iter("h1")]
    # The site's categories are a Hugo taxonomy of their own.
    assert (public / "categories" / "index.html").is_file()


def test_the_report_fits_the_window(sister, browser) -> None:  # noqa: F811 (the fixture)
    """Its long permalinks wrap: nothing of report.html is wider than the window."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto((sister["out"] / "report.html").as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
