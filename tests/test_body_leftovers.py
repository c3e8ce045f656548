"""Units of the body rules for CMS leftovers: shortcodes, full-size images, captions and
credits, embeds in their several forms, emoji, paragraphs stored as blank lines.

Profiles are built from the bundled sister profile with only the keys under test, so each
rule is seen working from its key alone.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from belong_scraper.body_media import (
    EmbedCollector,
    blank_line_paragraphs,
    player_url,
    split_at_break_runs,
)
from belong_scraper.image_files import full_size_url, split_credit, upload_id, upload_key
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.sanitize import BLOCKS, clean_body, html_to_text
from belong_scraper.shortcodes import attributes, expand_shortcodes
from belong_scraper.urls import Origin

BASE = "https://aer.eu/2023/05/04/post/"


@pytest.fixture(scope="module")
def sister() -> SiteProfile:
    return load_profile("wordpress-sister")


def _img(markup: str) -> lxml_html.HtmlElement:
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    return next(root.iter("img"))


def _clean(html: str, profile: SiteProfile):
    return clean_body(html, BASE, Origin.from_url(BASE, profile), profile, on_page=True)


# Shortcodes


def test_link_shortcode_becomes_a_link_to_its_url(sister) -> None:
    out = expand_shortcodes(
        '<p>[su_button url="https://aer.eu/join/" style="flat"]Join[/su_button]</p>', sister
    )
    assert out == '<p><a href="https://aer.eu/join/">Join</a></p>'


def test_link_shortcode_without_url_keeps_its_text(sister) -> None:
    assert expand_shortcodes("[su_button style=flat]Join[/su_button]", sister) == "Join"


def test_drop_shortcode_goes_whole(sister) -> None:
    assert (
        expand_shortcodes('<p>[contact-form-7 id="5" title="Contact form 1"]</p>', sister)
        == "<p></p>"
    )


def test_caption_shortcode_is_a_figure_with_its_caption(sister) -> None:
    out = expand_shortcodes(
        '[caption id="attachment_3" width="300"]'
        '<a href="/x/"><img src="/a-300x200.jpg" alt="A" /></a> '
        "Delegates. Foto: Girona[/caption]",
        sister,
    )
    assert (
        out == '<figure><a href="/x/"><img src="/a-300x200.jpg" alt="A" /></a>'
        "<figcaption>Delegates. Foto: Girona</figcaption></figure>"
    )


def test_embed_shortcode_is_an_iframe_of_its_url(sister) -> None:
    assert expand_shortcodes("[embed]https://vimeo.com/824531760[/embed]", sister) == (
        '<iframe src="https://vimeo.com/824531760"></iframe>'
    )


def test_unknown_shortcodes_and_brackets_stay(sister) -> None:
    text = "<p>See [1] and [gallery ids=&quot;1,2&quot;] and [su_buttonx]</p>"
    assert expand_shortcodes(text, sister) == text


def test_attributes_read_every_quoting() -> None:
    assert attributes(' url="a" b=\'c\' d=e f=&quot;g&quot; h=”i”') == {
        "url": "a", "b": "c", "d": "e", "f": "g", "h": "i"
    }  # fmt: skip


SAFE_TEXT = st.text(alphabet=st.characters(blacklist_characters="[]§<>"), max_size=40)


@given(st.lists(st.tuples(SAFE_TEXT, st.sampled_from(["drop", "inner", "link"])), max_size=6))
def test_shortcodes_never_lose_text_outside_them(parts) -> None:
    profile = load_profile("wordpress-sister")
    codes = {"drop": '[contact-form-7 id="1"]', "inner": "[su_button]§[/su_button]",
             "link": '[su_button url="https://a.eu/"]§[/su_button]'}  # fmt: skip
    text = "".join(words + codes[kind] for words, kind in parts)
    out = expand_shortcodes(text, profile)
    outside = "".join(words for words, _ in parts)
    assert re.sub(r'<a href="https://a\.eu/">|</a>|§', "", out) == outside


# Images


def test_full_size_is_the_widest_of_srcset(sister) -> None:
    img = _img(
        '<img src="/u/a-1024x683.jpg" srcset="/u/a-300x200.jpg 300w, '
        '/u/a-scaled.jpg 2560w, /u/a-1024x683.jpg 1024w">'
    )
    assert full_size_url(img, BASE, sister) == "https://aer.eu/u/a-scaled.jpg"


def test_full_size_of_a_lazy_image_skips_its_data_placeholder(sister) -> None:
    img = _img(
        '<img src="data:image/svg+xml,%3Csvg%3E" data-lazy-src="https://aer.eu/u/b-300x200.jpg">'
    )
    assert full_size_url(img, BASE, sister) == "https://aer.eu/u/b.jpg"


def test_full_size_of_a_gallery_thumbnail_is_its_link(sister) -> None:
    img = _img('<a href="/u/c.jpeg"><img src="/u/c-150x150.jpeg"></a>')
    assert full_size_url(img, BASE, sister) == "https://aer.eu/u/c.jpeg"


def test_a_link_to_an_attachment_page_is_no_full_size(sister) -> None:
    img = _img('<a href="/2022/07/04/post/c/"><img src="/u/c-300x200.jpg"></a>')
    assert full_size_url(img, BASE, sister) == "https://aer.eu/u/c.jpg"


def test_without_the_keys_the_src_is_kept(profile) -> None:
    img = _img('<img src="/u/c-300x200.jpg" srcset="/u/c.jpg 1200w">')
    assert full_size_url(img, BASE, profile) == "https://aer.eu/u/c-300x200.jpg"


def test_one_upload_one_key(sister) -> None:
    keys = {upload_key(f"https://aer.eu/u/d{s}.jpg", sister) for s in ("", "-300x200", "-scaled")}
    assert len(keys) == 1
    assert upload_id(_img('<img class="size-medium wp-image-3141">'), sister) == "3141"


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("Bergen harbour at dusk. Photo : Vestland", "Bergen harbour at dusk.", "Photo : Vestland"),
        ("The Sassi. Foto: Comune di Matera", "The Sassi.", "Foto: Comune di Matera"),
        ("© Region Västerbotten", None, "© Region Västerbotten"),
        ("A photographer: at work", "A photographer: at work", None),
        ("Seen in the Photo: gallery", "Seen in the", "Photo: gallery"),
    ],
)
def test_split_credit(text, caption, credit, sister) -> None:
    assert split_credit(text, sister) == (caption, credit)


def test_an_upload_twice_is_one_image_with_the_caption(sister) -> None:
    body = _clean(
        '<p><img src="/u/e-300x200.jpg" class="wp-image-9" alt="E"></p>'
        '<figure><img src="/u/e-1024x683.jpg" class="wp-image-9" alt="E">'
        "<figcaption>The hall. Photo: AER</figcaption></figure>",
        sister,
    )
    assert body.images == [
        {
            "url": "https://aer.eu/u/e.jpg",
            "alt": "E",
            "caption": "The hall.",
            "credit": "Photo: AER",
        }
    ]
    assert "The hall." not in body.text and "Photo: AER" not in body.text
    assert "<figcaption>The hall.</figcaption>" in body.html


def test_emoji_are_characters_not_images(sister) -> None:
    body = _clean(
        '<p>Europe Day <img class="emoji" alt="🇪🇺" src="https://s.w.org/e.svg"> today</p>', sister
    )
    assert body.images == [] and body.text == "Europe Day 🇪🇺 today"


def test_a_quotes_source_is_a_line_of_its_own() -> None:
    html = "<blockquote><p>Regions are where Europe is felt.</p><cite>A. B.</cite></blockquote>"
    assert html_to_text(html) == "Regions are where Europe is felt.\nA. B."


def test_captions_stay_out_of_text_tables_read_by_row() -> None:
    text = html_to_text(
        "<figure><table><tr><td>a</td><td>b</td></tr></table></figure>"
        "<figure><img src='/x.jpg'><figcaption>Cap</figcaption></figure>"
    )
    assert text == "a | b"


# Embeds


@pytest.mark.parametrize(
    "markup",
    [
        '<iframe src="https://www.youtube.com/embed/ID1?feature=oembed"></iframe>',
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=ID1\n</div></figure>',
        "[embed]https://youtu.be/ID1[/embed]",
        '<p><div class="rll-youtube-player" data-src="https://www.youtube.com/embed/ID1" '
        'data-id="ID1"></div>'
        '<noscript><iframe src="https://www.youtube.com/embed/ID1?feature=oembed"></iframe></noscript></p>',
        '<noscript><iframe src="https://www.youtube.com/embed/ID1?feature=oembed"></iframe></noscript>',
    ],
    ids=["iframe", "embed-block-url", "shortcode", "lazy-placeholder", "noscript"],
)
def test_every_form_of_a_video_is_one_embed(markup, sister) -> None:
    body = _clean("<p>Watch.</p>" + markup, sister)
    assert body.embeds == [{"provider": "youtube", "url": "https://www.youtube.com/embed/ID1"}]
    assert body.text == "Watch."


def test_player_url_of_vimeo_drops_the_query(sister) -> None:
    assert player_url("https://player.vimeo.com/video/861204477?dnt=1&app_id=1", sister) == (
        "https://player.vimeo.com/video/861204477"
    )


def test_an_unknown_host_is_no_embed(sister) -> None:
    embeds: list[dict[str, str]] = []
    assert not EmbedCollector(BASE, sister, embeds).add("https://example.com/video/1")
    assert embeds == []


# Paragraphs stored as blank lines


def test_blank_lines_make_paragraphs(sister) -> None:
    body = _clean(
        'First <a href="/a/">line</a>\nstill first.\n\nSecond.\n\n<h2>Head</h2>\nThird.', sister
    )
    assert body.html == (
        '<p>First <a href="https://aer.eu/a/">line</a> still first.</p>\n<p>Second.</p>\n'
        "<h2>Head</h2>\n<p>Third.</p>"
    )


WORDS = st.lists(
    st.sampled_from(["alpha", "beta", "<b>gamma</b>", "\n", "\n\n", " ", "<p>delta</p>"]),
    max_size=12,
)


@given(WORDS)
def test_blank_line_paragraphs_keep_every_word_in_order(parts) -> None:
    source = "".join(parts)
    root = lxml_html.fragment_fromstring(source or "<br>", create_parent="div")
    before = "".join(root.text_content().split())
    blank_line_paragraphs(root, BLOCKS)
    assert "".join(root.text_content().split()) == before  # no character lost or moved
    assert not (root.text or "").strip() and all(not (c.tail or "").strip() for c in root)


def test_break_runs_split_a_paragraph(sister) -> None:
    body = _clean(
        "<p>Monday<br />\nTuesday<br />\n<br />\nThursday <b>late</b></p><p>a<br><br></p>", sister
    )
    assert body.html == "<p>Monday<br> Tuesday</p>\n<p>Thursday <b>late</b></p>\n<p>a</p>"


@given(st.lists(st.sampled_from(["w", "<br>", " ", "<br> ", "<i>x</i>"]), max_size=14))
def test_break_runs_lose_no_text(parts) -> None:
    root = lxml_html.fragment_fromstring("<p>" + "".join(parts) + "</p>", create_parent="div")
    before = "".join(root.text_content().split())
    split_at_break_runs(root)
    assert "".join(root.text_content().split()) == before
    for paragraph in root.iter("p"):  # no two <br> in a row are left in one paragraph
        for first, second in zip(paragraph, list(paragraph)[1:], strict=False):
            assert not (first.tag == second.tag == "br" and not (first.tail or "").strip())
