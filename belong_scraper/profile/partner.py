"""Profile sections of a site with one page per partner (a member directory).

``[partner]`` reads the page of one partner (page type `partner`); ``[partner_cards]``
reads the directory cards that link to such pages, a second source for the fields a
partner's own page may lack (the join happens at assembly, assemble.py).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from belong_scraper.profile.fields import Selectors, Text, Words
from belong_scraper.profile.section import Section

# Partner fields a card may give when the partner's page lacks them: plain text fields
# whose absence is no fact of its own (a name or a country makes the record's id).
CARD_FIELDS = ("region", "role_raw", "website")


class OnePartnerRules(Section):
    """Pages of one partner each (page type `partner`): its fields by selector. The id is
    `partner-<country code>-<the URL's slug key>` (the name made a slug when the page type's
    url has no `slug` group)."""

    name: Selectors = Field(default=(), description="The name.", examples=[["h1.entry-title"]])
    country: Selectors = Field(
        default=(),
        description="The country's name (or code) as written: the ISO 3166-1 code is "
        "taken from it (official long forms, other spellings, EU codes EL/UK: "
        "`country_aliases` for spellings ISO does not know).",
        examples=[["dd.member-country"]],
    )
    region: Selectors = Field(default=(), description="The region.",
                              examples=[["dd.member-region"]])  # fmt: skip
    role: Selectors = Field(default=(), description="The role, as written.",
                            examples=[["dd.member-type"]])  # fmt: skip
    website: Selectors = Field(
        default=(),
        description="The website: a link's `href` (the element or its first link), else "
        "the element's text, `https://` prefixed when it has no scheme.",
        examples=[["dd.member-website"]],
    )
    logo: Selectors = Field(
        default=(),
        description="The logo `<img>`: its largest `srcset` candidate, else its `src`.",
        examples=[["figure.member-logo img"]],
    )
    description: Selectors = Field(
        default=(),
        description="The description: EVERY element the selectors match, in page order "
        "(paragraphs after a fact list: `dl.facts ~ p`).",
        examples=[["dl.member-facts ~ p"]],
    )
    country_aliases: dict[Text, Text] = Field(
        default_factory=dict,
        description="Country names ISO 3166-1 does not list (matched ignoring case and "
        "accents) → their alpha-2 code.",
        examples=[{"Turkey": "TR"}],
    )


class PartnerCards(Section):
    """Cards on directory pages, each linking to one partner's page: where a partner's page
    lacks a field, its card gives it (joined at assembly by the linked page's canonical URL)."""

    page_types: Words = Field(
        default=(),
        description="The page types whose pages hold the cards. Default: none (no cards).",
        examples=[["partner_index"]],
    )
    item: Selectors = Field(default=(), description="One card.", examples=[["article.member"]])
    link: Selectors = Field(
        default=(),
        description="Its link to the partner's page, in the card.",
        examples=[["a.entry-title-link"]],
    )
    fields: dict[Text, Selectors] = Field(
        default_factory=dict,
        description="Partner fields a card gives, each by its selectors in the card: "
        f"{', '.join(f'`{name}`' for name in CARD_FIELDS)}.",
        examples=[{"region": [".member-region"]}],
    )

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, fields: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name in fields:
            if name not in CARD_FIELDS:
                known = ", ".join(CARD_FIELDS)
                raise ValueError(f"{name}: no partner field a card may give ({known})")
        return fields
