"""Pure helpers for downloaded media: safe local paths, media types, asset ids."""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

# Characters kept in a path segment; everything else becomes "_".
UNSAFE_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"RIFF", "image/webp"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def asset_id(sha256: str) -> str:
    return f"asset-{sha256[:12]}"


def safe_media_path(url: str) -> str:
    """A relative path under media/ for a URL that can never escape it.

    Keeps the legacy /uploads/YYYY/MM/FILE layout; '..', '.', empty and hidden segments are
    dropped, other characters outside [A-Za-z0-9._-] replaced; a query string becomes a
    short hash before the extension so /x.jpg?v=2 and /x.jpg stay distinct.
    """
    parts = urlsplit(url)
    segments = []
    for raw in unquote(parts.path).replace("\\", "/").split("/"):
        segment = UNSAFE_SEGMENT.sub("_", raw).strip("._") if raw not in (".", "..") else ""
        if segment:
            segments.append(segment[:120])
    if not segments:
        segments = ["file"]
    if parts.query:
        stem, ext = posixpath.splitext(segments[-1])
        digest = hashlib.sha256(parts.query.encode()).hexdigest()[:8]
        segments[-1] = f"{stem}-{digest}{ext}"
    path = PurePosixPath(*segments)
    assert not path.is_absolute() and ".." not in path.parts
    return path.as_posix()


def media_type_of(body: bytes, content_type: str | None, url: str) -> str:
    """The media type: the bytes' signature first, then the server's word, then the name."""
    for magic, kind in MAGIC:
        if body.startswith(magic):
            if kind == "image/webp" and body[8:12] != b"WEBP":
                continue
            return kind
    if body.startswith(b"PK\x03\x04") and b"word/" in body[:4000]:
        return DOCX
    if content_type:
        declared = content_type.split(";", 1)[0].strip().lower()
        if declared and declared != "application/octet-stream":
            return declared
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or "application/octet-stream"
