"""Review flags a record's own fields imply: decided here, once, for the records (at
assembly and normalisation) and for the report (which re-derives them for folders written
by older versions or edited by hand). Flags only a pipeline can know (a generic-extractor
fallback, a truncated page, an unknown role) are set where they are found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

SHORT_BODY_CHARS = 200
# Regional and associated partners are regions; the lead and technical partners are
# organisations, for which no region is expected.
REGION_ROLES = ("partner", "associate")


def article_flags(article: Mapping[str, Any], default_language: str) -> set[str]:
    flags = set()
    if article.get("date_inferred"):
        flags.add("date-inferred")
    if not article.get("published"):
        flags.add("no-date")
    body = article.get("body_text") or ""
    if not body.strip():
        flags.add("empty-body")
    elif len(body) < SHORT_BODY_CHARS:
        flags.add("short-body")
    images = [i for i in article.get("images") or [] if isinstance(i, Mapping)]
    if any(not (image.get("alt") or "").strip() for image in images):
        flags.add("missing-alt-text")
    language = article.get("language")
    if isinstance(language, str) and language and language != default_language:
        flags.add("language-not-" + default_language)
    return flags


def partner_flags(partner: Mapping[str, Any]) -> set[str]:
    if partner.get("region") is None and partner.get("role") in REGION_ROLES:
        return {"missing-region"}
    return set()


def title_date_collisions(articles: Iterable[Mapping[str, Any]]) -> set[str]:
    """Ids of articles sharing a title (case and outer spaces aside) and a date."""
    groups: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for article in articles:
        title = (article.get("title") or "").strip().casefold()
        if title:
            groups[(title, article.get("published"))].append(str(article.get("id")))
    return {i for ids in groups.values() if len(ids) > 1 for i in ids}
