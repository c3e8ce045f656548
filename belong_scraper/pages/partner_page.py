"""OnePartnerPage: a page of one partner (a member directory's entry) to one Partner item.

The legacy site lists partners in boxes on country pages (pages/partners.py); a directory
site gives each partner its own page, read here by the profile's ``[partner]`` selectors.
"""

from __future__ import annotations

import copy
import re

from lxml import html as lxml_html
from slugify import slugify

from belong_scraper.image_files import full_size_url
from belong_scraper.items import Partner, partner_id
from belong_scraper.normalise import country_code
from belong_scraper.pages.base import Document, HtmlElement, page_evidence, text_of

# Where an <img> keeps its candidates: lazy loaders move srcset/src to data-* attributes
# and leave a data: placeholder in src.
HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class OnePartnerPage:
    def __init__(self, doc: Document):
        self.doc = doc
        self.rules = doc.profile.partner

    def to_item(self) -> Partner | None:
        name = text_of(self.doc.first(self.rules.name))
        if not name:
            return None
        country = text_of(self.doc.first(self.rules.country))
        aliases = self.rules.country_aliases
        code = country_code(country, aliases) or country_code(self.doc.keys.get("country", ""))
        flags = [] if code else ["unknown-country-code"]
        # ISO's user-assigned "unknown": the record stays valid, its flag says why.
        code = code or "XX"
        slug = self.doc.keys.get("slug") or slugify(name, max_length=60, word_boundary=True)
        slug = slugify(slug) or "partner"
        return Partner(
            id=partner_id(code, slug),
            name=name,
            country_code=code,
            region=text_of(self.doc.first(self.rules.region)) or None,
            role_raw=text_of(self.doc.first(self.rules.role)),
            website=self.website(),
            logo_url=self.logo(),
            description_html=self.description(),
            source_url=self.doc.canonical,
            review_flags=flags,
            evidence=page_evidence(heading=country),
        )

    def website(self) -> str | None:
        element = self.doc.first(self.rules.website)
        if element is None:
            return None
        link = element if element.tag == "a" else next(iter(element.iter("a")), None)
        href = link.get("href") if link is not None else None
        if href and href.strip():
            return self.doc.abs(href.strip())
        text = text_of(element)
        if not text:
            return None
        return text if HAS_SCHEME.match(text) else f"https://{text}"

    def logo(self) -> str | None:
        image = self.doc.first(self.rules.logo)
        if image is None:
            return None
        if image.tag != "img":
            image = next(iter(image.iter("img")), None)
            if image is None:
                return None
        # The rule body images follow (the profile's [image] keys): srcset, lazy-load
        # attributes, the size suffix.
        return self.doc.abs(full_size_url(image, self.doc.url, self.doc.profile))

    def description(self) -> str:
        parts = [
            _outer_html(element)
            for selector in self.rules.description
            for element in self.doc.all((selector,))
        ]
        return "\n".join(parts)


def _outer_html(element: HtmlElement) -> str:
    """The element itself as HTML, without the text that follows it in its parent."""
    copied = copy.deepcopy(element)
    copied.tail = None
    return lxml_html.tostring(copied, encoding="unicode")
