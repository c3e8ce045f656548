"""TeaserPage: the teasers of a listing, tag, home or cluster page, in page order."""

from __future__ import annotations

from belong_scraper.cleaning import strip_cut_marker
from belong_scraper.compiled import xpath
from belong_scraper.items import Listing, Teaser, article_id
from belong_scraper.pages.base import Document, text_of
from belong_scraper.urls import page_type


class TeaserPage:
    def __init__(self, doc: Document):
        self.doc = doc

    def teasers(self) -> list[Teaser]:
        found: list[Teaser] = []
        seen: set[str] = set()
        rules = self.doc.profile.teaser
        for item in self.doc.all(rules.item, scope=self.doc.root):
            link = self.doc.first(rules.link, scope=item)
            url = self.doc.abs(link.get("href") if link is not None else None)
            if not url:
                continue
            kind, keys = page_type(url, self.doc.profile)
            if kind != "article":
                continue
            teaser_of = article_id(keys["id"]) if "id" in keys else None
            if (teaser_of or url) in seen:
                continue
            seen.add(teaser_of or url)
            excerpt = strip_cut_marker(
                text_of(self.doc.first(rules.excerpt, scope=item)),
                rules.cut_markers,
            )
            thumb = self.doc.first(rules.thumb, scope=item)
            found.append(
                Teaser(
                    article_id=teaser_of,
                    title=text_of(link),
                    excerpt=excerpt,
                    thumb=self.doc.abs(thumb.get("src")) if thumb is not None else None,
                    url=url,
                )
            )
        return found

    def to_item(self) -> Listing:
        keys = self.doc.keys
        tag_name = None
        if self.doc.kind == "tag":
            heading = xpath("//h1|//h2")(self.doc.content)
            text = text_of(heading[0]) if heading else ""
            match = self.doc.profile.tag.heading.match(text)
            tag_name = match["tag"].strip() if match else None
        return Listing(
            url=self.doc.canonical,
            kind=self.doc.kind,
            page=int(keys.get("page", 1)),
            tag=keys.get("tag"),
            tag_name=tag_name,
            teasers=self.teasers(),
        )
