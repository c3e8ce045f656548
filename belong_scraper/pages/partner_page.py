"""OnePartnerPage: a page of one partner (a member directory's entry) to one Partner item.

The legacy site lists partners in boxes on country pages (pages/partners.py); a directory
site gives each partner its own page, read here by the profile's ``[partner]`` selectors.
"""

from __future__ import annotations

import copy
import re

from lxml import html as lxml_html
from slugify import slugify

from belong_scraper.items import Partner
from belong_scraper.normalise import country_code
from belong_scraper.pages.base import Document, HtmlElement, page_evidence, text_of

# Where an <img> keeps its candidates: lazy loaders move srcset/src to data-* attributes
# and leave a data: placeholder in src.
SRCSET_ATTRIBUTES = ("srcset", "data-lazy-srcset", "data-srcset")
SRC_ATTRIBUTES = ("data-lazy-src", "data-src", "src")
CANDIDATE_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([wx])$")
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
            id=f"partner-{code.lower()}-{slug}"[:64].rstrip("-"),
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
        # TODO(content helper): one shared full-size rule for body images and logos
        # (size suffixes, -scaled); until then the largest declared candidate.
        return self.doc.abs(largest_candidate(image))

    def description(self) -> str:
        parts = [
            _outer_html(element)
            for selector in self.rules.description
            for element in self.doc.all((selector,))
        ]
        return "\n".join(parts)


def largest_candidate(image: HtmlElement) -> str | None:
    """The widest (or densest) ``srcset`` candidate of an image, else its ``src``; never a
    ``data:`` placeholder."""
    best: tuple[float, str] | None = None
    for attribute in SRCSET_ATTRIBUTES:
        for candidate in (image.get(attribute) or "").split(","):
            words = candidate.split()
            if not words or words[0].startswith("data:"):
                continue
            size = CANDIDATE_SIZE.match(words[1]) if len(words) > 1 else None
            value = float(size[1]) if size else 1.0
            if best is None or value > best[0]:
                best = (value, words[0])
        if best is not None:
            return best[1]
    for attribute in SRC_ATTRIBUTES:
        value = (image.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def _outer_html(element: HtmlElement) -> str:
    """The element itself as HTML, without the text that follows it in its parent."""
    copied = copy.deepcopy(element)
    copied.tail = None
    return lxml_html.tostring(copied, encoding="unicode")
