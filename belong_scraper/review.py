"""Review flags a record's own fields imply: decided here, once, for the records (at
assembly and normalisation) and for the report (which re-derives them for folders written
by older versions or edited by hand). Flags only a pipeline can know (a generic-extractor
fallback, a truncated page, an unknown role) are set where they are found."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

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


def title_key(title: Any) -> str:
    """A title as WordPress compares it when it looks for an existing post: trimmed (the
    title_save_pre filter), then as MySQL's *_ci collations do: case and accents ignored."""
    text = str(title or "").strip()
    if text.isascii():  # NFKD leaves ASCII as it is, and no ASCII character combines
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().strip()


def title_date_groups(entries: Iterable[tuple[T, Any, Any, str]]) -> list[list[T]]:
    """The one title/date collision rule: the WordPress importer silently skips a post
    whose title, date and post type match one it already has. ``entries`` are
    ``(what, title, date, kind)``; returns each group of two or more colliding ``what``s
    in input order, groups in order of their first member. An entry without a title or a
    date cannot collide (WordPress stores an undated post with the import time)."""
    groups: dict[tuple[str, str, str], list[T]] = defaultdict(list)
    for what, title, date, kind in entries:
        key = title_date_key(title, date, kind)
        if key is not None:
            groups[key].append(what)
    return [group for group in groups.values() if len(group) > 1]


def title_date_key(title: Any, date: Any, kind: str) -> tuple[str, str, str] | None:
    """What two posts that collide share (``title_date_groups``); None for one that
    cannot collide."""
    key = title_key(title)
    return (key, str(date), kind) if key and date else None


def title_date_collisions(articles: Iterable[Mapping[str, Any]]) -> set[str]:
    """Ids of articles that would collide as posts (``title_date_groups``)."""
    entries = ((str(a.get("id")), a.get("title"), a.get("published"), "post") for a in articles)
    return {record_id for group in title_date_groups(entries) for record_id in group}
