"""clean_body: the allowlist holds, Word cruft and layout go, embeds and credits come out."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belong_scraper.sanitize import clean_body, credit_text, html_to_text

BASE = "http://127.0.0.1:8000/news.php?id=3"
UNSAFE = re.compile(r"<script|<iframe|<style|\son\w+\s*=|javascript:|<o:p|mso-|style=", re.I)


def body(raw: str, origin, profile):
    return clean_body(raw, BASE, origin, profile)


@pytest.mark.parametrize(
    ("raw", "html"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<p onclick="x()">a</p>', "<p>a</p>"),
        ('<p><a href="javascript:void(0)">keep words</a></p>', "<p>keep words</p>"),
        ('<p class="MsoNormal" style="mso-bidi-font-size:11pt">Word<o:p></o:p></p>', "<p>Word</p>"),
        ('<p><font face="Arial" color="red">old</font></p>', "<p>old</p>"),
        ("<p>a&nbsp;&nbsp;&nbsp;&nbsp;b</p><p>&nbsp;</p><p></p><p><br></p>", "<p>a b</p>"),
        ("<p>unclosed<p>second", "<p>unclosed</p>\n<p>second</p>"),
        ("<table><tr><td><table><tr><td><p>nested</p></td></tr></table></td></tr></table>",
         "<p>nested</p>"),
        ("<h1>Heading</h1>", "<h2>Heading</h2>"),
        ('<p><a href="/news.php?ID=5&utm_source=x">five</a></p>',
         '<p><a href="http://127.0.0.1:8000/news.php?id=5">five</a></p>'),
        ("<p>Read more</p><p>Share this!</p><p>text</p>", "<p>text</p>"),
    ],
)  # fmt: skip
def test_clean_body_html(raw: str, html: str, origin, profile) -> None:
    assert body(raw, origin, profile).html == html


def test_word_data_table_is_kept(origin, profile) -> None:
    """Word wraps every cell in <p class="MsoNormal">: still a data table."""
    raw = (
        '<table class="MsoTableGrid"><tr><td><p class="MsoNormal">Region</p></td>'
        '<td><p class="MsoNormal">Participants</p></td></tr>'
        '<tr><td><p class="MsoNormal">Navarre</p></td><td><p class="MsoNormal">42</p></td></tr>'
        "</table>"
    )
    out = body(raw, origin, profile)
    assert "<table>" in out.html and "| Region | Participants |" in out.markdown


def test_layout_table_with_several_blocks_per_cell_is_unwrapped(origin, profile) -> None:
    raw = (
        "<table><tr><td><p>First column, first paragraph.</p><p>Second paragraph.</p></td>"
        "<td><p>Other column.</p></td></tr></table>"
    )
    out = body(raw, origin, profile)
    assert "<table" not in out.html and "<p>Second paragraph.</p>" in out.html


def test_data_table_is_kept(origin, profile) -> None:
    raw = (
        "<table><tr><th>Region</th><th>Country</th></tr>"
        "<tr><td>Navarre</td><td>ES</td></tr></table>"
    )
    out = body(raw, origin, profile)
    assert "<table>" in out.html and "| Region | Country |" in out.markdown
    assert out.text == "Region | Country\nNavarre | ES"


def test_video_iframes_become_embeds(origin, profile) -> None:
    raw = (
        '<p>Watch:</p><iframe src="//www.youtube.com/embed/abc123" allowfullscreen></iframe>'
        '<iframe src="https://player.vimeo.com/video/76979871"></iframe>'
        '<iframe src="https://ads.example.com/x"></iframe>'
    )
    out = body(raw, origin, profile)
    assert out.embeds == [
        {"provider": "youtube", "url": "https://www.youtube.com/embed/abc123"},
        {"provider": "vimeo", "url": "https://player.vimeo.com/video/76979871"},
    ]
    assert out.html == "<p>Watch:</p>"


def test_credit_after_image_goes_to_the_image(origin, profile) -> None:
    raw = (
        '<p><img src="/uploads/2023/03/a.jpg" alt="Workshop"></p>'
        "<p>[Foto cedida por la Dirección General @autora: Maite Hernandez Mateo]</p><p>Text</p>"
    )
    out = body(raw, origin, profile)
    assert out.images == [
        {
            "url": "http://127.0.0.1:8000/uploads/2023/03/a.jpg",
            "alt": "Workshop",
            "caption": None,
            "credit": "Foto cedida por la Dirección General @autora: Maite Hernandez Mateo",
        }
    ]
    assert "Foto cedida" not in out.html and "Foto cedida" not in out.text


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("[Photo: AER]", "Photo: AER"),
        ("[Fotografia di Giulia Rossi]", "Fotografia di Giulia Rossi"),
        ("© Region Skåne", "© Region Skåne"),
        ("[Immagine: Regione Emilia-Romagna]", "Immagine: Regione Emilia-Romagna"),
        ("[Imagine: Consiliul Județean Timiș]", "Imagine: Consiliul Județean Timiș"),
        ("[Φωτ.: Περιφέρεια Κρήτης]", "Φωτ.: Περιφέρεια Κρήτης"),
        ("[see the annex]", None),
        ("(see the photo gallery below)", None),
        ("(Photographs from all ten regions will be exhibited in Brussels in May.)", None),
        ("[Foto e video della giornata sono online]", None),
        (
            "[Foto cedida por la Generalitat @autor: Pau]",
            "Foto cedida por la Generalitat @autor: Pau",
        ),
        ("[Photo : Région Île-de-France]", "Photo : Région Île-de-France"),
        ("[Illustration: Studio Vinter]", "Illustration: Studio Vinter"),
        ("[© AER]", "© AER"),
        ("A normal sentence about a photo exhibition.", None),
        ("Photo: Region Skåne", None),  # unbracketed: a credit only right after an image
    ],
)
def test_credit_text(text: str, credit: str | None, profile) -> None:
    assert credit_text(text, profile) == credit


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("Photo: Region Skåne", "Photo: Region Skåne"),
        ("Foto cedida por la Junta @autor: Pau", "Foto cedida por la Junta @autor: Pau"),
        ("Fotografia di Marco Bellini", "Fotografia di Marco Bellini"),
        ("Photograph by Anna Holm", "Photograph by Anna Holm"),
        ("Φωτογραφία: Περιφέρεια Κρήτης", "Φωτογραφία: Περιφέρεια Κρήτης"),
        ("Source: Eurostat", "Source: Eurostat"),
        ("Photos of the workshop are online in our gallery.", None),
        ("Credit unions in the region offered micro-loans to newcomers.", None),
        ("Copyright law reform was not on the agenda.", None),
        ("Foto e video della giornata sono disponibili sul sito della Regione.", None),
    ],
)
def test_credit_line_after_an_image(text: str, credit: str | None, profile) -> None:
    assert credit_text(text, profile, after_image=True) == credit


def test_credit_like_lines_away_from_images_stay_in_the_body(origin, profile) -> None:
    raw = (
        "<p>Intro.</p><table><tr><td>Arrivals</td><td>1,200</td></tr>"
        "<tr><td>Departures</td><td>300</td></tr></table>"
        "<p>Source: Eurostat, 2023</p>"
        "<p>Photos of the workshop are online.</p>"
        '<p><img src="/uploads/2023/03/a.jpg" alt="Workshop"></p>'
        "<p>Credit unions in the region offered micro-loans.</p>"
    )
    out = body(raw, origin, profile)
    for kept in ("Source: Eurostat, 2023", "Photos of the workshop", "Credit unions"):
        assert kept in out.text
    assert out.images[0]["credit"] is None and out.stray_credits == []


@pytest.mark.parametrize(
    "raw",
    [
        '<p><img src="/uploads/2023/03/a.jpg" alt="A"></p><p><em>Photo: Anna Holm</em></p>',
        '<p><img src="/uploads/2023/03/a.jpg" alt="A"><br><small>Photo: Anna Holm</small></p>',
        '<figure><img src="/uploads/2023/03/a.jpg" alt="A"><figcaption>Photo: Anna Holm'
        "</figcaption></figure>",
    ],
)
def test_credit_line_right_after_an_image_goes_to_it(raw: str, origin, profile) -> None:
    out = body(raw + "<p>Body text.</p>", origin, profile)
    assert out.images[0]["credit"] == "Photo: Anna Holm"
    assert "Anna Holm" not in out.text and "Body text." in out.text


def test_documents_in_body_are_found(origin, profile) -> None:
    out = body('<p><a href="/uploads/2024/01/brief.pdf">Brief (PDF, 1 MB)</a></p>', origin, profile)
    assert out.documents == [
        {"url": "http://127.0.0.1:8000/uploads/2024/01/brief.pdf", "title": "Brief (PDF, 1 MB)"}
    ]


def test_html_to_text_lists() -> None:
    assert html_to_text("<p>Intro</p><ul><li>one</li><li>two</li></ul>") == "Intro\n\n- one\n- two"


fragments = st.lists(
    st.sampled_from([
        "<p>", "</p>", "<script>x()</script>", '<a href="javascript:alert(1)">', "</a>",
        '<img src="x" onerror="alert(1)">', "<iframe src='https://evil/x'></iframe>",
        '<div style="mso-x:1" onclick="y()">', "</div>", "<o:p></o:p>", "text", "&nbsp;",
        "<table><tr><td>", "</td></tr></table>", "<style>p{}</style>", "<font>", "</font>",
        "<svg onload=alert(1)>", "<object data=x>", '<a href="/news.php?id=4">', "<b>",
    ]),
    max_size=25,
)  # fmt: skip


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(parts=fragments)
def test_output_is_always_safe(parts, origin, profile) -> None:
    out = body("".join(parts), origin, profile)
    assert not UNSAFE.search(out.html)
    assert "<" not in out.text
    assert "<p></p>" not in out.html
