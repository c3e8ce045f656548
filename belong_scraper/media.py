"""Pure helpers for downloaded media: safe local paths, media types, asset ids."""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

# Characters kept in a path segment; everything else becomes "_".
UNSAFE_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")
MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
# Names Windows refuses whatever their extension (a handoff may be unpacked there).
RESERVED_STEMS = frozenset(
    ["con", "prn", "aux", "nul", "clock$"]
    + [f"{kind}{n}" for kind in ("com", "lpt") for n in range(10)]
)
# Far below NAME_MAX (255) and PATH_MAX (4096): the export folder itself may sit deep, and
# Windows' MAX_PATH (260) applies to the whole path once the handoff is copied there.
MAX_SEGMENT_BYTES = 100
MAX_PATH_BYTES = 180
# Alternate names land here when their own folder cannot hold them: no legacy URL maps
# to a segment starting with "_" (leading "._" are stripped), so nothing clashes with it.
RENAMED_DIR = "_renamed"
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


@dataclass(frozen=True)
class MediaName:
    """Where a URL would go under media/, and whether that name can be used as it is."""

    path: str
    clean: bool  # False: dot segments, over-long, reserved, no file name: needs an alternate


def _segment(raw: str) -> str:
    """A sanitized path segment; empty when nothing is left of it. A file name keeps its
    extension even when nothing is left of its stem (a name in another script): it is
    then called "file" (and ``media_name`` asks for an alternate: it says nothing)."""
    stem, ext = split_extension(raw.rstrip(" ."))
    stem = UNSAFE_SEGMENT.sub("_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._")  # "a..b" is no dot segment, but reads as one
    if not stem and ext:
        return "file" + ext.lower()
    return stem + ext


def media_name(url: str) -> MediaName:
    """The legacy /uploads/YYYY/MM/FILE layout of a URL, sanitized segment by segment.

    Segments are split before percent-decoding, so an encoded slash (%2F) stays inside its
    segment. A query string becomes a short hash before the extension (/x.jpg?v=2 and
    /x.jpg stay distinct).
    """
    parts = urlsplit(url)
    raw_segments = parts.path.replace("\\", "/").split("/")
    clean = not parts.path.endswith("/")  # a folder URL names no file
    segments = []
    for raw in raw_segments:
        decoded = unquote(raw)
        if decoded.strip(" .") == "" and decoded:
            clean = False  # ".", "..", or dots and spaces only
        segment = _segment(decoded)
        if not segment:
            continue
        if segment.startswith("file.") and not decoded.lower().startswith("file."):
            clean = False
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            clean = False
        if segment.split(".", 1)[0].lower() in RESERVED_STEMS:
            clean = False
        segments.append(segment)
    if not segments:
        return MediaName("file", False)
    if parts.query:
        stem, ext = split_extension(segments[-1])
        digest = hashlib.sha256(parts.query.encode()).hexdigest()[:8]
        segments[-1] = f"{stem}-{digest}{ext}"
    path = PurePosixPath(*segments).as_posix()
    if len(path.encode()) > MAX_PATH_BYTES or len(segments[-1].encode()) > MAX_SEGMENT_BYTES:
        clean = False
    return MediaName(path, clean)


def safe_media_path(url: str) -> str:
    """A relative path under media/ for a URL that can never escape it (it may still clash
    with another URL's: ``media_layout`` decides the final names)."""
    path = PurePosixPath(media_name(url).path)
    assert not path.is_absolute() and ".." not in path.parts
    return path.as_posix()


def split_extension(name: str) -> tuple[str, str]:
    match = EXTENSION.search(name)
    if not match or match.start() == 0:
        return name, ""
    return name[: match.start()], match.group()


def alternate_name(url: str, path: str, media_type: str | None, salt: int = 0) -> str:
    """A file name from the URL's hash, keeping the name's start and its extension (or
    one from the media type when the URL names none)."""
    stem, ext = split_extension(PurePosixPath(path).name)
    if not ext and media_type:
        ext = mimetypes.guess_extension(media_type, strict=False) or ""
    # The path and query only: the same site served from another host or port keeps its
    # names.
    parts = urlsplit(url)
    key = parts.path + ("?" + parts.query if parts.query else "")
    digest = hashlib.sha256(f"{key}\0{salt}".encode() if salt else key.encode()).hexdigest()
    stem = stem.encode()[:40].decode("ascii", "ignore").strip("._") or "file"
    return f"{stem}-{digest[:12]}{ext.lower()}"


def media_layout(assets: dict[str, tuple[list[str], str]]) -> dict[str, str]:
    """Each asset key → its path under media/, one file per asset, no two alike.

    ``assets`` maps a key (the SHA-256) to its URLs and media type. The result depends on
    that set only (sorted), never on crawl order. An asset keeps its legacy path when that
    path is clean and no other asset's path clashes with it on a case-insensitive file
    system: equal ignoring case, or one a folder of the other (the deeper one yields,
    unless the shallower has no extension: then it is a folder URL and yields).
    Every other asset gets an alternate name beside it (or under ``_renamed/``).
    """
    preferred: dict[str, MediaName] = {}
    for key, (urls, _) in sorted(assets.items()):
        names = sorted((media_name(u) for u in urls), key=lambda n: (not n.clean, n.path))
        preferred[key] = names[0]
    clean = {key: name.path for key, name in preferred.items() if name.clean}
    needed_folders = {
        parent.as_posix().casefold()
        for path in clean.values()
        for parent in list(PurePosixPath(path).parents)[:-1]
    }
    # A name without an extension that other files use as a folder is a folder URL
    # (/uploads/2024/03): it yields. A name with one (a.jpg) stays the file, and the
    # URLs that treat it as a folder (a.jpg/b.jpg) yield.
    clean = {
        key: path
        for key, path in clean.items()
        if split_extension(PurePosixPath(path).name)[1] or path.casefold() not in needed_folders
    }
    folded_files = {path.casefold() for path in clean.values()}
    layout: dict[str, str] = {}
    taken: set[str] = set()
    for key, path in sorted(clean.items(), key=lambda kv: (kv[1], kv[0])):
        parents = [p.as_posix().casefold() for p in PurePosixPath(path).parents][:-1]
        if path.casefold() in taken or any(p in folded_files for p in parents):
            continue
        layout[key] = path
        taken.add(path.casefold())
    folders = {
        parent.as_posix().casefold()
        for path in layout.values()
        for parent in PurePosixPath(path).parents
    }
    for key, (urls, media_type) in sorted(assets.items()):
        if key in layout:
            continue
        url = min(urls)
        layout[key] = _place_alternate(url, preferred[key].path, media_type, taken, folders)
        taken.add(layout[key].casefold())
    return layout


def _place_alternate(
    url: str, path: str, media_type: str | None, taken: set[str], folders: set[str]
) -> str:
    folder = posixpath.dirname(path)
    while folder and (
        folder.casefold() in taken
        or any(p.as_posix().casefold() in taken for p in PurePosixPath(folder).parents)
        or len(folder.encode()) > MAX_PATH_BYTES - 64
        or not media_name("/" + folder + "/x").clean
    ):
        folder = posixpath.dirname(folder)
    folder = folder or RENAMED_DIR
    salt = 0
    while True:
        candidate = posixpath.join(folder, alternate_name(url, path, media_type, salt))
        if candidate.casefold() not in taken and candidate.casefold() not in folders:
            return candidate
        salt += 1


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
        # A server can say anything; only a well-formed type is believed (assets.json's
        # schema would refuse the rest, and the whole export with it).
        if MEDIA_TYPE.match(declared) and declared != "application/octet-stream":
            return declared
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or "application/octet-stream"
