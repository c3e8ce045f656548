"""Run one saved page through its page object and the per-item pipelines, no Scrapy.

Used by the golden tests (fixtures/pages/<type>/<case>/), by the script that
regenerates their expected output for review, and by ``belong-scraper extract``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from belong_scraper.pages import Document, extract
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.urls import Origin
from pipelines.clean_body import CleanBodyPipeline
from pipelines.normalise import NormalisePipeline


def item_dict(item: Any) -> dict[str, Any]:
    data = {"_type": type(item).__name__}
    for f in dataclasses.fields(item):
        if f.name != "evidence":
            data[f.name] = json.loads(json.dumps(getattr(item, f.name), default=_plain))
    return data


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)


def case_profile(case: Path, default: SiteProfile) -> SiteProfile:
    """The profile a case was saved under: its ``meta.json`` ``profile`` (a bundled name),
    else the default (the legacy site's)."""
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    return load_profile(meta["profile"]) if meta.get("profile") else default


def run_case(case: Path, profile: SiteProfile) -> list[dict[str, Any]]:
    """The items a saved page yields, after CleanBody and Normalise, as plain dicts; a
    case saved under another profile (``meta.json`` ``profile``) is read with that one."""
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    profile = case_profile(case, profile)
    body = (case / "input.html").read_bytes()
    _, items = page_items(meta["url"], body, meta.get("content_type"), profile)
    return [item_dict(item) for item in items]


def page_items(
    url: str, body: bytes, content_type: str | None, profile: SiteProfile
) -> tuple[str, list[Any]]:
    """The page type and the items one fetched page yields, after CleanBody and Normalise,
    as a crawl would pass them on (``belong-scraper extract`` reads pages so too)."""
    origin = Origin.from_url(url, profile)
    doc = Document.from_bytes(url, body, content_type, profile, origin)
    clean, normalise = CleanBodyPipeline(profile), NormalisePipeline(profile)
    return doc.kind, [normalise.process_item(clean.process_item(item)) for item in extract(doc)]
