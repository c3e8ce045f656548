"""The crawl's listings and links put aside as they arrive (export/shelf.py), and the link
graph folded a report at a time (export/graph.LinkGraphBuilder)."""

from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.assemble import run_facts
from belong_scraper.export.graph import LinkGraph, LinkGraphBuilder
from belong_scraper.export.run import Collected
from belong_scraper.export.sample import sample_items
from belong_scraper.export.shelf import BATCH, CrawlShelf, by_canonical
from belong_scraper.export.state import fetched_pages
from belong_scraper.items import Listing, PageReport, Teaser


def _report(url: str, status: int = 200, links=(), spellings=None, redirect_to=None):
    return PageReport(url=url, canonical=url, status=status, links=list(links),
                      spellings=spellings or {}, redirect_to=redirect_to)  # fmt: skip


def test_listings_come_back_whole_in_arrival_order_as_often_as_read(tmp_path: Path) -> None:
    shelf = CrawlShelf(tmp_path / "job")
    listings = [
        Listing(url=f"/news.php?page={n}", kind="listing", page=n,
                teasers=[Teaser(article_id=f"article-{n}", title=f"T{n}", excerpt="é…")])
        for n in (3, 1, 2)
    ]  # fmt: skip
    try:
        for listing in listings:
            shelf.listings.append(listing)
        assert (tmp_path / "job" / "export-crawl.sqlite").is_file()
        assert list(shelf.listings) == listings == list(shelf.listings)
        assert len(shelf.listings) == 3
    finally:
        shelf.close()
    assert not (tmp_path / "job" / "export-crawl.sqlite").exists()


def test_linked_from_answers_every_target_in_batches() -> None:
    shelf = CrawlShelf(None)
    try:
        targets = [f"http://x.test/p{i}" for i in range(BATCH * 2 + 7)]
        shelf.links.add("http://x.test/a", targets)
        shelf.links.add("http://x.test/b", targets[:3])
        found = shelf.links.linked_from([*targets, "http://x.test/nobody-links-here"])
        assert len(found) == len(targets)
        assert found[targets[0]] == {"http://x.test/a", "http://x.test/b"}
        assert found[targets[-1]] == {"http://x.test/a"}
        assert "http://x.test/nobody-links-here" not in found
    finally:
        shelf.close()


def test_the_folded_graph_equals_the_graph_of_all_reports() -> None:
    reports = [
        _report("http://x.test/a", links=["http://x.test/b"],
                spellings={"http://x.test/b": ["http://x.test/b", "http://X.test/b?utm_x=1"]}),
        _report("http://x.test/old", status=301, redirect_to="http://x.test/mid"),
        _report("http://x.test/mid", status=301, redirect_to="http://x.test/b"),
        _report("http://x.test/b"),
        _report("http://x.test/gone", status=404),
    ]  # fmt: skip
    builder = LinkGraphBuilder()
    for report in reports:
        builder.add(report)
    assert builder.graph() == LinkGraph.from_reports(reports)
    assert builder.graph().redirects["http://x.test/old"] == "http://x.test/b"
    assert builder.graph().gone == {"http://x.test/gone": 404}


def test_collected_reports_are_kept_without_their_links_and_facts_stay_the_same() -> None:
    items = sample_items()
    reports = [i for i in items if isinstance(i, PageReport)]
    # One gone page, linked from two pages: "linked from" now comes from the shelf.
    gone = "http://fixture.test/news.php?id=999"
    reports[0].links.append(gone)
    reports[1].links.append(gone)
    reports.append(_report(gone, status=404))
    whole = copy.deepcopy(reports)
    collected = Collected()
    try:
        for report in reports:
            collected.add(report)
        assert all(r.links == [] and r.spellings == {} for r in collected.reports)
        assert reports[0].links  # the item handed on keeps them
        facts = run_facts(collected.reports, collected.linked_from)
        assert collected.graph.graph() == LinkGraph.from_reports(whole)
    finally:
        collected.close()
    broken = {b["url"]: b["linked_from"] for b in facts.broken_links}
    assert broken[gone] == sorted({whole[0].canonical, whole[1].canonical})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=30))
def test_parked_reports_come_back_in_the_order_sorted_gives(pairs) -> None:
    reports = [PageReport(url=url, canonical=canonical, status=200) for canonical, url in pairs]
    shelf = CrawlShelf(None)
    try:
        for report in reports:
            shelf.reports.append(report)
        assert list(shelf.reports) == reports
        assert list(by_canonical(shelf.reports)) == by_canonical(reports)
        assert list(by_canonical(shelf.reports, then_url=True)) == by_canonical(
            reports, then_url=True
        )
        assert len(shelf.reports) == len(reports)
    finally:
        shelf.close()


def test_fetched_pages_from_the_shelf_are_the_rows_of_every_url_in_order() -> None:
    """The state's fetched pages, made as they are read from the shelf's URL order: each
    URL once, its last report (a retried page), a medium's outcome over a report of the
    same URL, every URL in code-point order (non-ASCII ones included)."""
    reports = [
        _report("http://x.test/b", status=500),
        _report("http://x.test/a"),
        _report("http://x.test/é"),
        _report("http://x.test/b", status=200),
        _report("http://x.test/img.png", status=404),
        _report("http://x.test/Z"),
    ]
    record = next(item for item in sample_items() if hasattr(item, "evidence"))
    record = copy.copy(record)
    record.evidence = {"media": {
        "http://x.test/img.png": {"status": 200, "ok": True, "sha256": "ab" * 32},
        "http://x.test/c.pdf": {"status": 404, "ok": False, "reason": "gone"},
    }}  # fmt: skip
    shelf = CrawlShelf(None)
    try:
        for report in reports:
            shelf.reports.append(report)
        from_shelf = list(fetched_pages(shelf.reports, [record]))
    finally:
        shelf.close()
    assert from_shelf == list(fetched_pages(reports, [record]))
    assert [row["url"] for row in from_shelf] == sorted(
        {r.url for r in reports} | {"http://x.test/c.pdf"}
    )
    rows = {row["url"]: row for row in from_shelf}
    assert rows["http://x.test/b"]["status"] == 200
    assert rows["http://x.test/img.png"] == {
        "url": "http://x.test/img.png", "canonical_url": "http://x.test/img.png",
        "status": 200, "kind": "media", "etag": None, "last_modified": None,
        "payload_sha256": "ab" * 32, "php_errors": 0, "error": None,
    }  # fmt: skip
    assert rows["http://x.test/c.pdf"]["error"] == "gone"


_urls = st.sampled_from([f"http://x.test/p{i}" for i in range(12)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_urls, st.dictionaries(_urls, st.lists(_urls, max_size=12),
                                                 max_size=3),
                          st.one_of(st.none(), _urls)), max_size=12))  # fmt: skip
def test_spellings_and_aliases_hold_every_spelling_once(pages) -> None:
    """Tuples while few, sets when many: what each URL holds is the set a plain set-based
    fold gives, with no spelling twice and the URL itself never one of its spellings."""
    reports = [_report(url, status=301 if to else 200, spellings=spelled, redirect_to=to)
               for url, spelled, to in pages]  # fmt: skip
    graph = LinkGraph.from_reports(reports)
    expected: dict[str, set[str]] = {}
    for report in reports:
        for target, seen in [(report.canonical, [report.url]), *report.spellings.items()]:
            others = {url for url in seen if url != target}
            if others:
                expected.setdefault(target, set()).update(others)
    assert {k: set(v) for k, v in graph.spellings.items()} == expected
    for url, spelled in graph.spellings.items():
        assert len(set(spelled)) == len(spelled) and url not in spelled
        assert graph.spellings_of(url) == expected[url] | {url}
    for source, target in graph.redirects.items():
        assert source in graph.aliases[target]
        assert set(graph.spellings.get(source, ())) <= set(graph.aliases[target])
