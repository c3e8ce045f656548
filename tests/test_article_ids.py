"""An article's id when its URL carries none: read where the page states it."""

from __future__ import annotations

import pytest

from belong_scraper.pages import ArticlePage, Document
from belong_scraper.profile import load_profile
from belong_scraper.urls import Origin

PROFILE = load_profile("wordpress-sister")
ORIGIN = Origin.from_url("http://127.0.0.1:8000/", PROFILE)
URL = "http://127.0.0.1:8000/2023/05/07/a-post/"
PAGE = (
    "<html><head>{head}</head><body class='{body}'><article class='entry'>"
    "<h1 class='entry-title'>T</h1><div class='entry-content'><p>Text.</p></div>"
    "</article></body></html>"
)


def article_id(head: str = "", body: str = "") -> int:
    doc = Document.from_bytes(
        URL, PAGE.format(head=head, body=body).encode(), "text/html", PROFILE, ORIGIN
    )
    return ArticlePage(doc).legacy_id()


def test_the_body_class_gives_the_id() -> None:
    assert article_id(body="single single-post postid-1745 single-format-standard") == 1745


def test_the_shortlink_gives_it_when_the_body_class_does_not() -> None:
    head = "<link rel='shortlink' href='https://aer.eu/?p=2040' />"
    assert article_id(head=head, body="single attachmentid-3") == 2040


def test_the_first_source_wins() -> None:
    head = "<link rel='shortlink' href='https://aer.eu/?p=9' />"
    assert article_id(head=head, body="postid-12") == 12


def test_a_page_stating_no_id_is_an_error_not_a_made_up_id() -> None:
    with pytest.raises(ValueError, match="no article id"):
        article_id(body="single")
