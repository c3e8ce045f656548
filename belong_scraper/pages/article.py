"""ArticlePage: one news article (both templates) to an Article item."""

from __future__ import annotations

import re

from belong_scraper.cleaning import normalise_space
from belong_scraper.compiled import css, xpath
from belong_scraper.dates import FoundDate, find_date
from belong_scraper.image_files import full_size_url
from belong_scraper.items import Article, article_id
from belong_scraper.pages.base import Document, attribute_text, inner_html, page_evidence, text_of
from belong_scraper.pages.fallback import generic_extract, generic_if_run


class ArticlePage:
    def __init__(self, doc: Document):
        self.doc = doc
        self.profile = doc.profile
        self.rules = doc.profile.article
        self.fallbacks: list[str] = []

    def to_item(self) -> Article:
        legacy_id = self.legacy_id()
        title = self.title()
        body_el = self.doc.first(self.rules.body)
        if body_el is not None:
            body_raw = inner_html(body_el)
        else:
            body_raw = generic_extract(self.doc).body_html
            self.fallbacks.append("body")
        found_date, date_source = self.date()
        author = self.author()
        flags = [f"generic-extractor:{name}" for name in self.fallbacks]
        return Article(
            id=article_id(legacy_id),
            legacy_id=legacy_id,
            source_url=self.doc.canonical,
            title=title,
            published=found_date.value.isoformat() if found_date else None,
            published_raw=found_date.raw if found_date else None,
            date_source=date_source,
            author=author,
            body_html=body_raw,
            images=self.lead_images(),
            attachments=self.attachments(),
            tags=self.tags(),
            categories=self.names(self.rules.categories),
            php_errors_removed=self.doc.php_errors.total,
            review_flags=flags,
            evidence=page_evidence(
                html_lang=(self.doc.root.get("lang") or "").split("-")[0].lower() or None,
                description=self.meta_description(),
                **({"continued_at": later} if (later := self.continued_at()) else {}),
            ),
        )

    def continued_at(self) -> list[str]:
        """The canonical URLs of the article's further pages, in page order."""
        found: list[str] = []
        for link in self.doc.all(self.rules.continued, scope=self.doc.root):
            url = self.doc.abs(link.get("href"))
            if url and url != self.doc.canonical and url not in found:
                found.append(url)
        return found

    def continued_body(self) -> str:
        """This page's part of the body, when it is a further page of an article."""
        body = self.doc.first(self.rules.body)
        return inner_html(body) if body is not None else ""

    def legacy_id(self) -> int:
        """The id from the URL's ``id`` key, else from where the page states it."""
        if "id" in self.doc.keys:
            return int(self.doc.keys["id"])
        for source in self.rules.id_from:
            for element in self.doc.all(source.selector, scope=self.doc.root):
                value = element.get(source.attribute) if source.attribute else text_of(element)
                match = source.pattern.search(value or "")
                if match:
                    return int(match.group("id"))
        raise ValueError("no article id: the URL has no id and no [article] id_from matched")

    def title(self) -> str:
        title = text_of(self.doc.first(self.rules.title))
        if not title:
            title = self.doc.html_title() or generic_extract(self.doc).title
            self.fallbacks.append("title")
        return title

    def date(self) -> tuple[FoundDate | None, str]:
        """The date, parsed once here (the pipeline uses it), and where it was found."""
        label = self.profile.dates.label
        element = self.doc.first(self.rules.date)
        if element is not None:
            text = label.sub("", text_of(element))
            found = find_date(text, self.profile.languages)
            if found:
                return found, "date-block"
        for selector in self.rules.meta_date:
            for meta in css(selector)(self.doc.root):
                found = find_date(meta.get("content") or "", self.profile.languages)
                if found:
                    return found, "meta"
        return None, "none"

    def author(self) -> str | None:
        after = self.rules.author_after
        prefix = self.rules.author_prefix
        bylines = {
            element for selector in self.rules.byline for element in css(selector)(self.doc.content)
        }
        for selector in self.rules.author:
            for element in css(selector)(self.doc.content):
                text = text_of(element)
                match = after.search(text)
                if match:
                    return normalise_space(match.group("author")) or None
                if element in bylines and text:
                    return prefix.sub("", text).strip() or None
        # Many articles name no author, and a missing byline is no failure: the generic
        # extractor never runs for it. Its guess is taken, flagged for review, only when
        # a required field (title, body) already ran it on this page.
        generic = getattr(generic_if_run(self.doc), "author", None)
        if generic:
            self.fallbacks.append("author")
            return normalise_space(prefix.sub("", generic)) or None
        return None

    def tags(self) -> list[str]:
        return self.names(self.rules.tags)

    def names(self, selectors: tuple[str, ...]) -> list[str]:
        """The texts of the links a key selects, once each, in page order."""
        names = [text_of(a) for a in self.doc.all(selectors)]
        return list(dict.fromkeys(n for n in names if n))

    def lead_images(self) -> list[dict[str, str | None]]:
        images = []
        for box in self.doc.all(self.rules.lead_image):
            credit_el = self.doc.first(self.profile.image.credit, scope=box)
            caption_el = self.doc.first(self.profile.image.caption, scope=box)
            credit = text_of(credit_el)
            credit = re.sub(r"^\[\s*|\s*\]$", "", credit) or None
            for img in box.iter("img"):
                url = self.doc.abs(full_size_url(img, self.doc.url, self.profile))
                if url:
                    images.append(
                        {
                            "url": url,
                            "alt": attribute_text(img.get("alt")),
                            "caption": text_of(caption_el) or None,
                            "credit": credit,
                        }
                    )
        return images

    def attachments(self) -> list[dict[str, str]]:
        size_note = self.profile.attachments.size_note
        found = []
        for link in self.doc.all(self.rules.attachments):
            url = self.doc.abs(link.get("href"))
            if url:
                title = size_note.sub("", text_of(link)) or url.rsplit("/", 1)[-1]
                found.append({"url": url, "title": title})
        return found

    def meta_description(self) -> str | None:
        for meta in xpath('//meta[@name="description"]')(self.doc.root):
            text = attribute_text(meta.get("content"))
            if text:
                return text
        return None
