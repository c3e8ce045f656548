"""Items for running the export stages without a crawl: the fixture export's records
(optionally cloned to N articles with new ids, URLs and titles), each with the page report
of its fetch, and listing pages in order. Used by tests/test_export_stages.py and
benchmarks/export_stages.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from belong_scraper.items import Listing, PageReport, Teaser, article_id, from_export_dict

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "expected-export"
ORIGIN = "http://fixture.test"
PER_PAGE = 10


def _load(stem: str, folder: Path = FIXTURE) -> list[dict[str, Any]]:
    return json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))


def sample_items(articles: int | None = None, folder: Path = FIXTURE) -> list[Any]:
    """Records, PageReports and Listings as a crawl of the fixture would yield them;
    ``articles``: that many articles cloned from the fixture's (None: its own 37)."""
    return list(iter_sample_items(articles, folder))


def iter_sample_items(articles: int | None = None, folder: Path = FIXTURE) -> Iterator[Any]:
    """``sample_items`` one at a time, as a crawl yields them: a measurement of the
    export's memory that builds all N items first would see the heap of all of them
    whatever the pipeline does with each as it arrives."""
    templates = _load("articles", folder)
    count = len(templates) if articles is None else articles
    teasers = []
    for i in range(count):
        row = templates[i] if articles is None else _clone(templates, i)
        yield from_export_dict("article", row)
        yield _report(row["source_url"], "article")
        teasers.append(Teaser(article_id=row["id"], title=row["title"], excerpt=row["summary"]))
    for stem, kind in (("partners", "partner"), ("clusters", "cluster"), ("pages", "page")):
        for row in _load(stem, folder):
            yield from_export_dict(kind, row)
            yield _report(row["source_url"], kind)
    for page, start in enumerate(range(0, len(teasers), PER_PAGE), start=1):
        url = f"{ORIGIN}/news.php" + (f"?page={page}" if page > 1 else "")
        yield Listing(url=url, kind="listing", page=page,
                      teasers=teasers[start : start + PER_PAGE])  # fmt: skip
        yield _report(url, "listing")


def _clone(templates: list[dict[str, Any]], i: int) -> dict[str, Any]:
    row = json.loads(json.dumps(templates[i % len(templates)]))  # a deep copy
    legacy_id = 100_000 + i
    url = f"{ORIGIN}/news.php?id={legacy_id}"
    row.update(id=article_id(legacy_id), legacy_id=legacy_id, source_url=url,
               legacy_urls=[url], slug="", path="", title=f"{row['title']} {i}")  # fmt: skip
    return row


def _report(url: str, kind: str) -> PageReport:
    return PageReport(url=url, canonical=url, status=200, kind=kind)
