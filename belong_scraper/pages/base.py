"""The parsed, cleaned document every page object reads, and small selector helpers."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

from lxml import html as lxml_html

from belong_scraper.cleaning import (
    CLEANED_ON_PAGE,
    PhpErrors,
    drop_boilerplate,
    normalise_space,
    parse_html,
    prepare_document,
)
from belong_scraper.compiled import css, xpath
from belong_scraper.profile import SiteProfile
from belong_scraper.urls import Origin, absolute, canonical_url, page_type

HtmlElement = lxml_html.HtmlElement


@dataclass
class Document:
    """One fetched page after decoding, mojibake repair and PHP-error removal.

    ``root`` still has its chrome (menus are where the links are); ``content`` is a copy
    with the chrome and boilerplate removed, which is what fields are read from.
    """

    url: str
    canonical: str
    kind: str
    keys: dict[str, str]
    text: str
    encoding: str
    php_errors: PhpErrors
    root: HtmlElement
    profile: SiteProfile
    origin: Origin

    # Made on first use: a page that no field is read from (a feed, a page only the
    # generic extractor reads) never pays for the copy and the chrome removal.
    @functools.cached_property
    def content(self) -> HtmlElement:
        content = copy.deepcopy(self.root)
        chrome = self.profile.chrome
        drop_boilerplate(content, chrome.remove, chrome.phrases)
        return content

    def content_made(self) -> bool:
        """Whether ``content`` was made already (a page object read a field from it)."""
        return "content" in self.__dict__

    @classmethod
    def from_bytes(
        cls,
        url: str,
        body: bytes,
        content_type: str | None,
        profile: SiteProfile,
        origin: Origin,
    ) -> Document:
        text, encoding, errors = prepare_document(body, content_type)
        canonical = canonical_url(url, origin, profile) or url
        kind, keys = page_type(canonical, profile)
        return cls(
            url=url,
            canonical=canonical,
            kind=kind,
            keys=keys,
            text=text,
            encoding=encoding,
            php_errors=errors,
            root=parse_html(text),
            profile=profile,
            origin=origin,
        )

    def first(
        self, selectors: tuple[str, ...], scope: HtmlElement | None = None
    ) -> HtmlElement | None:
        """The first element matched by a profile key's selectors (tried in order)."""
        scope = self.content if scope is None else scope
        for selector in selectors:
            found = css(selector)(scope)
            if found:
                return found[0]
        return None

    def all(
        self, selectors: tuple[str, ...], scope: HtmlElement | None = None
    ) -> list[HtmlElement]:
        """Every element matched by the first of a profile key's selectors that matches."""
        scope = self.content if scope is None else scope
        for selector in selectors:
            found = css(selector)(scope)
            if found:
                return found
        return []

    def abs(self, href: str | None) -> str | None:
        """An absolute URL; same-site URLs in their canonical spelling."""
        if not href:
            return None
        url = absolute(href, self.url)
        if url is None:
            return None
        return canonical_url(url, self.origin, self.profile) or url

    def html_title(self) -> str:
        titles = xpath("//title")(self.root)
        if not titles:
            return ""
        return self.profile.title_prefix.sub("", normalise_space(titles[0].text_content()))


# The document was repaired and its PHP errors removed once, in from_bytes: what is read
# from it only needs its whitespace collapsed.
def text_of(element: HtmlElement | None) -> str:
    return normalise_space(element.text_content()) if element is not None else ""


def attribute_text(value: str | None) -> str:
    """An attribute value of the document (alt, content) as a plain-text field."""
    return normalise_space(value) if value else ""


def page_evidence(**facts: object) -> dict[str, object]:
    """A record's evidence, saying that its text fields were cleaned on its page."""
    return {CLEANED_ON_PAGE: True, **facts}


def inner_html(element: HtmlElement) -> str:
    """The element's children serialised as HTML (the element's own tag left out)."""
    parts = [element.text or ""]
    for child in element:
        parts.append(lxml_html.tostring(child, encoding="unicode"))
    return "".join(parts)
