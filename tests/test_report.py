"""The migration report: its facts match the export folder, and the page works offline.

The facts are checked against the record files and the manifest of a real migration of the
fixture site; edge cases the fixture site does not have (missing files, unflagged problems,
markup in titles) against small hand-made folders. The page is opened in a real headless
Chromium, which must fetch nothing and log no error.

``python tests/test_report.py EXPORT_DIR`` writes the report of EXPORT_DIR and a full-page
screenshot of it to docs/report.png (the README shows it).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from belong_scraper.exporters import json_bytes
from belong_scraper.report import (
    REPORT_FILES,
    SECTIONS,
    render_html,
    review_csv_bytes,
    write_report,
)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RECORD_FILES = {
    "article": "articles",
    "partner": "partners",
    "cluster": "clusters",
    "page": "pages",
}


def load(out: Path, name: str) -> Any:
    return json.loads((out / name).read_text(encoding="utf-8"))


def review_rows(out: Path) -> list[dict[str, str]]:
    with (out / "review.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def reported(any_export: Path, tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    """A copy of the shared migration (other tests read that folder) with its report."""
    out = tmp_path_factory.mktemp("report") / "out"
    shutil.copytree(any_export, out, ignore=shutil.ignore_patterns("media"))
    return out, write_report(out)


# ---------------------------------------------------------------------------- facts


def test_report_json_is_what_write_report_returns(reported) -> None:
    out, facts = reported
    for name in REPORT_FILES:
        assert (out / name).is_file(), name
    assert load(out, "report.json") == facts
    manifest = load(out, "manifest.json")
    for key in ("run_id", "started_at", "finished_at"):
        assert facts["run"][key] == manifest[key]


def test_counts_equal_the_record_files(reported) -> None:
    out, facts = reported
    for stem in (*RECORD_FILES.values(), "assets"):
        assert facts["counts"][stem] == len(load(out, f"{stem}.json")), stem
    assert facts["counts"]["articles"] > 0 and facts["counts"]["partners"] > 0
    assert facts["manifest_counts_differ"] == {}


def test_articles_per_month_add_up_to_the_dated_articles(reported) -> None:
    out, facts = reported
    articles = load(out, "articles.json")
    dated = [a for a in articles if a["published"]]
    per_month = facts["articles_per_month"]
    assert sum(per_month["months"].values()) == per_month["dated"] == len(dated)
    assert per_month["undated"] == len(articles) - len(dated)
    expected: dict[str, int] = {}
    for article in dated:
        expected[article["published"][:7]] = expected.get(article["published"][:7], 0) + 1
    assert {m: n for m, n in per_month["months"].items() if n} == expected
    months = list(per_month["months"])
    assert months == sorted(months) and len(months) == len(set(months))


def test_php_errors_per_page_sum_to_the_manifest_total(reported) -> None:
    out, facts = reported
    manifest_php = load(out, "manifest.json")["php_errors_removed"]
    php = facts["php_errors_removed"]
    assert php["total"] == manifest_php["total"] > 0
    assert sum(row["count"] for row in php["by_page"]) == manifest_php["total"]
    assert sum(php["by_level"].values()) == manifest_php["total"]
    order = [(-row["count"], row["url"]) for row in php["by_page"]]
    assert order == sorted(order)
    records = {
        r["source_url"]: r["id"]
        for s in RECORD_FILES.values()
        if s != "partners"
        for r in load(out, f"{s}.json")
    }
    home = next(row for row in php["by_page"] if row["url"] in records)
    assert home["record_id"] == records[home["url"]]
    # A partner country page lists several partners: it is no one record's page.
    countries = {p["source_url"] for p in load(out, "partners.json")}
    assert all(row["record_id"] is None for row in php["by_page"] if row["url"] in countries)


def test_broken_links_redirects_and_failures_come_from_the_folder(reported) -> None:
    out, facts = reported
    manifest = load(out, "manifest.json")
    broken = {b["url"]: sorted(b["linked_from"]) for b in manifest["broken_links"]}
    assert broken, "the fixture site has broken links"
    assert {b["url"]: b["linked_from"] for b in facts["broken_links"]} == broken
    with (out / "redirects.csv").open(encoding="utf-8", newline="") as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    redirects = facts["redirects"]
    assert redirects["map_by_status"] == {
        "301": statuses.count("301"),
        "410": statuses.count("410"),
    }
    assert redirects["map_total"] == statuses.count("301") + statuses.count("410") > 0
    assert redirects["legacy_seen"] == len(manifest["redirects"]) > 0
    assert len(redirects["map_gone"]) == statuses.count("410")
    assert len(facts["failed_downloads"]) == len(manifest.get("failed_downloads", []))
    assert len(facts["failed_pages"]) == len(manifest["failed_pages"])


def expected_reasons(kind: str, record: dict[str, Any]) -> set[str]:
    """Why a record belongs in the review list, worked out from its fields and flags."""
    reasons = set(record["review_flags"])
    if kind == "article":
        if record["date_inferred"]:
            reasons.add("date-inferred")
        if not record["published"]:
            reasons.add("no-date")
        if any(not image["alt"] for image in record["images"]):
            reasons.add("missing-alt-text")
        if record["language"] != "en":
            reasons.add("language-not-en")
        if not record["body_text"]:
            reasons.add("empty-body")
    if kind == "partner" and record["region"] is None and record["role"] == "partner":
        reasons.add("missing-region")
    return reasons


def test_review_csv_lists_exactly_the_records_to_look_at(reported) -> None:
    out, facts = reported
    expected = {}
    for kind, stem in RECORD_FILES.items():
        for record in load(out, f"{stem}.json"):
            reasons = expected_reasons(kind, record)
            if reasons:
                expected[record["id"]] = (kind, record, reasons)
    rows = review_rows(out)
    assert list(rows[0]) == ["id", "type", "title", "path", "source_url", "reasons"]
    assert [r["id"] for r in rows] == sorted(expected)
    for row in rows:
        kind, record, reasons = expected[row["id"]]
        assert row["type"] == kind
        assert row["title"] == record.get("title", record.get("name"))
        assert (row["path"], row["source_url"]) == (record["path"], record["source_url"])
        got = row["reasons"].split(";")
        assert got == sorted(got) and reasons <= set(got), row
    articles = load(out, "articles.json")
    # The fixture site has each kind of problem the review exists for.
    flagged = {r["id"] for r in rows}
    assert {a["id"] for a in articles if a["date_inferred"]} <= flagged
    assert any(a["date_inferred"] for a in articles)
    no_alt = {a["id"] for a in articles if any(not i["alt"] for i in a["images"])}
    assert no_alt <= {r["id"] for r in rows if "missing-alt-text" in r["reasons"]}
    assert any("language-not-en" in r["reasons"] for r in rows)
    assert len(facts["review"]["records"]) == facts["review"]["count"] == len(rows)


def test_report_is_deterministic(reported, tmp_path: Path) -> None:
    out, _ = reported
    again = tmp_path / "again"
    shutil.copytree(out, again)
    write_report(again)
    for name in REPORT_FILES:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


# ---------------------------------------------------------------------------- edge cases


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def article(legacy_id: int, **fields: Any) -> dict[str, Any]:
    record = {
        "id": f"article-{legacy_id}",
        "path": f"/news/a-{legacy_id}/",
        "source_url": f"http://old.example/news.php?id={legacy_id}",
        "title": f"Article {legacy_id}",
        "published": "2023-03-07",
        "date_inferred": False,
        "language": "en",
        "images": [],
        "body_text": "word " * 100,
        "review_flags": [],
    }
    return record | fields


def partner(slug: str, **fields: Any) -> dict[str, Any]:
    record = {
        "id": f"partner-es-{slug}",
        "name": slug.upper(),
        "region": None,
        "role": "partner",
        "path": f"/partners/es/{slug}/",
        "source_url": "http://old.example/partners.php?country=ES",
        "review_flags": [],
    }
    return record | fields


def test_unflagged_problems_are_found_and_markup_is_escaped(tmp_path: Path) -> None:
    """A hand-edited or older folder: flags missing, files missing, hostile values."""
    write_json(
        tmp_path / "articles.json",
        [
            article(1),
            article(2, title="Same  Title", published="2023-03-01"),
            article(3, title="same  title", published="2023-03-01"),
            article(4, date_inferred=True, published="2024-01-31"),
            article(5, body_text="", images=[{"url": "http://old.example/a.jpg", "alt": " "}]),
            article(6, published=None, title="<script>alert(1)</script>", body_text="short"),
            article(
                7,
                language="de",
                source_url="javascript:alert(1)",
                review_flags=["generic-extractor:title"],
            ),
        ],
    )
    write_json(
        tmp_path / "partners.json",
        [partner("a", name="A & B"), partner("b", role="associate")],
    )
    write_json(tmp_path / "manifest.json", {"run_id": "r1", "counts": {"articles": 9}})
    facts = write_report(tmp_path)
    reasons = {r["id"]: r["reasons"] for r in facts["review"]["records"]}
    assert reasons == {
        "article-2": ["title-date-collision"],
        "article-3": ["title-date-collision"],
        "article-4": ["date-inferred"],
        "article-5": ["empty-body", "missing-alt-text"],
        "article-6": ["no-date", "short-body"],
        "article-7": ["generic-extractor:title", "language-not-en"],
        "partner-es-a": ["missing-region"],
        # An associated partner is a region too: the same rule as the pipeline's.
        "partner-es-b": ["missing-region"],
    }
    assert facts["counts"] == {"articles": 7, "partners": 2, "clusters": 0, "pages": 0, "assets": 0}
    assert facts["manifest_counts_differ"] == {"articles": {"manifest": 9, "files": 7}}
    assert facts["articles_per_month"]["months"] == {
        "2023-03": 5, "2023-04": 0, "2023-05": 0, "2023-06": 0, "2023-07": 0, "2023-08": 0,
        "2023-09": 0, "2023-10": 0, "2023-11": 0, "2023-12": 0, "2024-01": 1,
    }  # fmt: skip
    assert facts["redirects"]["total"] == 0 and facts["failed_downloads"] == []
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B" in page
    assert 'href="javascript:' not in page
    titles = {row["id"]: row["title"] for row in review_rows(tmp_path)}
    assert titles["article-6"] == "<script>alert(1)</script>"  # CSV keeps the raw text


def test_an_empty_folder_still_gets_a_report(tmp_path: Path) -> None:
    facts = write_report(tmp_path)
    assert facts["review"]["count"] == 0
    assert facts["articles_per_month"] == {
        "months": {},
        "dated": 0,
        "undated": 0,
        "undated_ids": [],
    }
    assert (tmp_path / "review.csv").read_text(encoding="utf-8") == (
        "id,type,title,path,source_url,reasons\n"
    )
    assert "No dated articles" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_corrupt_record_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "articles.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ValueError, match=r"articles\.json"):
        write_report(tmp_path)


# ---------------------------------------------------------------------------- the page


class Fetches(HTMLParser):
    """Every URL in the page that a browser would load by itself (not <a href> links)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            value = value or ""
            if tag == "a" and name == "href":
                continue
            if name in ("src", "href", "srcset", "poster", "data", "action", "xlink:href"):
                self.urls.append(value)
            elif re.search(r"https?://", value) and name != "aria-label":
                self.urls.append(value)


def test_the_page_loads_nothing_from_the_network(reported) -> None:
    out, _ = reported
    page = (out / "report.html").read_text(encoding="utf-8")
    parser = Fetches()
    parser.feed(page)
    assert parser.urls == []
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # CSP: the browser refuses any fetch anyway
    assert page.count('<a href="http') > 0  # legacy pages stay one click away


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install the Debian chromium package"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI installs it)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright  # a test dependency: never skipped

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def test_the_page_renders_in_chromium_without_errors_or_requests(reported, browser) -> None:
    out, facts = reported
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "report.html").as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
    chart = page.locator("svg#articles-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    bars = page.locator("svg#articles-chart rect.bar")
    assert bars.count() == sum(1 for n in facts["articles_per_month"]["months"].values() if n)
    for _, title in SECTIONS:
        assert page.get_by_role("heading", name=title, exact=True).is_visible(), title
    review_rows_shown = page.locator("table.review tbody tr")
    assert review_rows_shown.count() == facts["review"]["count"]
    # Tidy: nothing wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()


def screenshot(out: Path, png: Path) -> None:
    """Full-page screenshot of out/report.html (for docs/report.png)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((out / "report.html").as_uri(), wait_until="load")
        page.screenshot(path=str(png), full_page=True)
        browser.close()


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    write_report(folder)
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "report.png"
    screenshot(folder, target)
    print(f"wrote {target}")


def test_streamed_report_files_are_the_whole_file_renderings(reported, tmp_path: Path) -> None:
    """report.json, review.csv and report.html written as they are made equal the whole
    files (json_bytes of the facts, the page rendered in one string); a PHP table of more
    than 12 pages in two halves still has every page once, in order."""
    facts = json.loads(json.dumps(reported[1]))
    by_page = [
        {"url": f"http://x.test/p{i}", "count": 40 - i, "record_id": None} for i in range(25)
    ]
    facts["php_errors_removed"]["by_page"] = by_page
    described: dict[str, dict[str, Any]] = {}
    write_report(tmp_path, facts, described=described)
    assert (tmp_path / "report.json").read_bytes() == json_bytes(facts)
    assert (tmp_path / "review.csv").read_bytes() == review_csv_bytes(facts["review"]["records"])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page == render_html(facts)
    shown = re.findall(r'href="http://x\.test/(p\d+)"', page)
    assert shown == [f"p{i}" for i in range(25)]
    assert page.count('<table class="php">') == 2
    for name in ("report.json", "review.csv", "report.html"):
        data = (tmp_path / name).read_bytes()
        assert described[name] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
