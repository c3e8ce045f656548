"""Typed records: the export contract (../shared/export-contract.md, exports/README.md) in code.

Field order here is the key order of every exported record. ``evidence`` carries what the
page objects saw for the pipelines (raw date text, prose, listing positions); it is never
exported. Slotted: a record without an instance dict is a third smaller, and the export
keeps every record of the run (without its texts) until the records are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any


@dataclass(slots=True)
class Article:
    id: str
    legacy_id: int
    source_url: str
    legacy_urls: list[str] = field(default_factory=list)
    slug: str = ""
    path: str = ""
    title: str = ""
    published: str | None = None
    published_raw: str | None = None
    date_source: str = "none"
    date_inferred: bool = False
    author: str | None = None
    summary: str = ""
    body_html: str = ""
    body_markdown: str = ""
    body_text: str = ""
    images: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    embeds: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # Contract 1.2: the site's categories, display names in page order.
    categories: list[str] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)
    language: str = "en"
    php_errors_removed: int = 0
    review_flags: list[str] = field(default_factory=list)
    content_sha256: str = ""
    evidence: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class Partner:
    id: str
    name: str
    country_code: str
    country: str = ""
    region: str | None = None
    role: str = "partner"
    role_raw: str = ""
    website: str | None = None
    logo_url: str | None = None
    logo_asset: str | None = None
    description_html: str = ""
    description_text: str = ""
    source_url: str = ""
    path: str = ""
    review_flags: list[str] = field(default_factory=list)
    content_sha256: str = ""
    evidence: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class Cluster:
    id: str
    legacy_id: int
    title: str = ""
    summary: str = ""
    intro_html: str = ""
    intro_text: str = ""
    related_articles: list[str] = field(default_factory=list)
    source_url: str = ""
    legacy_urls: list[str] = field(default_factory=list)
    path: str = ""
    review_flags: list[str] = field(default_factory=list)
    content_sha256: str = ""
    evidence: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class Page:
    id: str
    key: str
    title: str = ""
    body_html: str = ""
    body_markdown: str = ""
    body_text: str = ""
    source_url: str = ""
    legacy_urls: list[str] = field(default_factory=list)
    path: str = ""
    review_flags: list[str] = field(default_factory=list)
    content_sha256: str = ""
    evidence: dict[str, Any] = field(default_factory=dict, repr=False)


Record = Article | Partner | Cluster | Page


@dataclass(slots=True)
class Teaser:
    """One teaser as a listing, tag, cluster or home page shows it."""

    # None when the link carries no id (a permalink): assembly finds it by ``url``.
    article_id: str | None
    title: str
    excerpt: str
    thumb: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Listing:
    """The teasers of one listing-like page, in page order (newest first on listings)."""

    url: str
    kind: str  # listing, tag, home, cluster
    page: int = 1
    tag: str | None = None
    tag_name: str | None = None
    teasers: list[Teaser] = field(default_factory=list)


@dataclass(slots=True)
class PartnerCard:
    """One directory card: the partner page it links to and the fields it shows."""

    url: str  # the canonical URL of the partner's page (its Partner's source_url)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PartnerCards(Listing):
    """The cards of one directory page (profile ``[partner_cards]``): a Listing, so it is
    collected and put aside with the listings, and has no teasers."""

    cards: list[PartnerCard] = field(default_factory=list)


@dataclass(slots=True)
class PageReport:
    """What happened when one URL was fetched: the facts the manifest and report need."""

    url: str
    canonical: str
    status: int
    kind: str = "other"
    encoding: str | None = None
    php_errors: dict[str, int] = field(default_factory=dict)
    truncated: bool = False
    links: list[str] = field(default_factory=list)
    spellings: dict[str, list[str]] = field(default_factory=dict)
    redirect_to: str | None = None
    error: str | None = None
    referer: str | None = None
    fallback_fields: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    payload_sha256: str | None = None
    # Attempts the downloader made (1 + retries); 0 when nothing reached the server.
    attempts: int = 0
    # The redirect chain that led here, in order (reported when it loops or is too long).
    hops: list[str] = field(default_factory=list)
    # Why it was not fetched, when that was a decision: robots, too-large, redirect-hops...
    skip: str | None = None
    # Links found here and not followed, with why: off-site, trap guard.
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Rejected:
    """A record (or the item it would have been) that failed in extraction, a pipeline or
    the export: an outcome in the ledger, never a silently dropped item."""

    url: str
    error: str
    stage: str
    record_id: str | None = None


@dataclass(frozen=True)
class RecordKind:
    """One record type of the contract: the one place its names and rules are set."""

    kind: str  # "article": the schema's name, the state's type, the id's prefix
    cls: type
    stem: str  # file stem: articles.json, articles.csv
    id_pattern: str  # the schema's pattern for the id
    html_fields: tuple[str, ...]  # sanitized HTML, rewritten to the new site

    @property
    def columns(self) -> list[str]:
        """CSV columns: the schema's properties, in contract order."""
        from belong_scraper.schemas import SCHEMAS  # schemas import the id patterns

        return list(SCHEMAS[self.kind]["properties"])


# In export order: the JSON/CSV files, the manifest counts and the change set follow it.
REGISTRY: dict[str, RecordKind] = {
    r.kind: r
    for r in (
        RecordKind("article", Article, "articles", r"^article-\d+$", ("body_html",)),
        RecordKind(
            "partner", Partner, "partners", r"^partner-[a-z]{2}-[a-z0-9-]+$", ("description_html",)
        ),
        RecordKind("cluster", Cluster, "clusters", r"^cluster-\d+$", ("intro_html",)),
        RecordKind("page", Page, "pages", r"^page-[a-z0-9-]+$", ("body_html",)),
    )
}
_KIND_OF_CLASS = {r.cls: r.kind for r in REGISTRY.values()}


# Each record type's id, made in one place (the patterns above say what the schema takes).
def article_id(legacy_id: int | str) -> str:
    return f"article-{int(legacy_id)}"


def cluster_id(legacy_id: int | str) -> str:
    return f"cluster-{int(legacy_id)}"


def partner_id(country_code: str, slug: str) -> str:
    """``slug`` already a slug; the id is cut to 64 characters, never ending in '-'."""
    return f"partner-{country_code.lower()}-{slug}"[:64].rstrip("-")


def page_id(key: str) -> str:
    return f"page-{key}"


# The names other modules import, derived from the registry.
RECORD_TYPES = tuple(REGISTRY)
EXPORT_FILES = {kind: r.stem for kind, r in REGISTRY.items()}
RECORD_CLASSES = {kind: r.cls for kind, r in REGISTRY.items()}
RECORD_STEMS = tuple(EXPORT_FILES.values())
HTML_FIELDS = tuple(dict.fromkeys(f for r in REGISTRY.values() for f in r.html_fields))


def record_type(record: Record) -> str:
    return _KIND_OF_CLASS[type(record)]


def to_export_dict(record: Record) -> dict[str, Any]:
    """The record as exported: contract keys in contract order, evidence left out."""
    names = _field_names(type(record))
    return {name: getattr(record, name) for name in names if name != "evidence"}


def from_export_dict(kind: str, data: dict[str, Any]) -> Record:
    """A record as an earlier run exported it (kept in the state), to carry it over."""
    cls = RECORD_CLASSES[kind]
    names = {f.name for f in fields(cls)} - {"evidence"}
    return cls(**{k: v for k, v in data.items() if k in names})


def field_values(item: Any) -> dict[str, Any]:
    """An item's fields by name, values as they are (a shallow ``dataclasses.asdict``):
    what ``vars`` gave before the items were slotted."""
    return {name: getattr(item, name) for name in _field_names(type(item))}


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names in order, read once per class (every record's row and
    review flags ask)."""
    return tuple(f.name for f in fields(kind))
