"""What a body's CMS left around its media, made plain before the body is cleaned:
videos in any of their forms to one embed each, emoji images to their characters,
paragraphs stored as blank lines to <p>. Rules from the profile's `[body]` and `[embeds]`."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from belong_scraper.compiled import css
from belong_scraper.profile import SiteProfile
from belong_scraper.urls import absolute

BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n\s*")


def embed_provider(src: str, profile: SiteProfile) -> str | None:
    host = (urlsplit(src).hostname or "").lower()
    for provider, hosts in profile.embeds.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return provider
    return None


def player_url(url: str, profile: SiteProfile) -> str:
    """The video's one URL: the first `[body] embed_players` pattern that matches."""
    for rule in profile.body.embed_players:
        match = rule.pattern.search(url)
        if match:
            return rule.player.replace("{id}", match.group("id"))
    return url


class EmbedCollector:
    """Adds each video once to ``embeds`` (the CleanBody's list), whatever its form."""

    def __init__(self, base: str, profile: SiteProfile, embeds: list[dict[str, str]]):
        self.base, self.profile, self.embeds = base, profile, embeds
        self.seen = {e["url"] for e in embeds}

    def add(self, src: str) -> bool:
        """Whether ``src`` is a video of a known provider (added unless already there)."""
        url = absolute(src.strip(), self.base)
        provider = embed_provider(url or "", self.profile)
        if not url or not provider:
            return False
        url = player_url(url.replace("http://", "https://", 1), self.profile)
        if url not in self.seen:
            self.seen.add(url)
            self.embeds.append({"provider": provider, "url": url})
        return True

    def take_placeholders(self, root: etree._Element) -> None:
        """Lazy-load placeholders and unrendered embed blocks: embeds, then gone."""
        rules = self.profile.body
        for rule in rules.embed_placeholders:
            for selector in rule.selector:
                for element in css(selector)(root):
                    self.add(element.get(rule.attribute) or "")
                    element.drop_tree()
        for selector in rules.embed_urls:
            for element in css(selector)(root):
                text = element.text_content().strip()
                if text and not any(c.isspace() for c in text) and self.add(text):
                    element.drop_tree()


def text_images(root: etree._Element, profile: SiteProfile) -> None:
    """Images standing for a character (`[body] text_images`) become that character."""
    for selector in profile.body.text_images:
        for img in css(selector)(root):
            if img.getparent() is None:
                continue
            img.tail = (img.get("alt") or "") + (img.tail or "")
            img.drop_tree()  # drop_tree keeps the tail: the character stays in place


def blank_line_paragraphs(root: etree._Element, blocks: Collection[str]) -> None:
    """Text and inline elements standing directly in the body, outside any block, made
    into paragraphs, one per run between blank lines (content stored without <p>)."""
    nodes: list[str | etree._Element] = [root.text or ""]
    for child in root:
        nodes += [child, child.tail or ""]
        child.tail = None
    root.text = None
    out: list[etree._Element] = []
    paragraph: etree._Element | None = None

    def add_text(text: str) -> None:
        nonlocal paragraph
        if not text:
            return
        if paragraph is None:
            if not text.strip():
                return
            paragraph = lxml_html.Element("p")
            out.append(paragraph)
            text = text.lstrip()
        if len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "") + text
        else:
            paragraph.text = (paragraph.text or "") + text

    for node in nodes:
        if isinstance(node, str):
            for index, piece in enumerate(BLANK_LINE.split(node)):
                if index:
                    paragraph = None
                add_text(piece)
        elif not isinstance(node.tag, str) or node.tag in blocks:
            paragraph = None
            out.append(node)
        else:
            if paragraph is None:
                paragraph = lxml_html.Element("p")
                out.append(paragraph)
            paragraph.append(node)
    for child in list(root):
        root.remove(child)
    root.extend(out)


def split_at_break_runs(root: etree._Element) -> None:
    """A paragraph holding two or more <br> in a row (nothing but spaces between) is
    split there: the classic editor's blank line inside one <p>."""
    for paragraph in list(root.iter("p")):
        brs = [c for c in paragraph if c.tag == "br"]
        if len(brs) < 2 or paragraph.getparent() is None:
            continue
        pieces: list[etree._Element] = [lxml_html.Element("p")]
        pieces[0].text = paragraph.text
        children = list(paragraph)
        index = 0
        while index < len(children):
            child = children[index]
            run = index
            while (
                run < len(children)
                and children[run].tag == "br"
                and not (children[run].tail or "").strip()
            ):
                run += 1
            if run < len(children) and children[run].tag == "br":
                run += 1  # the run's last <br> may carry the next line's text
            if run - index >= 2:
                following = lxml_html.Element("p")
                following.text = children[run - 1].tail
                pieces.append(following)
                index = run
                continue
            pieces[-1].append(child)
            index += 1
        parent = paragraph.getparent()
        position = parent.index(paragraph)
        tail = paragraph.tail
        parent.remove(paragraph)
        kept = [p for p in pieces if (p.text or "").strip() or len(p)]
        for offset, piece in enumerate(kept):
            parent.insert(position + offset, piece)
        if kept:
            kept[-1].tail = tail
