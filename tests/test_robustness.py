"""Bad input gets a clear report and loses nothing; the run goes on.

A small generated site following the survey, with pages that drift from it: an article
whose body is in an unknown container (the generic extractor fills it and flags it), an
empty 200 answer, binary garbage, and a page that answers 500 forever.
"""

from __future__ import annotations

import json
from pathlib import Path

from belong_scraper.fixture_server import FixtureServer
from tests.checks import assert_clean_output
from tests.conftest import load_export, migrate

CHROME = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>EU-Belong - {title}'
    '</title></head><body class="news"><div id="main">{body}</div></body></html>'
)
DRIFTED_BODY = (
    '<div class="news-detail"><h1>Regions test a new welcome desk</h1><div class="news-info">'
    '<span class="date">12/09/2024</span></div><div class="story-body">'
    + "".join(
        f"<p>Paragraph {n}: the regional welcome desk opened in September and already helps "
        f"newcomers with housing, schooling and language courses in several languages.</p>"
        for n in range(1, 6)
    )
    + "</div></div>"
)


def build(root: Path) -> None:
    files = {
        "home.html": CHROME.format(
            title="Home",
            body="<h1>Home</h1>"
            + "".join(f'<a href="/news.php?id={n}">{n}</a> ' for n in (1, 2, 3, 4, 5)),
        ),
        "good.html": CHROME.format(
            title="A good article",
            body='<div class="news-detail"><h1>A good article</h1><div class="news-info">'
            '<span class="date">01/02/2023</span> <span class="author">by Ana</span></div>'
            '<div class="news-text"><p>All is well in this article, which follows the survey '
            "to the letter and has enough words.</p>"
            '<p><img src="/uploads/2024/01/missing.jpg" alt="Gone"></p></div></div>',
        ),
        "drifted.html": CHROME.format(title="Regions test a new welcome desk", body=DRIFTED_BODY),
        "empty.html": "",
        "404.html": "<h1>Not found</h1>",
    }
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8")
    (root / "garbage.html").write_bytes(bytes(range(256)) * 8)
    routes = [
        {"path": "/", "file": "home.html"},
        {"path": "/news.php", "query": {"id": "1"}, "file": "good.html"},
        {"path": "/news.php", "query": {"id": "2"}, "file": "drifted.html"},
        {"path": "/news.php", "query": {"id": "3"}, "file": "empty.html"},
        {"path": "/news.php", "query": {"id": "4"}, "file": "garbage.html"},
        {"path": "/news.php", "query": {"id": "5"}, "file": "good.html", "fail_first": 99},
    ]
    spec = {"routes": routes, "not_found": "404.html"}
    (root / "routes.json").write_text(json.dumps(spec), encoding="utf-8")


def test_broken_pages_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    build(site)
    out = tmp_path / "out"
    with FixtureServer(site) as server:
        result = migrate(server, out, "-s", "RETRY_TIMES=1")
    assert result.returncode == 1, result.stderr
    assert "incomplete" in result.stderr and "Traceback" not in result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "incomplete"
    assert [p["status"] for p in manifest["failed_pages"]] == [500]
    articles = {a["id"]: a for a in load_export(out)["articles"]}
    assert articles["article-1"]["author"] == "Ana"
    drifted = articles["article-2"]
    assert "generic-extractor:body" in drifted["review_flags"]
    assert "Paragraph 3: the regional welcome desk" in drifted["body_text"]
    assert drifted["published"] == "2024-09-12"
    # Pages with nothing usable are not dropped silently: they are in the manifest, whole.
    rejected = {r["id"]: r for r in manifest["rejected_records"]}
    unreadable = {r["url"].rsplit("=", 1)[-1]: r for r in manifest["rejected_pages"]}
    assert set(rejected) | set(articles) | {f"article-{n}" for n in unreadable} >= {
        "article-1",
        "article-2",
        "article-3",
        "article-4",
    }
    for record in rejected.values():
        assert record["errors"] and record["record"]["source_url"]
    # The garbage page answered 200 and is no page: rejected in the ledger, with why.
    assert "binary" in unreadable["4"]["reason"]
    # A download that fails is recorded with its reason; the image keeps its place, marked.
    assert manifest["failed_downloads"] == [
        {"url": f"{server.origin}/uploads/2024/01/missing.jpg", "status": 404,
         "reason": "HTTP 404", "used_by": ["article-1"]}
    ]  # fmt: skip
    assert (
        'src="/uploads/2024/01/missing.jpg" alt="Gone" data-missing="404"'
        in (articles["article-1"]["body_html"])
    )
    assert_clean_output(out)
