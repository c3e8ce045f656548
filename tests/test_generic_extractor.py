"""The generic extractor (pages/fallback.py) on small hand-written pages, one per cause
issue 11 found of its gap to trafilatura's best setting, through ``extract --generic``'s
own path (``generic_fields``) and, for the live fallback, through a page object."""

from __future__ import annotations

import pytest

from belong_scraper.extract import generic_document, generic_fields
from belong_scraper.pages import Document, extract
from belong_scraper.pages.fallback import generic_extract
from belong_scraper.sanitize import clean_body, html_to_text
from belong_scraper.urls import Origin

URL = "https://news.example.org/2019/11/regions-meet.html"
PARAGRAPHS = [
    "Regional officers from twelve countries met in Thessaloniki on Tuesday to compare how "
    "their cities welcome newcomers and what each of them learned over three years.",
    "The meeting, the third of its kind, heard from teachers, employers and volunteers who "
    "run language cafés, mentoring schemes and job fairs in small towns and large ones.",
    "Participants agreed to publish a shared handbook next spring, with the figures each "
    "region collected and the lessons that surprised them most along the way.",
    "The handbook will be translated into nine languages and sent to every municipality "
    "that asked for it, together with a short film made during the visits.",
]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def page(body: str, head: str = "", title: str = "Regions meet in Thessaloniki") -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | Example News"
        f"</title>{head}</head><body>{body}</body></html>"
    ).encode()


def fields(body: str, head: str = "") -> dict:
    from belong_scraper.profile import load_profile

    return generic_fields(URL, page(body, head), "text/html; charset=utf-8", load_profile())


ASPNET = (
    "<form id='aspnetForm' method='post' action='./news.aspx'>"
    "<div id='menu'><a href='/'>Home</a></div>"
    f"<h1>Regions meet in Thessaloniki</h1><div class='story'>{BODY}</div>"
    "<form class='search'><input name='q'><button>Search</button></form></form>"
)


def test_a_page_wrapped_in_one_form_keeps_its_body(profile) -> None:
    """ASP.NET puts the whole page in one <form>, and the profile's chrome lists `form`
    (search boxes): on a drifted legacy page the fallback finds the article in it."""
    url = "https://eu-belong.aer.eu/news.php?id=902"
    doc = Document.from_bytes(url, page(ASPNET), "text/html", profile,
                              Origin.from_url(url, profile))  # fmt: skip
    (item,) = extract(doc)
    assert PARAGRAPHS[0] not in doc.content.text_content()  # the chrome took the page
    assert "generic-extractor:body" in item.review_flags
    for paragraph in PARAGRAPHS:
        assert paragraph in item.body_html
    assert "Search" not in item.body_html and "Home" not in item.body_html


def test_extract_generic_reads_a_form_wrapped_page_too() -> None:
    found = fields(ASPNET)
    for paragraph in PARAGRAPHS:
        assert paragraph in found["body_text"]


def test_a_captioned_image_stays_in_the_html_and_its_caption_leaves_the_text() -> None:
    found = fields(
        f"<article><h1>Regions meet in Thessaloniki</h1>{BODY[: len(BODY) // 2]}"
        "<figure><img src='/img/meeting.jpg' alt='The meeting'>"
        "<figcaption>Officers at the opening session on Tuesday.</figcaption></figure>"
        "<div class='wp-caption'><img src='/img/cafe.jpg' aria-describedby='c1'>"
        "<p id='c1' class='wp-caption-text'>A language café in Kavala.</p></div>"
        f"{BODY[len(BODY) // 2 :]}</article>"
    )
    assert 'src="https://news.example.org/img/meeting.jpg"' in found["body_html"]
    assert "/img/cafe.jpg" in found["body_html"]
    assert "Officers at the opening session" not in found["body_text"]
    assert "language café in Kavala" not in found["body_text"]
    assert PARAGRAPHS[-1] in found["body_text"]


def test_the_headline_standfirst_and_byline_do_not_repeat_at_the_top_of_the_body() -> None:
    standfirst = "Twelve regions compare how they welcome newcomers"
    found = fields(
        "<article><p><a href='/world'>WORLD</a></p><h1>Regions meet in Thessaloniki</h1>"
        f"<h2>{standfirst}</h2><p class='meta'>November 19, 2019 by Anna Holm</p>"
        f"{BODY}</article>",
        head=f"<meta name='description' content='{standfirst}'>"
        "<meta name='author' content='Anna Holm'>",
    )
    text = found["body_text"]
    assert text.startswith(PARAGRAPHS[0]), text[:200]
    assert "Regions meet in Thessaloniki" not in text
    assert standfirst not in text
    assert "WORLD" not in text and "Anna Holm" not in text
    assert found["title"] == "Regions meet in Thessaloniki"
    assert found["author"] == "Anna Holm"


def test_a_heading_that_only_starts_like_the_title_is_kept() -> None:
    found = fields(f"<article><h1>Regions meet in Thessaloniki</h1>{BODY}"
                   f"<h2>Regions</h2><p>{PARAGRAPHS[0]} Again.</p></article>")  # fmt: skip
    assert "\n\nRegions\n\n" in found["body_text"]


def test_nested_lists_give_one_line_per_item_with_nothing_fused_or_repeated() -> None:
    text = html_to_text(
        "<ul><li>Discover your stage<ul><li>Assess your assets</li><li>Pinpoint your focus"
        "</li></ul></li><li>Get your branding in place</li></ul>"
    )
    assert text == (
        "- Discover your stage\n  - Assess your assets\n  - Pinpoint your focus\n"
        "- Get your branding in place"
    )


def test_a_copyright_notice_in_the_body_is_text_not_an_image_credit(profile, origin) -> None:
    notice = "© 2019 Associated Press. All Rights Reserved. This material may not be published."
    body = clean_body(f"<p>{PARAGRAPHS[0]}</p><p>{notice}</p>", origin.url + "/", origin, profile)
    assert notice in body.text
    assert not body.stray_credits
    # A © line right after an image is still that image's credit.
    body = clean_body("<p><img src='/a.jpg'></p><p>© 2019 Region Skåne</p>", origin.url + "/",
                      origin, profile)  # fmt: skip
    assert body.images[0]["credit"] == "© 2019 Region Skåne"
    assert "Skåne" not in body.text


def test_text_after_an_html_comment_is_kept() -> None:
    """A tree handed to trafilatura keeps its comments (markup it parses itself loses
    them), and it drops the text after each: "had suffered<!-- --> months of ..."."""
    found = fields(f"<article><p>The man had suffered<!-- --> months of dizziness and "
                   f"fatigue before he saw a doctor.</p>{BODY}</article>")  # fmt: skip
    assert "had suffered months of dizziness" in found["body_text"]


def test_a_div_used_as_a_paragraph_keeps_the_words_around_its_link() -> None:
    found = fields(
        f"<div class='story'><p>{PARAGRAPHS[0]}</p><div class='para'>Markets were mixed on "
        "Tuesday after <a href='https://other.example.com/report'>a broadcaster reported</a>"
        " that the talks had stalled again over the weekend in the capital.</div>"
        f"{BODY[BODY.index('</p>') + 4 :]}</div>"
    )
    assert (
        "Markets were mixed on Tuesday after a broadcaster reported that the talks"
        in found["body_text"]
    )
    assert 'href="https://other.example.com/report"' in found["body_html"]


def test_a_sidebar_of_teasers_stays_out_of_the_body() -> None:
    """A column of teasers beside the article is no body text."""
    teasers = "".join(
        f"<div class='teaser'><p><a href='/2019/11/story-{i}.html'>Another regional story "
        f"number {i}</a></p><p>Volunteers in town {i} opened a new café where newcomers "
        "practise the language with their neighbours every week.</p></div>"
        for i in range(4)
    )
    found = fields(f"<div class='main'><article>{BODY}</article></div>"
                   f"<div class='column'><p>Most read</p>{teasers}</div>")  # fmt: skip
    assert PARAGRAPHS[0] in found["body_text"]
    assert "Another regional story" not in found["body_text"]
    assert "Volunteers in town" not in found["body_text"]


def test_the_generic_path_repairs_only_what_it_extracts(profile) -> None:
    """``extract --generic`` does not run ftfy over the whole page: the extracted fields
    are repaired as text from elsewhere is."""
    broken = PARAGRAPHS[0].replace("twelve", "MalmÃ¶ and twelve")
    doc = generic_document(URL, page(f"<article>{BODY}<p>{broken}</p></article>"), None, profile)
    assert "MalmÃ¶" in doc.text  # the page as served
    assert not doc.content_made()  # no page object read it: no chrome-free copy was made
    found = generic_fields(URL, page(f"<article>{BODY}<p>{broken}</p></article>"), None, profile)
    assert "Malmö and twelve" in found["body_text"]


def test_the_live_fallback_keeps_the_profile_chrome_rules(profile) -> None:
    """A legacy article whose body container drifted: the page object's chrome-free copy
    (boilerplate blocks gone) is what the generic extractor reads, and the record says so."""
    url = "https://eu-belong.aer.eu/news.php?id=901"
    html = (
        "<html><head><title>Regions meet | EU-Belong</title></head><body>"
        "<div id='menu'><a href='/'>Home</a></div>"
        "<div class='news-detail'><h1>Regions meet in Thessaloniki</h1>"
        f"<div class='news-info'><span class='date'>03/04/2024</span></div>"
        f"<div class='story-body-v2'>{BODY}<p><a href='/news.php'>Read more</a></p></div>"
        "</div></body></html>"
    )
    doc = Document.from_bytes(url, html.encode(), "text/html", profile,
                              Origin.from_url(url, profile))  # fmt: skip
    (item,) = extract(doc)
    assert "generic-extractor:body" in item.review_flags
    assert PARAGRAPHS[0] in item.body_html
    assert "Read more" not in item.body_html
    assert "Regions meet in Thessaloniki" not in generic_extract(doc).body_html


@pytest.mark.parametrize(
    ("title", "block", "repeats"),
    [
        ("Regions meet in Thessaloniki", "Regions meet in Thessaloniki", True),
        ("Regions meet in Thessaloniki | Example News", "Regions meet in Thessaloniki", True),
        ("Regions meet in Thessalon", "Regions meet in Thessaloniki", False),
        ("The Palace: Tale of Jang Noksu, the beauty of Korea revealed", "The Palace", False),
    ],
)
def test_what_counts_as_the_headline(title: str, block: str, repeats: bool) -> None:
    from belong_scraper.pages.fallback_header import is_title, words

    assert is_title(words(block), [words(title)]) is repeats
