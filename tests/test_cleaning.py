"""strip_php_errors, decode_html, repair_text and friends, on real snippets of the site."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from belong_scraper.cleaning import (
    PHP_ERROR_TRACE,
    decode_html,
    drop_boilerplate,
    normalise_space,
    prepare_document,
    repair_text,
    strip_cut_marker,
    strip_php_errors,
)
from belong_scraper.profile import load_profile

HTML_WARNING = (
    '<br />\n<b>Warning</b>:  Undefined array key "tags" in <b>/mnt/nvme/www/</b> '
    "on line <b>23</b><br />\n"
)
PLAIN_WARNING = 'Warning: Undefined array key "tags" in /mnt/nvme/www/ on line 23'
FATAL = (
    "<br />\n<b>Fatal error</b>:  Uncaught Error: Call to undefined function render_gallery() "
    "in /var/www/html/news.php:142\nStack trace:\n#0 {main}\n  thrown in "
    "<b>/var/www/html/news.php</b> on line <b>142</b><br />\n"
)

CASES = [
    # (case name, input, expected output, {level: count})
    ("html-form-between-blocks", f"<p>a</p>{HTML_WARNING}<p>b</p>", "<p>a</p><p>b</p>",
     {"warning": 1}),
    ("plain-form-inside-paragraph", f"<p>Before {PLAIN_WARNING} after</p>",
     "<p>Before  after</p>", {"warning": 1}),
    ("warning-before-doctype", f"{PLAIN_WARNING}\n<!DOCTYPE html><html>",
     "\n<!DOCTYPE html><html>", {"warning": 1}),
    ("notice-in-title",
     "<title>EU-Belong - <br />\n<b>Notice</b>:  Undefined variable $x in "
     "<b>/mnt/nvme/www/inc/head.php</b> on line <b>4</b><br />\nNews</title>",
     "<title>EU-Belong - News</title>", {"notice": 1}),
    ("deprecated-in-attribute",
     '<img alt="Deprecated: strftime() is deprecated in /var/www/html/inc/f.php on line 9">',
     '<img alt="">', {"deprecated": 1}),
    ("fatal-error-with-stack-trace", f"<p>Text{FATAL}", "<p>Text", {"fatal_error": 1}),
    ("php-prefix-cli-form", "PHP Notice:  Undefined index: id in C:\\www\\news.php on line 7",
     "", {"notice": 1}),
    ("two-levels", f"{HTML_WARNING}{PLAIN_WARNING.replace('Warning', 'Notice')}", "",
     {"warning": 1, "notice": 1}),
    ("notice-holding-inline-markup",
     "<br />\n<b>Notice</b>:  Function f was called <strong>incorrectly</strong>. See the "
     "<code>x</code> hook and <a href=\"https://example.org/debug/\">Debugging</a>. in "
     "<b>/var/www/site/wp-includes/functions.php</b> on line <b>6078</b><br />\n<!DOCTYPE html>",
     "<!DOCTYPE html>", {"notice": 1}),
    # Text that merely starts like an error is content: only the real error goes.
    ("warning-word-in-text-before-a-plain-error",
     f"<p>Warning: places are limited.</p>\n<p>The workshop opens at nine.</p>{PLAIN_WARNING}",
     "<p>Warning: places are limited.</p>\n<p>The workshop opens at nine.</p>", {"warning": 1}),
    ("bold-notice-in-text-before-an-html-error",
     f"<p><b>Notice</b>: the call closes\non Friday.</p><p>Important.</p>{HTML_WARNING}",
     "<p><b>Notice</b>: the call closes\non Friday.</p><p>Important.</p>", {"warning": 1}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected", "levels"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_strip_php_errors(text: str, expected: str, levels: dict[str, int]) -> None:
    cleaned, found = strip_php_errors(text)
    assert cleaned == expected
    assert dict(found.by_level) == levels
    assert found.fatal == ("fatal_error" in levels)


def test_prose_that_mentions_warnings_is_kept() -> None:
    text = "<p>Warning: the call closes in March. Notice: apply online.</p>"
    assert strip_php_errors(text) == (text, strip_php_errors("")[1])


php_error = st.builds(
    lambda level, message, path, line, html: (
        f"<br />\n<b>{level}</b>:  {message} in <b>{path}</b> on line <b>{line}</b><br />\n"
        if html
        else f"{level}: {message} in {path} on line {line}"
    ),
    st.sampled_from(["Warning", "Notice", "Deprecated", "Fatal error", "Parse error"]),
    st.text(alphabet=st.characters(blacklist_characters="<>\n", blacklist_categories=["Cs"]),
            max_size=60),
    st.from_regex(r"/(mnt|var|srv)/[a-z]{1,8}(/[a-z]{1,8}\.php)?", fullmatch=True),
    st.integers(min_value=1, max_value=9999),
    st.booleans(),
)  # fmt: skip
prose = st.text(
    alphabet=st.characters(blacklist_characters="<>", blacklist_categories=["Cs"]), max_size=80
)


@given(st.lists(st.tuples(prose, php_error), max_size=5), prose)
def test_every_injected_error_is_removed_and_counted(parts, tail) -> None:
    text = "".join(p + e for p, e in parts) + tail
    cleaned, found = strip_php_errors(text)
    assert found.total == len(parts)
    assert not PHP_ERROR_TRACE.search(cleaned.replace(tail, "")) or PHP_ERROR_TRACE.search(tail)


@given(prose)
def test_strip_php_errors_is_idempotent(text: str) -> None:
    once, _ = strip_php_errors(text)
    assert strip_php_errors(once)[0] == once


CP1252 = "<p>Région – “café” €5</p>".encode("cp1252")


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (CP1252, "text/html; charset=windows-1252", "cp1252"),  # cp1252-header-only
        (CP1252, "text/html", "cp1252"),  # cp1252-undeclared
        (b'<meta charset="windows-1252">' + CP1252, None, "cp1252"),  # cp1252-meta
        (CP1252, "text/html; charset=utf-8", "cp1252"),  # header lies: fall back
        ("<p>Malmö</p>".encode(), "text/html", "utf-8"),
        ("<p>Malmö</p>".encode(), "text/html; charset=iso-8859-1", "cp1252"),
        (b"\xef\xbb\xbf<p>x</p>", None, "utf-8"),
    ],
)
def test_decode_html(body: bytes, content_type: str | None, encoding: str) -> None:
    text, used = decode_html(body, content_type)
    assert used == encoding
    if encoding == "cp1252" and body.endswith(CP1252):
        assert "Région – “café” €5" in text


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [("MalmÃ¶", "Malmö"), ("RÃ©gion ÃŽle-de-France", "Région Île-de-France"),
     ("Regionâ€™s", "Region’s"), ("Västra Götaland", "Västra Götaland"), ("Ελλάδα", "Ελλάδα"),
     # one double-encoded letter alone, which ftfy leaves: "Ã…" is Å, "ÃŽ" is Î
     ("Jonas Ã…berg", "Jonas Åberg"), ("ÃŽle-de-France", "Île-de-France"), ("Ã…land", "Åland"),
     ("Â© AER", "© AER"), ("â€œquotedâ€, she said", "“quoted”, she said"),
     ("the otherâ€ said", "the other” said"), ("an endâ€", "an end”"),
     ("SÃO PAULO", "SÃO PAULO"), ("CAFÉ\u00a0»", "CAFÉ\u00a0»")],
)  # fmt: skip
def test_repair_text(broken: str, fixed: str) -> None:
    assert repair_text(broken) == fixed


# Letters of the site's languages beyond ASCII: Latin-1, Latin Extended-A (but Ġ Š: see
# cleaning.LEFTOVER_MOJIBAKE), Romanian ș ț, Greek. Not "Â"/"Ã": double-encoded and
# followed by a space they read as a double-encoded no-break space/"à", which ftfy prefers.
SITE_LETTERS = (
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xC2, 0xC3, 0xD7, 0xF7)]
    + [chr(c) for c in range(0x100, 0x180) if c not in (0x120, 0x160)]
    + ["ș", "ț", "Ș", "Ț"]
    + [chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2]
)
ASCII_WORDS = st.text(alphabet=st.sampled_from(list("abcdefgXYZ .,;:'-()")), min_size=1)


@given(st.lists(st.tuples(ASCII_WORDS, st.sampled_from(SITE_LETTERS)), max_size=6), ASCII_WORDS)
def test_double_encoded_letters_are_always_restored(
    parts: list[tuple[str, str]], tail: str
) -> None:
    """Each letter of the site's languages, alone between ASCII text (the case ftfy can
    leave), survives UTF-8 read as cp1252."""
    text = "".join(a + b for a, b in parts) + tail
    try:
        broken = text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return  # a byte cp1252 has no character for: the page decoder never yields this
    assert repair_text(broken) == unicodedata.normalize("NFC", text)


@given(st.lists(st.tuples(ASCII_WORDS, st.sampled_from(SITE_LETTERS))), ASCII_WORDS)
def test_clean_site_text_is_left_alone(parts: list[tuple[str, str]], tail: str) -> None:
    text = "".join(a + b for a, b in parts) + tail
    assert repair_text(text) == unicodedata.normalize("NFC", text)


def test_prepare_document_repairs_then_strips() -> None:
    body = (PLAIN_WARNING + "\n<html><body><p>MalmÃ¶</p></body></html>").encode()
    text, _encoding, errors = prepare_document(body, "text/html; charset=utf-8")
    assert "Malmö" in text and "Warning" not in text and errors.total == 1


@pytest.mark.parametrize(
    "teaser",
    ["Helping city services[...]", "Helping city services […]", "Helping city services...",
     "Helping city services…", "Helping city services, [...]"],
)  # fmt: skip
def test_strip_cut_marker(teaser: str) -> None:
    assert strip_cut_marker(teaser, load_profile().cut_markers) == "Helping city services"


@given(st.text())
def test_normalise_space_is_idempotent(text: str) -> None:
    once = normalise_space(text)
    assert normalise_space(once) == once
    assert "\u00a0" not in once and "  " not in once


FOOTER = (
    "Co-funded by the Asylum, Migration and Integration Fund of the European Union "
    "(AMIF-2020-AG-CALL). The content of this website represents the views of the authors "
    "only and is their sole responsibility."
)


@pytest.mark.parametrize(
    ("markup", "kept", "gone"),
    [
        (f"<p>{FOOTER}</p><p>Body.</p>", "Body.", "Co-funded"),
        ("<p>Co-funded by the European Union, the project brought 13 partners together.</p>",
         "the project brought 13 partners", None),
        ('<p><a href="/news.php?id=3">Read more</a></p><p>Body.</p>', "Body.", "Read more"),
        ('<p>The full study: <a href="/uploads/2024/05/study.pdf">Read more</a></p>',
         "Read more", None),
        ('<p><a href="/uploads/2024/05/study.pdf">Read more</a></p>', "Read more", None),
        ('<p>See also our <a href="/news.php">latest news</a> on the topic.</p>',
         "latest news", None),
        ('<div class="news-image"><img src="/uploads/a.jpg" alt="A">'
         '<span class="credit">© Assembly of European Regions</span></div>',
         "© Assembly of European Regions", None),
        ('<p>Body text. <a href="javascript:window.print()">Print this article</a></p>',
         "Body text.", "Print this article"),
        ("<p>Share this call with colleagues in your region.</p>", "Share this call", None),
        ("<p>Share this! Facebook Twitter LinkedIn</p><p>Body.</p>", "Body.", "Share this"),
    ],
)  # fmt: skip
def test_boilerplate_is_a_whole_block_never_content(
    markup: str, kept: str, gone: str | None
) -> None:
    profile = load_profile()
    root = lxml_html.fromstring(f"<html><body><div id='main'>{markup}</div></body></html>")
    drop_boilerplate(root, [], profile.boilerplate_phrases)
    text = normalise_space(root.text_content())
    assert kept in text
    if gone:
        assert gone not in text
    if "<img" in markup:
        assert root.xpath("//img")


def test_utf8_with_broken_sequences_stays_utf8_without_them() -> None:
    from belong_scraper.cleaning import decode_html

    body = b"<p>Timi\xc8\x99oara caf\xc3\xa9 \xf8\x88\x80\x80 and \xe2\x80 ok \xc0\x80.</p>"
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "utf-8"
    assert text == "<p>Timișoara café  and  ok .</p>"
    # Undeclared: more good sequences than broken runs still reads as UTF-8.
    text, encoding = decode_html(b"<p>\xc3\xa9t\xc3\xa9 \xc3\xa0 Malm\xc3\xb6 \xff</p>")
    assert (text, encoding) == ("<p>été à Malmö </p>", "utf-8")


def test_windows_1252_pages_are_not_taken_for_broken_utf8() -> None:
    from belong_scraper.cleaning import decode_html

    body = b"<meta charset=utf-8><p>caf\xe9 cr\xe9\xe9 \x93quoted\x94 \x96 done</p>"
    text, encoding = decode_html(body)
    assert encoding == "cp1252"
    assert "café créé “quoted” – done" in text


@pytest.mark.parametrize(
    "body, binary",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), True),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3", True),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", True),
        (b"<html><p>a\x00b</p>" + b"<p>text</p>" * 20 + b"</html>", False),  # a bad paste
        (bytes(range(1, 32)) * 20, True),
        (bytes(range(256)) * 16, True),
        (b"<!DOCTYPE html><p>Caf\xc3\xa9\x0b and \x0c Word pastes</p>", False),
        (b"<p>caf\xe9</p>", False),
        (b"", False),
    ],
)
def test_looks_binary(body: bytes, binary: bool) -> None:
    from belong_scraper.cleaning import looks_binary

    assert looks_binary(body) is binary
