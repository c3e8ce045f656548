"""The CMS targets and the report on a hand-made hostile export folder (no crawl): every
WXR field, the Hugo site and report.html show hostile text as text and run nothing."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from belong_scraper.report import write_report
from belong_scraper.targets.hugo import render_site, write_hugo
from belong_scraper.targets.wxr import write_wxr
from tests.safety_checks import live_in_markdown, live_markup

HOSTILE = '<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)> ]]> end'
HUGO = shutil.which("hugo")


def hostile_folder(root: Path) -> Path:
    article = {
        "id": "article-1",
        "legacy_id": 1,
        "source_url": "http://old.example/news.php?id=1",
        "legacy_urls": ["http://old.example/news.php?id=1"],
        "slug": "story-1",
        "path": "/news/story-1/",
        "title": HOSTILE,
        "published": "2024-03-01",
        "author": HOSTILE,
        "summary": "[click](javascript:alert(3)) " + HOSTILE,
        # As an older or hand-edited export might hold it: the targets must not trust it.
        "body_html": '<p onclick="x()">a</p><script>alert(4)</script>'
        '<a href="javascript:alert(5)">j</a><svg onload="alert(6)"></svg>',
        "body_markdown": "<script>alert(7)</script> [x](javascript:alert(8)) <b onclick=y>b</b>",
        "tags": [HOSTILE, "Events"],
        "images": [],
        "attachments": [],
        "embeds": [],
        "review_flags": ["short-body"],
        "body_text": "short",
        "language": "en",
    }
    (root / "articles.json").write_text(json.dumps([article]), encoding="utf-8")
    manifest = {
        "run_id": HOSTILE,
        "status": HOSTILE,
        "start_url": "javascript:alert(9)",
        "warnings": [HOSTILE],
        "failed_pages": [{"url": "javascript:x", "error": HOSTILE}],
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_every_wxr_field_is_escaped(tmp_path: Path) -> None:
    write_wxr(hostile_folder(tmp_path), site_title=HOSTILE)
    raw = (tmp_path / "wordpress.xml").read_bytes()
    tree = etree.fromstring(raw)
    texts = [e.text for e in tree.iter() if isinstance(e.tag, str) and e.text]
    for text in texts:
        assert live_markup(text) == [], text  # what WordPress prints as HTML
    item = tree.find("channel/item")
    assert html.unescape(item.findtext("title")) == HOSTILE
    ns = {"excerpt": "http://wordpress.org/export/1.2/excerpt/",
          "wp": "http://wordpress.org/export/1.2/"}  # fmt: skip
    assert html.unescape(item.findtext("excerpt:encoded", namespaces=ns)).endswith(HOSTILE)
    assert HOSTILE in [html.unescape(c.text) for c in item.findall("category")]
    names = tree.findall("channel/wp:author/wp:author_display_name", namespaces=ns)
    assert HOSTILE in [html.unescape(n.text) for n in names]
    metas = {
        m.findtext("wp:meta_key", namespaces=ns): m.findtext("wp:meta_value", namespaces=ns)
        for m in item.findall("wp:postmeta", namespaces=ns)
    }
    assert html.unescape(metas["author_name"]) == HOSTILE
    # "]]>" in a text never ends a CDATA section early: the text comes back whole.
    assert html.unescape(item.findtext("title")).endswith("]]> end")


def test_hugo_renders_nothing_unsanitized(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    files = render_site(folder, site_title=HOSTILE, language="en")
    config = files["hugo.toml"].decode("utf-8")
    assert "unsafe = false" in config and "unsafe = true" not in config
    page = files["content/news/story-1/index.md"].decode("utf-8")
    front = dict(line.split(": ", 1) for line in page.split("---")[1].strip().splitlines())
    assert json.loads(front["title"]) == HOSTILE
    assert json.loads(front["summary_text"]) == json.loads(folder.joinpath("articles.json")
                                                           .read_text())[0]["summary"]  # fmt: skip
    assert not live_in_markdown(json.loads(front["summary"]))
    if not HUGO:
        pytest.skip("the hugo binary is not installed")
    write_hugo(folder, site_title=HOSTILE)
    public = tmp_path / "public"
    done = subprocess.run(
        [HUGO, "--source", str(folder / "hugo"), "--destination", str(public), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    built = (public / "news" / "story-1" / "index.html").read_text(encoding="utf-8")
    assert live_markup(built) == []
    assert lxml_html.document_fromstring(built).xpath("string(//h1)").strip() == HOSTILE
    for feed in public.rglob("*.xml"):
        for element in etree.parse(str(feed)).iter():
            if isinstance(element.tag, str):
                assert live_markup(element.text or "") == [], (feed, element.tag)


def test_report_escapes_everything(tmp_path: Path) -> None:
    write_report(hostile_folder(tmp_path))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert live_markup(page) == []
    assert 'href="javascript:' not in page
    text = lxml_html.document_fromstring(page).text_content()
    assert HOSTILE in text  # run id, warning, title in the review list: shown as text
