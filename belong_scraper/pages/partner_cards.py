"""PartnerCardsPage: the cards of a directory page (profile ``[partner_cards]``), each the
fields one partner's own page may lack, keyed by the canonical URL of that page."""

from __future__ import annotations

from belong_scraper.items import PartnerCard, PartnerCards
from belong_scraper.pages.base import Document, text_of


class PartnerCardsPage:
    def __init__(self, doc: Document):
        self.doc = doc
        self.rules = doc.profile.partner_cards

    def cards(self) -> list[PartnerCard]:
        found: dict[str, PartnerCard] = {}
        for card in self.doc.all(self.rules.item):
            link = self.doc.first(self.rules.link, scope=card)
            url = self.doc.abs(link.get("href") if link is not None else None)
            if not url or url in found:
                continue
            fields = {}
            for name, selectors in self.rules.fields.items():
                value = text_of(self.doc.first(selectors, scope=card))
                if value:
                    fields[name] = value
            found[url] = PartnerCard(url=url, fields=fields)
        return list(found.values())

    def to_item(self) -> PartnerCards:
        return PartnerCards(
            url=self.doc.canonical,
            kind=self.doc.kind,
            page=int(self.doc.keys.get("page", 1)),
            cards=self.cards(),
        )
