"""The Hugo front matter's fast path (targets/hugo._json_value, the YAML escape once over
the front matter) must give the bytes of the general encoder, a value at a time."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.exporters import json_text
from belong_scraper.targets.hugo import YAML_UNSAFE, _document, _json_value

# Texts with what YAML does not allow raw and what JSON escapes, besides anything.
TEXT = st.text(max_size=10) | st.sampled_from(
    ["", '"', "\\", "\x00\x1f\x7f\x85\x9f", "\u2028\u2029\ufeff\ufffe\uffff", "\U0001f600",
     "2024-05-01", "a: b", "{{< x >}}"]
)  # fmt: skip
SCALARS = (
    TEXT | st.none() | st.booleans() | st.integers() | st.floats()
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)
KEYS = st.sampled_from(["title", "date", "draft", "tags", "images", "legacy_id", "aliases"])


def reference_document(fields: list[tuple[str, Any]], body: str) -> bytes:
    """The front matter as it was written: every value through the general encoder, its
    YAML escape one value at a time."""

    def value_text(value: Any) -> str:
        return YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text(value))

    lines = ["---", *(f"{key}: {value_text(value)}" for key, value in fields), "---"]
    text = "\n".join(lines) + "\n"
    body = body.strip().replace("{{<", "{{&lt;").replace("{{%", "{{&#37;")
    if body:
        text += "\n" + body + "\n"
    return text.encode("utf-8")


@settings(max_examples=500, deadline=None)
@given(value=VALUES)
def test_the_fast_path_is_the_general_encoders_text(value: Any) -> None:
    assert _json_value(value) == json_text(value)


@settings(max_examples=300, deadline=None)
@given(fields=st.lists(st.tuples(KEYS, VALUES), max_size=6), body=TEXT)
def test_a_document_is_the_one_written_a_value_at_a_time(fields, body: str) -> None:
    assert _document(fields, body) == reference_document(fields, body)
