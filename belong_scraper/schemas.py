"""JSON Schemas of the four record types (JSON Schema 2020-12), and validation.

The record schemas hold one site fact, the article paths the profile's ``[target.paths]``
gives: ``record_schemas(profile)`` are the ones a run writes and checks against.

Every record, row and document is checked twice over, cheaply: a validator compiled to
Python by fastjsonschema says whether it is valid (about 20 times faster than walking the
schema per value; the schemas use only keywords whose meaning drafts 7 and 2020-12 share),
and only what it rejects goes to jsonschema, the reference validator, for every error's
message. A value both validators disagree on is judged by jsonschema.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import TYPE_CHECKING, Any

import fastjsonschema
from jsonschema import Draft202012Validator

from belong_scraper.items import REGISTRY

if TYPE_CHECKING:  # the profile checks its roles against PARTNER_ROLES: no import cycle
    from belong_scraper.profile import SiteProfile

ID = r"^[a-z][a-z0-9-]{0,63}$"
# A partner's role, as the contract names them (a profile's [roles] maps labels to these).
PARTNER_ROLES = ("lead_partner", "partner", "technical_partner", "associate")
SHA256 = r"^[0-9a-f]{64}$"
URL = {"type": "string", "pattern": r"^https?://"}
URL_OR_NULL = {"type": ["string", "null"], "pattern": r"^https?://"}
TEXT = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
FLAGS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
# Any record path; an article's is narrowed to the profile's templates (record_schemas).
PATH = r"^/(?:[^/?#]+/)*$"
ASSET_REF = {"type": ["string", "null"], "pattern": r"^asset-[0-9a-f]{12}$"}
URL_LIST = {"type": "array", "items": URL, "uniqueItems": True}


def _record(title: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://belong-scraper.invalid/schema/{title}.schema.json",
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "article": _record(
        "article",
        {
            "id": {"type": "string", "pattern": REGISTRY["article"].id_pattern},
            "legacy_id": {"type": "integer", "minimum": 0},
            "source_url": URL,
            "legacy_urls": URL_LIST,
            "slug": {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$"},
            "path": {"type": "string", "pattern": PATH},
            "title": {"type": "string", "minLength": 1},
            "published": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "published_raw": TEXT_OR_NULL,
            "date_source": {
                "enum": ["date-block", "meta", "prose", "upload-path", "listing", "none"]
            },
            "date_inferred": {"type": "boolean"},
            "author": TEXT_OR_NULL,
            "summary": TEXT,
            "body_html": TEXT,
            "body_markdown": TEXT,
            "body_text": TEXT,
            "images": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["url", "alt", "caption", "credit", "asset"],
                    "properties": {
                        "url": URL,
                        "alt": TEXT,
                        "caption": TEXT_OR_NULL,
                        "credit": TEXT_OR_NULL,
                        "asset": ASSET_REF,
                    },
                },
            },
            "attachments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["url", "title", "asset"],
                    "properties": {"url": URL, "title": TEXT, "asset": ASSET_REF},
                },
            },
            "embeds": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["provider", "url"],
                    "properties": {"provider": TEXT, "url": URL},
                },
            },
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "categories": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "clusters": {"type": "array", "items": {"type": "string", "pattern": r"^cluster-\d+$"}},
            "language": {"type": "string", "pattern": r"^[a-z]{2}$"},
            "php_errors_removed": {"type": "integer", "minimum": 0},
            "review_flags": FLAGS,
            "content_sha256": {"type": "string", "pattern": SHA256},
        },
    ),
    "partner": _record(
        "partner",
        {
            "id": {"type": "string", "pattern": REGISTRY["partner"].id_pattern},
            "name": {"type": "string", "minLength": 1},
            "country_code": {"type": "string", "pattern": r"^[A-Z]{2}$"},
            "country": {"type": "string", "minLength": 1},
            "region": TEXT_OR_NULL,
            "role": {"enum": list(PARTNER_ROLES)},
            "role_raw": TEXT,
            "website": URL_OR_NULL,
            "logo_url": URL_OR_NULL,
            "logo_asset": ASSET_REF,
            "description_html": TEXT,
            "description_text": TEXT,
            "source_url": URL,
            "path": {"type": "string", "pattern": r"^/(?:[a-z0-9-]+/)*$"},
            "review_flags": FLAGS,
            "content_sha256": {"type": "string", "pattern": SHA256},
        },
    ),
    "cluster": _record(
        "cluster",
        {
            "id": {"type": "string", "pattern": REGISTRY["cluster"].id_pattern},
            "legacy_id": {"type": "integer", "minimum": 0},
            "title": {"type": "string", "minLength": 1},
            "summary": TEXT,
            "intro_html": TEXT,
            "intro_text": TEXT,
            "related_articles": {
                "type": "array",
                "items": {"type": "string", "pattern": r"^article-\d+$"},
                "uniqueItems": True,
            },
            "source_url": URL,
            "legacy_urls": URL_LIST,
            "path": {"type": "string", "pattern": r"^/(?:[a-z0-9-]+/)*$"},
            "review_flags": FLAGS,
            "content_sha256": {"type": "string", "pattern": SHA256},
        },
    ),
    "page": _record(
        "page",
        {
            "id": {"type": "string", "pattern": REGISTRY["page"].id_pattern},
            "key": {"type": "string", "pattern": r"^[a-z0-9_-]+$"},
            "title": {"type": "string", "minLength": 1},
            "body_html": TEXT,
            "body_markdown": TEXT,
            "body_text": TEXT,
            "source_url": URL,
            "legacy_urls": URL_LIST,
            "path": {"type": "string", "pattern": r"^/(?:[a-z0-9-]+/)*$"},
            "review_flags": FLAGS,
            "content_sha256": {"type": "string", "pattern": SHA256},
        },
    ),
}

# Files of the CMS handoff (not records of the crawl, but part of the contract).
HANDOFF_SCHEMAS: dict[str, dict[str, Any]] = {
    "asset": _record(
        "asset",
        {
            "id": {"type": "string", "pattern": r"^asset-[0-9a-f]{12}$"},
            "url": URL,
            "local_path": {"type": "string", "pattern": r"^media/(?!.*\.\.)[A-Za-z0-9._/-]+$"},
            "sha256": {"type": "string", "pattern": SHA256},
            "bytes": {"type": "integer", "minimum": 1},
            "media_type": {"type": "string", "pattern": r"^[a-z]+/[a-z0-9.+-]+$"},
            "alt": TEXT,
            "credit": TEXT_OR_NULL,
            "used_by": {"type": "array", "items": {"type": "string", "pattern": ID},
                        "minItems": 1, "uniqueItems": True},
        },
    ),
    "redirect": _record(
        "redirect",
        {
            "legacy_url": URL,
            "legacy_path": {"type": "string", "pattern": r"^/"},
            "status": {"enum": [301, 410]},
            "target": {"type": "string", "pattern": r"^(/.*)?$"},
            "record_id": {"type": "string"},
        },
    ),
}  # fmt: skip

_IDS = {"type": "array", "items": {"type": "string", "pattern": ID}, "uniqueItems": True}
_CHANGES = {
    "type": "object",
    "additionalProperties": False,
    "required": ["new", "updated", "removed"],
    "properties": {"new": _IDS, "updated": _IDS, "removed": _IDS},
}
# Files that are not lists of records: one document each.
DOCUMENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "changes": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://belong-scraper.invalid/schema/changes.schema.json",
        "title": "changes",
        "type": "object",
        "additionalProperties": False,
        "required": ["previous_run", "run", "articles", "partners", "clusters", "pages"],
        "properties": {
            "previous_run": {"type": ["string", "null"]},
            "run": {"type": "string"},
            **{name: _CHANGES for name in ("articles", "partners", "clusters", "pages")},
        },
    },
    "report": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://belong-scraper.invalid/schema/report.schema.json",
        "title": "report",
        "type": "object",
        "required": ["run", "counts", "articles_per_month", "php_errors_removed", "broken_links",
                     "redirects", "failed_downloads", "review"],
        "properties": {
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "articles_per_month": {"type": "object"},
            "php_errors_removed": {"type": "object"},
            "broken_links": {"type": "array"},
            "redirects": {"type": "object"},
            "failed_downloads": {"type": "array"},
            "review": {"type": "object"},
        },
    },
}  # fmt: skip


class Checker:
    """One schema's validators: the compiled one that answers "valid?" and the reference
    one that names the errors of what it rejects."""

    def __init__(self, schema: dict[str, Any]):
        self.reference = Draft202012Validator(schema)
        # The compiled validator reads drafts up to 7: the schema without its 2020-12 tag.
        draft7 = {key: value for key, value in schema.items() if key != "$schema"}
        self.is_valid = fastjsonschema.compile(draft7, detailed_exceptions=False)

    def errors(self, data: Any) -> list[str]:
        try:
            self.is_valid(data)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        errors = sorted(self.reference.iter_errors(data), key=lambda e: list(e.path))
        return [f"{'/'.join(map(str, e.path)) or '(record)'}: {e.message}" for e in errors]


VALIDATORS = {
    name: Checker(schema) for name, schema in {**HANDOFF_SCHEMAS, **DOCUMENT_SCHEMAS}.items()
}


@cache
def record_schemas(profile: SiteProfile) -> dict[str, dict[str, Any]]:
    """The record schemas of a site: an article's path is one its profile's templates make."""
    schemas = copy.deepcopy(SCHEMAS)
    schemas["article"]["properties"]["path"]["pattern"] = profile.target.paths.article_pattern()
    return schemas


@cache
def _record_validators(profile: SiteProfile) -> dict[str, Checker]:
    return {name: Checker(s) for name, s in record_schemas(profile).items()}


def validation_errors(
    record_type: str, data: dict[str, Any], profile: SiteProfile | None = None
) -> list[str]:
    """Every way the record (or handoff row, or document) breaks its schema, as
    'field: message' lines; a record type needs the profile its paths come from."""
    if record_type in SCHEMAS:
        if profile is None:
            raise TypeError(f"validating a {record_type} needs the site profile")
        validator = _record_validators(profile)[record_type]
    else:
        validator = VALIDATORS[record_type]
    return validator.errors(data)
