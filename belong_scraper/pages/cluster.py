"""ClusterPage: a knowledge transfer cluster, its intro and its related news."""

from __future__ import annotations

from belong_scraper.items import Cluster, cluster_id
from belong_scraper.pages.base import Document, inner_html, page_evidence, text_of
from belong_scraper.pages.listing import TeaserPage


class ClusterPage:
    def __init__(self, doc: Document):
        self.doc = doc

    def to_item(self) -> Cluster:
        legacy_id = int(self.doc.keys["id"])
        rules = self.doc.profile.cluster
        intro = self.doc.first(rules.intro)
        flags = []
        title = text_of(self.doc.first(rules.title))
        if not title:
            title = self.doc.html_title()
            flags.append("generic-extractor:title")
        return Cluster(
            id=cluster_id(legacy_id),
            legacy_id=legacy_id,
            title=title,
            intro_html=inner_html(intro) if intro is not None else "",
            related_articles=[t.article_id for t in TeaserPage(self.doc).teasers() if t.article_id],
            source_url=self.doc.canonical,
            review_flags=flags,
            evidence=page_evidence(),
        )
