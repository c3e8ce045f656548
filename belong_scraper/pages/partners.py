"""PartnerPage: the partners of one country page to Partner items."""

from __future__ import annotations

from slugify import slugify

from belong_scraper.compiled import xpath
from belong_scraper.items import Partner, partner_id
from belong_scraper.normalise import country_code
from belong_scraper.pages.base import Document, inner_html, page_evidence, text_of


class PartnerPage:
    def __init__(self, doc: Document):
        self.doc = doc
        self.profile = doc.profile
        self.rules = doc.profile.partners

    def to_items(self) -> list[Partner]:
        code = country_code(self.doc.keys["country"]) or self.doc.keys["country"].upper()
        label = self.rules.region_label
        partners = []
        for box in self.doc.all(self.rules.item):
            name = text_of(self.doc.first(self.rules.name, scope=box))
            if not name:
                continue
            region = label.sub("", text_of(self.doc.first(self.rules.region, scope=box)))
            website = self.doc.first(self.rules.website, scope=box)
            logo = self.doc.first(self.rules.logo, scope=box)
            desc = self.doc.first(self.rules.description, scope=box)
            slug = slugify(name, max_length=60, word_boundary=True) or "partner"
            partners.append(
                Partner(
                    id=partner_id(code, slug),
                    name=name,
                    country_code=code,
                    region=region or None,
                    role_raw=text_of(self.doc.first(self.rules.role, scope=box)),
                    website=self.doc.abs(website.get("href")) if website is not None else None,
                    logo_url=self.doc.abs(logo.get("src")) if logo is not None else None,
                    description_html=inner_html(desc) if desc is not None else "",
                    source_url=self.doc.canonical,
                    evidence=page_evidence(heading=self._heading()),
                )
            )
        return partners

    def _heading(self) -> str:
        heading = xpath("//h1")(self.doc.content)
        prefix = self.rules.heading_prefix
        return prefix.sub("", text_of(heading[0])) if heading else ""
