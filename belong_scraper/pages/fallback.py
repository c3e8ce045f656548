"""The generic extractor: trafilatura fills a field when the profile's selectors find nothing.

Records filled this way are flagged for review: a generic extractor is a safety net for
pages that drifted from the survey, not a replacement for the profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html

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


def _extract(doc: Document) -> GenericResult:
    markup = lxml_html.tostring(doc.content, encoding="unicode")
    result = trafilatura.bare_extraction(
        markup,
        url=doc.canonical,
        include_images=True,
        include_links=True,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
        output_format="python",
        deduplicate=False,
    )
    if not result:
        return GenericResult()
    data = result if isinstance(result, dict) else result.as_dict()
    body_text = data.get("text") or ""
    html = trafilatura.extract(
        markup,
        output_format="html",
        include_images=True,
        include_links=True,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
    ) or "".join(f"<p>{line}</p>" for line in body_text.splitlines() if line.strip())
    if html.startswith("<html>"):
        tree = lxml_html.fromstring(html)
        body = tree.find(".//body")
        html = "".join(
            lxml_html.tostring(child, encoding="unicode")
            for child in (body if body is not None else tree)
        )
    return GenericResult(
        title=data.get("title") or "",
        body_html=html,
        date=data.get("date"),
        author=data.get("author"),
    )
