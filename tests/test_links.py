"""links: every way the legacy site offers a link is found; feeds are read leniently."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from belong_scraper.expected import portable_export
from belong_scraper.fixture_server import FixtureServer, LoggedRequest
from belong_scraper.links import feed_links, html_links
from tests.conftest import (
    FIXTURES,
    SITE,
    CliResult,
    free_port,
    load_export,
    migrate,
    unlink_article,
)

BASE = "http://legacy.test/news.php?id=4"


def links(markup: str) -> list[tuple[str, str]]:
    return html_links(lxml_html.document_fromstring(markup), BASE)


def test_anchors_areas_and_relative_hrefs() -> None:
    found = links(
        '<p><a href="news.php?id=5#top">Next</a> <a href="/partners.php?country=ES">ES</a></p>'
        '<map><area href="/clusters.php?id=2"></map><a>no href</a>'
    )
    assert found == [
        ("http://legacy.test/news.php?id=5", "a"),
        ("http://legacy.test/partners.php?country=ES", "a"),
        ("http://legacy.test/clusters.php?id=2", "a"),
    ]


def test_option_values_are_links() -> None:
    found = links(
        '<select onchange="location=this.value"><option value="">Country</option>'
        '<option value="/partners.php?country=IT">Italy</option></select>'
    )
    assert ("http://legacy.test/partners.php?country=IT", "option") in found
    assert all(url != "http://legacy.test/" or via != "option" for url, via in found)


def test_data_attributes_json_and_plain() -> None:
    found = links(
        '<div data-items=\'[{"url": "/news.php?id=9", "title": "Nine"}, {"n": 3}]\' '
        'data-next="/news.php?page=3" data-label="not a link" '
        'data-broken=\'{"href": "/news.php?id=10",}\'></div>'
    )
    assert ("http://legacy.test/news.php?id=9", "data") in found
    assert ("http://legacy.test/news.php?page=3", "data") in found
    assert ("http://legacy.test/news.php?id=10", "data") in found  # JSON that does not parse
    assert not any("not a link" in url for url, _ in found)


def test_scripted_navigation_and_feeds() -> None:
    found = links(
        '<head><link rel="alternate" type="application/rss+xml" href="/rss.php"></head>'
        "<body><button onclick=\"window.open('/page.php?p=privacy')\">Privacy</button>"
        "<tr onclick=\"location.href='news.php?id=7'\"></tr></body>"
    )
    assert ("http://legacy.test/rss.php", "feed") in found
    assert ("http://legacy.test/page.php?p=privacy", "script") in found
    assert ("http://legacy.test/news.php?id=7", "script") in found


def test_javascript_and_mailto_are_not_links() -> None:
    found = links('<a href="javascript:void(0)">x</a><a href="mailto:a@b.c">m</a>')
    assert [url for url, _ in found if url.startswith("http")] == []


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<br />
<b>Warning</b>:  Undefined variable $lang in <b>/var/www/rss.php</b> on line <b>7</b><br />
<rss version="2.0"><channel><title>News</title><link>http://legacy.test/</link>
<item><title>Jobs & skills</title><link>http://legacy.test/news.php?id=12&amp;utm_source=rss</link>
<guid>http://legacy.test/news.php?id=12</guid></item>
<item><title>Only in the feed</title><link>/news.php?id=13</link></item>
</channel></rss>"""


def test_feed_items_even_when_the_feed_is_not_well_formed() -> None:
    urls = {url for url, via in feed_links(FEED, "http://legacy.test/rss.php")}
    assert "http://legacy.test/news.php?id=12&utm_source=rss" in urls
    assert "http://legacy.test/news.php?id=12" in urls
    assert "http://legacy.test/news.php?id=13" in urls


def test_feed_that_no_parser_accepts_still_gives_its_links() -> None:
    broken = "<rss><channel><item><link>http://legacy.test/news.php?id=21</link><item><<"
    urls = {url for url, _ in feed_links(broken, "http://legacy.test/rss.php")}
    assert "http://legacy.test/news.php?id=21" in urls


@given(st.text(max_size=300))
def test_any_feed_text_gives_links_or_nothing_never_an_error(text: str) -> None:
    for url, via in feed_links(text, "http://legacy.test/rss.php"):
        assert via == "feed" and "#" not in url


@given(st.text(max_size=200))
def test_any_attribute_value_gives_absolute_links_without_fragments(value: str) -> None:
    element = lxml_html.Element("div")
    try:
        element.set("data-x", value)
        element.set("href", value)
    except ValueError:
        return  # lxml refuses control characters in attributes: no page can hold them
    root = lxml_html.document_fromstring("<p>x</p>")
    root.body.append(element)
    for url, _ in html_links(root, BASE):
        assert url.startswith(("http://", "https://")) and "#" not in url


@dataclass
class FeedOnlyRun:
    result: CliResult
    origin: str
    log: list[LoggedRequest]
    out: Path


@pytest.fixture(scope="module")
def feed_only_run(tmp_path_factory) -> FeedOnlyRun:
    """One crawl of the site edited for both tests below: article 57 linked from the RSS
    feed alone, and no page announcing the feed (<link rel="alternate"> removed). Each
    edit is what one test needs; neither hides what the other test checks (the feed is
    still reached, through the profile's seed paths, and so is article 57, through it)."""
    base = tmp_path_factory.mktemp("feed-only")
    site = base / "site"
    shutil.copytree(SITE, site)
    unlink_article(site, 57)
    announce = re.compile(r"<link[^>]*rel=\"alternate\"[^>]*>")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="surrogateescape")
        page.write_text(announce.sub("", text), encoding="utf-8", errors="surrogateescape")
    with FixtureServer(site, port=free_port()) as server:
        result = migrate(server, base / "out")
        return FeedOnlyRun(result, server.origin, list(server.log), base / "out")


def test_an_article_only_the_feed_links_to_is_migrated(feed_only_run: FeedOnlyRun) -> None:
    """Article 57 stays in the RSS feed (under the bare-host http:// spelling) while every
    page stops linking to it: the crawl must still reach it, through the feed."""
    result, origin = feed_only_run.result, feed_only_run.origin
    requests = [r for r in feed_only_run.log if re.search(r"[?&]id=57\b", r.target)]
    assert result.returncode == 0, result.stderr
    assert requests and all("rss.php" in r.headers.get("Referer", "") for r in requests)
    migrated = {a["id"]: a for a in portable_export(feed_only_run.out, origin)["articles"]}
    expected = {a["id"]: a for a in load_export(FIXTURES / "expected-export")["articles"]}
    for field in ("title", "published", "author", "body_text", "images", "tags", "language"):
        assert migrated["article-57"][field] == expected["article-57"][field], field


def test_the_feed_is_read_even_when_no_page_announces_it(feed_only_run: FeedOnlyRun) -> None:
    """The survey's chrome has no <link rel="alternate">: the profile's seed paths reach
    the feed anyway, so its PHP errors and link spellings are counted."""
    result = feed_only_run.result
    feed_requests = [r for r in feed_only_run.log if r.target.startswith("/rss.php")]
    assert result.returncode == 0, result.stderr
    assert feed_requests and feed_requests[0].headers.get("Referer") is None
    manifest = json.loads((feed_only_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert any("/rss.php" in url for url in manifest["php_errors_removed"]["by_page"])
