"""Target renderers: turn an export folder into the input of a new CMS (Hugo, WordPress WXR).

Why a package of its own: the export folder is the contract. Renderers read only that folder
(never the crawl or the state database), so they can run again on any old export, and a new
target is one more module here. The helpers below read the folder defensively: a missing file
or field is empty, because files such as ``assets.json`` were added after contract v1.

Renderers: ``belong_scraper.targets.hugo.write_hugo`` and ``belong_scraper.targets.wxr.write_wxr``.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

RECORD_FILES = ("articles", "clusters", "pages", "partners")


def load_records(out_dir: Path, name: str) -> list[dict[str, Any]]:
    """Records of ``<name>.json`` sorted by id; [] when the file is missing or not a list."""
    path = Path(out_dir) / f"{name}.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        return []
    rows = [row for row in data if isinstance(row, dict) and isinstance(row.get("id"), str)]
    return sorted(rows, key=lambda row: row["id"])


def load_export(out_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The four record files (articles, clusters, pages, partners), each sorted by id."""
    return {name: load_records(out_dir, name) for name in RECORD_FILES}


def load_assets(out_dir: Path) -> dict[str, dict[str, Any]]:
    """``assets.json`` by asset id; {} when the folder predates it."""
    return {asset["id"]: asset for asset in load_records(out_dir, "assets")}


def media_href(out_dir: Path, asset: dict[str, Any] | None) -> str | None:
    """The new-site path (``/media/...``) of a downloaded asset whose file is in DIR/media."""
    if not asset:
        return None
    local = asset.get("local_path")
    if not isinstance(local, str) or not local:
        return None
    path = PurePosixPath(local)
    if path.is_absolute() or ".." in path.parts or path.parts[0] != "media" or len(path.parts) < 2:
        return None
    if not (Path(out_dir) / path).is_file():
        return None
    return "/" + path.as_posix()


def entry_href(out_dir: Path, assets: dict[str, dict[str, Any]], entry: dict[str, Any]) -> str:
    """Where an image/attachment entry points on the new site: its local file, else the
    legacy URL (still better than nothing until the old host is switched off)."""
    asset = assets.get(entry.get("asset") or "")
    return media_href(out_dir, asset) or str(entry.get("url") or "")


def legacy_urls_of(record: dict[str, Any]) -> list[str]:
    """``legacy_urls``, or the single ``source_url`` for record types that lack the list."""
    urls = record.get("legacy_urls")
    if isinstance(urls, list) and urls:
        return [u for u in urls if isinstance(u, str)]
    source = record.get("source_url")
    return [source] if isinstance(source, str) and source else []


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an absolute URL, or "" for anything else."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""
