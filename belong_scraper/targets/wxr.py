"""Render an export as a WordPress eXtended RSS (WXR 1.2) file, ``DIR/wordpress.xml``.

Why: WXR is what the stock WordPress importer (Tools → Import → WordPress) and WP-CLI
(`wp import`) read, so a WordPress site can take the migrated content without custom code.
Articles become posts, pages pages, clusters and partners the custom post types `cluster`
and `partner` (register them before importing, or the importer skips those items), and
every downloaded asset an attachment that the importer fetches from its legacy URL.

Two importer behaviours shape the file:

- It skips an item when a post with the same title and date already exists and has the
  same post type, silently. Such groups are reported (``collisions``), never dropped here.
  MySQL's default collation compares titles case- and accent-insensitively, so the check
  does too. The same rule is what makes a second import of the file add nothing, so every
  item has a stable date: the record's own, else one derived from its id
  (``derived_post_date``; an attachment takes its parent's), never the import time.
- After importing it replaces, in every post body, each attachment's ``guid`` and URL with
  the new upload URL. Bodies link media as ``/media/...``, so that path is the attachment's
  guid and the bodies end up pointing at the WordPress copies.

Streamed one ``<item>`` at a time, so memory does not grow with the site: the declaration
and the root by lxml's incremental writer (``etree.xmlfile``), each element after them as
the text that writer makes of it (``_leaf``: texts and attributes escaped as it escapes
them, bodies in CDATA). UTF-8, no DOCTYPE, no volatile values: two runs over one export
give identical bytes.

WordPress stores what the file says and prints titles, excerpts, term and author names as
HTML (the importer runs with ``unfiltered_html``: nothing filters them on the way). So every
text field is written HTML-escaped (``_html_text``): a title that shows ``<script>`` shows
it, never runs it. Bodies are HTML already and go through the sanitizer's allowlist once
more, whoever wrote the export folder.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import urlsplit

from lxml import etree
from slugify import slugify

from belong_scraper.cleaning import remove_unsafe_chars
from belong_scraper.exporters import compact_json_text
from belong_scraper.ledger import one_line
from belong_scraper.review import title_date_groups
from belong_scraper.sanitize import sanitize_export_html
from belong_scraper.targets import (
    ExportSource,
    FolderSource,
    assets_by_id,
    atomic_stream,
    legacy_urls_of,
    media_href,
)

FILE_NAME = "wordpress.xml"
NS = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
DEFAULT_AUTHOR = "migration"
# An undated record's post date: this day, at a time of day taken from its id's SHA-256
# (derived_post_date). A pure function of the record, so every render and every import of
# it agrees, and two undated records with one title still differ.
UNDATED_DAY = "2000-01-01"
# Post id ranges: articles and clusters keep their legacy id inside their range, the other
# types are numbered in id order. Ids stay unique across types; WordPress reuses them as
# the new post ids when they are free (import_id).
BASE = {"article": 100000, "cluster": 200000, "page": 300000, "partner": 400000}
ATTACHMENT_BASE = 500000
FALLBACK_BASE = 900000
RANGE = 100000
# The post type of each record file, and the record fields each item carries as meta (the
# WordPress plugin shows them in the editor): every type's COMMON_FIELDS, then its own.
POST_TYPES = {"articles": "post", "clusters": "cluster", "pages": "page", "partners": "partner"}
COMMON_FIELDS = ("record_id", "legacy_id", "legacy_urls", "source_url", "path", "review_flags")
TYPE_FIELDS = {
    "post": ("language", "author_name", "published_raw", "clusters", "embeds"),
    "cluster": ("related_articles", "related_post_guids"),
    "page": ("page_key",),
    "partner": ("country_code", "country", "region", "role", "role_raw", "website", "logo_url"),
}
# Meta values WordPress reads as a file path or an id, never prints: kept as they are.
RAW_META = {"_wp_attached_file", "_thumbnail_id"}
# A medium kept at its legacy upload path (media.media_layout): the part from the year on
# is what WordPress files it under, whatever folder held the uploads (/uploads/,
# /wp-content/uploads/).
UPLOADS = re.compile(r"^media/(?:.+/)?uploads/(\d{4}/\d{2}/.+)$")


def write_wxr(
    out_dir: Path,
    source: ExportSource | None = None,
    *,
    site_title: str = "Migrated site",
    site_url: str | None = None,
    language: str = "en",
    description: str | None = None,
    failures: dict[str, str] | None = None,
    described: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write ``DIR/wordpress.xml`` from ``source`` (default: the folder DIR itself); return
    ``{"posts", "attachments", "collisions"}``. ``described`` gets the file's manifest entry
    (sha256, bytes), so nobody reads the file back to describe it.

    ``site_url`` (``wp:base_site_url``, used by the importer to complete relative attachment
    URLs) defaults to the crawled origin (``source.origin``)."""
    out_dir = Path(out_dir)
    source = FolderSource(out_dir) if source is None else source
    with atomic_stream(out_dir / FILE_NAME) as stream:
        summary = stream_wxr(stream, out_dir, source, site_title=site_title,
                             site_url=site_url, language=language, description=description,
                             failures=failures)  # fmt: skip
    if described is not None:
        described[FILE_NAME] = stream.entry()
    return summary


def render_wxr(
    out_dir: Path,
    source: ExportSource | None = None,
    *,
    site_title: str,
    site_url: str | None,
    language: str,
    failures: dict[str, str] | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """The WXR bytes and the summary, without writing anything."""
    source = FolderSource(Path(out_dir)) if source is None else source
    buffer = io.BytesIO()
    summary = stream_wxr(buffer, Path(out_dir), source, site_title=site_title,
                         site_url=site_url, language=language, failures=failures)  # fmt: skip
    return buffer.getvalue(), summary


class Stream(Protocol):
    """Where the file goes: anything with a binary write (a file, BytesIO, HashingStream)."""

    def write(self, data: bytes, /) -> int: ...


def stream_wxr(
    stream: Stream,
    out_dir: Path,
    source: ExportSource,
    *,
    site_title: str,
    site_url: str | None,
    language: str,
    description: str | None = None,
    failures: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write the WXR file to ``stream`` one ``<item>`` at a time; return the summary.
    ``description``: the channel's (the profile's `target.site_description`; without one,
    a sentence made of the site title).

    Memory holds a slim index (post ids, authors, tags, each written item's title and
    date for the collisions), never the records: each item is built in full (every value
    checked), written, then dropped. A record that cannot be rendered is left out, with
    why, in ``failures`` (id → error), and leaves nothing of its ``<item>`` in the file.

    The bytes are those of the pretty-printed tree this module used to build: xmlfile
    sorts the namespace declarations it makes, so the root declares them itself, in
    WordPress's own order, and names are written with their prefix."""
    failures = {} if failures is None else failures
    assets = assets_by_id(source.assets())
    if site_url is None:
        site_url = source.origin
    index = _scan(source, assets)
    attachment_ids = {
        asset_id: ATTACHMENT_BASE + n for n, asset_id in enumerate(sorted(assets), start=1)
    }
    # Each written item as title_date_groups takes it: ((guid, title), title, date, type).
    written: list[tuple[tuple[str, str], str, str, str]] = []
    parents: dict[str, tuple[int, str | None, str]] = {}  # id → (post id, published, date)

    def build(name: str, record_id: str) -> _Item | None:
        record = source.record(name, record_id)
        if record is None:
            return None
        try:
            item = BUILDERS[name](record, index.post_ids, attachment_ids, out_dir, assets)
        except Exception as exc:  # one record that cannot be rendered is left out
            failures[record_id] = one_line(exc)
            return None
        parents[record_id] = (item.post_id, item.published, item.post_date)
        return item

    def emit(item: _Item | None, owner: str) -> None:
        if item is None:
            return
        try:
            text = item.xml()
        except Exception as exc:
            failures[owner] = one_line(exc)
            return
        writer.write(text)
        written.append(((item.guid, item.title), item.title, item.post_date, item.post_type))

    with etree.xmlfile(stream, encoding="UTF-8") as xf:
        writer = _Writer(xf, stream)
        xf.write_declaration()
        with xf.element("rss", {**{f"xmlns:{p}": uri for p, uri in NS.items()}, "version": "2.0"}):
            xf.write("\n  ")
            with xf.element("channel"):
                head = _channel_head(site_title, site_url, language, description, index)
                for text in head:
                    writer.write(text)
                for post_id, name, record_id in index.order:
                    if post_id < FALLBACK_BASE:
                        emit(build(name, record_id), record_id)
                # Attachments come before the fallback-numbered posts but take their
                # parent's id and date: those posts an asset is used by are built once
                # here to know them (only those: an attachment looks up no other).
                for post_id, name, record_id in index.order:
                    if post_id >= FALLBACK_BASE and record_id in index.asset_users:
                        build(name, record_id)
                for asset_id, asset in sorted(assets.items()):
                    try:
                        title = index.attachment_titles.get(asset_id)
                        item = _attachment(asset, attachment_ids[asset_id], parents, out_dir, title)
                    except Exception as exc:
                        failures[asset_id] = one_line(exc)
                        continue
                    emit(item, item.guid)
                for post_id, name, record_id in index.order:
                    if post_id >= FALLBACK_BASE:
                        emit(build(name, record_id), record_id)
                xf.write("\n  ")
            xf.write("\n")
    stream.write(b"\n")
    return {
        "posts": sum(1 for entry in written if entry[3] != "attachment"),
        "attachments": sum(1 for entry in written if entry[3] == "attachment"),
        "collisions": _collisions(written),
    }


def _channel_head(
    site_title: str, site_url: str, language: str, description: str | None, index: _Index
) -> Iterator[str]:
    yield _leaf("title", _html_text(site_title), 2)
    yield _leaf("link", site_url, 2)
    description = description or f"{site_title}: content migrated from the legacy site"
    yield _leaf("description", _html_text(description), 2)
    yield _leaf("language", language, 2)
    yield _leaf("wp:wxr_version", "1.2", 2)
    yield _leaf("wp:base_site_url", site_url, 2)
    yield _leaf("wp:base_blog_url", site_url, 2)
    for number, (login, display) in enumerate(sorted(index.authors.items()), start=1):
        yield _parent("wp:author", 2, [
            _leaf("wp:author_id", str(number), 3),
            _leaf("wp:author_login", login, 3, cdata=True),
            _leaf("wp:author_email", "", 3, cdata=True),
            _leaf("wp:author_display_name", _html_text(display), 3, cdata=True),
            _leaf("wp:author_first_name", "", 3, cdata=True),
            _leaf("wp:author_last_name", "", 3, cdata=True),
        ])  # fmt: skip
    # WordPress's exporter writes categories first, then tags; term ids are one sequence.
    for number, (slug, name) in enumerate(sorted(index.categories.items()), start=1):
        yield _parent("wp:category", 2, [
            _leaf("wp:term_id", str(number), 3),
            _leaf("wp:category_nicename", slug, 3, cdata=True),
            _leaf("wp:category_parent", "", 3, cdata=True),
            _leaf("wp:cat_name", _html_text(name), 3, cdata=True),
        ])  # fmt: skip
    first_tag = len(index.categories) + 1
    for number, (slug, name) in enumerate(sorted(index.tags.items()), start=first_tag):
        yield _parent("wp:tag", 2, [
            _leaf("wp:term_id", str(number), 3),
            _leaf("wp:tag_slug", slug, 3, cdata=True),
            _leaf("wp:tag_name", _html_text(name), 3, cdata=True),
        ])  # fmt: skip
    yield _leaf("generator", "belong-scraper", 2)


class _Item:
    """One ``<item>``: the fields WordPress's exporter writes, in its order."""

    def __init__(self, *, post_id: int, post_type: str, guid: str, title: str) -> None:
        self.post_id = post_id
        self.post_type = post_type
        self.guid = guid
        self.title = title
        self.link = ""
        self.published: str | None = None  # YYYY-MM-DD, the record's own date
        self.date: str | None = None  # the post date when not the record's (an attachment)
        self.creator = DEFAULT_AUTHOR
        self.description = ""
        self.content = ""
        self.excerpt = ""
        self.post_name = ""
        self.status = "publish"
        self.parent = 0
        self.attachment_url: str | None = None
        self.terms: list[tuple[str, str, str]] = []  # (domain, nicename, name)
        self.meta: list[tuple[str, str]] = []

    @property
    def post_date(self) -> str:
        if self.date:
            return self.date
        return f"{self.published} 00:00:00" if self.published else derived_post_date(self.guid)

    def xml(self) -> str:
        """The whole ``<item>``'s text, every value checked: writing it cannot fail half-way."""
        children = [_leaf("title", _html_text(self.title), 3, cdata=True),
                    _leaf("link", self.link, 3)]  # fmt: skip
        if self.published:
            children.append(_leaf("pubDate", _rfc2822_day(self.published), 3))
        post_date = self.post_date
        children += [
            _leaf("dc:creator", self.creator, 3, cdata=True),
            _leaf("guid", self.guid, 3, isPermaLink="false"),
            _leaf("description", _html_text(self.description), 3),
            _leaf("content:encoded", sanitize_export_html(self.content), 3, cdata=True),
            _leaf("excerpt:encoded", _html_text(self.excerpt), 3, cdata=True),
            _leaf("wp:post_id", str(self.post_id), 3),
            _leaf("wp:post_date", post_date, 3, cdata=True),
            _leaf("wp:post_date_gmt", post_date, 3, cdata=True),
            _FIXED_ITEM_FIELDS[0],
            _leaf("wp:post_name", _html_text(self.post_name), 3, cdata=True),
            _leaf("wp:status", self.status, 3, cdata=True),
            _leaf("wp:post_parent", str(self.parent), 3),
            _FIXED_ITEM_FIELDS[1],
            _leaf("wp:post_type", self.post_type, 3, cdata=True),
            _FIXED_ITEM_FIELDS[2],
        ]
        if self.attachment_url is not None:
            children.append(_leaf("wp:attachment_url", self.attachment_url, 3))
        for domain, nicename, name in self.terms:
            children.append(_leaf("category", _html_text(name), 3, cdata=True,
                                  domain=domain, nicename=nicename))  # fmt: skip
        for key, value in self.meta:
            text = value if key in RAW_META else _html_text(value)
            children.append(_parent("wp:postmeta", 3, [
                _leaf("wp:meta_key", key, 4, cdata=True),
                _leaf("wp:meta_value", text, 4, cdata=True),
            ]))  # fmt: skip
        return _parent("item", 2, children)


def _article(
    record: dict[str, Any],
    post_ids: dict[str, int],
    attachment_ids: dict[str, int],
    out_dir: Path,
    assets: dict[str, dict],
) -> _Item:
    item = _Item(
        post_id=post_ids[record["id"]],
        post_type="post",
        guid=record["id"],
        title=record.get("title") or record["id"],
    )
    _common(item, record)
    item.published = record.get("published") or None
    item.status = "publish" if item.published else "draft"
    item.creator = author_login(record.get("author")) if record.get("author") else DEFAULT_AUTHOR
    item.description = record.get("summary") or ""
    # The videos the body held, each URL in its own paragraph: WordPress embeds it there.
    videos = "".join(
        f"\n<p>{html.escape(video_page_url(e))}</p>" for e in record.get("embeds") or []
    )
    item.content = (record.get("body_html") or "") + videos
    item.excerpt = record.get("summary") or ""
    item.post_name = record.get("slug") or _last_segment(record)
    item.terms = [
        *(("category", slug, name) for slug, name in _term_slugs(record.get("categories"))),
        *(("post_tag", slug, name) for slug, name in _record_tags(record)),
    ]
    item.meta += [
        ("language", record.get("language") or ""),
        ("author_name", record.get("author") or ""),
        ("published_raw", record.get("published_raw") or ""),
        ("clusters", _json(record.get("clusters") or [])),
        ("embeds", _json(record.get("embeds") or [])),
    ]
    featured = _featured_image(record, attachment_ids, out_dir, assets)
    if featured:
        item.meta.append(("_thumbnail_id", str(featured)))
    return item


def _cluster(record: dict[str, Any], post_ids: dict[str, int], *_: Any) -> _Item:
    item = _Item(
        post_id=post_ids[record["id"]],
        post_type="cluster",
        guid=record["id"],
        title=record.get("title") or record["id"],
    )
    _common(item, record)
    item.content = record.get("intro_html") or ""
    item.excerpt = item.description = record.get("summary") or ""
    item.post_name = _last_segment(record)
    related = [rid for rid in record.get("related_articles") or [] if isinstance(rid, str)]
    item.meta += [
        ("related_articles", _json(related)),
        # The importer gives posts new ids and never remaps ids in meta: the related posts
        # are named by their guid (the record id), which it keeps.
        ("related_post_guids", _json([r for r in related if r in post_ids])),
    ]
    return item


def _page(record: dict[str, Any], post_ids: dict[str, int], *_: Any) -> _Item:
    item = _Item(
        post_id=post_ids[record["id"]],
        post_type="page",
        guid=record["id"],
        title=record.get("title") or record["id"],
    )
    _common(item, record)
    item.content = record.get("body_html") or ""
    item.post_name = record.get("key") or _last_segment(record) or "home"
    item.meta.append(("page_key", record.get("key") or ""))
    return item


def _partner(
    record: dict[str, Any], post_ids: dict[str, int], attachment_ids: dict[str, int], *_: Any
) -> _Item:
    item = _Item(
        post_id=post_ids[record["id"]],
        post_type="partner",
        guid=record["id"],
        title=record.get("name") or record["id"],
    )
    _common(item, record)
    item.content = record.get("description_html") or ""
    item.post_name = _last_segment(record)
    for key in TYPE_FIELDS["partner"]:
        item.meta.append((key, str(record.get(key) or "")))
    logo = attachment_ids.get(record.get("logo_asset") or "")
    if logo:
        item.meta.append(("_thumbnail_id", str(logo)))
    return item


def _attachment(
    asset: dict[str, Any],
    post_id: int,
    parents: dict[str, tuple[int, str | None, str]],
    out_dir: Path,
    entry_title: str | None = None,
) -> _Item:
    url = str(asset.get("url") or "")
    href = media_href(out_dir, asset)
    local = str(asset.get("local_path") or "")
    file_name = PurePosixPath(local or urlsplit(url).path).name or asset["id"]
    # The guid is the path the bodies use (/media/...): the importer swaps it for the new
    # upload URL in every body.
    guid = href or ("/" + local if local else asset["id"])
    item = _Item(
        post_id=post_id,
        post_type="attachment",
        guid=guid,
        title=(asset.get("alt") or "").strip() or entry_title or file_name,
    )
    item.link = href or url
    item.status = "inherit"
    item.post_name = slugify(PurePosixPath(file_name).stem) or asset["id"]
    item.attachment_url = url
    item.excerpt = asset.get("credit") or ""  # the caption WordPress shows under the image
    for record_id in asset.get("used_by") or []:
        if record_id in parents:
            # Its parent's date (and pubDate, when the parent has a date of its own).
            item.parent, item.published, item.date = parents[record_id]
            break
    else:
        item.date = derived_post_date(asset["id"])
    # The importer files the upload under this path's YYYY/MM: the legacy /uploads/YYYY/MM/
    # folder where the site had one, else the post date's (a partner's logo).
    uploads = UPLOADS.match(local)
    month = item.post_date[:7].replace("-", "/")
    item.meta.append(("_wp_attached_file", uploads.group(1) if uploads else f"{month}/{file_name}"))
    if str(asset.get("media_type") or "").startswith("image/") and asset.get("alt"):
        item.meta.append(("_wp_attachment_image_alt", str(asset["alt"])))
    item.meta += [
        ("asset_id", asset["id"]),
        ("sha256", str(asset.get("sha256") or "")),
        ("source_url", url),
        ("credit", str(asset.get("credit") or "")),
        ("used_by", _json(list(asset.get("used_by") or []))),
    ]
    return item


def _rfc2822_day(day: Any) -> str:
    """A YYYY-MM-DD day as an RSS date, midnight UTC. Only a text is cached: anything else
    fails as strptime fails (the error a record is left out with), never as a key."""
    return _rfc2822_text_day(day) if isinstance(day, str) else _rfc2822_of(day)


def _rfc2822_of(day: str) -> str:
    return format_datetime(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC))


# A day is the date of many posts (and of their attachments).
_rfc2822_text_day = lru_cache(maxsize=4096)(_rfc2822_of)


def derived_post_date(key: str) -> str:
    """The stable post date of an undated item: ``UNDATED_DAY`` at the time of day the
    first 32 bits of SHA-256(``key``) give, modulo a day (``key``: the record id)."""
    seconds = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 86400
    return f"{UNDATED_DAY} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _common(item: _Item, record: dict[str, Any]) -> None:
    item.link = record.get("path") or ""
    item.meta = [
        ("record_id", record["id"]),
        ("legacy_id", "" if record.get("legacy_id") is None else str(record["legacy_id"])),
        ("legacy_urls", _json(legacy_urls_of(record))),
        ("source_url", record.get("source_url") or ""),
        ("path", record.get("path") or ""),
        ("review_flags", _json(list(record.get("review_flags") or []))),
    ]


EMBED_TO_PAGE = (
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
     "https://www.youtube.com/watch?v={}"),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
    (re.compile(r"^https?://(?:www\.)?dailymotion\.com/embed/video/(\w+)"),
     "https://www.dailymotion.com/video/{}"),
)  # fmt: skip


def video_page_url(embed: dict[str, Any]) -> str:
    """The video's page URL, which WordPress's oEmbed knows, for a player (iframe) URL."""
    url = str(embed.get("url") or "")
    for pattern, page in EMBED_TO_PAGE:
        match = pattern.match(url)
        if match:
            return page.format(match.group(1))
    return url


def _featured_image(
    record: dict[str, Any], attachment_ids: dict[str, int], out_dir: Path, assets: dict[str, dict]
) -> int | None:
    """The first image the body does not show (the lead picture) as the featured image."""
    body = record.get("body_html") or ""
    for image in record.get("images") or []:
        asset_id = image.get("asset") or ""
        if asset_id not in attachment_ids:
            continue
        href = media_href(out_dir, assets.get(asset_id))
        if href and href in body:
            continue
        return attachment_ids[asset_id]
    return None


@dataclass
class _Index:
    """What the channel head and the items need from every record: no record itself."""

    post_ids: dict[str, int] = field(default_factory=dict)
    order: list[tuple[int, str, str]] = field(default_factory=list)  # (post id, file, id)
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    tags: dict[str, str] = field(default_factory=dict)  # slug → name
    categories: dict[str, str] = field(default_factory=dict)  # slug → name
    # asset id → a title better than the file name: the link text of the first article
    # attachment pointing at it, or "<partner> logo".
    attachment_titles: dict[str, str] = field(default_factory=dict)
    asset_users: set[str] = field(default_factory=set)  # the ids in an asset's used_by


def _scan(source: ExportSource, assets: dict[str, dict]) -> _Index:
    """One pass over each record file for the index."""
    index = _Index()
    index.asset_users = _asset_users(assets)
    legacy: dict[str, list[tuple[str, Any]]] = {"articles": [], "clusters": []}
    numbered: dict[str, list[str]] = {"pages": [], "partners": []}
    author_names = set()
    for record in source.records("articles"):
        legacy["articles"].append((record["id"], record.get("legacy_id")))
        if record.get("author"):
            author_names.add(record["author"])
        for slug, name in _record_tags(record):
            index.tags.setdefault(slug, name)
        for slug, name in _term_slugs(record.get("categories")):
            index.categories.setdefault(slug, name)
        for entry in record.get("attachments") or []:
            title = (entry.get("title") or "").strip()
            if entry.get("asset") and title:
                index.attachment_titles.setdefault(entry["asset"], title)
    for record in source.records("clusters"):
        legacy["clusters"].append((record["id"], record.get("legacy_id")))
    for record in source.records("pages"):
        numbered["pages"].append(record["id"])
    for record in source.records("partners"):
        numbered["partners"].append(record["id"])
        if record.get("logo_asset") and record.get("name"):
            index.attachment_titles.setdefault(record["logo_asset"], f"{record['name']} logo")
    # The default author always exists (pages, partners, ...).
    index.authors = {DEFAULT_AUTHOR: "Migration"}
    for name in sorted(author_names):
        index.authors.setdefault(author_login(name), name)
    names = {record_id: name for name, rows in legacy.items() for record_id, _ in rows}
    names |= {record_id: name for name, ids in numbered.items() for record_id in ids}
    index.post_ids = _post_ids(legacy, numbered)
    index.order = sorted((post_id, names[rid], rid) for rid, post_id in index.post_ids.items())
    return index


def _asset_users(assets: dict[str, dict]) -> set[Any]:
    """Every id an attachment may look its parent up by (``_attachment``), or more."""
    users: set[Any] = set()
    for asset in assets.values():
        try:
            users.update(asset.get("used_by") or [])
        except (AttributeError, TypeError):
            # Its attachment fails on its own, at the same id (the ids up to it are in).
            continue
    return users


def _post_ids(
    legacy: dict[str, list[tuple[str, Any]]], numbered: dict[str, list[str]]
) -> dict[str, int]:
    ids: dict[str, int] = {}
    used: set[int] = set()
    fallback: list[str] = []

    def take(record_id: str, post_id: int) -> None:
        ids[record_id] = post_id
        used.add(post_id)

    for kind, name in (("article", "articles"), ("cluster", "clusters")):
        for record_id, legacy_id in legacy[name]:
            usable = (
                isinstance(legacy_id, int) and not isinstance(legacy_id, bool)
                and 0 < legacy_id < RANGE
            )  # fmt: skip
            if usable and BASE[kind] + legacy_id not in used:
                take(record_id, BASE[kind] + legacy_id)
            else:
                fallback.append(record_id)
    for kind, name in (("page", "pages"), ("partner", "partners")):
        for number, record_id in enumerate(numbered[name], start=1):
            take(record_id, BASE[kind] + number)
    for number, record_id in enumerate(sorted(fallback), start=1):
        take(record_id, FALLBACK_BASE + number)
    return ids


@lru_cache(maxsize=4096)  # a site's few authors sign most of its articles
def author_login(name: str) -> str:
    """The WordPress login an author's display name is imported as."""
    login = slugify(name, max_length=60)
    if not login:
        login = "author-" + slugify(json.dumps(name, ensure_ascii=True))[:20]
    return login


def _record_tags(record: dict[str, Any]) -> list[tuple[str, str]]:
    return _term_slugs(record.get("tags"))


def _term_slugs(names: list[str] | None) -> list[tuple[str, str]]:
    """(slug, name) of each term, once per slug, in order."""
    seen: dict[str, str] = {}
    for name in names or []:
        if isinstance(name, str) and name.strip():
            seen.setdefault(_tag_slug(name), name)
    return list(seen.items())


@lru_cache(maxsize=4096)  # a site's few hundred tags, each on many records
def _tag_slug(name: str) -> str:
    return slugify(name, max_length=190) or "tag-" + slugify(json.dumps(name))[:20]


def _collisions(
    written: Iterable[tuple[tuple[str, str], str, str, str]],
) -> list[dict[str, Any]]:
    """Groups the importer would skip all but one of (``review.title_date_groups``)."""
    entries = list(written)
    kinds = {guid: kind for (guid, _), _, _, kind in entries}
    dates = {guid: published for (guid, _), _, published, _ in entries}
    collisions = [
        {
            "title": group[0][1],
            "date": dates[group[0][0]],
            "post_type": kinds[group[0][0]],
            "ids": sorted(guid for guid, _ in group),
        }
        for group in title_date_groups(entries)
    ]
    return sorted(collisions, key=lambda c: (c["post_type"], c["date"], c["ids"]))


def _last_segment(record: dict[str, Any]) -> str:
    segments = [s for s in str(record.get("path") or "").split("/") if s]
    return segments[-1] if segments else ""


def _json(value: Any) -> str:
    return compact_json_text(value)


def _html_text(text: str) -> str:
    """Plain text as the HTML WordPress will print: <, > and & escaped."""
    return html.escape(text, quote=False)


# lxml checks an attribute as it is set: the one place that says what XML can hold there.
# A text needs no such check: remove_unsafe_chars drops every code point XML 1.0 refuses
# (tests/test_wxr_writer.py holds lxml to accepting whatever it leaves).
_CHECK = etree.Element("check")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
     "\t": "&#9;"}
)  # fmt: skip
_INDENTS = ["\n" + "  " * depth for depth in range(6)]


def _leaf(name: str, text: str, depth: int, *, cdata: bool = False, **attrib: str) -> str:
    """An element holding a text, on its own line ``depth`` levels in, as lxml's incremental
    writer serialises it: its escaping of texts and attributes, a CDATA section as such.
    Made as text, not as an element: an element per field (54 an item) and its serialising
    were most of the WXR's time."""
    clean = remove_unsafe_chars(text)
    attributes = ""
    for key, value in attrib.items():
        _CHECK.set(key, value)
        attributes += f' {key}="{value.translate(_ATTRIBUTE_ESCAPES)}"'
    if cdata and "]]>" not in clean:
        body = f"<![CDATA[{clean}]]>"
    else:  # CDATA cannot hold "]]>": such a text is written escaped, which parses the same
        body = clean.translate(_TEXT_ESCAPES)
    return f"{_INDENTS[depth]}<{name}{attributes}>{body}</{name}>"


def _parent(name: str, depth: int, children: list[str]) -> str:
    """An element of ``children`` (made one level deeper), its end tag on a line of its own."""
    indent = _INDENTS[depth]
    return f"{indent}<{name}>{''.join(children)}{indent}</{name}>"


# The fields every item holds with one value, made once.
_FIXED_ITEM_FIELDS = (
    _leaf("wp:comment_status", "closed", 3, cdata=True)
    + _leaf("wp:ping_status", "closed", 3, cdata=True),
    _leaf("wp:menu_order", "0", 3),
    _leaf("wp:post_password", "", 3, cdata=True) + _leaf("wp:is_sticky", "0", 3),
)


class _Writer:
    """Writes elements' text after what lxml's incremental writer holds (the root's and
    the channel's start tags), one element a line, indented two spaces a level, as
    pretty-printing the whole tree did."""

    def __init__(self, xf: Any, stream: Stream) -> None:
        self.xf = xf
        self.stream = stream

    def write(self, text: str) -> None:
        self.xf.flush()
        self.stream.write(text.encode("utf-8"))


BUILDERS: dict[str, Callable[..., _Item]] = {
    "articles": _article,
    "clusters": _cluster,
    "pages": _page,
    "partners": _partner,
}
