"""Crawler traps are bounded without naming them; deep pagination is followed to its end.

A generated site: 240 listing pages reached only through "Next" links, one article each,
plus a calendar whose prev/next links never end. Served on loopback, crawled for real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belong_scraper.fixture_server import FixtureServer
from tests.conftest import load_export, migrate

PAGES = 240
CHROME = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>EU-Belong - {title}'
    '</title></head><body><ul id="menu"><li><a href="/news.php">News</a></li>'
    '<li><a href="/events.php?month=2024-05">Events</a></li></ul><div id="main">{body}</div>'
    "</body></html>"
)


def build_deep_site(root: Path, views: bool = False) -> None:
    routes = []

    def page(name: str, title: str, body: str, **route) -> None:
        (root / name).write_text(CHROME.format(title=title, body=body), encoding="utf-8")
        routes.append({"file": name, **route})

    page("home.html", "Home", "<h1>Home</h1><p>Welcome.</p>", path="/")
    for n in range(1, PAGES + 1):
        article = PAGES + 1 - n
        teaser = (
            f'<div class="news-item"><h3><a href="/news.php?id={article}">Story {article}</a>'
            f'</h3><p class="excerpt">Story number {article} begins[...]</p></div>'
        )
        pager = f'<a href="/news.php?page={n + 1}">Next</a>' if n < PAGES else ""
        query = {"page": str(n)} if n > 1 else {}
        page(f"list-{n}.html", "News", teaser + pager, path="/news.php", query=query)
        page(
            f"article-{article}.html", f"Story {article}",
            f'<div class="news-detail"><h1>Story {article}</h1><div class="news-info">'
            f'<span class="date">{(article % 28) + 1:02d}/03/2024</span></div>'
            f'<div class="news-text"><p>Story number {article} begins here and goes on.</p>'
            f"</div></div>",
            path="/news.php", query={"id": str(article)},
        )  # fmt: skip
    (root / "events.html").write_text(
        CHROME.format(
            title="Events {{MONTH_LABEL}}",
            body='<h1>{{MONTH_LABEL}}</h1>{{EVENTS}}<a href="/events.php?month={{PREV}}">Prev'
            '</a> <a href="/events.php?month={{NEXT}}">Next</a>'
            # a second view of the same month: two families that link to each other
            + (
                ' <a href="/events.php?month={{MONTH}}&amp;view=list">List view</a>'
                if views
                else ""
            ),
        ),
        encoding="utf-8",
    )
    events = {"empty": "<p>No events this month.</p>"}
    (root / "events.json").write_text(json.dumps(events), encoding="utf-8")
    (root / "404.html").write_text("<h1>Not found</h1>", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")
    routes.append({"path": "/robots.txt", "file": "robots.txt"})
    spec = {
        "routes": routes,
        "calendar": {"path": "/events.php", "param": "month", "template": "events.html",
                     "events": "events.json"},
        "not_found": "404.html",
    }  # fmt: skip
    (root / "routes.json").write_text(json.dumps(spec), encoding="utf-8")


@pytest.mark.parametrize("views", [False, True], ids=["one-view", "two-views"])
def test_deep_pagination_is_followed_and_the_calendar_is_cut(tmp_path: Path, views: bool) -> None:
    site = tmp_path / "site"
    site.mkdir()
    build_deep_site(site, views)
    with FixtureServer(site) as server:
        result = migrate(server, tmp_path / "out", "-s", "CONCURRENT_REQUESTS=16")
        log = list(server.log)
    assert result.returncode == 0, result.stderr
    export = load_export(tmp_path / "out")
    assert len(export["articles"]) == PAGES  # every article, the last one 240 "Next"s deep
    listing_pages = {r.target for r in log if r.target.startswith("/news.php?page=")}
    assert len(listing_pages) == PAGES - 1
    calendar = [r.target for r in log if r.target.startswith("/events.php")]
    # Each view branches into the other: a few more pages, still a handful, never the years.
    assert 1 <= len(calendar) <= (20 if views else 10), calendar
    assert len(log) <= 2 * PAGES + 25  # robots.txt, seed paths, the cut calendar
