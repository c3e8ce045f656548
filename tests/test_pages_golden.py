"""Golden tests: each saved page (fixtures/pages/<type>/<case>/) gives its expected items.

One case per page type and per quirk. Every field of every item is compared; then rules
that must hold for all items of all cases.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belong_scraper.cleaning import PHP_ERROR_TRACE, SERVER_PATH
from belong_scraper.golden import run_case
from belong_scraper.pages import Document, extract
from belong_scraper.pages.fallback import generic_if_run
from belong_scraper.urls import Origin

CASES = sorted(
    p.parent for p in (Path(__file__).parents[1] / "fixtures" / "pages").glob("*/*/meta.json")
)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_page_gives_expected_items(case: Path, profile) -> None:
    expected = json.loads((case / "output.json").read_text(encoding="utf-8"))
    got = run_case(case, profile)
    assert [i["_type"] for i in got] == [i["_type"] for i in expected]
    for got_item, expected_item in zip(got, expected, strict=True):
        for field, value in expected_item.items():
            assert got_item[field] == value, f"{case.name}: {field}"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_no_php_error_text_survives(case: Path, profile) -> None:
    for item in run_case(case, profile):
        for text in _strings(item):
            assert not PHP_ERROR_TRACE.search(text), text
            assert not SERVER_PATH.search(text), text


def test_there_is_a_case_per_page_type() -> None:
    types = {c.parent.name for c in CASES}
    assert {"article", "listing", "tag", "partners", "cluster", "static", "home"} <= types


def _unknown_byline_page(body_class: str) -> str:
    return (
        "<html><head><title>Regions meet | EU-Belong</title>"
        '<meta name="author" content="Kostas Andreou"></head><body>'
        '<div class="news-detail"><h1>Regions meet in Thessaloniki</h1>'
        '<div class="news-info"><span class="date">03/04/2024</span></div>'
        f'<div class="{body_class}"><p>' + "Regional officers met to compare notes. " * 20 + "</p>"
        "</div></div></body></html>"
    )


def test_a_missing_byline_runs_no_generic_extractor(profile) -> None:
    """A byline the profile does not know, title and body found: no author, no trafilatura
    (a missing byline is not a failure, and guessing one cost 15-20% of extraction)."""
    url = "https://eu-belong.aer.eu/news.php?id=901"
    page = _unknown_byline_page("news-text")
    origin = Origin.from_url(url, profile)
    doc = Document.from_bytes(url, page.encode(), "text/html; charset=utf-8", profile, origin)
    (item,) = extract(doc)
    assert item.author is None
    assert not [f for f in item.review_flags if f.startswith("generic-extractor")]
    assert generic_if_run(doc) is None
    assert item.published == "2024-04-03"


def test_a_missing_body_runs_the_generic_extractor_once_and_keeps_its_author(profile) -> None:
    """A body in markup the profile does not know (a required field): trafilatura runs,
    once; its author guess comes with it, flagged for review like the body."""
    url = "https://eu-belong.aer.eu/news.php?id=902"
    page = _unknown_byline_page("story-copy")
    origin = Origin.from_url(url, profile)
    doc = Document.from_bytes(url, page.encode(), "text/html; charset=utf-8", profile, origin)
    (item,) = extract(doc)
    assert "Regional officers met" in item.body_html
    assert item.author == "Kostas Andreou"
    assert {"generic-extractor:body", "generic-extractor:author"} <= set(item.review_flags)
    assert generic_if_run(doc) is not None


def test_a_static_page_cut_short_by_a_fatal_error_is_flagged(profile) -> None:
    """Any page type, not only articles: the reviewer must know the page is incomplete."""
    case = Path(__file__).parents[1] / "fixtures" / "pages" / "static" / "legal"
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    html = (case / "input.html").read_text(encoding="utf-8")
    cut = html.index("</p>") + len("</p>")
    fatal = (
        "<br />\n<b>Fatal error</b>:  Allowed memory size of 134217728 bytes exhausted in "
        "<b>/var/www/html/inc/footer.php</b> on line <b>12</b><br />\n"
    )
    page = (html[:cut] + fatal).encode("utf-8")
    origin = Origin.from_url(meta["url"], profile)
    doc = Document.from_bytes(meta["url"], page, meta["content_type"], profile, origin)
    (item,) = extract(doc)
    assert "truncated-by-fatal-error" in item.review_flags
    assert "Allowed memory" not in item.body_html
