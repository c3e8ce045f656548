"""Typed records: the export contract (export-contract.md) in code.

Field order here is the key order of every exported record. ``evidence`` carries what the
page objects saw for the pipelines (raw date text, prose, listing positions); it is never
exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

RECORD_TYPES = ("article", "partner", "cluster", "page")
EXPORT_FILES = {
    "article": "articles",
    "partner": "partners",
    "cluster": "clusters",
    "page": "pages",
}


@dataclass
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
    clusters: list[str] = field(default_factory=list)
    language: str = "en"
    php_errors_removed: int = 0
    review_flags: list[str] = field(default_factory=list)
    content_sha256: str = ""
    evidence: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
class Teaser:
    """One teaser as a listing, tag, cluster or home page shows it."""

    article_id: str
    title: str
    excerpt: str
    thumb: str | None = None
    url: str | None = None


@dataclass
class Listing:
    """The teasers of one listing-like page, in page order (newest first on listings)."""

    url: str
    kind: str  # listing, tag, home, cluster
    page: int = 1
    tag: str | None = None
    tag_name: str | None = None
    teasers: list[Teaser] = field(default_factory=list)


@dataclass
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


@dataclass
class Rejected:
    """A record (or the item it would have been) that failed in extraction, a pipeline or
    the export: an outcome in the ledger, never a silently dropped item."""

    url: str
    error: str
    stage: str
    record_id: str | None = None


def record_type(record: Record) -> str:
    return type(record).__name__.lower()


def exported_fields(record: Record) -> list[str]:
    return [f.name for f in fields(record) if f.name != "evidence"]


def to_export_dict(record: Record) -> dict[str, Any]:
    """The record as exported: contract keys in contract order, evidence left out."""
    return {name: getattr(record, name) for name in exported_fields(record)}


RECORD_CLASSES = {"article": Article, "partner": Partner, "cluster": Cluster, "page": Page}


def from_export_dict(kind: str, data: dict[str, Any]) -> Record:
    """A record as an earlier run exported it (kept in the state), to carry it over."""
    cls = RECORD_CLASSES[kind]
    names = {f.name for f in fields(cls)} - {"evidence"}
    return cls(**{k: v for k, v in data.items() if k in names})
