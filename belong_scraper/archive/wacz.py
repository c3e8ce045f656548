"""WACZ 1.1.1 packages: the WARCs, their CDXJ index and a page list in one ZIP.

Layout: ``archive/*.warc.gz`` and ``indexes/index.cdxj`` stored uncompressed (replay tools
read them by offset), ``pages/pages.jsonl`` (the articles and static pages, url =
``source_url``, ts = their capture's WARC-Date), ``datapackage.json`` listing every file
with its SHA-256 and size, and ``datapackage-digest.json`` with the hash of that.

:func:`validate_wacz` checks what the ``wacz`` package's validator does not (it does not
notice a missing page list): the page list, every resource hash and size, and that the
index refers only to WARCs inside the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from belong_scraper import __version__
from belong_scraper.archive.index import INDEX_NAME, Capture, archive_dir, scan, url_key
from belong_scraper.archive.provenance import CaptureLookup

WACZ_VERSION = "1.1.1"
PAGES_PATH = "pages/pages.jsonl"
INDEX_PATH = f"indexes/{INDEX_NAME}"
PAGE_FILES = ("articles", "pages")
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


def page_list(out_dir: Path, captures: list[Capture]) -> list[dict[str, Any]]:
    """The articles and static pages that have a capture, as WACZ page entries."""
    lookup = CaptureLookup(captures)
    pages = []
    for stem in PAGE_FILES:
        path = Path(out_dir) / f"{stem}.json"
        if not path.exists():
            continue
        for row in json.loads(path.read_text(encoding="utf-8")):
            capture = lookup.find(row.get("source_url") or "")
            if capture is None:
                continue
            pages.append(
                {
                    "id": row["id"],
                    "url": row["source_url"],
                    "title": row.get("title") or "",
                    "ts": capture.date,
                }
            )
    return sorted(pages, key=lambda p: (p["url"], p["id"]))


def pages_jsonl(pages: list[dict[str, Any]]) -> bytes:
    lines = [json.dumps(PAGES_HEADER)] + [json.dumps(p, ensure_ascii=False) for p in pages]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def _resource(path: str, digest: str, size: int) -> dict[str, Any]:
    return {"name": path.rsplit("/", 1)[-1].lower(), "path": path, "hash": digest, "bytes": size}


def _run_facts(out_dir: Path) -> dict[str, Any]:
    manifest = Path(out_dir) / "manifest.json"
    if manifest.exists():
        try:
            return json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError:
            return {}
    return {}


def build_wacz(out_dir: Path, name: str | None = None) -> tuple[Path, dict[str, Any]]:
    """Write ``DIR/archive/<name>.wacz`` (atomically); returns its path and facts."""
    out_dir = Path(out_dir)
    directory = archive_dir(out_dir)
    scanned = scan(directory)
    if not scanned.files:
        raise ValueError(f"no WARC files in {directory} (was the run made with --no-warc?)")
    from belong_scraper.archive.index import write_index

    index_path = write_index(directory, scanned.captures)
    pages = page_list(out_dir, scanned.captures)
    facts = _run_facts(out_dir)
    name = name or out_dir.resolve().name or "archive"
    target = directory / f"{name}.wacz"
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    page_bytes = pages_jsonl(pages)
    resources = [
        _resource(PAGES_PATH, "sha256:" + hashlib.sha256(page_bytes).hexdigest(), len(page_bytes))
    ]
    resources.append(_resource(INDEX_PATH, *_sha256_file(index_path)))
    for warc in scanned.files:
        resources.append(_resource(f"archive/{warc.name}", *_sha256_file(warc)))
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": f"belong-scraper capture of {facts.get('start_url') or name}",
        "description": "WARC capture of a belong-scraper migration run (see docs/archive.md)",
        "created": created,
        "modified": created,
        "software": f"belong-scraper {__version__}",
        "resources": resources,
    }
    if facts.get("start_url"):
        package["mainPageUrl"] = facts["start_url"]
        home = CaptureLookup(scanned.captures).find(facts["start_url"])
        if home is not None:
            package["mainPageDate"] = home.date
    package_bytes = (json.dumps(package, indent=2) + "\n").encode("utf-8")
    digest = {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as archive:
            archive.writestr(_info(PAGES_PATH, zipfile.ZIP_DEFLATED), page_bytes)
            archive.write(index_path, INDEX_PATH, compress_type=zipfile.ZIP_STORED)
            for warc in scanned.files:
                archive.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
            archive.writestr(_info("datapackage.json", zipfile.ZIP_DEFLATED), package_bytes)
            archive.writestr(
                _info("datapackage-digest.json", zipfile.ZIP_DEFLATED),
                (json.dumps(digest, indent=2) + "\n").encode("utf-8"),
            )
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target, {
        "wacz": target,
        "pages": len(pages),
        "captures": len(scanned.captures),
        "warc_files": len(scanned.files),
    }


def _info(path: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, datetime.now(UTC).timetuple()[:6])
    info.compress_type = compression
    return info


def validate_wacz(path: Path) -> list[str]:
    """Problems with a WACZ file (empty when it is sound)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"not a readable ZIP file: {exc}"]
    with archive:
        return _validate(archive)


def _validate(archive: zipfile.ZipFile) -> list[str]:
    problems: list[str] = []
    names = set(archive.namelist())
    if "datapackage.json" not in names:
        return ["datapackage.json is missing"]
    try:
        package_bytes = archive.read("datapackage.json")
        package = json.loads(package_bytes)
    except ValueError as exc:
        return [f"datapackage.json is not valid JSON: {exc}"]
    if package.get("wacz_version") != WACZ_VERSION:
        problems.append(f"wacz_version is {package.get('wacz_version')!r}, not {WACZ_VERSION}")
    if "datapackage-digest.json" not in names:
        problems.append("datapackage-digest.json is missing")
    else:
        try:
            digest = json.loads(archive.read("datapackage-digest.json"))
            actual = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
            if digest.get("hash") != actual:
                problems.append("datapackage-digest.json does not match datapackage.json")
        except ValueError:
            problems.append("datapackage-digest.json is not valid JSON")
    listed = {}
    for resource in package.get("resources", []):
        listed[resource.get("path")] = resource
        member = resource.get("path")
        if member not in names:
            problems.append(f"{member}: listed in datapackage.json but not in the package")
            continue
        algorithm, _, expected = str(resource.get("hash", "")).partition(":")
        try:
            hasher = hashlib.new(algorithm)
        except ValueError:
            problems.append(f"{member}: unknown hash {resource.get('hash')!r}")
            continue
        size = 0
        with archive.open(member) as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
                size += len(chunk)
        if hasher.hexdigest() != expected:
            problems.append(f"{member}: hash does not match datapackage.json")
        if resource.get("bytes") is not None and resource["bytes"] != size:
            problems.append(f"{member}: size {size} is not the listed {resource['bytes']}")
    for member in sorted(names - set(listed) - {"datapackage.json", "datapackage-digest.json"}):
        if not member.endswith("/"):
            problems.append(f"{member}: in the package but not listed in datapackage.json")
    warcs = {n for n in names if n.startswith("archive/") and ".warc" in n}
    if not warcs:
        problems.append("no WARC files under archive/")
    for member in warcs:
        if archive.getinfo(member).compress_type != zipfile.ZIP_STORED:
            problems.append(f"{member}: must be stored uncompressed in the ZIP")
    index_problems, keys = _check_index(archive, names, warcs)
    return problems + index_problems + _check_pages(archive, names, keys)


def _check_index(
    archive: zipfile.ZipFile, names: set[str], warcs: set[str]
) -> tuple[list[str], set[str]]:
    """Problems of the CDXJ indexes, and the URL keys they hold."""
    indexes = sorted(n for n in names if n.startswith("indexes/") and n.endswith(".cdxj"))
    if not indexes:
        return ["no CDXJ index under indexes/"], set()
    problems: list[str] = []
    self_keys: set[str] = set()
    for member in indexes:
        lines = archive.read(member).splitlines()
        if lines != sorted(lines):
            problems.append(f"{member}: lines are not sorted")
        for number, line in enumerate(lines, 1):
            try:
                urlkey, _ts, block = line.decode("utf-8").split(" ", 2)
                entry = json.loads(block)
            except ValueError:
                problems.append(f"{member}: line {number} is not CDXJ")
                continue
            self_keys.add(urlkey)
            filename = entry.get("filename")
            if f"archive/{filename}" not in warcs:
                problems.append(f"{member}: line {number} refers to {filename}, not in archive/")
    return problems, self_keys


def _check_pages(archive: zipfile.ZipFile, names: set[str], keys: set[str]) -> list[str]:
    if PAGES_PATH not in names:
        return [f"{PAGES_PATH} is missing"]
    problems: list[str] = []
    lines = archive.read(PAGES_PATH).decode("utf-8", errors="replace").splitlines()
    if not lines:
        return [f"{PAGES_PATH} is empty"]
    try:
        header = json.loads(lines[0])
        if not (header.get("format") and header.get("id")):
            problems.append(f"{PAGES_PATH}: first line must have format and id")
    except ValueError:
        problems.append(f"{PAGES_PATH}: line 1 is not JSON")
    pages = 0
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            page = json.loads(line)
        except ValueError:
            problems.append(f"{PAGES_PATH}: line {number} is not JSON")
            continue
        if not (page.get("url") and page.get("ts")):
            problems.append(f"{PAGES_PATH}: line {number} lacks url or ts")
            continue
        pages += 1
        if keys and url_key(page["url"]) not in keys:
            problems.append(f"{PAGES_PATH}: {page['url']} has no capture in the index")
    if pages == 0:
        problems.append(f"{PAGES_PATH} lists no pages")
    return problems
