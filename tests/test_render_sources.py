"""The renderings (Hugo, WXR, report) from what the export computed, in-process, no crawl.

A MemorySource holding the fixture's expected records and a few assets must give the same
bytes as a FolderSource reading the same data from a folder; WXR streams (its memory does
not grow with the records beyond a slim index); a record that cannot be rendered is left
out whole; one origin and one title/date collision rule serve every output.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from belong_scraper.exporters import describe
from belong_scraper.report import collect_facts, report_facts, write_report
from belong_scraper.review import title_date_collisions, title_date_groups
from belong_scraper.targets import RECORD_FILES, FolderSource, MemorySource
from belong_scraper.targets.hugo import render_site, site_files, write_hugo
from belong_scraper.targets.wxr import render_wxr, stream_wxr, write_wxr

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "fixtures" / "expected-export"
ORIGIN = "http://fixture.test"
WP = {"wp": "http://wordpress.org/export/1.2/"}


def expected_records() -> dict[str, list[dict[str, Any]]]:
    return {
        name: json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
        for name in RECORD_FILES
    }


def some_assets(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Asset rows for the first images the records reference and one partner logo: two
    with their file under media/, one whose file is missing (it keeps its legacy URL)."""
    refs = [
        (image["asset"], image["url"], image.get("alt") or "", article["id"])
        for article in records["articles"]
        for image in article["images"]
        if image.get("asset")
    ][:3]
    logo = next(p for p in records["partners"] if p.get("logo_asset"))
    refs.append((logo["logo_asset"], logo["logo_url"], "", logo["id"]))
    assets = []
    for number, (asset_id, url, alt, used_by) in enumerate(refs):
        assets.append(
            {
                "id": asset_id,
                "url": url,
                "local_path": f"media/uploads/2023/10/file-{number}.jpg",
                "sha256": hashlib.sha256(asset_id.encode()).hexdigest(),
                "bytes": 3,
                "media_type": "image/jpeg",
                "alt": alt,
                "credit": "Photo: A. B." if number == 0 else None,
                "used_by": [used_by],
            }
        )
    return assets


def write_folder(
    out: Path,
    records: dict[str, list[dict[str, Any]]],
    assets: list[dict[str, Any]],
    manifest: dict[str, Any] | None = None,
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in records.items():
        (out / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (out / "assets.json").write_text(json.dumps(assets), encoding="utf-8")
    for asset in assets[:2] + assets[3:]:  # the third file is missing
        path = out / asset["local_path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"jpg")
    if manifest is not None:
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


MANIFEST = {
    "run_id": "r1",
    "status": "complete",
    "start_url": ORIGIN + "/",
    "default_language": "en",
    "counts": {"articles": 37},
    "php_errors_removed": {"total": 2, "by_level": {"warning": 2},
                           "by_page": {ORIGIN + "/news.php?id=11": 2}},
    "broken_links": [{"url": ORIGIN + "/gone.php", "status": 404, "linked_from": []}],
}  # fmt: skip
REDIRECTS = [
    {"legacy_url": ORIGIN + "/news.php?id=11", "status": "301", "record_id": "article-11"},
    {"legacy_url": ORIGIN + "/news.php?id=99", "status": "410", "record_id": ""},
]


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, MemorySource]:
    """The same export twice: a folder, and a MemorySource over a copy of its records."""
    records = expected_records()
    assets = some_assets(records)
    out = write_folder(tmp_path / "out", records, assets, MANIFEST)
    header = "legacy_url,status,record_id\n"
    rows = "".join(f"{r['legacy_url']},{r['status']},{r['record_id']}\n" for r in REDIRECTS)
    (out / "redirects.csv").write_text(header + rows, encoding="utf-8")
    return out, MemorySource(copy.deepcopy(records), copy.deepcopy(assets), ORIGIN)


def test_hugo_from_memory_is_byte_identical_to_hugo_from_the_folder(data) -> None:
    out, memory = data
    kwargs: dict[str, Any] = {"site_title": "EU-Belong", "language": "en"}
    from_folder = render_site(out, **kwargs)
    from_memory = render_site(out, memory, **kwargs)
    assert from_memory == from_folder
    assert sum(b'\nrecord_type: "article"\n' in body for body in from_folder.values()) == 37
    # The media file that is there is linked locally, the missing one by its legacy URL.
    assert any(b"/media/uploads/2023/10/file-0.jpg" in body for body in from_folder.values())

    described: dict[str, dict[str, Any]] = {}
    written = write_hugo(out, memory, described=described, **kwargs)
    assert written == sorted(f"hugo/{name}" for name in from_folder)
    assert list(described) == written  # in order, as the manifest lists them
    for name in written:
        assert described[name] == describe((out / name).read_bytes()), name
    assert write_hugo(out, **kwargs) == written  # the old call form: the folder itself


def test_wxr_from_memory_is_byte_identical_to_wxr_from_the_folder(data) -> None:
    out, memory = data
    kwargs: dict[str, Any] = {"site_title": "EU-Belong", "site_url": None, "language": "en"}
    from_folder, summary = render_wxr(out, **kwargs)
    from_memory, memory_summary = render_wxr(out, memory, **kwargs)
    assert from_memory == from_folder and memory_summary == summary
    assert summary["posts"] == sum(len(rows) for rows in expected_records().values())
    assert summary["attachments"] == 4

    described: dict[str, dict[str, Any]] = {}
    del kwargs["site_url"]
    assert write_wxr(out, memory, described=described, **kwargs) == summary
    written = (out / "wordpress.xml").read_bytes()
    assert written == from_folder
    assert described == {"wordpress.xml": describe(written)}
    # Texts ending in "]" (lxml's xmlfile cannot write those as CDATA) are there, whole.
    assert b"<![CDATA[[]]]></wp:meta_value>" in written
    root = etree.fromstring(written, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.findtext("channel/wp:base_site_url", namespaces=WP) == ORIGIN


def test_report_from_what_the_export_computed_equals_the_folder_report(data) -> None:
    out, memory = data
    facts = report_facts(memory, MANIFEST, REDIRECTS)
    assert facts == collect_facts(out)
    assert facts["counts"]["articles"] == 37 and facts["counts"]["assets"] == 4
    assert facts["redirects"]["map_by_status"] == {"301": 1, "410": 1}
    assert facts["php_errors_removed"]["by_page"][0]["record_id"] == "article-11"
    folder_copy = out.parent / "again"
    folder_copy.mkdir()
    described: dict[str, dict[str, Any]] = {}
    assert write_report(folder_copy, facts, described=described) == facts
    write_report(out)
    for name in ("report.json", "review.csv", "report.html"):
        data_bytes = (folder_copy / name).read_bytes()
        assert data_bytes == (out / name).read_bytes(), name
        assert described[name] == describe(data_bytes)


def test_streamed_report_facts_write_the_same_report(data) -> None:
    """The export's report (its long lists and collision keys in a scratch SQLite file,
    written as they are read) writes the files the plain facts write."""
    import sqlite3

    from belong_scraper.report import plain, skeleton, streamed_facts

    out, memory = data
    db = sqlite3.connect(out.parent / "scratch.sqlite")
    facts = streamed_facts(memory, MANIFEST, REDIRECTS, db)
    expected = report_facts(memory, MANIFEST, REDIRECTS)
    assert plain(facts) == expected and expected["review"]["count"] > 0
    assert skeleton(facts)["review"]["records"] == []
    streamed, whole = out.parent / "streamed", out.parent / "whole"
    streamed.mkdir()
    whole.mkdir()
    write_report(streamed, facts)
    write_report(whole, expected)
    for name in ("report.json", "review.csv", "report.html"):
        assert (streamed / name).read_bytes() == (whole / name).read_bytes(), name
    rows = [
        {"id": f"article-{i:05d}", "title": title, "published": date}
        for i, (title, date) in enumerate([("Café", "2023-03-01"), ("cafe ", "2023-03-01"),
                                           ("Café", "2023-03-02"), ("", "2023-03-01")])
    ]  # fmt: skip
    few = streamed_facts(MemorySource({"articles": rows}, [], ORIGIN), {}, [], db)
    flagged = {r["id"] for r in few["review"]["records"] if "title-date-collision" in r["reasons"]}
    assert flagged == title_date_collisions(rows) == {"article-00000", "article-00001"}


def test_one_origin_from_the_manifest_else_from_the_records(tmp_path: Path) -> None:
    records = expected_records()
    with_start = write_folder(tmp_path / "a", records, [], {"start_url": "https://new.example/"})
    assert FolderSource(with_start).origin == "https://new.example"
    # No manifest, or a start URL that is no http(s) URL: the first record's origin.
    assert FolderSource(write_folder(tmp_path / "b", records, [])).origin == ORIGIN
    bad = write_folder(tmp_path / "c", records, [], {"start_url": "javascript:alert(1)"})
    assert FolderSource(bad).origin == ORIGIN
    # A manifest of other records (the staged copy of the last run, before the new one is
    # written) does not name the origin of these.
    listed = {"start_url": "https://new.example/", "files": {"articles.json": {"sha256": "0"}}}
    assert FolderSource(write_folder(tmp_path / "d", records, [], listed)).origin == ORIGIN
    digest = hashlib.sha256((tmp_path / "d" / "articles.json").read_bytes()).hexdigest()
    listed["files"]["articles.json"]["sha256"] = digest
    assert FolderSource(write_folder(tmp_path / "d", records, [], listed)).origin == (
        "https://new.example"
    )
    # The renderings use the source's origin, not one of their own.
    data, _ = render_wxr(tmp_path, MemorySource(records, [], "https://site.example"),
                         site_title="t", site_url=None, language="en")  # fmt: skip
    root = etree.fromstring(data)
    assert root.findtext("channel/link") == "https://site.example"


def article(number: int, title: Any, published: Any, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"article-{number:05d}",
        "legacy_id": number,
        "source_url": f"{ORIGIN}/news.php?id={number}",
        "slug": f"s-{number}",
        "path": f"/news/s-{number}/",
        "title": title,
        "published": published,
        "body_html": "<p>x</p>",
        "images": [],
        "attachments": [],
    } | fields


def test_a_record_that_cannot_be_rendered_leaves_no_half_item(tmp_path: Path) -> None:
    good = [article(n, f"Story {n}", "2023-03-01") for n in (1, 2, 5)]
    broken = [
        article(3, "Bad date", "2024-02-31"),  # fails while its <item> is built
        article(4, {"not": "a title"}, "2023-03-01"),  # fails on its title
        article(6, "Bad embed", None, embeds=["not-a-dict"]),  # fails before any item
    ]
    failures: dict[str, str] = {}
    data, summary = render_wxr(tmp_path, MemorySource({"articles": good + broken}, [], ORIGIN),
                               site_title="t", site_url=None, language="en",
                               failures=failures)  # fmt: skip
    assert sorted(failures) == [r["id"] for r in broken]
    root = etree.fromstring(data)  # well-formed: nothing half-written
    guids = [item.findtext("guid") for item in root.iter("item")]
    assert guids == [r["id"] for r in good] and summary["posts"] == 3
    # The file is the one the good records alone give, but for the channel head (authors
    # and tags come from every record; these have none).
    alone, _ = render_wxr(tmp_path, MemorySource({"articles": good}, [], ORIGIN),
                          site_title="t", site_url=None, language="en")  # fmt: skip
    assert data == alone

    failures = {}
    clash = [*good, article(7, "Clash", "2023-03-01", path=good[0]["path"])]
    files = render_site(tmp_path, MemorySource({"articles": clash}, [], ORIGIN),
                        site_title="t", language="en", failures=failures)  # fmt: skip
    assert list(failures) == ["article-00007"] and "taken" in failures["article-00007"]
    assert sorted(n for n in files if n.startswith("content/news/s-")) == [
        f"content/news/s-{n}/index.md" for n in (1, 2, 5)
    ]


def test_one_title_date_rule_for_review_flags_and_wxr(tmp_path: Path) -> None:
    rows = [
        article(1, "Café in Bologna", "2023-03-01"),
        article(2, " CAFE IN BOLOGNA ", "2023-03-01"),  # WordPress trims, MySQL folds
        article(3, "Café in Bologna", "2023-03-02"),
        article(4, "Undated", None),  # WordPress stores the import time: no collision
        article(5, "Undated", None),
        article(6, "", "2023-03-01"),
    ]
    assert title_date_collisions(rows) == {"article-00001", "article-00002"}
    _, summary = render_wxr(tmp_path, MemorySource({"articles": rows}, [], ORIGIN),
                            site_title="t", site_url=None, language="en")  # fmt: skip
    assert summary["collisions"] == [
        {"title": "Café in Bologna", "date": "2023-03-01 00:00:00", "post_type": "post",
         "ids": ["article-00001", "article-00002"]}
    ]  # fmt: skip
    # Another post type never collides with a post.
    assert title_date_groups([(1, "A", "d", "post"), (2, "a", "d", "page")]) == []
    facts = report_facts(MemorySource({"articles": rows}, [], ORIGIN), {}, [])
    flagged = {
        r["id"] for r in facts["review"]["records"] if "title-date-collision" in r["reasons"]
    }
    assert flagged == {"article-00001", "article-00002"}


NO_MEDIA = Path("/nonexistent-media-folder")  # no assets: media is never looked up


class Sink:
    """A file that keeps nothing: only the renderer's own memory is measured."""

    def write(self, data: bytes) -> int:
        return len(data)


def wxr_peak(count: int) -> int:
    body = "<p>" + "word " * 1600 + "</p>"  # 8 KB a body: what a tree of items would keep
    rows = [article(n, f"Story {n}", "2023-03-01", body_html=body) for n in range(1, count + 1)]
    source = MemorySource({"articles": rows}, [], ORIGIN)
    source.record("articles", rows[0]["id"])  # the source's own id index, built before
    tracemalloc.start()
    try:
        summary = stream_wxr(Sink(), NO_MEDIA, source, site_title="t", site_url=None,
                             language="en")  # fmt: skip
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary["posts"] == count
    return peak


def test_wxr_memory_does_not_grow_with_the_items() -> None:
    small, large = wxr_peak(100), wxr_peak(600)
    per_item = (large - small) / 500
    # The slim index (post id, order, parent date, title for collisions) is a few hundred
    # bytes an item; keeping the items (or their bodies) would be over 8 KB each.
    assert per_item < 1500, f"{per_item:.0f} bytes per item"


def hugo_peak(count: int) -> int:
    markdown = "word " * 1600  # 8 KB a body
    rows = [
        article(n, f"Story {n}", "2023-03-01", body_markdown=markdown,
                legacy_urls=[f"{ORIGIN}/news.php?id={n}", f"{ORIGIN}/news/{n}"])
        for n in range(1, count + 1)
    ]  # fmt: skip
    source = MemorySource({"articles": rows}, [], ORIGIN)
    tracemalloc.start()
    try:
        files = 0
        for _ in site_files(NO_MEDIA, source, site_title="t", language="en"):
            files += 1  # each file dropped as soon as it is made, as write_hugo does
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert files > count
    return peak


def test_hugo_memory_does_not_grow_with_the_records() -> None:
    # Once unmeasured: pathlib interns path segments, and the interpreter's table of
    # interned strings grows in one step of its own (MBs under pytest), not per record.
    hugo_peak(600)
    small, large = hugo_peak(100), hugo_peak(600)
    per_record = (large - small) / 500
    # Paths, aliases handed out and article titles: a few hundred bytes a record.
    assert per_record < 1500, f"{per_record:.0f} bytes per record"
