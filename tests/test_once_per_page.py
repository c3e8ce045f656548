"""Cleaning happens once per page: PHP errors, repair and the date in the page object; the
pipelines clean a field again only for a record whose text came from elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belong_scraper import cleaning
from belong_scraper.cleaning import cleaned_on_page
from belong_scraper.items import Article
from belong_scraper.pages import Document, extract
from belong_scraper.urls import Origin
from pipelines.clean_body import CleanBodyPipeline
from pipelines.normalise import NormalisePipeline

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
# Pages with PHP notices and warnings (in a title, an attribute, before the doctype) and
# with double-encoded UTF-8.
CASES = [
    "article/notice-in-title",
    "article/warning-in-attribute-greek",
    "article/double-encoded-utf8",
    "partners/romania-warning-before-doctype",
    "static/legal",
]


class Counting:
    """Wraps a real function or pattern and counts the calls that reach it."""

    def __init__(self, real, method: str | None = None):
        self.real, self.method, self.calls = real, method, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)

    def __getattr__(self, name):
        if name == self.method:
            self.calls += 1
        return getattr(self.real, name)


def _run(case: Path, profile) -> list[object]:
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    origin = Origin.from_url(meta["url"], profile)
    body = (case / "input.html").read_bytes()
    doc = Document.from_bytes(meta["url"], body, meta.get("content_type"), profile, origin)
    clean, normalise = CleanBodyPipeline(profile), NormalisePipeline(profile)
    return [normalise.process_item(clean.process_item(item)) for item in extract(doc)]


@pytest.mark.parametrize("name", CASES)
def test_php_errors_and_encoding_are_handled_once_per_page(name, profile, monkeypatch) -> None:
    case = PAGES / name
    php = Counting(cleaning.PHP_ON_LINE, "search")
    repair = Counting(cleaning.fix_encoding_gated)
    monkeypatch.setattr(cleaning, "PHP_ON_LINE", php)
    monkeypatch.setattr(cleaning, "fix_encoding_gated", repair)
    items = _run(case, profile)
    assert items and all(cleaned_on_page(i) for i in items if hasattr(i, "review_flags"))
    assert php.calls == 1
    assert repair.calls == 1


def test_a_record_from_elsewhere_is_cleaned_by_the_pipelines(profile) -> None:
    """No page object read it (no cleaned_on_page): mojibake, PHP errors and the raw date
    are settled by CleanBody and Normalise."""
    item = Article(
        id="article-1",
        legacy_id=1,
        source_url="https://eu-belong.aer.eu/news.php?id=1",
        title="  MalmÃ¶ workshop ",
        published_raw="05.07.2022",
        body_html=(
            "<p>CafÃ© in MalmÃ¶.</p><br />\n<b>Warning</b>:  Undefined index x in "
            "<b>/var/www/news.php</b> on line <b>3</b><br />\n<p>More text follows here.</p>"
        ),
    )
    item = NormalisePipeline(profile).process_item(CleanBodyPipeline(profile).process_item(item))
    assert item.title == "Malmö workshop"
    assert item.published == "2022-07-05"
    assert "Café in Malmö." in item.body_text
    assert "Warning" not in item.body_html and "/var/www" not in item.body_html


def test_the_page_object_parses_the_date_and_the_pipeline_keeps_it(profile) -> None:
    """The date is parsed once, on the page: the pipeline does not parse published_raw again."""
    case = PAGES / "article" / "date-french"
    (item,) = [i for i in _run(case, profile) if isinstance(i, Article)]
    assert item.published and item.published_raw and item.date_source != "none"
    kept = Article(
        id="article-2",
        legacy_id=2,
        source_url=item.source_url,
        published="2001-01-01",
        published_raw=item.published_raw,
        evidence={cleaning.CLEANED_ON_PAGE: True},
    )
    assert NormalisePipeline(profile).process_item(kept).published == "2001-01-01"
