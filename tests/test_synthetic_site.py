"""The synthetic legacy site (belong_scraper/synthetic.py): deterministic, windowed, and
migrated whole, with what it served as ground truth."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest

from belong_scraper.fixture_server import FixtureServer, FixtureSite
from belong_scraper.synthetic import PAGER_REACH, SyntheticSite
from tests.conftest import SITE, free_port, migrate


def targets(site: SyntheticSite) -> list[str]:
    pages = [f"/news.php?page={n}" for n in range(1, site.pages + 1)]
    tags = [f"/news.php?tag={slug}" for slug in sorted(site.by_tag) if site.by_tag[slug]]
    images = [a.image for a in site.articles if a.image and "/story-" in a.image]
    return ["/", "/rss.php", "/news.php", *pages, *tags, *images,
            *(a.url for a in site.articles)]  # fmt: skip


def pager_pages(body: bytes) -> set[int]:
    root = lxml.html.fromstring(body)
    return {
        int(dict(parse_qsl(urlsplit(href).query))["page"])
        for href in root.xpath('//div[@class="pager"]//a/@href')
    }


def test_same_n_serves_the_same_bytes() -> None:
    first, second = FixtureSite(SITE, articles=250), FixtureSite(SITE, articles=250)
    assert first.synthetic is not None and second.synthetic is not None
    assert first.synthetic.ground_truth() == second.synthetic.ground_truth()
    for target in targets(first.synthetic):
        one, two = first.reply(target), second.reply(target)
        assert one.status == 200, target
        assert (one.body, one.headers) == (two.body, two.headers), target


def test_an_article_does_not_depend_on_other_articles_content() -> None:
    # Only the date spread and the sidebar depend on N: titles and authors do not.
    small, large = SyntheticSite(100, SITE), SyntheticSite(300, SITE)
    pairs = zip(small.articles, large.articles[:100], strict=True)
    assert all((a.title, a.author, a.language) == (b.title, b.author, b.language) for a, b in pairs)


def test_pages_link_only_to_their_window() -> None:
    site = FixtureSite(SITE, articles=600)  # 100 listing pages
    synthetic = site.synthetic
    assert synthetic is not None and synthetic.pages == 100
    for page in (1, 2, 50, 99, 100):
        near = set(range(max(1, page - PAGER_REACH), min(100, page + PAGER_REACH) + 1))
        expected = ({1, 100} | near) - {page}
        assert pager_pages(site.reply(f"/news.php?page={page}").body) == expected, page
    # Deep pages only through chains of "Next": page 50 is 4 hops from any linked page.
    home_and_first = site.reply("/").body + site.reply("/news.php").body
    assert b"page=50" not in home_and_first
    reached, page = {1}, 1
    while True:
        root = lxml.html.fromstring(site.reply(f"/news.php?page={page}").body)
        nxt = root.xpath('//a[@class="next"]/@href')
        if not nxt:
            break
        page = int(dict(parse_qsl(urlsplit(nxt[0]).query))["page"])
        reached.add(page)
    assert reached == set(range(1, 101))
    teased = set()
    for page in range(1, 101):
        root = lxml.html.fromstring(site.reply(f"/news.php?page={page}").body)
        teased |= {int(h.split("=")[1]) for h in root.xpath('//div[@class="news-item"]/h3/a/@href')}
    assert teased == set(range(1, 601))


def test_the_survey_quirks_are_served() -> None:
    site = FixtureSite(SITE, articles=1000)
    synthetic = site.synthetic
    assert synthetic is not None
    articles = synthetic.articles
    assert {a.layout for a in articles} == {"news-detail", "article-2022"}
    without = [a for a in articles if a.author is None]
    assert 0.05 < len(without) / len(articles) < 0.3  # most, not all, carry a byline
    assert {a.language for a in articles} >= {"en", "es", "fr", "it", "el"}
    bodies = {a.id: site.reply(a.url) for a in articles[:400]}
    older = [a.id for a in articles[:400] if a.layout == "article-2022"]
    newer = [a.id for a in articles[:400] if a.layout == "news-detail"]
    assert older and all(b"<b>Warning</b>" in bodies[i].body for i in older)  # the tags block's
    assert any(b"<b>Warning</b>" in bodies[i].body for i in newer)
    assert any(r.body.startswith(b"<br />\n<b>Deprecated</b>") for r in bodies.values())
    assert any(b" Notice: Undefined variable" in r.body for r in bodies.values())
    cp1252 = [i for i, r in bodies.items() if "windows-1252" in r.headers["Content-Type"]]
    assert cp1252 and all(synthetic.articles[i - 1].encoding == "windows-1252" for i in cp1252)
    for reply in (site.reply(a.url) for a in articles if a.layout == "news-detail"):
        assert b'id="cookie-notice"' in reply.body and b'class="share"' in reply.body
        assert b"Read more" not in reply.body  # chrome of an article, not of a listing
        break
    credits = [a for a in articles if a.credit]
    assert credits and all(a.image for a in credits)
    # A few distinct images among many shared ones, all tiny.
    images = {a.image for a in articles if a.image}
    distinct = [image for image in images if "/story-" in image]
    assert 0 < len(distinct) < 10 < len([a for a in articles if a.image])
    png = site.reply(distinct[0])
    assert png.status == 200 and png.body.startswith(b"\x89PNG") and len(png.body) < 100
    assert site.reply("/news.php?id=1001").status == 404
    assert site.reply("/partners.php?country=ES").body == (SITE / "partners/es.html").read_bytes()


def test_no_articles_is_the_snapshot() -> None:
    site = FixtureSite(SITE)
    assert site.synthetic is None
    assert site.reply("/").body == (SITE / "index.html").read_bytes()


def test_serve_fixtures_articles_flag() -> None:
    port = free_port()
    cli = Path(sys.executable).parent / "belong-scraper"
    command = [str(cli), "serve-fixtures", "--articles", "12", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert server.stdout is not None
        assert b"serving" in server.stdout.readline()
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/news.php?id=12") as r:
                    body = r.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        expected = SyntheticSite(12, SITE).article_page(SyntheticSite(12, SITE).articles[11])
        assert body == expected
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def synthetic_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("synthetic") / "out"
    with FixtureServer(SITE, articles=60) as server:
        assert server.site.synthetic is not None
        truth = server.site.synthetic.ground_truth()
        result = migrate(server, out)  # the ledger must match what the server saw
    assert result.returncode == 0, result.stderr
    return out, truth


def test_migrate_exports_every_synthetic_article_complete(synthetic_export) -> None:
    out, truth = synthetic_export
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete", manifest.get("status_reasons")
    articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    assert sorted(a["legacy_id"] for a in articles) == [t["id"] for t in truth]


def test_exported_articles_say_what_the_generator_served(synthetic_export) -> None:
    out, truth = synthetic_export
    exported = {
        a["legacy_id"]: a for a in json.loads((out / "articles.json").read_text(encoding="utf-8"))
    }
    for served in truth:
        article = exported[served["id"]]
        assert article["title"] == served["title"], served["id"]
        assert article["published"] == served["published"], served["id"]
        if served["author"] is not None:
            assert article["author"] == served["author"], served["id"]
        else:  # no byline: no author, unless the generic extractor guessed one and says so
            assert article["author"] is None or (
                "generic-extractor:author" in article["review_flags"]
            ), served["id"]
    assert any(t["author"] is None for t in truth) and any(
        t["layout"] == "article-2022" for t in truth
    )
