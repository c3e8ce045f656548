"""The sister site's fixture snapshots (fixtures/sister-site, fixtures/sister-holdout),
served by the project's FixtureServer on 127.0.0.1.

These check the data half of issue 11's sister site: the server honours every route of
each snapshot (statuses, redirects to the absolute production host, headers, the
path-segment calendar, trailing-slash redirects, pagination), every URL the ground truth
names is served, each quirk listed in `_quirks` is really in the served bytes, and the
build scripts are deterministic. No scraper is involved.
"""

from __future__ import annotations

import filecmp
import http.client
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from belong_scraper.fixture_server import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SITES = {"sister-site": FIXTURES / "sister-site", "sister-holdout": FIXTURES / "sister-holdout"}
SCRIPTS = {"sister-site": "build_sister_site.py", "sister-holdout": "build_sister_holdout.py"}
ORIGIN = "https://aer.eu"


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(server: FixtureServer, target: str, headers: dict[str, str] | None = None) -> Answer:
    """One GET without following redirects (the redirects are what is tested)."""
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", target, headers=headers or {})
        resp = conn.getresponse()
        return Answer(resp.status, dict(resp.getheaders()), resp.read())
    finally:
        conn.close()


def fetch_ok(server: FixtureServer, target: str) -> Answer:
    """GET, asking once more after a fail-once page's first 500 (as the spider retries)."""
    answer = fetch(server, target)
    return fetch(server, target) if answer.status == 500 else answer


def load(site: Path, name: str) -> dict:
    return json.loads((site / name).read_text(encoding="utf-8"))


def target_of(route: dict) -> str:
    query = "&".join(f"{k}={v}" for k, v in route.get("query", {}).items())
    return route["path"] + ("?" + query if query else "")


@pytest.fixture(scope="module", params=sorted(SITES))
def site(request) -> Iterator[tuple[str, Path, FixtureServer]]:
    """Each snapshot on a free loopback port, shared by the read-only checks."""
    root = SITES[request.param]
    with FixtureServer(root) as server:
        yield request.param, root, server


def test_every_route_is_answered_as_routes_json_says(site) -> None:
    _, root, _ = site
    spec = load(root, "routes.json")
    # A fresh server, so each fail-once route is seen failing first.
    with FixtureServer(root) as server:
        for route in spec["routes"]:
            target = target_of(route)
            if route.get("fail_first"):
                for _ in range(route["fail_first"]):
                    failed = fetch(server, target)
                    assert failed.status == route.get("fail_status", 500), target
                    if route.get("fail_file"):
                        assert failed.body == (root / route["fail_file"]).read_bytes()
            answer = fetch(server, target)
            assert answer.status == route.get("status", 200), target
            if "location" in route:
                assert answer.headers["Location"] == route["location"], target
            for name, value in route.get("headers", {}).items():
                assert answer.headers.get(name) == value, (target, name)
            if route.get("file") and answer.status == 200:
                assert answer.body == (root / route["file"]).read_bytes(), target


def test_redirects_point_at_the_production_host_and_land(site) -> None:
    _, root, server = site
    facts = load(root, "expected-facts.json")
    assert facts["redirects"], "the sister site has redirects"
    for redirect in facts["redirects"]:
        answer = fetch(server, redirect["from"])
        assert answer.status == redirect["status"]
        location = answer.headers["Location"]
        assert location.startswith(ORIGIN + "/"), location  # absolute, on the production host
        assert answer.headers["X-Redirect-By"] == "WordPress"
        if redirect["status"] == 301:
            parts = urlsplit(location)
            landed = fetch_ok(server, parts.path + ("?" + parts.query if parts.query else ""))
            assert landed.status == 200, (redirect["from"], location)


def test_every_url_in_the_ground_truth_is_served(site) -> None:
    _, root, server = site
    facts = load(root, "expected-facts.json")
    for key, article in facts["articles"].items():
        if article["removed"]:
            assert fetch(server, article["url"]).status == article["_status"], key
            for page in article["_linked_from"]:
                assert article["url"] in fetch_ok(server, page).text.replace(ORIGIN, "")
            continue
        for path in article["_pages"]:
            answer = fetch_ok(server, path)
            assert answer.status == 200, (key, path)
            assert f"postid-{article['legacy_id']}" in answer.text, (key, path)
        for spelling in article["_spellings"]:
            answer = fetch_ok(server, spelling)
            if answer.status == 301:
                assert answer.headers["Location"] == ORIGIN + article["url"], spelling
            else:
                assert answer.status == 200 and f"postid-{article['legacy_id']}" in answer.text
        for image in article["images"]:
            answer = fetch(server, image["url"])
            assert answer.status == 200 and answer.headers["Content-Type"].startswith("image/")
        for attachment in article["attachments"]:
            answer = fetch(server, attachment["url"])
            assert answer.status == 200 and not answer.headers["Content-Type"].startswith("text/")
    for key, partner in facts["partners"].items():
        answer = fetch(server, partner["url"])
        assert answer.status == 200, key
        assert f">{partner['name']}</h1>" in answer.text, key
        assert fetch(server, partner["logo_url"]).headers["Content-Type"] == "image/png"
    for key, page in facts["pages"].items():
        answer = fetch(server, page["url"])
        assert answer.status == 200 and f"page-id-{page['_page_id']}" in answer.text, key
    for url in list(facts["php_errors"]) + list(facts["_not_records"]):
        if url.startswith("/") and "YYYY" not in url:
            assert fetch_ok(server, url).status == 200, url


def test_the_facts_are_what_the_pages_say(site) -> None:
    """Spot checks of the ground truth against the served bytes, read plainly."""
    _, root, server = site
    facts = load(root, "expected-facts.json")
    for key, article in facts["articles"].items():
        if article["removed"]:
            continue
        text = fetch_ok(server, article["url"]).text
        published = re.search(
            r'<time class="entry-time" itemprop="datePublished" datetime="([^"]+)">([^<]+)<', text
        )
        assert published and published.group(1)[:10] == article["published"], key
        assert published.group(2) == article["published_raw"], key
        assert f'content="{article["_utc_published"]}"' in text, key
        assert f'<span class="entry-author-name" itemprop="name">{article["author"]}</span>' in text
        assert f"postid-{article['legacy_id']} " in text and f"?p={article['legacy_id']}" in text
        assert f'<link rel="canonical" href="{ORIGIN}{article["url"]}" />' in text
        assert not re.search(rf"\b{article['legacy_id']}\b", article["url"]), (
            key
        )  # never in the URL
    for key, partner in facts["partners"].items():
        text = fetch(server, partner["url"]).text
        assert f"member-country-{partner['_eu_code'].lower()} " in text, key
        if partner["region"] and "_region_from" not in partner:
            assert f'<dd class="member-region">{partner["region"]}</dd>' in text, key
        if "_region_from" in partner:
            card = fetch(server, "/member-country/" + partner["_eu_code"].lower() + "/").text
            assert f'<span class="member-region">{partner["region"]}</span>' in card, key


def check_evidence(server: FixtureServer, key: str, where: dict) -> None:
    if "first_status" in where:
        first = fetch(server, where["url"])
        assert first.status == where["first_status"], (key, where["url"])
        for needle in where.get("first_contains", []):
            assert needle in first.text, (key, needle)
    answer = fetch(server, where["url"])
    label = (key, where["url"])
    if "status" in where:
        assert answer.status == where["status"], label
    else:
        assert answer.status == 200, label
    if "location" in where:
        assert answer.headers.get("Location") == where["location"], label
    for name, value in where.get("header", {}).items():
        assert value in answer.headers.get(name, ""), (label, name)
    text = answer.body.decode("utf-8")
    if "starts_with" in where:
        assert text.startswith(where["starts_with"]), label
    for needle in where.get("contains", []):
        assert needle in text, (label, needle[:80])
    for needle in where.get("absent", []):
        assert needle not in text, (label, needle[:80])


def test_each_quirk_is_in_the_served_bytes(site) -> None:
    _, root, _ = site
    quirks = load(root, "expected-facts.json")["_quirks"]
    assert len(quirks) >= 60
    # A fresh server: the fail-once evidence needs the first request.
    with FixtureServer(root) as server:
        for key, quirk in quirks.items():
            assert quirk["what"] and quirk["where"], key
            for where in quirk["where"]:
                check_evidence(server, key, where)


def test_the_calendar_is_endless_under_month_paths(site) -> None:
    _, _, server = site
    for month, prev, nxt in [
        ("2024-02", "2024-01", "2024-03"),
        ("2099-12", "2099-11", "2100-01"),
        ("2000-01", "1999-12", "2000-02"),
    ]:
        answer = fetch(server, f"/events/month/{month}/")
        assert answer.status == 200, month
        assert f'href="{ORIGIN}/events/month/{prev}/"' in answer.text
        assert f'href="{ORIGIN}/events/month/{nxt}/"' in answer.text
        assert "{{" not in answer.text
    assert (
        "There were no results found for February 2024."
        in fetch(server, "/events/month/2024-02/").text
    )
    for bad in ("/events/month/2024-13/", "/events/month/soon/", "/events/month/2024-01"):
        assert fetch(server, bad).status == 404, bad


def test_trailing_slash_redirects_keep_the_query(site) -> None:
    _, _, server = site
    answer = fetch(server, "/about?utm_source=x")
    assert answer.status == 301
    assert answer.headers["Location"] == f"{ORIGIN}/about/?utm_source=x"
    assert answer.headers["X-Redirect-By"] == "WordPress"
    assert fetch(server, "/nowhere").status == 404  # no /nowhere/ either
    assert fetch(server, "/robots.txt").status == 200


def test_pagination_of_the_posts_page_and_the_directory(site) -> None:
    _, root, server = site
    facts = load(root, "expected-facts.json")
    first = fetch(server, "/news/").text
    assert f'href="{ORIGIN}/news/page/2/"' in first and "Next Page" in first
    page = 2
    while True:
        text = fetch(server, f"/news/page/{page}/").text
        assert "Previous Page" in text
        if "Next Page" not in text:
            break
        page += 1
    assert fetch(server, f"/news/page/{page + 1}/").status == 404
    assert fetch(server, "/news/page/1/").headers["Location"] == f"{ORIGIN}/news/"
    shown = set(
        re.findall(
            r'<h2 class="entry-title" itemprop="headline">'
            r'<a class="entry-title-link" rel="bookmark" href="([^"]+)"',
            first,
        )
    )
    for k in range(2, page + 1):
        shown |= set(
            re.findall(
                r'class="entry-title-link" rel="bookmark" href="([^"]+)"',
                fetch(server, f"/news/page/{k}/").text,
            )
        )
    english = {
        ORIGIN + a["url"]
        for a in facts["articles"].values()
        if not a["removed"] and a["_section"] == "en"
    }
    assert shown < english  # the excluded category is missing, nothing else
    cards = re.findall(
        r'class="entry-title-link" rel="bookmark" href="([^"]+)"', fetch(server, "/members/").text
    )
    assert len(cards) == min(8, len(facts["partners"]) - 1)


def test_headers_encodings_and_static_files(site) -> None:
    _, root, server = site
    facts = load(root, "expected-facts.json")
    article = next(a for a in facts["articles"].values() if not a["removed"])
    page = fetch_ok(server, article["url"])
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["X-Powered-By"] == "PHP/8.2.13"
    assert page.body.decode("utf-8")  # every HTML page is UTF-8
    upload = next(iter(facts["partners"].values()))["logo_url"]
    image = fetch(server, upload)
    assert (
        "ETag" in image.headers
        and "Last-Modified" in image.headers
        and "X-Powered-By" not in image.headers
    )
    assert fetch(server, upload, {"If-None-Match": image.headers["ETag"]}).status == 304
    feed = fetch(server, "/feed/")
    assert feed.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    with pytest.raises(ET.ParseError):
        ET.fromstring(feed.body)  # the Deprecated line before <?xml
    ET.fromstring(feed.body.split(b"\n", 1)[1])  # and well-formed after it
    sitemap = fetch(server, "/sitemap_index.xml")
    assert sitemap.headers["Content-Type"] == "text/xml; charset=UTF-8"
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap.text)
    for loc in locs:
        child = fetch(server, urlsplit(loc).path)
        assert child.status == 200 and ET.fromstring(child.body) is not None, loc
    assert fetch(server, "/sitemap.xml").headers["Location"] == f"{ORIGIN}/sitemap_index.xml"
    robots = fetch(server, "/robots.txt")
    assert (
        robots.headers["Content-Type"] == "text/plain; charset=utf-8"
        and "Disallow: /wp-json/" in robots.text
    )
    assert fetch(server, "/wp-json/").status == 404


@pytest.mark.parametrize("name", sorted(SITES))
def test_build_scripts_are_deterministic(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    script = str(ROOT / "scripts" / SCRIPTS[name])
    result = subprocess.run(
        [sys.executable, script, "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    committed = SITES[name]
    built = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert built == sorted(
        str(p.relative_to(committed)) for p in committed.rglob("*") if p.is_file()
    )
    _, mismatch, errors = filecmp.cmpfiles(out, committed, built, shallow=False)
    assert not mismatch and not errors, mismatch[:5]


def test_the_legacy_calendar_and_headers_are_unchanged() -> None:
    """The routes.json extensions are opt-in: the legacy site answers as before."""
    with FixtureServer(FIXTURES / "site") as server:
        month = fetch(server, "/events.php?month=2023-03")
        assert month.status == 200 and month.headers["X-Powered-By"] == "PHP/8.1.2"
        assert "{{" not in month.text
        assert fetch(server, "/events.php?month=2023-13").status == 404
        assert fetch(server, "/page.php/").status == 404  # no trailing-slash redirects there
