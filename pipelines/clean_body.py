"""CleanBodyPipeline: sanitize every HTML field; pull embeds, credits and documents out."""

from __future__ import annotations

from typing import Any

from belong_scraper.cleaning import cleaned_on_page
from belong_scraper.image_files import upload_key
from belong_scraper.items import Article, Cluster, Page, Partner
from belong_scraper.sanitize import clean_body
from pipelines.base import ProfilePipeline, rejects_failures


class CleanBodyPipeline(ProfilePipeline):
    @rejects_failures
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            self._article(item)
        elif isinstance(item, Page):
            body = self._clean(item, item.body_html)
            item.body_html, item.body_markdown, item.body_text = body.html, body.markdown, body.text
        elif isinstance(item, Cluster):
            body = self._clean(item, item.intro_html)
            item.intro_html, item.intro_text = body.html, body.text
        elif isinstance(item, Partner):
            body = self._clean(item, item.description_html)
            item.description_html, item.description_text = body.html, body.text
        return item

    def _clean(self, item: Any, html: str):
        # A record from a page object was cleaned once on its page: not again here.
        return clean_body(
            html,
            item.source_url,
            self.origin_of(item.source_url),
            self.profile,
            on_page=cleaned_on_page(item),
        )

    def _article(self, item: Article) -> None:
        body = self._clean(item, item.body_html)
        item.body_html, item.body_markdown, item.body_text = body.html, body.markdown, body.text
        item.embeds = body.embeds
        images = list(item.images)
        # One upload is one image, whatever size each place shows: the lead image first,
        # completed by the body's figure of the same upload when that has a caption.
        known = {upload_key(image["url"], self.profile): image for image in images}
        for image in body.images:
            key = upload_key(image["url"], self.profile)
            if key not in known:
                images.append(image)
                known[key] = image
            else:
                first = known[key]
                for name in ("caption", "credit"):
                    first[name] = first.get(name) or image.get(name)
        # A credit line that follows no image in the body belongs to the lead image.
        for credit in body.stray_credits:
            target = next((i for i in images if not i.get("credit")), None)
            if target is not None:
                target["credit"] = credit
        item.images = images
        size_note = self.profile.attachments.size_note
        attached = {a["url"] for a in item.attachments}
        for document in body.documents:
            if document["url"] not in attached:
                title = size_note.sub("", document["title"]) or document["url"].rsplit("/", 1)[-1]
                item.attachments.append({"url": document["url"], "title": title})
                attached.add(document["url"])
        item.evidence["body_chars"] = len(body.text)
