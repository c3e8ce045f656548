"""Find every link a page offers: anchors, option values, data-* JSON, scripts, feeds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urlsplit

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
        elif tag == "link":
            rels = (element.get("rel") or "").lower().split()
            if "alternate" in rels:  # feeds and translations
                add(element.get("href"), "feed")
            elif "shortlink" in rels:
                # The page's own short spelling (/?p=N): old content and other sites link
                # to it, so its redirect belongs in the map.
                add(element.get("href"), "shortlink")
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


GUID = re.compile(r"<guid(\s[^>]*)?>(.*?)</guid\s*>", re.IGNORECASE | re.DOTALL)
CDATA = re.compile(r"^<!\[CDATA\[(.*)\]\]>$", re.DOTALL)
NOT_PERMALINK = re.compile(r"""isPermaLink\s*=\s*["']?\s*false""", re.IGNORECASE)


def feed_links(text: str, base: str) -> list[tuple[str, str]]:
    """Item links of an RSS/Atom feed, parsed leniently (the legacy feed is not well-formed)."""
    parsed = feedparser.parse(text, resolve_relative_uris=False, sanitize_html=False)
    found: list[tuple[str, str]] = []
    candidates = [parsed.feed.get("link")]
    # A guid is a page only when it is an absolute http(s) URL not marked
    # isPermaLink="false"; "123@site", a urn or a tag: URI is a name, never a page.
    names: set[str] = set()
    for attributes, value in GUID.findall(text):
        value = html_unescape(CDATA.sub(r"\1", value.strip()).strip())
        if urlsplit(value).scheme in ("http", "https") and not NOT_PERMALINK.search(attributes):
            candidates.append(value)
        else:
            names.add(value)
    for entry in parsed.entries:
        # feedparser makes a link of a permalink guid when an item has no <link>.
        candidates += [link for link in [entry.get("link")] if link not in names]
        candidates += [link.get("href") for link in entry.get("links", [])
                       if link.get("href") not in names]  # fmt: skip
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
