"""StaticPage and HomePage: the static pages (about, contact, ...) and the home intro."""

from __future__ import annotations

import copy

from belong_scraper.compiled import css, xpath
from belong_scraper.items import Page, page_id
from belong_scraper.pages.base import Document, inner_html, page_evidence, text_of
from belong_scraper.pages.fallback import generic_extract
from belong_scraper.profile.model import TitleBody


class StaticPage:
    def __init__(self, doc: Document):
        self.doc = doc
        self.rules: TitleBody = doc.profile.static

    def key(self) -> str:
        # A key read from a path (about/governance) has its slashes as dashes: the
        # contract's page-<key> id holds no slash.
        return self.doc.keys.get("key", "home").strip("/").replace("/", "-")

    def to_item(self) -> Page:
        flags: list[str] = []
        title_el = self.doc.first(self.rules.title)
        title = text_of(title_el) or self.doc.html_title()
        body = self.body(title_el)
        if not body.strip():
            body = generic_extract(self.doc).body_html
            flags.append("generic-extractor:body")
        key = self.key()
        return Page(
            id=page_id(key),
            key=key,
            title=title,
            body_html=body,
            source_url=self.doc.canonical,
            review_flags=flags,
            evidence=page_evidence(),
        )

    def body(self, title_el) -> str:
        element = self.doc.first(self.rules.body)
        if element is None:
            return ""
        element = copy.deepcopy(element)
        for heading in xpath(".//h1")(element):
            if text_of(heading) == text_of(title_el):
                heading.drop_tree()
                break
        return inner_html(element)


class HomePage(StaticPage):
    """The home page's own text: intro and approach blocks, not teasers or selectors."""

    def __init__(self, doc: Document):
        super().__init__(doc)
        self.rules = doc.profile.home

    def body(self, title_el) -> str:
        parts = []
        for selector in self.rules.body:
            for element in css(selector)(self.doc.content):
                element = copy.deepcopy(element)
                for heading in xpath(".//h1")(element):
                    if title_el is not None and text_of(heading) == text_of(title_el):
                        heading.drop_tree()
                parts.append(inner_html(element))
        return "\n".join(parts)
