"""Media on disk, bodies pointing at the new site, assets described: the CMS handoff."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from belong_scraper.fixture_server import FixtureServer
from belong_scraper.handoff import dropped_params_regex, general_rules
from belong_scraper.media import media_type_of, safe_media_path
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin, canonical_url
from tests.conftest import SITE, free_port, load_export, migrate

BODY_FIELDS = ("body_html", "body_markdown", "intro_html", "description_html")
LEGACY_HOSTS = re.compile(r"https?://(?:www\.)?(?:eu-belong\.aer\.eu|127\.0\.0\.1)", re.I)


def load(out: Path, name: str) -> list[dict]:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


@given(st.text(max_size=80), st.text(max_size=20))
def test_media_paths_never_escape(path: str, query: str) -> None:
    local = safe_media_path(f"http://x/{path}?{query}" if query else f"http://x/{path}")
    assert not local.startswith("/") and ".." not in local.split("/")
    assert re.fullmatch(r"[A-Za-z0-9._/-]+", local)


def test_media_paths_keep_the_upload_layout() -> None:
    assert (
        safe_media_path("http://x/uploads/2023/03/Photo%201.jpg") == "uploads/2023/03/Photo_1.jpg"
    )
    assert safe_media_path("http://x/uploads/../../etc/passwd") == "uploads/etc/passwd"
    assert safe_media_path("http://x/uploads/a.jpg?v=2") != safe_media_path(
        "http://x/uploads/a.jpg"
    )


def test_media_type_from_bytes_first() -> None:
    assert media_type_of(b"%PDF-1.4 ...", "text/html", "x.pdf") == "application/pdf"
    assert media_type_of(b"\x89PNG\r\n\x1a\n....", None, "x.bin") == "image/png"
    assert media_type_of(b"plain", None, "notes.txt") == "text/plain"


def test_every_referenced_asset_is_on_disk(any_export: Path) -> None:
    assets = {a["id"]: a for a in load(any_export, "assets")}
    assert assets
    for asset in assets.values():
        data = (any_export / asset["local_path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == asset["sha256"]
        assert len(data) == asset["bytes"]
        assert asset["id"] == "asset-" + asset["sha256"][:12]
    assert len({a["sha256"] for a in assets.values()}) == len(assets)
    used = {}
    for article in load(any_export, "articles"):
        for entry in article["images"] + article["attachments"]:
            assert entry["asset"] in assets, (article["id"], entry["url"])
            used.setdefault(entry["asset"], set()).add(article["id"])
    for partner in load(any_export, "partners"):
        assert partner["logo_asset"] in assets, partner["id"]
        used.setdefault(partner["logo_asset"], set()).add(partner["id"])
    for asset_id, users in used.items():
        assert users <= set(assets[asset_id]["used_by"])
    media = (any_export / "media").resolve()
    for path in media.rglob("*"):
        assert media in path.resolve().parents
    assert not (media / ".incoming").exists()


def test_no_body_keeps_the_legacy_origin(any_export: Path) -> None:
    assets = {a["id"]: a for a in load(any_export, "assets")}
    records = {
        r["id"]: r
        for name in ("articles", "partners", "clusters", "pages")
        for r in load(any_export, name)
    }
    paths = {r["path"] for r in records.values()}
    for record in records.values():
        for field in BODY_FIELDS:
            text = record.get(field) or ""
            assert not LEGACY_HOSTS.search(text), (record["id"], field)
        for ref in re.findall(r'data-ref="([^"]+)"', record.get("body_html", "")):
            assert ref in records
        for href, ref in re.findall(
            r'href="([^"]+)" data-ref="([^"]+)"', record.get("body_html", "")
        ):
            assert href == records[ref]["path"] and href in paths
        for src, ref in re.findall(
            r'src="([^"]+)" [^>]*data-asset="([^"]+)"', record.get("body_html", "")
        ):
            assert src == "/" + assets[ref]["local_path"]


def test_broken_links_are_kept_marked_and_listed(any_export: Path) -> None:
    manifest = json.loads((any_export / "manifest.json").read_text(encoding="utf-8"))
    listed = {b["url"]: b["linked_from"] for b in manifest["broken_body_links"]}
    assert listed
    articles = {a["id"]: a for a in load(any_export, "articles")}
    for url, linked_from in listed.items():
        path = url.split("://", 1)[1].split("/", 1)[1]
        for record_id in linked_from:
            assert f'href="/{path}" data-broken="404"' in articles[record_id]["body_html"]


PROFILE = load_profile()
ONLY_DROPPED = re.compile(f"^{dropped_params_regex(PROFILE)}$", re.IGNORECASE)
TRACKING = st.sampled_from(["utm_source", "UTM_Medium", "utm_x", "PHPSESSID", "fbclid", "sid"])
VALUE = st.text(alphabet="abcXYZ019-_.%", max_size=8)


@given(st.lists(st.tuples(TRACKING, VALUE), max_size=5))
def test_dropped_params_regex_takes_any_tracking_query(params: list[tuple[str, str]]) -> None:
    assert ONLY_DROPPED.match("&".join(f"{k}={v}" for k, v in params))


@given(st.lists(st.tuples(TRACKING, VALUE), max_size=4), st.sampled_from(["id", "country", "p"]))
def test_dropped_params_regex_refuses_an_identifying_parameter(
    params: list[tuple[str, str]], name: str
) -> None:
    query = "&".join([f"{k}={v}" for k, v in params] + [f"{name}=7"])
    assert not ONLY_DROPPED.match(query)


def test_general_rules_never_redirect_a_page_to_itself() -> None:
    rows = [
        {"legacy_url": "http://x.test/?utm_source=a", "legacy_path": "/?utm_source=a",
         "status": 301, "target": "/", "record_id": "page-home"},
        {"legacy_url": "http://x.test/news.php?id=3&sid=9", "legacy_path": "/news.php?id=3&sid=9",
         "status": 301, "target": "/news/3/", "record_id": "article-3"},
        {"legacy_url": "http://x.test/news.php?id=4", "legacy_path": "/news.php?id=4",
         "status": 410, "target": "", "record_id": "article-4"},
    ]  # fmt: skip
    origin = Origin.from_url("http://x.test/", PROFILE)
    rules = general_rules(rows, lambda url: canonical_url(url, origin, PROFILE))
    assert [(r.path, r.conditions, r.target) for r in rules] == [
        ("/news.php", (("id", "3"),), "/news/3/"),
        ("/news.php", (("id", "4"),), "410"),
    ]


def test_links_to_country_pages_go_to_the_country_listing(any_export: Path) -> None:
    """A country page lists several partners: a link to it must not land on one of them."""
    partners = json.loads((any_export / "partners.json").read_text(encoding="utf-8"))
    countries = {p["country_code"].lower() for p in partners}
    partner_ids = {p["id"] for p in partners}
    linked = []
    for name in ("articles", "pages", "clusters"):
        for record in json.loads((any_export / f"{name}.json").read_text(encoding="utf-8")):
            html = record.get("body_html") or record.get("intro_html") or ""
            linked += re.findall(r'href="/partners/([a-z]{2})/"', html)
            assert not any(f'data-ref="{pid}"' in html for pid in partner_ids), record["id"]
    assert linked, "the survey's articles link to partner country pages"
    assert set(linked) <= countries


def test_a_body_link_left_on_the_old_site_puts_its_record_on_the_review_list(
    tmp_path: Path,
) -> None:
    """A link the crawl may not follow (robots.txt) cannot be rewritten: listed, and its
    record flagged for a human before cut-over."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    page = site / "news" / "5.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace(
            "<p>The first results",
            '<p>Partners log in at <a href="/admin/partners.php">the partner area</a>.</p>\n'
            "<p>The first results",
            1,
        ),
        encoding="utf-8",
    )
    with FixtureServer(site, port=free_port()) as server:
        result = migrate(server, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any(
        u["url"].endswith("/admin/partners.php") and u["linked_from"] == ["article-5"]
        for u in manifest["unmapped_links"]
    )
    article = next(a for a in load_export(out)["articles"] if a["id"] == "article-5")
    assert "unmapped-link" in article["review_flags"]
    with (out / "review.csv").open(encoding="utf-8", newline="") as handle:
        review = {row["id"]: row for row in csv.DictReader(handle)}
    assert "unmapped-link" in review["article-5"]["reasons"]
