"""The Hugo target: a site Hugo 0.111 builds, every record at its own path, stable bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from belong_scraper.targets.hugo import write_hugo

HUGO = shutil.which("hugo") or "/usr/bin/hugo"
# Under CI a missing hugo is a failure, not a skip: .ci/run installs it.
needs_hugo = pytest.mark.skipif(
    not Path(HUGO).is_file() and not os.environ.get("CI"),
    reason="the hugo binary is not installed (CI installs it)",
)
KINDS = {"articles": "title", "clusters": "title", "pages": "title", "partners": "name"}


@pytest.fixture(scope="module")
def hugo_export(any_export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the shared export, so rendering leaves the shared folder untouched."""
    out = tmp_path_factory.mktemp("hugo-target") / "export"
    shutil.copytree(any_export, out)
    write_hugo(out)
    return out


def records(out: Path, name: str) -> list[dict[str, Any]]:
    path = out / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head = text[4:].split("\n---\n", 1)[0]
    try:
        import yaml
    except ImportError:
        data = {}
        for line in head.splitlines():
            key, _, value = line.partition(": ")
            data[key] = json.loads(value)
        return data
    return yaml.safe_load(head)


def build(site: Path, public: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HUGO, "--source", str(site), "--destination", str(public)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(out: Path, paths: list[str]) -> dict[str, bytes]:
    return {p: (out / p).read_bytes() for p in paths}


def test_written_paths_are_sorted_and_exist(hugo_export: Path) -> None:
    written = write_hugo(hugo_export)
    assert written == sorted(written)
    assert "hugo/hugo.toml" in written
    assert "hugo/layouts/_default/single.html" in written
    assert all(p.startswith("hugo/") and (hugo_export / p).is_file() for p in written)


def test_front_matter_carries_the_record(hugo_export: Path) -> None:
    content = hugo_export / "hugo" / "content"
    for article in records(hugo_export, "articles"):
        path = content / article["path"].strip("/") / "index.md"
        data = front_matter(path)
        assert data["title"] == article["title"]
        assert data["url"] == article["path"]
        assert data["draft"] is False
        assert data["legacy_id"] == article["legacy_id"]
        assert data["legacy_urls"] == article["legacy_urls"]
        assert data["tags"] == article["tags"]
        assert data["review_flags"] == article["review_flags"]
        if article["published"]:
            assert data["date"] == article["published"]
        else:
            assert "date" not in data
        assert all("?" not in alias for alias in data["aliases"])
        assert [i["alt"] for i in data["images"]] == [i["alt"] for i in article["images"]]
        assert all(i["src"] for i in data["images"])
    home = front_matter(content / "_index.md")
    assert home["record_id"] == "page-home"
    for partner in records(hugo_export, "partners"):
        cc = partner["path"].strip("/").split("/")[1]
        section = front_matter(content / "partners" / cc / "_index.md")
        assert section["title"]
    for name in ("news", "clusters", "partners"):
        assert (content / name / "_index.md").is_file()


def test_two_renders_are_byte_identical(hugo_export: Path) -> None:
    first_paths = write_hugo(hugo_export)
    first = snapshot(hugo_export, first_paths)
    second_paths = write_hugo(hugo_export)
    assert second_paths == first_paths
    assert snapshot(hugo_export, second_paths) == first


@needs_hugo
def test_hugo_builds_every_record_at_its_path(hugo_export: Path, tmp_path: Path) -> None:
    public = tmp_path / "public"
    result = build(hugo_export / "hugo", public)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "found no layout" not in output, output
    assert "WARN" not in output and "ERROR" not in output, output

    for name, title_key in KINDS.items():
        for record in records(hugo_export, name):
            page = public / record["path"].strip("/") / "index.html"
            assert page.is_file(), f"{record['id']}: no {page}"
            doc = lxml_html.fromstring(page.read_bytes())
            headings = [h.text_content().strip() for h in doc.iter("h1")]
            assert record[title_key] in headings, (record["id"], headings)

    # A media file referenced by an article is served under /media/.
    assets = {a["id"]: a for a in records(hugo_export, "assets")}
    referenced = [
        assets[image["asset"]]
        for article in records(hugo_export, "articles")
        for image in article["images"]
        if image.get("asset") in assets
    ]
    assert referenced, "the fixture site has article images with downloaded assets"
    for asset in referenced:
        assert (public / asset["local_path"]).is_file(), asset["local_path"]
    article = next(
        a for a in records(hugo_export, "articles") if any(i.get("asset") for i in a["images"])
    )
    page = (public / article["path"].strip("/") / "index.html").read_text(encoding="utf-8")
    local = assets[article["images"][0]["asset"]]["local_path"]
    assert f'src="/{local}"' in page


@needs_hugo
def test_hand_made_export_with_awkward_content_builds(tmp_path: Path) -> None:
    """Shortcode-like text, a page standing in for a section, no media and no assets.json."""
    out = tmp_path / "export"
    out.mkdir()
    article = {
        "id": "article-1",
        "legacy_id": 1,
        "path": "/news/undated-story/",
        "slug": "undated-story",
        "title": "Braces {{< and >}} & “quotes”",
        "published": None,
        "author": None,
        "summary": "Line\u2028separator, \x85next line, \x7f and a tab\t: YAML-safe",
        "body_html": "<p>x</p>",
        "body_markdown": "Legacy text with {{< shortcode >}} and {{% other %}}.\n\n\u2028Line",
        "tags": ["Migración"],
        "images": [{"url": "http://old.example/a.jpg", "alt": "A", "caption": None}],
        "legacy_urls": ["http://old.example/news.php?id=1", "http://old.example/news/1"],
    }
    page = {"id": "page-news", "key": "news", "path": "/news/", "title": "All the news"}
    (out / "articles.json").write_text(json.dumps([article]), encoding="utf-8")
    (out / "pages.json").write_text(json.dumps([page]), encoding="utf-8")
    written = write_hugo(out)
    assert "hugo/content/news/_index.md" in written
    assert front_matter(out / "hugo/content/news/_index.md")["title"] == "All the news"
    data = front_matter(out / "hugo/content/news/undated-story/index.md")
    assert data["aliases"] == ["/news/1"]
    assert data["summary"] == article["summary"]

    public = tmp_path / "public"
    result = build(out / "hugo", public)
    assert result.returncode == 0, result.stdout + result.stderr
    built = (public / "news/undated-story/index.html").read_text(encoding="utf-8")
    assert "{{&lt; shortcode >}}" in built or "{{&lt; shortcode &gt;}}" in built
    doc = lxml_html.fromstring(built)
    assert [h.text_content() for h in doc.iter("h1")] == [article["title"]]
    assert (public / "news/1/index.html").is_file()  # the alias
    assert (public / "tags/migracion/index.html").is_file()  # removePathAccents
