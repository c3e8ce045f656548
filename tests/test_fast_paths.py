"""Fast paths give what the slow ones did: the mojibake gate, unsafe characters, spaces."""

from __future__ import annotations

from pathlib import Path

import ftfy
from ftfy.badness import is_bad
from hypothesis import example, given, settings
from hypothesis import strategies as st

from belong_scraper.cleaning import (
    FIX_ENCODING_ONLY,
    LINE_BREAK_CONTROLS,
    UNSAFE_CHARS,
    decode_html,
    normalise_space,
    remove_unsafe_chars,
    repair_text,
)
from belong_scraper.mojibake_gate import alternatives, fix_encoding_gated, looks_bad

FIXTURES = Path(__file__).parents[1] / "fixtures"
# Text near mojibake: the characters ftfy's heuristics look at, mixed with plain letters,
# line breaks and combining marks, so generated strings often are (or nearly are) bad.
SUSPECT = "ÂÃÎÏÐØÙÄÅÈÉàáéèñüöÈ™…€šœŸž–—’“”•¡¿©®°±²³µ·»×÷ВГРСЂΒΓΞΟβā√≈‚\xa0\xad\x81\x9d"
TEXT = st.text(
    alphabet=st.sampled_from(SUSPECT + "aeo AZ.\n\t<>\u0301\u0303") | st.characters(codec="utf-8"),
    max_size=60,
)


def test_the_gate_is_derived_from_ftfy_for_every_alternative() -> None:
    classes = alternatives()
    assert classes is not None and len(classes) > 30  # one entry per alternative


def test_a_pattern_the_gate_cannot_read_is_left_to_ftfy() -> None:
    """An alternative with no plain character set (only \\s, \\w ...) or a group: no gate."""
    import re

    assert alternatives(re.compile(r"\s\w|é")) is None
    assert alternatives(re.compile(r"(é)|à")) is None
    found = alternatives(re.compile(r"[éè]x|^Ã "))
    assert found is not None and [c for c, _, _ in found] == [
        (frozenset("éè"), frozenset("x")),
        (frozenset("Ã"), frozenset(" ")),
    ]


def test_plain_and_clean_accented_text_needs_no_ftfy() -> None:
    assert not looks_bad("Plain ASCII, with <b>markup</b> & numbers 12.")
    assert not looks_bad("Skåne, Timișoara, Málaga and Île-de-France met in Cluj.")
    assert looks_bad("MalmÃ¶ and the cafÃ©")


def test_only_the_lines_ftfy_would_change_go_to_it(monkeypatch) -> None:
    seen = []
    real = ftfy.fix_text
    # A spy around the real ftfy: it still fixes, the test sees what it was given.
    monkeypatch.setattr(ftfy, "fix_text", lambda text, cfg: seen.append(text) or real(text, cfg))
    text = "<p>Skåne café</p>\n<p>MalmÃ¶</p>\n<p>plain</p>"
    fixed = fix_encoding_gated(text, FIX_ENCODING_ONLY)
    assert fixed == "<p>Skåne café</p>\n<p>Malmö</p>\n<p>plain</p>"
    assert seen == ["<p>MalmÃ¶</p>\n"]


@given(TEXT)
@example("Jonas Ã…berg")
@example("TimiÈ™oara")
@example("line one\nÃ open\nA\u0303\u2026 decomposed")
@example("\n\u00c3 \n")  # ftfy's ^[ÃÂ][ ] alternative: a line start, not the text's
@settings(max_examples=400, deadline=None)
def test_gated_repair_equals_ungated(text: str) -> None:
    assert repair_text(text) == repair_text(text, gate=False)
    assert fix_encoding_gated(text, FIX_ENCODING_ONLY) == ftfy.fix_text(text, FIX_ENCODING_ONLY)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_looks_bad_is_ftfys_is_bad(text: str) -> None:
    assert looks_bad(text) == is_bad(text)


def test_gated_repair_equals_ungated_on_every_fixture_page() -> None:
    pages = [p for p in FIXTURES.rglob("*.html")]
    assert len(pages) > 100
    for page in pages:
        text, _ = decode_html(page.read_bytes())
        assert repair_text(text) == repair_text(text, gate=False), page


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
@example("a\x00b\U0001fffe\U0010ffffc\ufffe\U0001f600\ud800")
@settings(max_examples=300, deadline=None)
def test_unsafe_characters_go_in_two_steps_as_in_one(text: str) -> None:
    """remove_unsafe_chars splits UNSAFE_CHARS at U+FFFF for speed: the same characters go."""
    assert remove_unsafe_chars(text) == UNSAFE_CHARS.sub("", LINE_BREAK_CONTROLS.sub("\n", text))


@given(
    st.text(alphabet=st.characters(codec=None)) | st.text(alphabet=" \t\n\xa0\u2003\u200bab\u0301")
)
@settings(max_examples=300, deadline=None)
def test_normalise_space_splits_as_the_whitespace_pattern_did(text: str) -> None:
    """normalise_space collapses with str.split() for speed: the WHITESPACE rule it replaced."""
    import unicodedata

    from belong_scraper.cleaning import INVISIBLE, WHITESPACE, _drop_astral_noncharacters

    step = _drop_astral_noncharacters(INVISIBLE.sub("", LINE_BREAK_CONTROLS.sub(" ", text)))
    expected = unicodedata.normalize("NFC", WHITESPACE.sub(" ", step)).strip()
    assert normalise_space(text) == expected


@given(st.text(alphabet=st.sampled_from('ab. ?!…\n"“A9É')))
@settings(max_examples=200, deadline=None)
def test_sentences_are_split_lazily_as_split_did(text: str) -> None:
    from belong_scraper.normalise import SENTENCE_END, _sentences

    assert list(_sentences(text)) == SENTENCE_END.split(text)
