"""FieldLimitsPipeline: cap the length of every text field a CMS stores, with a review flag.

A page under the byte bound can still hold a 5 MB title or a tag list of thousands (a
template loop gone wrong). Fields over their cap (``FIELD_MAX_CHARS``, characters) are
cut, at a block boundary for HTML and at a word or paragraph for text, and the record is
flagged ``field-truncated:<field>`` (its original length in ``evidence``) for review.
"""

from __future__ import annotations

from html import escape
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from scrapy.crawler import Crawler

from belong_scraper.items import Article, Cluster, Page, Partner
from pipelines.base import rejects_failures

# Characters. Generous for real content (the longest fixture article body is ~20 kB).
DEFAULT_FIELD_MAX_CHARS: dict[str, int] = {
    "title": 500,
    "summary": 2_000,
    "author": 300,
    "body_html": 1_000_000,
    "body_markdown": 1_000_000,
    "body_text": 1_000_000,
    "intro_html": 200_000,
    "intro_text": 200_000,
    "name": 300,
    "region": 300,
    "role_raw": 300,
    "website": 2_000,
    "description_html": 200_000,
    "description_text": 200_000,
    "tag": 100,  # each tag name
    "tags": 200,  # tags per record
}
HTML_FIELDS = ("body_html", "intro_html", "description_html")
MARKDOWN_FIELDS = ("body_markdown",)
RECORDS = (Article, Partner, Cluster, Page)


class FieldLimitsPipeline:
    def __init__(self, caps: dict[str, int]):
        self.caps = caps

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldLimitsPipeline:
        return cls(field_caps(crawler.settings))

    @rejects_failures
    def process_item(self, item: Any) -> Any:
        if isinstance(item, RECORDS):
            cap_fields(item, self.caps)
        return item


def field_caps(settings: Any) -> dict[str, int]:
    """The caps in force: the defaults, then ``FIELD_MAX_CHARS``. The export applies the
    same caps again to what assembly adds (summaries from teasers, tags from tag pages)."""
    caps = {**DEFAULT_FIELD_MAX_CHARS, **settings.getdict("FIELD_MAX_CHARS")}
    return {name: int(value) for name, value in caps.items()}


def cap_fields(record: Any, caps: dict[str, int]) -> list[str]:
    """Cut the record's over-long fields in place; returns the names of those cut."""
    cut: list[str] = []
    for name, limit in caps.items():
        value = getattr(record, name, None)
        if not isinstance(value, str) or len(value) <= limit:
            continue
        if name in HTML_FIELDS:
            shorter = truncate_html(value, limit)
        elif name in MARKDOWN_FIELDS:
            shorter = truncate_text(value, limit, breaks=("\n\n", "\n", " "))
        else:
            shorter = truncate_text(value, limit)
        setattr(record, name, shorter)
        _flag(record, name, len(value))
        cut.append(name)
    tags = getattr(record, "tags", None)
    if isinstance(tags, list):
        tag_cap, count_cap = caps.get("tag"), caps.get("tags")
        if tag_cap and any(len(t) > tag_cap for t in tags if isinstance(t, str)):
            longest = max(len(t) for t in tags if isinstance(t, str))
            tags[:] = [truncate_text(t, tag_cap) if isinstance(t, str) else t for t in tags]
            _flag(record, "tag", longest)
            cut.append("tag")
        if count_cap and len(tags) > count_cap:
            _flag(record, "tags", len(tags))
            del tags[count_cap:]
            cut.append("tags")
    return cut


def _flag(record: Any, name: str, original: int) -> None:
    flag = f"field-truncated:{name}"
    if flag not in record.review_flags:
        record.review_flags.append(flag)
    record.evidence.setdefault("truncated_fields", {})[name] = original


def truncate_text(text: str, limit: int, breaks: tuple[str, ...] = (" ",)) -> str:
    """At most ``limit`` characters, ending at a break when one is near the end."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for mark in breaks:
        at = head.rfind(mark)
        if at >= limit * 0.8:
            return head[:at].rstrip()
    return head


def truncate_html(html: str, limit: int) -> str:
    """The leading top-level blocks of an HTML fragment that fit in ``limit``
    characters, re-serialised (so no tag is left open); when even the first block is
    too long, its text, escaped, in a paragraph."""
    if len(html) <= limit:
        return html
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return escape(truncate_text(html, max(0, limit // 2)))
    parts: list[str] = []
    size = 0
    if root.text:
        lead = escape(root.text, quote=False)
        if len(lead) > limit:
            return _paragraph(root.text, limit)
        parts.append(lead)
        size = len(lead)
    for child in root:
        piece = lxml_html.tostring(child, encoding="unicode", with_tail=False)
        if child.tail:
            piece += escape(child.tail, quote=False)
        if size + len(piece) > limit:
            break
        parts.append(piece)
        size += len(piece)
    if not parts:
        return _paragraph(root.text_content(), limit)
    return "".join(parts)


def _paragraph(text: str, limit: int) -> str:
    room = max(0, limit - len("<p></p>"))
    body = truncate_text(text, room)
    while len(escape(body, quote=False)) > room:  # escaping lengthens & < >
        body = body[: max(0, len(body) - (len(escape(body, quote=False)) - room))]
    return f"<p>{escape(body, quote=False)}</p>"
