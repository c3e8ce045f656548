"""Find every link a page offers: anchors, option values, data-* JSON, scripts, feeds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import feedparser
from lxml import html as lxml_html

from belong_scraper.urls import absolute

# location='/x', location.href="/x", window.open('/x'): navigation written in handlers.
SCRIPTED_NAVIGATION = re.compile(
    r"""(?:location(?:\.href)?\s*=|window\.open\s*\()\s*['"]([^'"]+)['"]"""
)
# A string inside data-* JSON that is a link: absolute, root-relative or a .php target.
LINKISH = re.compile(r"^(?:https?://|/|[\w-]+\.php\b)")


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def html_links(root: lxml_html.HtmlElement, base: str) -> list[tuple[str, str]]:
    """(absolute URL, how it was found) for every link in the document, in page order."""
    found: list[tuple[str, str]] = []

    def add(href: str | None, via: str) -> None:
        url = absolute(href or "", base)
        if url:
            found.append((url.split("#", 1)[0], via))

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in ("a", "area"):
            add(element.get("href"), "a")
        elif tag == "option":
            add(element.get("value"), "option")
        elif tag == "link" and "alternate" in (element.get("rel") or "").lower():
            add(element.get("href"), "feed")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("data-") and value:
                value = value.strip()
                if value[:1] in "[{":
                    try:
                        strings = list(_json_strings(json.loads(value)))
                    except ValueError:
                        strings = re.findall(r"""["']([^"']+)["']""", value)
                else:
                    strings = [value]
                for string in strings:
                    if LINKISH.match(string.strip()):
                        add(string.strip(), "data")
            elif name.startswith("on") and value:
                for target in SCRIPTED_NAVIGATION.findall(value):
                    add(target, "script")
    return found


def feed_links(text: str, base: str) -> list[tuple[str, str]]:
    """Item links of an RSS/Atom feed, parsed leniently (the legacy feed is not well-formed)."""
    parsed = feedparser.parse(text, resolve_relative_uris=False, sanitize_html=False)
    found: list[tuple[str, str]] = []
    candidates = [parsed.feed.get("link")]
    for entry in parsed.entries:
        candidates += [entry.get("link"), entry.get("id")]
        candidates += [link.get("href") for link in entry.get("links", [])]
    for href in candidates:
        url = absolute(href or "", base)
        if url and url.startswith("http"):
            found.append((url.split("#", 1)[0], "feed"))
    if not parsed.entries:
        # feedparser gives up on some broken feeds: fall back to the raw <link> elements.
        for href in re.findall(r"<link>\s*([^<\s]+)\s*</link>", text):
            url = absolute(href, base)
            if url:
                found.append((url.split("#", 1)[0], "feed"))
    return found
