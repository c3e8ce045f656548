"""NormalisePipeline: per-record fields to the contract's forms (dates, roles, codes, language).

What needs other records (year-less dates, summaries from teasers, slugs) is done when
the crawl ends, in belong_scraper.assemble.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from belong_scraper.cleaning import clean_inline_text, cleaned_on_page, normalise_space
from belong_scraper.dates import find_date, find_prose_date
from belong_scraper.items import Article, Cluster, Page, Partner, field_values
from belong_scraper.normalise import (
    clean_author,
    country_code,
    country_name,
    detect_language,
    first_sentences,
    partner_role,
)
from belong_scraper.review import partner_flags
from pipelines.base import ProfilePipeline, rejects_failures


class NormalisePipeline(ProfilePipeline):
    @rejects_failures
    def process_item(self, item: Any) -> Any:
        # Text a page object read was repaired and PHP-error free already (once, on its
        # page): its whitespace is all that is left to settle. Text from elsewhere gets
        # the whole cleaning.
        clean = normalise_space if cleaned_on_page(item) else clean_inline_text
        if isinstance(item, Article):
            self._article(item, clean)
        elif isinstance(item, Partner):
            self._partner(item, clean)
        elif isinstance(item, Cluster):
            item.title = clean(item.title or "")
            item.summary = first_sentences(item.intro_text)
        elif isinstance(item, Page):
            item.title = clean(item.title or "")
        return item

    def _article(self, item: Article, clean: Callable[[str], str]) -> None:
        languages = self.profile.languages
        item.title = clean(item.title or "")
        if item.published_raw and item.published is None:
            # The page object parses the date it finds; a raw date from elsewhere is
            # parsed here.
            found = find_date(item.published_raw, languages)
            item.published = found.value.isoformat() if found else None
        if item.published is None:
            item.date_source = "none"
            prose = find_prose_date(f"{item.title}. {item.body_text[:600]}", languages)
            if prose:
                item.evidence["prose_date"] = prose
        item.author = clean_author(item.author, self.profile.article.author_prefix)
        item.language = detect_language(
            f"{item.title}\n{item.body_text}",
            languages,
            item.evidence.get("html_lang") or self.profile.default_language,
        )
        item.summary = first_sentences(item.body_text)
        for image in item.images:
            image["alt"] = clean(image.get("alt") or "")
            image["credit"] = clean(image.get("credit") or "") or None
            image["caption"] = clean(image.get("caption") or "") or None

    def _partner(self, item: Partner, clean: Callable[[str], str]) -> None:
        code = country_code(item.country_code) or country_code(item.evidence.get("heading", ""))
        if code is None:
            item.review_flags.append("unknown-country-code")
            code = item.country_code.upper()
        item.country_code = code
        item.country = country_name(code) or item.evidence.get("heading", "")
        item.name = clean(item.name or "")
        item.region = clean(item.region or "") or None
        item.role_raw = clean(item.role_raw or "")
        role = partner_role(item.role_raw, self.profile.role_vocab)
        if role is None:
            item.review_flags.append("unknown-role")
            role = "partner"
        item.role = role
        item.review_flags += sorted(partner_flags(field_values(item)) - set(item.review_flags))
