"""Origin-independent form of an export, for comparing crawls served on any port."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from belong_scraper.assemble import canonical_json

PLACEHOLDER_ORIGIN = "http://fixture.test"
RECORD_FILES = ("articles", "partners", "clusters", "pages")


def portable_export(out: Path, origin: str) -> dict[str, list[dict[str, Any]]]:
    """The record files with the served origin replaced and hashes recomputed to match."""
    export = {}
    for name in RECORD_FILES:
        text = (out / f"{name}.json").read_text(encoding="utf-8")
        records = json.loads(text.replace(origin, PLACEHOLDER_ORIGIN))
        for record in records:
            body = {k: v for k, v in record.items() if k != "content_sha256"}
            record["content_sha256"] = hashlib.sha256(canonical_json(body).encode()).hexdigest()
        export[name] = records
    return export
