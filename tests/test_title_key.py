"""review.title_key: the ASCII fast path gives what the general rule gives, for any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from belong_scraper.review import title_key


def general_rule(title: object) -> str:
    """WordPress's comparison, as the general path makes it for any text."""
    decomposed = unicodedata.normalize("NFKD", str(title or "").strip())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().strip()


@given(st.text())
def test_any_title_gets_the_general_rules_key(title: str) -> None:
    assert title_key(title) == general_rule(title)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_any_ascii_title_gets_the_general_rules_key(title: str) -> None:
    assert title_key(title) == general_rule(title)


def test_case_accents_and_edges_are_ignored() -> None:
    assert title_key("  Café  ") == title_key("CAFE") == "cafe"
    assert title_key(None) == title_key("") == ""
    assert title_key(" Straße ") == "strasse"
    assert title_key(12) == "12"
