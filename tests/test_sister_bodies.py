"""The sister sites' article bodies against their ground truth (expected-facts.json).

Every article of fixtures/sister-site and fixtures/sister-holdout is read from its saved
page through the page object and the per-record pipelines (as `belong-scraper extract`
does, no crawl), with the bundled `wordpress-sister` profile: images (full-size URL, alt,
caption, credit), embeds, attachments, the first and last words of the body and none of
the chrome. The golden cases (fixtures/pages/article/wp-*, run by test_pages_golden.py)
hold one saved page per content rendering.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from belong_scraper.golden import page_items
from belong_scraper.profile import SiteProfile, load_profile

ROOT = Path(__file__).resolve().parents[1]
SITES = {name: ROOT / "fixtures" / name for name in ("sister-site", "sister-holdout")}
ORIGIN = "https://aer.eu"
GOLDEN = sorted(
    m
    for m in (ROOT / "fixtures" / "pages" / "article").glob("wp-*/meta.json")
    if "rendering" in json.loads(m.read_text(encoding="utf-8"))
)


@pytest.fixture(scope="module")
def sister() -> SiteProfile:
    return load_profile("wordpress-sister")


def _articles() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for name, site in SITES.items():
        facts = json.loads((site / "expected-facts.json").read_text(encoding="utf-8"))
        for key, fact in facts["articles"].items():
            if not fact.get("removed"):
                cases.append((name, key, fact))
    return cases


ARTICLES = _articles()


def _article(site: str, fact: dict[str, Any], profile: SiteProfile) -> Any:
    page = SITES[site] / fact["url"].strip("/") / "index.html"
    _, items = page_items(ORIGIN + fact["url"], page.read_bytes(), "text/html", profile)
    (article,) = [i for i in items if type(i).__name__ == "Article"]
    return article


def _path(url: str) -> str:
    return url.removeprefix(ORIGIN)


def _words(text: str) -> str:
    # The facts' text joins text nodes with spaces ("academy@aer.eu ."): compare words.
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


@pytest.mark.parametrize(
    ("site", "key", "fact"), ARTICLES, ids=[f"{s}:{k}" for s, k, _ in ARTICLES]
)
def test_article_body_matches_the_facts(site: str, key: str, fact: dict, sister) -> None:
    article = _article(site, fact, sister)
    images = [{**i, "url": _path(i["url"])} for i in article.images]
    paged = len(fact["_pages"]) > 1  # the later pages are joined by the crawl, not here
    if paged:
        assert images and images == fact["images"][: len(images)]
    else:
        assert images == fact["images"]
    found_embeds = article.embeds
    assert (
        found_embeds == fact["embeds"]
        if not paged
        else found_embeds == fact["embeds"][: len(found_embeds)]
    )
    attachments = [{**a, "url": _path(a["url"])} for a in article.attachments]
    expected = fact["attachments"]
    # A document the site no longer serves (a 404) is no attachment of the record: that
    # is known only once fetched, so here it may be found, never one that is served.
    extra = [a for a in attachments if a not in expected]
    assert all(not (SITES[site] / a["url"].lstrip("/")).exists() for a in extra), extra
    assert [a for a in attachments if a in expected] == (
        expected if not paged else expected[: len(attachments) - len(extra)]
    )
    text = _words(article.body_text)
    for words in fact["_body_has"][: 1 if paged else None]:
        assert _words(words) in text
    for chrome in fact["_not_in_body"]:
        assert chrome not in article.body_text
    for image in fact["images"]:
        for part in (image["caption"], image["credit"]):
            assert not part or part not in article.body_text, part
    for leak in ("[/", "wp:", '{"', "&nbsp;"):
        assert leak not in article.body_text
        assert leak not in article.body_html
    assert "Download" not in article.body_text.splitlines()  # a file block's button


def test_a_golden_case_per_rendering() -> None:
    renderings = {json.loads(m.read_text())["rendering"] for m in GOLDEN}
    assert renderings == {1, 2, 3, 4}
