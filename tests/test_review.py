"""Review flags from a record's fields: one rule for the records and the report."""

from __future__ import annotations

from belong_scraper.report import _review_reasons
from belong_scraper.review import article_flags, partner_flags, title_date_collisions

ARTICLE = {"id": "article-1", "published": "2024-03-01", "body_text": "x" * 300,
           "images": [{"url": "u", "alt": "A"}], "language": "it"}  # fmt: skip


def test_the_language_flag_names_the_profile_language() -> None:
    assert article_flags(ARTICLE, "it") == set()
    assert article_flags(ARTICLE, "en") == {"language-not-en"}
    assert article_flags({**ARTICLE, "language": "en"}, "it") == {"language-not-it"}


def test_article_flags_from_fields() -> None:
    bare = {"id": "article-2", "published": None, "body_text": " ", "date_inferred": True,
            "images": [{"url": "u", "alt": " "}], "language": "en"}  # fmt: skip
    assert article_flags(bare, "en") == {"no-date", "empty-body", "date-inferred",
                                         "missing-alt-text"}  # fmt: skip
    assert "short-body" in article_flags({**ARTICLE, "body_text": "short"}, "it")


def test_regions_are_expected_of_regional_and_associated_partners_only() -> None:
    for role in ("partner", "associate"):
        assert partner_flags({"region": None, "role": role}) == {"missing-region"}
    for role in ("lead", "technical"):
        assert partner_flags({"region": None, "role": role}) == set()


def test_collisions_ignore_case_and_outer_spaces_but_not_empty_titles() -> None:
    articles = [
        {"id": "a", "title": "Forum ", "published": "2024-01-01"},
        {"id": "b", "title": "forum", "published": "2024-01-01"},
        {"id": "c", "title": "forum", "published": "2024-01-02"},
        {"id": "d", "title": "", "published": None},
        {"id": "e", "title": "", "published": None},
    ]
    assert title_date_collisions(articles) == {"a", "b"}


def test_the_report_applies_the_same_rules_with_the_run_language() -> None:
    assert _review_reasons("article", ARTICLE, set(), "it") == []
    assert _review_reasons("article", ARTICLE, {"article-1"}, "en") == [
        "language-not-en", "title-date-collision"
    ]  # fmt: skip
    assert _review_reasons("partner", {"region": None, "role": "associate"}, set(), "en") == [
        "missing-region"
    ]
