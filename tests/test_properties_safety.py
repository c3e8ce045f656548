"""Property tests: cleaning, sanitizing, Markdown and the CSV writer never raise on any
text, never emit a script, an on* attribute or a javascript: URL (Markdown rendered by a
real CommonMark renderer), and JSON and CSV round-trip every record."""

from __future__ import annotations

import json
import re
from html import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from belong_scraper import cleaning
from belong_scraper.exporters import csv_bytes, json_bytes, read_csv_rows
from belong_scraper.sanitize import clean_body, html_to_markdown, html_to_text, sanitize_html
from tests.safety_checks import formula_cells, live_markup, rendered_markdown

BASE = "http://127.0.0.1:8000/news.php?id=3"
# Pieces hostile HTML is made of: tags, handlers, schemes, entities, Markdown syntax,
# CDATA, comments, and the control characters a Word paste leaves.
TOKENS = [
    "<script>", "</script>", "<script", "<svg", " onload=", " onerror=", "<img src=x",
    '<a href="', "javascript:", "JaVaScRiPt:", "java\tscript:", "&#106;avascript:",
    "vbscript:", "data:text/html,", '">', "'>", ">", "<", "&", "&lt;", "&gt;", "&amp;",
    "&#60;", "&#x3C;", "<!--", "-->", "<![CDATA[", "]]>", "[", "](", ")", "<http://a>",
    "`", "```", "\\", "*", "_", "|", "<p>", "</p>", "<pre>", "</pre>", "<code>", "</code>",
    "<iframe srcdoc=", "<math>", "<style>", "<base href=", "<form action=", " style=",
    "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9d", "\ufffe", "\uffff", "\ud800",
    "\U0001fffe", "\u2028", "\r", "\n", "\t", " ", "alert(1)", "=HYPERLINK(", "+cmd", "@SUM",
]  # fmt: skip
hostile = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=40).map("".join),
)
SCRIPT = re.compile(r"<script", re.I)
PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_safe_html(markup: str) -> None:
    assert not SCRIPT.search(markup), markup
    assert live_markup(markup) == [], markup
    assert not cleaning.UNSAFE_CHARS.search(markup)


@PROPERTY
@given(hostile)
def test_cleaning_never_raises_and_leaves_no_control_characters(text: str) -> None:
    for function in (cleaning.repair_text, cleaning.normalise_space, cleaning.clean_inline_text):
        assert not cleaning.UNSAFE_CHARS.search(function(text))
    cleaning.strip_php_errors(text)
    cleaning.strip_cut_marker(text, [re.compile(r"\[\.\.\.\]$")])
    root = cleaning.parse_html(text)
    cleaning.drop_boilerplate(root, ["div.share"], [re.compile("Read more")])
    for element in root.iter("p", "a", "span"):
        cleaning.is_boilerplate_block(element, (re.compile("Read more"),))


@PROPERTY
@given(st.binary(), st.sampled_from([None, "text/html", "text/html; charset=windows-1252"]))
def test_decoding_never_raises_on_any_bytes(body: bytes, content_type: str | None) -> None:
    text, _ = cleaning.decode_html(body, content_type)
    prepared, _, _ = cleaning.prepare_document(body, content_type)
    assert not cleaning.UNSAFE_CHARS.search(prepared)
    cleaning.parse_html(text)


@PROPERTY
@given(hostile)
def test_clean_body_is_safe_in_html_markdown_and_text(origin, profile, raw: str) -> None:
    body = clean_body(raw, BASE, origin, profile)
    assert_safe_html(body.html)
    assert_safe_html(rendered_markdown(body.markdown))
    assert not cleaning.UNSAFE_CHARS.search(body.text)


@PROPERTY
@given(hostile)
def test_sanitizer_and_converters_are_safe_on_any_text(text: str) -> None:
    assert_safe_html(sanitize_html(text))
    assert_safe_html(rendered_markdown(html_to_markdown(text)))
    assert not cleaning.UNSAFE_CHARS.search(html_to_text(text))


@PROPERTY
@given(hostile)
def test_text_shown_as_markup_stays_text_in_markdown(text: str) -> None:
    """A paragraph whose text is anything renders, through Markdown, to that text."""
    words = cleaning.normalise_space(text)
    rendered = rendered_markdown(html_to_markdown(f"<p>{escape(words)}</p>"))
    assert_safe_html(rendered)
    if words:
        shown = lxml_html.fragment_fromstring(rendered, create_parent="div").text_content()
        assert cleaning.normalise_space(shown) == words


# Records as the export holds them: text already cleaned (no character JSON or XML
# cannot carry), lists of text, numbers, booleans, null.
record_text = hostile.map(cleaning.repair_text)
records = st.lists(
    st.fixed_dictionaries(
        {
            "title": record_text,
            "summary": record_text,
            "tags": st.lists(record_text, max_size=3),
            "count": st.integers(-(10**6), 10**6),
            "flag": st.booleans(),
            "note": st.none() | record_text,
        }
    ),
    max_size=8,
)
COLUMNS = ["id", "title", "summary", "tags", "count", "flag", "note"]


@PROPERTY
@given(records)
def test_json_and_csv_round_trip_every_record(rows: list[dict]) -> None:
    rows = [{"id": f"article-{n}", **row} for n, row in enumerate(rows)]
    assert json.loads(json_bytes(rows).decode("utf-8")) == rows
    data = csv_bytes(rows, COLUMNS).decode("utf-8")
    assert formula_cells(data) == []
    back = read_csv_rows(data)
    assert len(back) == len(rows)
    for row, record in zip(back, rows, strict=True):
        assert row["title"] == record["title"] and row["summary"] == record["summary"]
        assert json.loads(row["tags"]) == record["tags"]
        assert row["count"] == str(record["count"])
        assert row["flag"] == ("true" if record["flag"] else "false")
        assert row["note"] == (record["note"] or "")


@PROPERTY
@given(st.lists(st.lists(hostile, min_size=2, max_size=2), max_size=6))
def test_the_csv_writer_never_raises_on_any_text(cells: list[list[str]]) -> None:
    rows = [{"a": a, "b": b} for a, b in cells]
    data = csv_bytes(rows, ["a", "b"]).decode("utf-8")
    assert formula_cells(data) == []
