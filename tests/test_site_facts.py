"""Both fixture sites against their hand-written ground truth (expected-facts.json).

The holdout site was written independently of the extractors and is never used to tune
them: passing it shows extraction follows the survey, not the main fixture's text.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.checks import assert_clean_output
from tests.conftest import HOLDOUT, SITE, load_export

SECTIONS = ("articles", "partners", "clusters", "pages")
RECORD_PREFIXES = ("article", "partner", "cluster", "page")


def site_path(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def truth_by_id(facts: dict) -> dict[str, dict]:
    """Facts keyed by record id, whether grouped by section or flat."""
    grouped = {k: v for s in SECTIONS for k, v in (facts.get(s) or {}).items()}
    flat = {k: v for k, v in facts.items() if k.split("-", 1)[0] in RECORD_PREFIXES}
    return {k: v for k, v in {**flat, **grouped}.items() if not k.startswith("_")}


def comparable(field: str, value, got: bool):
    if field == "images":
        return [
            {"url": site_path(i["url"]), "alt": i.get("alt"), "credit": i.get("credit")}
            for i in value
        ]
    if field == "attachments":
        return [{"url": site_path(i["url"]), "title": i["title"]} for i in value]
    if field == "embeds":
        return [{"provider": e["provider"], "url": e["url"].split("?")[0]} for e in value]
    if field == "website" and value:
        return value.rstrip("/")
    return value


@pytest.mark.parametrize(
    ("site", "export_fixture"),
    [(SITE, "migrated_export"), (HOLDOUT, "holdout_export")],
    ids=["fixture-site", "holdout-site"],
)
def test_export_agrees_with_ground_truth(request, site: Path, export_fixture: str) -> None:
    facts = json.loads((site / "expected-facts.json").read_text(encoding="utf-8"))
    # The session's plain migrate of that site (its fixture asserts the run succeeded).
    out: Path = request.getfixturevalue(export_fixture)
    assert_clean_output(out)
    export = load_export(out)
    records = {r["id"]: r for records in export.values() for r in records}
    mismatches = []
    for record_id, truth in truth_by_id(facts).items():
        if True:
            got = records.get(record_id)
            if truth.get("removed"):
                if got is not None:
                    mismatches.append(f"{record_id}: removed, but exported")
                continue
            if got is None:
                mismatches.append(f"{record_id}: missing")
                continue
            for field, value in truth.items():
                if field in ("url", "removed") or field.startswith("_") or field not in got:
                    continue
                if comparable(field, got[field], True) != comparable(field, value, False):
                    mismatches.append(f"{record_id}.{field}: got {got[field]!r}, truth {value!r}")
    assert not mismatches, "\n".join(mismatches)
