"""The article header the generic extractor takes for body text: the headline (with a
kicker, logo or print header before it), then the standfirst and a byline after it."""

from __future__ import annotations

import re

from lxml import etree

from belong_scraper.pages.base import Document

WORD = re.compile(r"\w+")
HEADER_BLOCKS = 6  # how far into the body a repeated headline is looked for
SHORT = 160  # characters: a kicker, a byline, a date line; not a paragraph
LONGEST_TITLE = 300  # characters
SUFFIX_WORDS = 5  # a site's name after the headline in <title>: "Headline - The Daily Star"
Words = tuple[str, ...]


def words(text: str | None) -> Words:
    return tuple(WORD.findall((text or "").casefold()))


def title_words(doc: Document, found: str | None) -> list[Words]:
    """The headline's candidates: the title found, ``<title>``, og:title, every ``<h1>``."""
    candidates = [found, doc.html_title(), *_meta(doc, "og:title")]
    candidates += [h.text_content() for h in doc.root.iter("h1")]
    return [w for w in dict.fromkeys(words(c) for c in candidates) if w]


def description_words(doc: Document) -> set[Words]:
    found = _meta(doc, "description", "og:description")
    return {w for w in (words(d) for d in found) if w}


def _meta(doc: Document, *names: str) -> list[str]:
    """The content of the head's <meta name|property=…> tags (the head only: a search of
    the whole tree, once per name, costs more than the rest of this module)."""
    head = doc.root.find("head")
    if head is None:
        return []
    return [
        meta.get("content") or ""
        for meta in head.iter("meta")
        if (meta.get("name") or meta.get("property") or "").lower() in names
    ]


def is_title(block: Words, titles: list[Words]) -> bool:
    """The block repeats the headline: the same words, or the page title is the headline
    with the site's name after it ("Headline | Site"), or the title is the headline cut
    short. A few words of the title ("The Palace") are not the headline."""
    if not block:
        return False
    for title in titles:
        if block == title:
            return True
        short, long = sorted((block, title), key=len)
        if long[: len(short)] == short and len(short) >= max(3, len(long) - SUFFIX_WORDS):
            return True
    return False


def drop_header(
    body: etree._Element, titles: list[Words], descriptions: set[Words], author: str | None
) -> None:
    """Remove, from the top of trafilatura's body tree, the headline and what stands
    before it (short blocks only: a kicker, a print header, a logo), the date line or
    byline right after it, then a standfirst (a heading that repeats the page's
    description) and a byline (a short block naming the author)."""
    while len(body) == 1 and body[0].tag == "div" and not (body.text or "").strip():
        body = body[0]  # one wrapper: its blocks are the body's
    blocks = list(body)[:HEADER_BLOCKS]
    found = next(
        (
            i
            for i, block in enumerate(blocks)
            if len(_text(block)) <= LONGEST_TITLE and is_title(words(_text(block)), titles)
        ),
        None,
    )
    if found is None:
        return
    before, headline = blocks[:found], blocks[found]
    if all(len(_text(b)) + len((b.tail or "").strip()) <= SHORT for b in before):
        for block in before:
            body.remove(block)  # with its tail: the kicker's or the print header's
    if len((headline.tail or "").strip()) <= SHORT:
        headline.tail = None  # a date line or byline after the headline
    _remove(headline)
    author_words = words(author)
    for block in list(body)[:2]:
        text = _text(block)
        block_words = words(text)
        standfirst = block.tag == "head" and block_words in descriptions
        byline = len(text) <= SHORT and bool(author_words) and _has(block_words, author_words)
        if not (standfirst or byline):
            break
        _remove(block)


def _text(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


def _has(haystack: Words, needle: Words) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _remove(element: etree._Element) -> None:
    """Drop an element, keeping its tail (text after it belongs to the parent)."""
    parent = element.getparent()
    if (element.tail or "").strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
