"""The generic extractor: trafilatura fills a field when the profile's selectors find nothing.

Records filled this way are flagged for review: a generic extractor is a safety net for
pages that drifted from the survey, not a replacement for the profile. It runs only when
a selector for a required field (title, body) found nothing, once per page: one
trafilatura pass gives the body (a second, in recall mode, only where the first found next
to nothing), the metadata comes from the same tree; a missing byline alone never runs it.
``belong-scraper extract --generic`` runs it on its own (benchmarks/extraction.py).

Around trafilatura's precision mode: the tree it gets is prepared (``fallback_input``:
chrome without the wrappers, comments, captions out) and the header it takes for body
text is removed from what it returns (``fallback_header``). Images stay in the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from lxml import html as lxml_html

from belong_scraper.pages.base import Document, HtmlElement
from belong_scraper.pages.fallback_header import description_words, drop_header, title_words
from belong_scraper.pages.fallback_input import generic_input, prune_for_text

# trafilatura and htmldate are imported by the first page that needs them: most runs of a
# profiled site have none, and they cost a tenth of a second and 5 MB to load.
if TYPE_CHECKING:
    from trafilatura.settings import Document as Extraction

# Handed over so that trafilatura does not work out date settings for a date it never
# looks for here (with_metadata is off: the metadata is read once, by ``_metadata``).
NO_DATE_SEARCH = {"extensive_search": False}
SHORT_BODY = 500  # characters: less is no article's body, but a notice or a teaser


@dataclass
class GenericResult:
    title: str = ""
    body_html: str = ""
    date: str | None = None
    author: str | None = None


def generic_extract(doc: Document) -> GenericResult:
    """Title, body, date and author as trafilatura sees the (chrome-free) page; computed
    once per page however many fields fall back to it."""
    cached = doc.__dict__.get("_generic")
    if cached is None:
        cached = doc.__dict__["_generic"] = _extract(doc)
    return cached


def generic_if_run(doc: Document) -> GenericResult | None:
    """What the generic extractor found, when a required field already ran it; else None
    (a field that is not required never runs it on its own)."""
    return doc.__dict__.get("_generic")


def _extract(doc: Document) -> GenericResult:
    from trafilatura.htmlprocessing import convert_to_html
    from trafilatura.utils import normalize_unicode

    tree = generic_input(doc)
    title, author, date = _metadata(tree)  # before pruning: JSON-LD lives in <script>
    prune_for_text(tree)
    # Precision mode: recall mode keeps sidebars and related-article lists. It is tried
    # only where precision mode found next to nothing (a reprint notice, no article),
    # and kept when it finds more.
    result = _body(tree, precision=True)
    if _length(result) < SHORT_BODY:
        recall = _body(tree, precision=False)
        if _length(recall) > _length(result):
            result = recall
    body_html = ""
    if result is not None:
        drop_header(result.body, title_words(doc, title), description_words(doc), author)
        body = convert_to_html(result.body)[0]
        body_html = normalize_unicode(
            escape(body.text or "", quote=False)
            + "".join(lxml_html.tostring(child, encoding="unicode") for child in body)
        )
    return GenericResult(title=title or "", body_html=body_html, date=date, author=author)


def _length(result: Extraction | None) -> int:
    return len(result.text or "") if result is not None else 0


def _body(tree: HtmlElement, *, precision: bool) -> Extraction | None:
    """trafilatura's result with a body, or None. No URL: relative links stay relative,
    resolved against the page by clean_body. trafilatura copies the tree it is given."""
    import trafilatura

    result = trafilatura.bare_extraction(
        tree,
        include_images=True,
        include_links=True,
        include_tables=True,
        include_comments=False,  # readers' comments are no part of the article
        favor_precision=precision,
        favor_recall=not precision,
        output_format="python",
        deduplicate=False,
        date_extraction_params=NO_DATE_SEARCH,
    )
    if not result or isinstance(result, dict) or result.body is None or not len(result.body):
        return None
    return result


def _metadata(tree: HtmlElement) -> tuple[str | None, str | None, str | None]:
    """Title, author and date as trafilatura's ``extract_metadata`` finds them (meta tags,
    then JSON-LD; the title also from the markup), without what is never used here (site
    name, categories, tags, licence) and without its search of the markup for an author:
    that alone cost about a quarter of the whole extraction, for a guess that a record
    would flag for review anyway."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a handle or a site name, as extract_metadata judges it
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # as extract_metadata guards it: its JSON-LD reader has known bugs
        pass
    date = find_date(tree, extensive_search=False, original_date=True)
    return found.title or extract_title(tree), found.author, date
