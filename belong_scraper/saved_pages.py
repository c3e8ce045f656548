"""Pages kept offline, for ``belong-scraper extract``: saved pages (``.html``,
``.html.gz``), WARC files (``.warc``, ``.warc.gz``; their response records) and folders of
them, read one page at a time, each with the URL it was served from when that is known.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
# A saved page's own URL, when nothing else gives it: <link rel="canonical"> or og:url.
DECLARED_URL = (
    re.compile(rb"<link\b[^>]*\brel=[\"']?canonical\b[^>]*>", re.IGNORECASE),
    re.compile(rb"<meta\b[^>]*\bproperty=[\"']?og:url\b[^>]*>", re.IGNORECASE),
)
URL_ATTRIBUTE = re.compile(rb"\b(?:href|content)=[\"']?(https?://[^\"'\s>]+)", re.IGNORECASE)
HEAD_BYTES = 65536


@dataclass
class SavedPage:
    """One page to extract: where it came from (``file``, or ``warc`` + ``uri`` +
    ``record_id``), the URL it was served from (None when unknown), its bytes."""

    where: dict[str, str]
    url: str | None
    body: bytes
    content_type: str | None = None


@dataclass
class Unreadable:
    """A file (or a WARC record) that could not be read: reported, and the run goes on."""

    where: dict[str, str]
    error: str


@dataclass
class Skipped:
    """WARC records that are no page to extract (requests, metadata, revisits, media,
    redirects, errors, captures cut short), counted per reason."""

    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str) -> None:
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """The paths given; a folder gives its saved pages and WARC files, recursively, in
    name order."""
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file())
            yield from sorted(
                p for p in found if p.name.lower().endswith(PAGE_SUFFIXES + WARC_SUFFIXES)
            )
        else:
            yield path


def read_pages(
    paths: Iterable[Path], url: str | None = None, skipped: Skipped | None = None
) -> Iterator[SavedPage | Unreadable]:
    """Every page of the paths, in order; ``url`` is the URL of a single saved page."""
    skipped = skipped if skipped is not None else Skipped()
    for path in files_under(paths):
        if is_warc(path):
            yield from warc_pages(path, skipped)
        else:
            yield saved_page(path, url)


def saved_page(path: Path, url: str | None = None) -> SavedPage | Unreadable:
    """A saved page; its URL from ``url``, else from a ``meta.json`` beside it (as the
    golden cases keep theirs), else from the page's canonical link or og:url."""
    where = {"file": str(path)}
    try:
        body = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            body = gzip.decompress(body)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return Unreadable(where, f"unreadable: {exc}")
    meta = _meta_beside(path)
    url = url or meta.get("url") or declared_url(body)
    return SavedPage(where, url, body, meta.get("content_type"))


def _meta_beside(path: Path) -> dict[str, str]:
    meta = path.with_name("meta.json")
    if not meta.is_file():
        return {}
    try:
        found = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}


def declared_url(body: bytes) -> str | None:
    head = body[:HEAD_BYTES]
    for tag in DECLARED_URL:
        for match in tag.finditer(head):
            value = URL_ATTRIBUTE.search(match.group(0))
            if value:
                return value.group(1).decode("utf-8", "replace")
    return None


def warc_pages(path: Path, skipped: Skipped) -> Iterator[SavedPage | Unreadable]:
    """The HTML pages a WARC file captured: its ``response`` records answered 2xx with an
    HTML type, complete, each with its WARC-Target-URI and WARC-Record-ID."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Unreadable({"warc": str(path)}, f"unreadable: {exc}")
        return
    records = 0
    with handle:
        try:
            for record in ArchiveIterator(handle, arc2warc=False, check_digests=False):
                records += 1
                if not record.rec_type:
                    raise ValueError(f"record {records} has no WARC-Type")
                page = _capture(path, record, skipped)
                if page is not None:
                    yield page
        except Exception as exc:  # warcio's ArchiveLoadFailed, a cut gzip member, ...
            yield Unreadable({"warc": str(path)}, f"unreadable WARC: {exc}")
            return
    if not records:
        yield Unreadable({"warc": str(path)}, "unreadable WARC: no records")


def _capture(path: Path, record, skipped: Skipped) -> SavedPage | Unreadable | None:
    if record.rec_type != "response":
        skipped.add(f"{record.rec_type} record")
        return None
    headers, http = record.rec_headers, record.http_headers
    where = {
        "warc": str(path),
        "uri": headers.get_header("WARC-Target-URI") or "",
        "record_id": headers.get_header("WARC-Record-ID") or "",
    }
    status = (http.get_statuscode() or "") if http is not None else ""
    content_type = http.get_header("Content-Type") if http is not None else None
    if not status.startswith("2"):
        skipped.add(f"status {status or 'unknown'}")
        return None
    if "html" not in (content_type or "text/html").lower():
        skipped.add("not HTML")
        return None
    if headers.get_header("WARC-Truncated"):
        skipped.add("truncated capture")
        return None
    try:
        body = record.content_stream().read()  # transfer and content encodings undone
    except Exception as exc:  # a broken gzip body, a cut chunk
        return Unreadable(where, f"unreadable capture: {exc}")
    return SavedPage(where, where["uri"] or None, body, content_type)
