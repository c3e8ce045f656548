"""Page objects: plain classes, a parsed Document in, items out, no I/O."""

from belong_scraper.pages.article import ArticlePage
from belong_scraper.pages.base import Document
from belong_scraper.pages.cluster import ClusterPage
from belong_scraper.pages.listing import TeaserPage
from belong_scraper.pages.partner_cards import PartnerCardsPage
from belong_scraper.pages.partner_page import OnePartnerPage
from belong_scraper.pages.partners import PartnerPage
from belong_scraper.pages.static import HomePage, StaticPage

__all__ = [
    "ArticlePage",
    "ClusterPage",
    "Document",
    "HomePage",
    "OnePartnerPage",
    "PartnerCardsPage",
    "PartnerPage",
    "StaticPage",
    "TeaserPage",
    "extract",
]


def extract(doc: Document) -> list[object]:
    """Every item a page yields, by its page type; every record of a page a PHP fatal
    error cut short is flagged for review, whatever its type."""
    items = _extract(doc)
    if doc.php_errors.fatal:
        for item in items:
            flags = getattr(item, "review_flags", None)
            if flags is not None and "truncated-by-fatal-error" not in flags:
                flags.append("truncated-by-fatal-error")
    return items


def _extract(doc: Document) -> list[object]:
    if doc.kind in doc.profile.partner_cards.page_types:
        return [PartnerCardsPage(doc).to_item(), *_by_kind(doc)]
    return _by_kind(doc)


def _by_kind(doc: Document) -> list[object]:
    if doc.kind == "article":
        return [ArticlePage(doc).to_item()]
    if doc.kind in ("listing", "tag"):
        return [TeaserPage(doc).to_item()]
    if doc.kind == "partners":
        return list(PartnerPage(doc).to_items())
    if doc.kind == "partner":
        partner = OnePartnerPage(doc).to_item()
        return [partner] if partner is not None else []
    if doc.kind == "cluster":
        return [ClusterPage(doc).to_item(), TeaserPage(doc).to_item()]
    if doc.kind == "static":
        return [StaticPage(doc).to_item()]
    if doc.kind == "home":
        return [HomePage(doc).to_item(), TeaserPage(doc).to_item()]
    return []
