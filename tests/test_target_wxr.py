"""The WordPress target: a safe WXR 1.2 file with every record once and collisions reported."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from belong_scraper.targets.wxr import (
    COMMON_FIELDS,
    TYPE_FIELDS,
    derived_post_date,
    video_page_url,
    write_wxr,
)

WP = "http://wordpress.org/export/1.2/"
NS = {"wp": WP, "content": "http://purl.org/rss/1.0/modules/content/"}
POST_TYPES = {"articles": "post", "partners": "partner", "clusters": "cluster", "pages": "page"}


def parse(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser)


def records(out: Path, name: str) -> list[dict[str, Any]]:
    path = out / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def items(tree: etree._ElementTree) -> list[dict[str, Any]]:
    rows = []
    for item in tree.getroot().iter("item"):
        rows.append(
            {
                "guid": item.findtext("guid"),
                "post_type": item.findtext("wp:post_type", namespaces=NS),
                "post_id": int(item.findtext("wp:post_id", namespaces=NS)),
                "parent": int(item.findtext("wp:post_parent", namespaces=NS)),
                "status": item.findtext("wp:status", namespaces=NS),
                "post_date": item.findtext("wp:post_date", namespaces=NS),
                "title": item.findtext("title"),
                "content": item.findtext("content:encoded", namespaces=NS),
            }
        )
    return rows


@pytest.fixture(scope="module")
def wxr_export(any_export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the shared export, so rendering leaves the shared folder untouched."""
    out = tmp_path_factory.mktemp("wxr-target") / "export"
    shutil.copytree(any_export, out)
    return out


@pytest.fixture(scope="module")
def summary(wxr_export: Path) -> dict[str, Any]:
    return write_wxr(wxr_export)


def test_file_parses_safely_without_doctype(wxr_export: Path, summary: dict) -> None:
    raw = (wxr_export / "wordpress.xml").read_bytes()
    assert raw.startswith(b"<?xml")
    assert b"<!DOCTYPE" not in raw and b"<!ENTITY" not in raw
    assert b"<content:encoded><![CDATA[" in raw
    tree = parse(wxr_export / "wordpress.xml")
    assert tree.docinfo.doctype == ""
    assert tree.docinfo.encoding.upper() == "UTF-8"
    root = tree.getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.findtext("channel/wp:wxr_version", namespaces=NS) == "1.2"
    assert root.findtext("channel/wp:base_site_url", namespaces=NS).startswith("http")
    logins = root.findall("channel/wp:author/wp:author_login", namespaces=NS)
    assert "migration" in [e.text for e in logins]


def test_every_record_is_one_item_of_its_type(wxr_export: Path, summary: dict) -> None:
    rows = items(parse(wxr_export / "wordpress.xml"))
    total = 0
    for name, post_type in POST_TYPES.items():
        expected = [r["id"] for r in records(wxr_export, name)]
        assert expected, name
        seen = Counter(row["guid"] for row in rows if row["post_type"] == post_type)
        assert seen == Counter(expected), name
        total += len(expected)
    assert summary["posts"] == total
    assert summary["attachments"] == len(records(wxr_export, "assets"))
    assert len(rows) == summary["posts"] + summary["attachments"]
    for article in records(wxr_export, "articles"):
        row = next(r for r in rows if r["guid"] == article["id"])
        # Titles are HTML in WordPress: the text is written escaped.
        assert html.unescape(row["title"]) == article["title"]
        # The body, then each video on its own paragraph as a page URL oEmbed knows.
        videos = "".join(f"\n<p>{video_page_url(e)}</p>" for e in article["embeds"])
        assert row["content"] == article["body_html"] + videos
        if article["published"]:
            assert row["status"] == "publish"
            assert row["post_date"] == f"{article['published']} 00:00:00"
        else:
            assert row["status"] == "draft"
            assert row["post_date"] == derived_post_date(article["id"])


def test_post_ids_are_unique_and_parents_exist(wxr_export: Path, summary: dict) -> None:
    rows = items(parse(wxr_export / "wordpress.xml"))
    ids = [row["post_id"] for row in rows]
    assert len(ids) == len(set(ids))
    attachments = [row for row in rows if row["post_type"] == "attachment"]
    assert attachments
    for row in attachments:
        assert row["parent"] in set(ids), row


def test_two_renders_are_byte_identical(wxr_export: Path, summary: dict) -> None:
    first = (wxr_export / "wordpress.xml").read_bytes()
    assert write_wxr(wxr_export) == summary
    assert (wxr_export / "wordpress.xml").read_bytes() == first


def article(number: int, title: str, published: str | None, body: str = "<p>x</p>") -> dict:
    return {
        "id": f"article-{number}",
        "legacy_id": number,
        "source_url": f"http://old.example/news.php?id={number}",
        "legacy_urls": [f"http://old.example/news.php?id={number}"],
        "slug": f"story-{number}",
        "path": f"/news/story-{number}/",
        "title": title,
        "published": published,
        "author": "Ana Pérez",
        "summary": "S",
        "body_html": body,
        "tags": ["Inclusión", "Events"],
        "images": [],
        "attachments": [],
    }


def test_title_date_collisions_are_reported_not_dropped(tmp_path: Path) -> None:
    rows = [
        article(1, "Workshop in Bologna", "2023-03-01"),
        article(2, "Workshop in Bologna", "2023-03-01", body="<p>a ]]> b \x0b</p>"),
        article(3, "WORKSHOP IN BOLOGNA ", "2023-03-01"),  # MySQL compares case-insensitively
        article(4, "Workshop in Bologna", "2023-03-02"),  # another day: no collision
        article(5, "Workshop in Bologna", None),  # undated: WordPress stores the import time
        article(6, "Workshop in Bologna", None),
    ]
    (tmp_path / "articles.json").write_text(json.dumps(rows), encoding="utf-8")
    summary = write_wxr(tmp_path)  # no pages, partners, clusters or assets.json: all optional

    assert summary["posts"] == 6
    assert summary["attachments"] == 0
    assert summary["collisions"] == [
        {
            "title": "Workshop in Bologna",
            "date": "2023-03-01 00:00:00",
            "post_type": "post",
            "ids": ["article-1", "article-2", "article-3"],
        }
    ]
    tree = parse(tmp_path / "wordpress.xml")
    written = items(tree)
    assert sorted(r["guid"] for r in written) == [f"article-{n}" for n in range(1, 7)]
    body = next(r["content"] for r in written if r["guid"] == "article-2")
    # "]]>" survives (sanitized, the ">" is an entity); a vertical tab is not XML: a newline.
    assert body == "<p>a ]]&gt; b \n</p>"
    tags = tree.getroot().findall("channel/wp:tag/wp:tag_slug", namespaces=NS)
    assert sorted(t.text for t in tags) == ["events", "inclusion"]
    item = next(i for i in tree.getroot().iter("item") if i.findtext("guid") == "article-1")
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "ana-perez"
    assert item.findtext("pubDate") == "Wed, 01 Mar 2023 00:00:00 +0000"
    categories = item.findall("category")
    assert [(c.get("domain"), c.get("nicename"), c.text) for c in categories] == [
        ("post_tag", "inclusion", "Inclusión"),
        ("post_tag", "events", "Events"),
    ]


def test_categories_are_wordpress_categories_before_the_tags(tmp_path: Path) -> None:
    first = {**article(1, "A", "2023-03-01"), "categories": ["Events & Calls", "News"]}
    second = {**article(2, "B", "2023-03-02"), "categories": ["News"], "tags": []}
    (tmp_path / "articles.json").write_text(json.dumps([first, second]), encoding="utf-8")
    write_wxr(tmp_path)

    channel = parse(tmp_path / "wordpress.xml").getroot().find("channel")
    defined = [
        (c.findtext("wp:term_id", namespaces=NS), c.findtext("wp:category_nicename", namespaces=NS),
         c.findtext("wp:cat_name", namespaces=NS))
        for c in channel.findall("wp:category", namespaces=NS)
    ]  # fmt: skip
    assert defined == [("1", "events-calls", "Events &amp; Calls"), ("2", "news", "News")]
    tag_ids = [t.findtext("wp:term_id", namespaces=NS) for t in channel.findall("wp:tag", NS)]
    assert tag_ids == ["3", "4"]  # one sequence of term ids
    item = next(i for i in channel.iter("item") if i.findtext("guid") == "article-1")
    assert [(c.get("domain"), c.get("nicename"), c.text) for c in item.findall("category")] == [
        ("category", "events-calls", "Events &amp; Calls"),
        ("category", "news", "News"),
        ("post_tag", "inclusion", "Inclusión"),
        ("post_tag", "events", "Events"),
    ]


@pytest.mark.parametrize(
    ("player", "page"),
    [("https://www.youtube.com/embed/abc123", "https://www.youtube.com/watch?v=abc123"),
     ("https://www.youtube-nocookie.com/embed/x_Y-9?rel=0", "https://www.youtube.com/watch?v=x_Y-9"),
     ("https://player.vimeo.com/video/76979871", "https://vimeo.com/76979871"),
     ("https://www.dailymotion.com/embed/video/x8abc", "https://www.dailymotion.com/video/x8abc"),
     ("https://example.org/player/1", "https://example.org/player/1")],
)  # fmt: skip
def test_video_players_become_page_urls_wordpress_embeds(player: str, page: str) -> None:
    assert video_page_url({"provider": "x", "url": player}) == page


def test_videos_reach_wordpress(wxr_export: Path) -> None:
    with_video = [a for a in records(wxr_export, "articles") if a["embeds"]]
    assert with_video, "the survey's articles embed videos"
    rows = {r["guid"]: r for r in items(parse(wxr_export / "wordpress.xml"))}
    for article in with_video:
        for embed in article["embeds"]:
            assert f"<p>{video_page_url(embed)}</p>" in rows[article["id"]]["content"]


def meta_of(item: etree._Element) -> dict[str, str]:
    return {
        m.findtext("wp:meta_key", namespaces=NS): m.findtext("wp:meta_value", namespaces=NS)
        for m in item.findall("wp:postmeta", namespaces=NS)
    }


def test_every_item_has_a_stable_date_so_a_second_import_adds_nothing(
    wxr_export: Path, summary: dict
) -> None:
    # The importer takes an item as already there by title, date and type: an item whose
    # date were the import time would be imported again on every run.
    root = parse(wxr_export / "wordpress.xml").getroot()
    dates = {
        i.findtext("guid"): i.findtext("wp:post_date", namespaces=NS) for i in root.iter("item")
    }
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", d) for d in dates.values())
    assert not [g for g, d in dates.items() if d.startswith("0000")]
    undated = [r for name in ("pages", "partners", "clusters") for r in records(wxr_export, name)]
    assert undated
    for record in undated:
        assert dates[record["id"]] == derived_post_date(record["id"])
    # Derived from the record alone: another render, another day, the same dates.
    assert derived_post_date("partner-x") == derived_post_date("partner-x")
    assert derived_post_date("partner-x") != derived_post_date("partner-y")


def test_attachments_are_filed_by_year_and_month_never_0000(
    wxr_export: Path, summary: dict
) -> None:
    root = parse(wxr_export / "wordpress.xml").getroot()
    items_by_id = {i.findtext("wp:post_id", namespaces=NS): i for i in root.iter("item")}
    attachments = [
        i for i in root.iter("item") if i.findtext("wp:post_type", namespaces=NS) == "attachment"
    ]
    assert attachments
    assets = {a["id"]: a for a in records(wxr_export, "assets")}
    for item in attachments:
        meta = meta_of(item)
        attached = meta["_wp_attached_file"]
        assert re.fullmatch(r"(\d{4})/(\d{2})/[^/].*", attached), attached
        assert not attached.startswith("0000/")
        local = assets[meta["asset_id"]]["local_path"]
        if "/uploads/" not in local:  # no legacy folder: the parent's month
            parent = items_by_id[item.findtext("wp:post_parent", namespaces=NS)]
            date = parent.findtext("wp:post_date", namespaces=NS)
            assert attached.startswith(date[:7].replace("-", "/") + "/")
        assert item.findtext("wp:post_date", namespaces=NS) != "0000-00-00 00:00:00"


def test_relations_name_guids_which_survive_the_importers_id_remapping(
    wxr_export: Path, summary: dict
) -> None:
    root = parse(wxr_export / "wordpress.xml").getroot()
    guids = {i.findtext("guid") for i in root.iter("item")}
    clusters = [
        i for i in root.iter("item") if i.findtext("wp:post_type", namespaces=NS) == "cluster"
    ]
    assert clusters
    related_seen = 0
    for item in clusters:
        meta = meta_of(item)
        assert "related_post_ids" not in meta  # WXR ids the importer never remaps
        related = json.loads(html.unescape(meta["related_post_guids"]))
        assert set(related) <= guids
        related_seen += len(related)
    assert related_seen, "the survey's clusters relate articles"


def test_an_undated_attachment_parent_gives_its_date_and_folder(tmp_path: Path) -> None:
    undated = {**article(7, "Undated", None), "images": [{"asset": "asset-aaaaaaaaaaaa"}]}
    (tmp_path / "articles.json").write_text(json.dumps([undated]), encoding="utf-8")
    (tmp_path / "media" / "img").mkdir(parents=True)
    (tmp_path / "media" / "img" / "logo.png").write_bytes(b"x")
    asset = {"id": "asset-aaaaaaaaaaaa", "url": "http://old.example/img/logo.png",
             "local_path": "media/img/logo.png", "sha256": "0" * 64, "bytes": 1,
             "media_type": "image/png", "alt": "", "credit": "",
             "used_by": ["article-7"]}  # fmt: skip
    (tmp_path / "assets.json").write_text(json.dumps([asset]), encoding="utf-8")
    write_wxr(tmp_path)
    root = parse(tmp_path / "wordpress.xml").getroot()
    item = next(
        i for i in root.iter("item") if i.findtext("wp:post_type", namespaces=NS) == "attachment"
    )
    date = derived_post_date("article-7")
    assert item.findtext("wp:post_date", namespaces=NS) == date
    assert meta_of(item)["_wp_attached_file"] == f"{date[:4]}/{date[5:7]}/logo.png"


def test_each_item_carries_the_fields_the_plugin_shows(wxr_export: Path, summary: dict) -> None:
    # The plugin's editor box lists COMMON_FIELDS + TYPE_FIELDS: a field written under
    # another name would show empty there.
    root = parse(wxr_export / "wordpress.xml").getroot()
    for item in root.iter("item"):
        post_type = item.findtext("wp:post_type", namespaces=NS)
        if post_type == "attachment":
            continue
        assert set(COMMON_FIELDS) | set(TYPE_FIELDS[post_type]) <= set(meta_of(item)), post_type
