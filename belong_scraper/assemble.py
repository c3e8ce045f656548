"""Finish the records once the crawl is over: what one page alone cannot tell.

Every legacy spelling of a record, year-less dates from the listing neighbours, summaries
from teasers, tags from tag pages, cluster membership, unique slugs and paths, review
flags and content hashes. Pure: collected items in, final records and run facts out.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from belong_scraper.cleaning import normalise_space
from belong_scraper.dates import infer_year, upload_months
from belong_scraper.export.graph import LinkGraph
from belong_scraper.export.shelf import by_canonical
from belong_scraper.exporters import sorted_json_text
from belong_scraper.items import (
    Article,
    Cluster,
    Listing,
    Page,
    PageReport,
    Partner,
    PartnerCards,
    Record,
    field_values,
    to_export_dict,
)
from belong_scraper.normalise import make_slug, partner_role, summary_from_teaser
from belong_scraper.profile import SiteProfile
from belong_scraper.profile.target import RecordPaths, fill
from belong_scraper.review import article_flags, partner_flags, title_date_collisions
from belong_scraper.urls import one_spelling_per_session

# URLs → the pages linking to each (export/shelf.LinkIndex.linked_from)
LinkedFrom = Callable[[Iterable[str]], dict[str, set[str]]]

LISTING_PRIORITY = {"listing": 0, "home": 1, "tag": 2, "cluster": 3}


@dataclass
class RunFacts:
    """Facts of the crawl for the manifest (and later the report)."""

    pages: int = 0
    php_errors_by_level: Counter[str] = field(default_factory=Counter)
    php_errors_by_page: dict[str, int] = field(default_factory=dict)
    broken_links: list[dict[str, Any]] = field(default_factory=list)
    redirects: list[dict[str, Any]] = field(default_factory=list)
    failed_pages: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def canonical_json(data: dict[str, Any]) -> str:
    return sorted_json_text(data)


# Facts about the crawl, not the content: a new sidebar warning or a newly seen spelling
# must not mark a record updated.
CRAWL_FACTS = ("content_sha256", "php_errors_removed", "legacy_urls", "review_flags")


def change_hash(record: Record | dict[str, Any]) -> str:
    """SHA-256 of the record's content: what incremental runs compare."""
    data = to_export_dict(record) if not isinstance(record, dict) else dict(record)
    for name in CRAWL_FACTS:
        data.pop(name, None)
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def content_hash(record: Record) -> str:
    data = to_export_dict(record)
    data.pop("content_sha256", None)
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _merge(records: list[Record]) -> dict[str, Record]:
    merged: dict[str, Record] = {}
    for record in sorted(records, key=lambda r: (r.id, getattr(r, "source_url", ""))):
        kept = merged.setdefault(record.id, record)
        if kept is not record and hasattr(kept, "legacy_urls"):
            kept.legacy_urls = sorted(set(kept.legacy_urls) | set(record.legacy_urls))
    return merged


def _ids_by_url(articles: dict[str, Article]) -> dict[str, str]:
    return {a.source_url: a.id for a in articles.values()}


def _identified(listings: Iterable[Listing], by_url: dict[str, str]) -> Iterator[Listing]:
    """The listings with each teaser's article id: a teaser whose link carries no id (a
    permalink by date and slug) is the article crawled at that URL; one no article was
    crawled at is left out."""
    for listing in listings:
        if not isinstance(listing, Listing) or all(t.article_id for t in listing.teasers):
            yield listing
            continue
        teasers = []
        for teaser in listing.teasers:
            article_id = teaser.article_id or by_url.get(teaser.url or "")
            if article_id:
                teasers.append(replace(teaser, article_id=article_id))
        yield replace(listing, teasers=teasers)


def _fill_from_cards(
    partners: Iterable[Partner], listings: Iterable[Listing], vocabulary: dict[str, str]
) -> None:
    """A field a partner's own page lacks (a PHP warning stood in for its row) from the
    first directory card linking to that page (profile ``[partner_cards]``)."""
    by_url: dict[str, dict[str, str]] = {}
    for listing in listings:
        if isinstance(listing, PartnerCards):
            for card in listing.cards:
                fields = by_url.setdefault(card.url, {})
                for name, value in card.fields.items():
                    fields.setdefault(name, value)
    if not by_url:
        return
    for partner in partners:
        filled = False
        for name, value in by_url.get(partner.source_url, {}).items():
            if not getattr(partner, name):
                setattr(partner, name, normalise_space(value))
                partner.evidence.setdefault("from_cards", []).append(name)
                filled = True
        if filled:
            # The page's role and flags were decided without the card's fields.
            flags = set(partner.review_flags) - {"missing-region"}
            role = partner_role(partner.role_raw, vocabulary)
            if role is not None:
                partner.role = role
                flags.discard("unknown-role")
            partner.review_flags = sorted(flags | partner_flags(field_values(partner)))


def _listing_order(listings: Iterable[Listing]) -> list[str]:
    # A dict keeps first-seen order with O(1) membership: 20,000 teasers stay linear.
    # The archive's pages by number (arrival order among equals), only their ids in memory.
    pages = sorted(
        (listing.page, seq, [teaser.article_id for teaser in listing.teasers])
        for seq, listing in enumerate(listings)
        if listing.kind == "listing"
    )
    order: dict[str, None] = {}
    for _, _, article_ids in pages:
        for article_id in article_ids:
            order.setdefault(article_id, None)
    return list(order)


def _infer_dates(articles: dict[str, Article], order: list[str], profile: SiteProfile) -> None:
    position = {article_id: i for i, article_id in enumerate(order)}
    known = {a.id: date.fromisoformat(a.published) for a in articles.values() if a.published}
    for article in articles.values():
        if article.published:
            continue
        newer = older = None
        if article.id in position:
            i = position[article.id]
            newer = next((known[x] for x in reversed(order[:i]) if x in known), None)
            older = next((known[x] for x in order[i + 1 :] if x in known), None)
        files = [i["url"] for i in article.images] + [a["url"] for a in article.attachments]
        files += article.evidence.get("thumbs", [])
        uploads = upload_months(files, profile.dates.upload_path)
        prose = article.evidence.get("prose_date")
        if prose is not None:
            result = infer_year(prose, profile.years, uploads, older, newer)
            if result.value:
                article.published = result.value.isoformat()
                article.published_raw = prose.raw
                article.date_source = "prose"
                article.date_inferred = True
                if result.ambiguous:
                    article.review_flags.append("date-ambiguous")
                continue
        if uploads:
            year, month = Counter(uploads).most_common(1)[0][0]
            article.published = date(year, month, 1).isoformat()
            article.date_source, article.date_inferred = "upload-path", True
        elif newer and older and newer == older:
            article.published = newer.isoformat()
            article.date_source, article.date_inferred = "listing", True
        else:
            article.date_source = "none"


def _teaser_facts(articles: dict[str, Article], listings: Iterable[Listing]) -> dict[str, str]:
    """Thumbs and tags from the teasers; returns each article's best teaser excerpt (its
    summary is made from it with the body, in the per-record pass)."""
    best: dict[str, tuple[int, str]] = {}
    tag_members: dict[str, set[str]] = defaultdict(set)
    tag_names: dict[str, str] = {}
    for listing in listings:
        rank = LISTING_PRIORITY.get(listing.kind, 9)
        for teaser in listing.teasers:
            article = articles.get(teaser.article_id)
            if article is None:
                continue
            if teaser.thumb:
                article.evidence.setdefault("thumbs", []).append(teaser.thumb)
            if teaser.excerpt and (
                teaser.article_id not in best or rank < best[teaser.article_id][0]
            ):
                best[teaser.article_id] = (rank, teaser.excerpt)
            if listing.kind == "tag" and listing.tag:
                tag_members[listing.tag].add(teaser.article_id)
                if listing.tag_name:
                    tag_names.setdefault(listing.tag, listing.tag_name)
    for article in articles.values():
        for name in article.tags:
            tag_names.setdefault(make_slug(name), name)
    for article in articles.values():
        if not article.tags:
            slugs = sorted(tag for tag, members in tag_members.items() if article.id in members)
            article.tags = [tag_names.get(s, s.replace("-", " ").title()) for s in slugs]
    return {article_id: excerpt for article_id, (_, excerpt) in best.items()}


def _slugs(articles: dict[str, Article], previous: dict[str, Any], paths: RecordPaths) -> None:
    """Unique slugs and paths (the profile's ``[target.paths]``); a record keeps the slug
    and path it was first given, so an edited title never moves a page (nor breaks the
    redirects already deployed)."""
    taken: set[str] = {p.slug for p in previous.values() if getattr(p, "slug", None)}
    for article in sorted(articles.values(), key=lambda a: a.legacy_id):
        before = previous.get(article.id)
        if before is not None and before.slug and before.path:
            article.slug, article.path = before.slug, before.path
            continue
        slug = make_slug(article.title or article.id)
        if slug in taken:
            slug = f"{slug}-{article.legacy_id}"
        taken.add(slug)
        article.slug = slug
        article.path = paths.article_path(slug, article.published)


def _other_paths(records: dict[str, Record], previous: dict[str, Any], paths: RecordPaths) -> None:
    """New paths of clusters, pages and partners, from the profile's ``[target.paths]``."""
    taken: set[str] = {p.path for p in previous.values() if getattr(p, "path", None)}
    for record in sorted(records.values(), key=lambda r: r.id):
        before = previous.get(record.id)
        if before is not None and before.path and not isinstance(record, Article):
            record.path = before.path
            continue
        if isinstance(record, Cluster):
            slug = make_slug(record.title or record.id, max_length=60)
            path = fill(paths.cluster, {"slug": slug})
            if path in taken:
                path = fill(paths.cluster, {"slug": f"{slug}-{record.legacy_id}"})
        elif isinstance(record, Page):
            key = record.key
            path = paths.home if key == "home" else fill(paths.page, {"key": make_slug(key)})
        elif isinstance(record, Partner):
            slug = record.id.split("-", 2)[2]
            path = fill(paths.partner, {"country": record.country_code.lower(), "slug": slug})
        else:
            continue
        taken.add(path)
        record.path = path


def _finish_article(article: Article, teaser: str, collision: bool, default_language: str) -> None:
    """What an article's text decides: its summary (the teaser's, else the body's
    opening) and the review flags that read the body."""
    if teaser or article.body_text:
        article.summary = summary_from_teaser(teaser, article.body_text)
    article.summary = normalise_space(article.summary)
    flags = set(article.review_flags) | article_flags(field_values(article), default_language)
    if collision:
        flags.add("title-date-collision")
    article.review_flags = sorted(flags)


def assemble(
    records: list[Record],
    listings: Iterable[Listing],
    reports: Iterable[PageReport],
    profile: SiteProfile,
    *,
    graph: LinkGraph,
    linked_from: LinkedFrom,
    previous: dict[str, Any] | None = None,
    opened: Callable[[Record], AbstractContextManager[Record]] = nullcontext,
    finish: Callable[[Record], None] | None = None,
) -> tuple[list[Record], RunFacts]:
    """Final, sorted records and the facts of the run.

    ``previous`` (record id → its state from earlier runs: slug, path, legacy_urls) keeps
    paths stable and legacy URLs cumulative across runs; ``graph``: the run's link graph;
    ``linked_from``: the pages linking to each of some URLs (the reports carry no links,
    export/shelf.py). ``listings`` may be read more than once. The run-wide passes read no
    record's text; the last pass takes one record at a time: ``opened(record)`` holds its
    text while it is finished (summary, flags, hash, then ``finish``), so texts kept out of memory
    (export/parked.py) come back one record at a time.
    """
    previous = previous or {}
    merged = _merge(records)
    aliases = graph.aliases
    for record in merged.values():
        if hasattr(record, "legacy_urls"):
            spellings = {*aliases.get(record.source_url, ()), record.source_url}
            earlier = sorted(getattr(previous.get(record.id), "legacy_urls", None) or [])
            # Earlier runs' spellings first: they win over a new session id's.
            record.legacy_urls = one_spelling_per_session(
                [*earlier, *sorted(set(record.legacy_urls) | spellings)], profile
            )
    articles = {r.id: r for r in merged.values() if isinstance(r, Article)}
    clusters = [r for r in merged.values() if isinstance(r, Cluster)]
    partners = (r for r in merged.values() if isinstance(r, Partner))
    _fill_from_cards(partners, listings, profile.role_vocab)
    by_url = _ids_by_url(articles)
    teasers = _teaser_facts(articles, _identified(listings, by_url))
    _infer_dates(articles, _listing_order(_identified(listings, by_url)), profile)
    for cluster in clusters:
        cluster.related_articles = [a for a in dict.fromkeys(cluster.related_articles)]
        for article_id in cluster.related_articles:
            if article_id in articles:
                articles[article_id].clusters.append(cluster.id)
    for article in articles.values():
        article.clusters = sorted(set(article.clusters))
    _slugs(articles, previous, profile.target.paths)
    _other_paths(merged, previous, profile.target.paths)
    collisions = title_date_collisions(field_values(a) for a in articles.values())
    finished = sorted(merged.values(), key=lambda r: r.id)
    for record in finished:
        with opened(record):
            if isinstance(record, Article):
                teaser = teasers.get(record.id, "")
                collision = record.id in collisions
                _finish_article(record, teaser, collision, profile.default_language)
            else:
                record.review_flags = sorted(set(record.review_flags))
            # content_sha256 is the handoff's: it hashes the record as exported, links
            # rewritten (a hash here would be made again for every record).
            if finish is not None:
                finish(record)
    return finished, run_facts(reports, linked_from)


def run_facts(reports: Iterable[PageReport], linked_from: LinkedFrom) -> RunFacts:
    facts = RunFacts()
    gone = linked_from(r.canonical for r in reports if r.status in (404, 410))
    for report in by_canonical(reports, then_url=True):
        if report.kind == "redirect":
            facts.redirects.append(
                {"from": report.url, "status": report.status, "to": report.redirect_to}
            )
            continue
        if report.status in (404, 410):
            facts.broken_links.append(
                {
                    "url": report.canonical,
                    "status": report.status,
                    "linked_from": sorted(gone.get(report.canonical, set())),
                }
            )
            continue
        if report.error and report.error.startswith("skipped"):
            facts.skipped.append({"url": report.url, "reason": report.error})
            continue
        if report.error and report.error.startswith("extraction failed"):
            continue  # it answered: the ledger has it as rejected, with its reason
        if report.error or report.status >= 500 or report.status == 0:
            facts.failed_pages.append(
                {"url": report.url, "status": report.status, "error": report.error}
            )
            continue
        facts.pages += 1
        total = sum(report.php_errors.values())
        facts.php_errors_by_level.update(report.php_errors)
        if total:
            facts.php_errors_by_page[report.canonical] = total
        if report.truncated:
            facts.warnings.append(f"{report.canonical}: page truncated by a PHP fatal error")
        for name in report.fallback_fields:
            facts.warnings.append(f"{report.canonical}: {name} filled by the generic extractor")
    return facts
