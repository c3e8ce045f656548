"""`belong-scraper survey`: a bounded sample of a served fixture site, checked against
what the fixture is known to hold (fixtures/site/expected-facts.json), and on sites the
tool was never tuned on, only invariants."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from belong_scraper.fixture_server import FixtureServer
from belong_scraper.profile import load_profile, profile_from_toml
from belong_scraper.survey.families import families, family_regex
from belong_scraper.urls import Origin, canonical_url, path_and_query
from tests.conftest import FAST, FIXTURES, HOLDOUT, SITE, run_cli

SISTER = FIXTURES / "sister-site"
HEADER = "# ===== Starting profile"


def survey(server: FixtureServer, *args: str) -> dict:
    result = run_cli("survey", "--start-url", server.origin + "/", "--json", *FAST, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def served(server: FixtureServer) -> list[str]:
    """What reached the server, robots.txt (Scrapy's own request) aside."""
    return [r.target for r in server.log if not r.target.startswith("/robots.txt")]


@pytest.fixture(scope="module")
def legacy() -> tuple[dict, FixtureServer]:
    with FixtureServer(SITE) as server:
        yield survey(server, "--profile", "legacy"), server


@pytest.fixture(scope="module")
def sister(tmp_path_factory) -> tuple[dict, Path]:
    written = tmp_path_factory.mktemp("sister") / "starting.toml"
    with FixtureServer(SISTER) as server:
        return survey(server, "--write-profile", str(written)), written


def test_every_page_type_of_the_profile_is_sampled(legacy) -> None:
    report, _ = legacy
    profile = load_profile("legacy")
    assert set(report["page_types"]) == {p.name for p in profile.page_types}
    empty = [kind for kind, entry in report["page_types"].items() if not entry["pages"]]
    assert not empty, f"page types with no page in the sample: {empty}"
    families_of = {f["family"]: f for f in report["families"]}
    assert families_of["/news.php?id="]["page_types"] == {"article": 39}  # 37 pages, two 404s
    # The endless calendar is the one family of pages no page type reads.
    assert report["unmatched_families"] == ["/events.php?month="]


def test_selector_shares_on_the_fixture(legacy) -> None:
    article = legacy[0]["selectors"]["article"]
    assert article["article.title"]["share"] == 1.0
    assert article["article.title"]["pages"] == 37  # every article the site serves
    assert article["article.body"]["share"] == 1.0
    # No article of the fixture carries article:published_time.
    assert article["article.meta_date"]["matched"] == 0
    assert 0 < article["article.attachments"]["share"] < 1
    # The sample is the title of the page it names, as the fixture knows it.
    titles = {v["url"]: v["title"] for k, v in expected_facts().items() if k.startswith("article-")}
    entry = article["article.title"]
    assert titles[path_and_query(entry["sample_url"])].startswith(entry["sample"].rstrip("…"))
    partners = legacy[0]["selectors"]["partners"]
    assert partners["partners.item"]["share"] == 1.0


def expected_facts() -> dict:
    return json.loads((SITE / "expected-facts.json").read_text(encoding="utf-8"))


def test_php_errors_by_level_match_the_fixture(legacy) -> None:
    report, server = legacy
    profile = load_profile("legacy")
    origin = Origin.from_url(server.origin + "/", profile)
    fetched = {page["url"] for page in report["pages"]}
    expected: Counter[str] = Counter()
    for path, levels in expected_facts()["php_errors"].items():
        url = server.origin + path
        parts = urlsplit(url)
        in_order = urlunsplit(parts._replace(query=urlencode(sorted(parse_qsl(parts.query)))))
        # A spelling the survey folded into another page (/index.php, a print view) was
        # not fetched itself: its errors are not in the sample.
        if canonical_url(url, origin, profile) == in_order and in_order in fetched:
            for level, count in levels.items():
                expected[re.sub(r"\s+", "_", level.lower())] += count
    found = {level: entry["count"] for level, entry in report["php_errors"]["by_level"].items()}
    assert found == dict(expected)
    assert {"warning", "notice", "deprecated", "fatal_error"} <= set(found)


def test_windows_1252_pages_found(legacy) -> None:
    report, server = legacy
    cp1252 = {
        server.origin + v["url"]
        for k, v in expected_facts().items()
        if k.startswith("article-") and (v.get("_encoding") or "").startswith("cp1252")
    }
    assert len(cp1252) == 3
    assert set(report["encodings"]["windows_1252"]) == cp1252
    # The one with no charset declared at all is a mismatch; the two declared are not.
    mismatched = {m["url"] for m in report["encodings"]["mismatches"]}
    undeclared = {
        server.origin + v["url"]
        for k, v in expected_facts().items()
        if k.startswith("article-") and v.get("_encoding") == "cp1252-none"
    }
    assert mismatched == undeclared
    assert report["encodings"]["mojibake"], "the fixture has double-encoded names"


def test_chrome_of_the_profile_found(legacy) -> None:
    chrome = legacy[0]["chrome"]
    assert chrome["selectors"]["#cookie-notice"] == chrome["pages"]  # on every HTML page
    assert chrome["phrases"]  # every phrase listed, matched or not
    assert max(chrome["phrases"].values()) > 0


def test_sister_site_families_and_starting_profile(sister) -> None:
    report, written = sister
    found = {f["family"]: f for f in report["families"]}
    for family in ("/<year>/<month>/<day>/<slug>/", "/member/<slug>/", "/tag/<slug>/",
                   "/member-country/<slug>/", "/events/month/<yyyy-mm>/", "/"):  # fmt: skip
        assert family in found, f"{family} not among {sorted(found)}"
    assert found["/<year>/<month>/<day>/<slug>/"]["guess"] == "article"
    assert found["/tag/<slug>/"]["guess"] == "tag"
    # Absolute links to the production host fold into the crawled copy.
    assert "aer.eu" in report["hosts"]
    # The related-posts tracker shows the same post: a drop_params candidate.
    assert "relatedposts_hit" in report["same_page_params"]
    text = written.read_text(encoding="utf-8")
    assert text == report["starting_profile"]
    profile = load_profile(written)
    kinds = {p.name for p in profile.page_types}
    assert {"article", "tag", "listing", "home", "static"} <= kinds
    assert profile.article.title == ("h1.entry-title",)
    assert "TODO" in text
    # Every sampled article URL is an article by the written profile's own patterns.
    from belong_scraper.urls import page_type

    articles = [p["url"] for p in report["pages"] if p["family"] == "/<year>/<month>/<day>/<slug>/"]
    assert articles and all(
        page_type("https://aer.eu" + path_and_query(u), profile)[0] == "article" for u in articles
    )


def test_pages_bound_and_holdout_invariants() -> None:
    with FixtureServer(HOLDOUT) as server:
        report = survey(server, "--profile", "legacy", "--pages", "25")
        requests = served(server)
    assert len(requests) <= 25
    assert report["fetched"] == len(requests)
    fetched = [p for p in report["pages"] if p["status"]]
    assert len(fetched) == len(requests)
    assert sum(f["count"] for f in report["families"]) == len(report["pages"])
    for family in report["families"]:
        assert re.compile(family["regex"])
        for example in family["examples"]:
            assert re.match(family["regex"], path_and_query(example)), (family, example)
    for table in report["selectors"].values():
        for entry in table.values():
            assert 0 <= entry["share"] <= 1 and entry["matched"] <= entry["pages"]


def test_text_output_ends_with_a_starting_profile_that_loads() -> None:
    with FixtureServer(HOLDOUT) as server:
        result = run_cli("survey", "--start-url", server.origin + "/", "--pages", "30", *FAST)
    assert result.returncode == 0, result.stderr
    report, _, starter = result.stdout.partition(HEADER)
    assert "URL families" in report and "PHP errors" in report and "Encodings" in report
    starter = starter.split("\n", 1)[1]
    profile = profile_from_toml(starter, "survey output")
    assert profile.page_types


def test_usage_errors_are_one_line() -> None:
    result = run_cli("survey", "--start-url", "ftp://example.org/")
    assert result.returncode == 2 and "http(s)" in result.stderr
    result = run_cli("survey", "--start-url", "http://127.0.0.1:9/", "--profile", "nope")
    assert result.returncode == 2 and "no site profile" in result.stderr


def test_families_generalise_digits_and_slugs() -> None:
    urls = [f"https://a.example/member/{s}/" for s in ("x-y", "z-w", "solo")] + [
        "https://a.example/2023/03/07/a-post/",
        "https://a.example/2023/03/07/a-post/feed/",
        "https://a.example/2024/01/02/b-post/feed/",
        "https://a.example/news.php?id=3",
        "https://a.example/news.php?page=2&tag=x",
    ]
    found = families(urls)
    assert set(found.values()) == {
        "/member/<slug>/",
        "/<year>/<month>/<day>/<slug>/",
        "/<year>/<month>/<day>/<slug>/feed/",
        "/news.php?id=",
        "/news.php?page=&tag=",
    }
    assert family_regex("/news.php?id=") == r"^/news\.php\?id=(?P<id>\d+)$"
    assert re.match(family_regex("/tag/<slug>/"), "/tag/green-deal/")["tag"] == "green-deal"


def test_the_starting_profile_reads_the_site_it_came_from(sister) -> None:
    """Surveyed again with the profile it wrote, the sister site's articles have their
    title and body found by the guessed selectors (the chrome guessed leaves them)."""
    _, written = sister
    with FixtureServer(SISTER) as server:
        report = survey(server, "--profile", str(written), "--pages", "80")
    article = report["selectors"]["article"]
    assert article["article.title"]["share"] >= 0.9
    assert article["article.body"]["share"] == 1.0
    assert report["page_types"]["article"]["pages"] > 0


def test_same_page_params_are_learnt_from_copies() -> None:
    from belong_scraper.survey.params import SamePageParams

    params = SamePageParams()
    params.note("https://a.example/post/?replytocom=1", "d1")  # before its bare page
    params.note("https://a.example/post/", "d1")
    assert params.dropped() == []  # one copy is no evidence yet
    params.note("https://a.example/other/", "d2")
    params.note("https://a.example/other/?replytocom=7&x=1", "d2")
    params.note("https://a.example/other/?x=2", "d3")  # x changed the page once
    assert params.dropped() == ["replytocom"]
    assert params.fold("https://a.example/p/?replytocom=3&x=1") == "https://a.example/p/?x=1"
