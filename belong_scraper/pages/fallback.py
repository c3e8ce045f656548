"""The generic extractor: trafilatura fills a field when the profile's selectors find nothing.

Records filled this way are flagged for review: a generic extractor is a safety net for
pages that drifted from the survey, not a replacement for the profile. It runs only when
a selector for a required field (title, body) found nothing, once per page (one
trafilatura pass gives the metadata and the body); a missing byline alone never runs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html
from trafilatura.htmlprocessing import build_html_output
from trafilatura.utils import normalize_unicode

from belong_scraper.pages.base import Document


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
    markup = lxml_html.tostring(doc.content, encoding="unicode")
    # One pass: the metadata and the body tree, which trafilatura's own HTML output
    # function renders (what a second ``trafilatura.extract`` pass used to extract again).
    # No URL: relative links stay relative, resolved against the page by clean_body.
    result = trafilatura.bare_extraction(
        markup,
        include_images=True,
        include_links=True,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
        output_format="python",
        deduplicate=False,
    )
    if not result or isinstance(result, dict):
        return GenericResult()
    body_text = result.text or ""
    html = ""
    if result.body is not None:
        html = normalize_unicode(build_html_output(result, with_metadata=False))
    html = html or "".join(f"<p>{line}</p>" for line in body_text.splitlines() if line.strip())
    if html.startswith("<html>"):
        tree = lxml_html.fromstring(html)
        body = tree.find(".//body")
        html = "".join(
            lxml_html.tostring(child, encoding="unicode")
            for child in (body if body is not None else tree)
        )
    return GenericResult(
        title=result.title or "",
        body_html=html,
        date=result.date,
        author=result.author,
    )
