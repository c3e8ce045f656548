"""Target renderers: turn an export into the input of a new CMS (Hugo, WordPress WXR).

Why a package of its own: the export is the contract. Renderers read only the export
(never the crawl or the state database), so they can run again on any old export folder,
and a new target is one more module here.

What they read is an ``ExportSource``: the records, assets and crawled origin the export
computed. The export hands them its own (``MemorySource`` today, a store cursor later), so
nothing it just wrote is read back; ``FolderSource`` reads a written folder (old exports,
the CLI) defensively: a missing file or field is empty, because files such as
``assets.json`` were added after contract v1.

Renderers: ``belong_scraper.targets.hugo.write_hugo`` and ``belong_scraper.targets.wxr.write_wxr``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import urlsplit

from belong_scraper.exporters import sync_file

RECORD_FILES = ("articles", "clusters", "pages", "partners")
# Where the crawled origin is looked for when a folder's manifest lacks start_url: the
# home page first, as the export's own first record.
ORIGIN_ORDER = ("pages", "articles", "clusters", "partners")


class ExportSource(Protocol):
    """What a rendering reads: the export's records, its assets and the crawled origin."""

    origin: str  # "scheme://host[:port]" of the crawl, computed once by the export

    def records(self, name: str) -> Iterable[dict[str, Any]]:
        """Export dicts of ``name`` (a RECORD_FILES entry) sorted by id; a fresh pass."""
        ...

    def record(self, name: str, record_id: str) -> dict[str, Any] | None: ...

    def assets(self) -> list[dict[str, Any]]:
        """Rows of assets.json."""
        ...


class MemorySource:
    """An export held in memory: ``{name: [export dicts]}``, the asset rows, the origin.
    What the pipeline hands the renderings until it has a staging store (and tests)."""

    def __init__(
        self,
        records: Mapping[str, Iterable[dict[str, Any]]],
        assets: Iterable[dict[str, Any]] = (),
        origin: str = "",
    ) -> None:
        self._records = {name: _sorted_records(records.get(name) or ()) for name in RECORD_FILES}
        self._assets = _sorted_records(assets)
        self._by_id: dict[str, dict[str, dict[str, Any]]] = {}
        self.origin = origin

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        return iter(self._records.get(name, []))

    def record(self, name: str, record_id: str) -> dict[str, Any] | None:
        if name not in self._by_id:
            self._by_id[name] = {r["id"]: r for r in self._records.get(name, [])}
        return self._by_id[name].get(record_id)

    def assets(self) -> list[dict[str, Any]]:
        return list(self._assets)


class FolderSource(MemorySource):
    """A written export folder, read once per file. ``strict``: a file that is there but
    is not a JSON list is an error (the report), not an empty file (the renderings)."""

    def __init__(self, out_dir: Path, *, strict: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self.strict = strict
        records = {name: self._load(name) for name in RECORD_FILES}
        super().__init__(records, self._load("assets"), "")
        manifest = self._load_manifest()
        start = origin_of(str(manifest.get("start_url") or ""))
        self.origin = start if start and self._describes_records(manifest) else ""
        self.origin = self.origin or self._derived_origin()

    def _load(self, name: str) -> list[dict[str, Any]]:
        return _read_rows(self.out_dir / f"{name}.json", self.strict)

    def _load_manifest(self) -> dict[str, Any]:
        try:
            manifest = _read_json(self.out_dir / "manifest.json", {})
        except ValueError:
            if self.strict:
                raise
            return {}
        return manifest if isinstance(manifest, dict) else {}

    def _describes_records(self, manifest: dict[str, Any]) -> bool:
        """Whether the manifest is the one of these records: a folder being rewritten (the
        staged copy of the last run, before its new manifest) still holds the old one, whose
        start URL may be another origin."""
        files = manifest.get("files")
        for name in RECORD_FILES:
            entry = files.get(f"{name}.json") if isinstance(files, dict) else None
            path = self.out_dir / f"{name}.json"
            if isinstance(entry, dict) and "sha256" in entry and path.is_file():
                if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
                    return False
        return True

    def _derived_origin(self) -> str:
        """For folders whose manifest has no start_url (older versions), one that is no
        http(s) URL or one of other records: the origin of the first record's source URL."""
        for name in ORIGIN_ORDER:
            for record in self.records(name):
                origin = origin_of(record.get("source_url") or "")
                if origin:
                    return origin
        return ""


def _read_rows(path: Path, strict: bool) -> list[dict[str, Any]]:
    """The rows of a JSON list file that are records (objects with a string id)."""
    data = _read_json(path, [])
    if not isinstance(data, list):
        if strict:
            raise ValueError(f"{path}: expected a JSON list")
        return []
    return [row for row in data if isinstance(row, dict) and isinstance(row.get("id"), str)]


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error


def _sorted_records(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: row["id"])


def load_records(out_dir: Path, name: str) -> list[dict[str, Any]]:
    """Records of ``<name>.json`` sorted by id; [] when the file is missing or not a list."""
    return _sorted_records(_read_rows(Path(out_dir) / f"{name}.json", strict=False))


def load_export(out_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The four record files (articles, clusters, pages, partners), each sorted by id."""
    source = FolderSource(out_dir)
    return {name: list(source.records(name)) for name in RECORD_FILES}


def load_assets(out_dir: Path) -> dict[str, dict[str, Any]]:
    """``assets.json`` by asset id; {} when the folder predates it."""
    return assets_by_id(load_records(out_dir, "assets"))


def assets_by_id(assets: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {asset["id"]: asset for asset in assets if isinstance(asset.get("id"), str)}


def media_href(out_dir: Path, asset: dict[str, Any] | None) -> str | None:
    """The new-site path (``/media/...``) of a downloaded asset whose file is in DIR/media."""
    if not asset:
        return None
    local = asset.get("local_path")
    if not isinstance(local, str) or not local:
        return None
    inside = _media_path(local)
    if inside is None or not os.path.isfile(os.path.join(out_dir, inside)):
        return None
    return "/" + inside


@lru_cache(maxsize=4096)  # each image is shown by the Hugo page and the WXR item of its record
def _media_path(local: str) -> str | None:
    """``local`` as a path under media/, or None for one that would leave it."""
    path = PurePosixPath(local)
    if path.is_absolute() or ".." in path.parts or path.parts[0] != "media" or len(path.parts) < 2:
        return None
    return path.as_posix()


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


class HashingStream:
    """A binary file being written that knows its SHA-256 and size when it is done: the
    manifest entry of a streamed file, without reading it back."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._sha256 = hashlib.sha256()
        self._bytes = 0

    def write(self, data: bytes) -> int:
        self._sha256.update(data)
        self._bytes += len(data)
        return self._handle.write(data)

    def entry(self) -> dict[str, Any]:
        """What ``exporters.describe`` says of the same bytes."""
        return {"sha256": self._sha256.hexdigest(), "bytes": self._bytes}


@contextmanager
def atomic_stream(path: Path) -> Iterator[HashingStream]:
    """Write ``path`` as a stream, replaced in one step like ``exporters.atomic_write``:
    readers see the old file or the new one, never half, and a failure leaves the old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield HashingStream(handle)
            sync_file(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
