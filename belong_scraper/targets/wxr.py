"""Render an export folder as a WordPress eXtended RSS (WXR 1.2) file, ``DIR/wordpress.xml``.

Why: WXR is what the stock WordPress importer (Tools → Import → WordPress) and WP-CLI
(`wp import`) read, so a WordPress site can take the migrated content without custom code.
Articles become posts, pages pages, clusters and partners the custom post types `cluster`
and `partner` (register them before importing, or the importer skips those items), and
every downloaded asset an attachment that the importer fetches from its legacy URL.

Two importer behaviours shape the file:

- It skips an item when a post with the same title and date already exists and has the
  same post type, silently. Such groups are reported (``collisions``), never dropped here.
  MySQL's default collation compares titles case- and accent-insensitively, so the check
  does too. Undated items are not at risk: WordPress stores them with the import time.
- After importing it replaces, in every post body, each attachment's ``guid`` and URL with
  the new upload URL. Bodies link media as ``/media/...``, so that path is the attachment's
  guid and the bodies end up pointing at the WordPress copies.

Built with lxml (names and text escaped by the serializer, bodies in CDATA), UTF-8, no
DOCTYPE, no volatile values: two runs over one export folder give identical bytes.

WordPress stores what the file says and prints titles, excerpts, term and author names as
HTML (the importer runs with ``unfiltered_html``: nothing filters them on the way). So every
text field is written HTML-escaped (``_html_text``): a title that shows ``<script>`` shows
it, never runs it. Bodies are HTML already and go through the sanitizer's allowlist once
more, whoever wrote the export folder.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from slugify import slugify

from belong_scraper.cleaning import remove_unsafe_chars
from belong_scraper.exporters import atomic_write
from belong_scraper.ledger import one_line
from belong_scraper.sanitize import sanitize_export_html
from belong_scraper.targets import (
    legacy_urls_of,
    load_assets,
    load_export,
    media_href,
    origin_of,
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
NO_DATE = "0000-00-00 00:00:00"
# Post id ranges: articles and clusters keep their legacy id inside their range, the other
# types are numbered in id order. Ids stay unique across types; WordPress reuses them as
# the new post ids when they are free (import_id).
BASE = {"article": 100000, "cluster": 200000, "page": 300000, "partner": 400000}
ATTACHMENT_BASE = 500000
FALLBACK_BASE = 900000
RANGE = 100000
# Meta values WordPress reads as a file path or an id, never prints: kept as they are.
RAW_META = {"_wp_attached_file", "_thumbnail_id"}
UPLOADS = re.compile(r"^media/uploads/(\d{4}/\d{2}/.+)$")


def write_wxr(
    out_dir: Path,
    *,
    site_title: str = "Migrated site",
    site_url: str | None = None,
    language: str = "en",
    failures: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write ``DIR/wordpress.xml``; return ``{"posts", "attachments", "collisions"}``.

    ``site_url`` (``wp:base_site_url``, used by the importer to complete relative attachment
    URLs) defaults to the legacy origin of the records' source URLs."""
    out_dir = Path(out_dir)
    data, summary = render_wxr(out_dir, site_title=site_title, site_url=site_url,
                               language=language, failures=failures)  # fmt: skip
    atomic_write(out_dir / FILE_NAME, data)
    return summary


def render_wxr(
    out_dir: Path,
    *,
    site_title: str,
    site_url: str | None,
    language: str,
    failures: dict[str, str] | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """The WXR bytes and the summary, without writing anything. A record that cannot be
    rendered is left out, with why, in ``failures`` (id → error)."""
    export = load_export(out_dir)
    assets = load_assets(out_dir)
    if site_url is None:
        site_url = _legacy_origin(export)

    post_ids = _post_ids(export)
    attachment_ids = {
        asset_id: ATTACHMENT_BASE + n for n, asset_id in enumerate(sorted(assets), start=1)
    }
    authors = _authors(export["articles"])
    tags = _tags(export["articles"])

    root = etree.Element("rss", {"version": "2.0"}, nsmap=NS)
    channel = _sub(root, "channel")
    _sub(channel, "title", _html_text(site_title))
    _sub(channel, "link", site_url)
    _sub(channel, "description", _html_text(f"{site_title}: content migrated from the legacy site"))
    _sub(channel, "language", language)
    _sub(channel, "wp:wxr_version", "1.2")
    _sub(channel, "wp:base_site_url", site_url)
    _sub(channel, "wp:base_blog_url", site_url)
    for number, (login, display) in enumerate(sorted(authors.items()), start=1):
        author = _sub(channel, "wp:author")
        _sub(author, "wp:author_id", str(number))
        _sub(author, "wp:author_login", login, cdata=True)
        _sub(author, "wp:author_email", "", cdata=True)
        _sub(author, "wp:author_display_name", _html_text(display), cdata=True)
        _sub(author, "wp:author_first_name", "", cdata=True)
        _sub(author, "wp:author_last_name", "", cdata=True)
    for number, (slug, name) in enumerate(sorted(tags.items()), start=1):
        tag = _sub(channel, "wp:tag")
        _sub(tag, "wp:term_id", str(number))
        _sub(tag, "wp:tag_slug", slug, cdata=True)
        _sub(tag, "wp:tag_name", _html_text(name), cdata=True)
    _sub(channel, "generator", "belong-scraper")

    items: list[_Item] = []
    failures = {} if failures is None else failures
    owners: dict[int, str] = {}

    def add(record: dict[str, Any], build: Callable[[], _Item]) -> None:
        # One record that cannot be rendered is left out and reported, never the file.
        try:
            item = build()
            items.append(item)
            owners[id(item)] = record["id"]
        except Exception as exc:
            failures[record["id"]] = one_line(exc)

    for record in export["articles"]:
        add(record, lambda r=record: _article(r, post_ids, attachment_ids, out_dir, assets))
    for record in export["clusters"]:
        add(record, lambda r=record: _cluster(r, post_ids))
    for record in export["pages"]:
        add(record, lambda r=record: _page(r, post_ids))
    for record in export["partners"]:
        add(record, lambda r=record: _partner(r, post_ids, attachment_ids))
    parents = {item.guid: (item.post_id, item) for item in items}
    titles = _attachment_titles(export["articles"], export["partners"])
    for asset_id, asset in sorted(assets.items()):
        title = titles.get(asset_id)
        items.append(_attachment(asset, attachment_ids[asset_id], parents, out_dir, title))

    for item in sorted(items, key=lambda i: i.post_id):
        before = len(channel)
        try:
            item.write(channel)
        except Exception as exc:
            del channel[before:]  # no half-written <item>
            failures[owners.get(id(item), item.guid)] = one_line(exc)
            items.remove(item)

    data = etree.tostring(
        etree.ElementTree(root), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    summary = {
        "posts": sum(1 for i in items if i.post_type != "attachment"),
        "attachments": sum(1 for i in items if i.post_type == "attachment"),
        "collisions": _collisions(items),
    }
    return data, summary


class _Item:
    """One ``<item>``: the fields WordPress's exporter writes, in its order."""

    def __init__(self, *, post_id: int, post_type: str, guid: str, title: str) -> None:
        self.post_id = post_id
        self.post_type = post_type
        self.guid = guid
        self.title = title
        self.link = ""
        self.published: str | None = None  # YYYY-MM-DD
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
        return f"{self.published} 00:00:00" if self.published else NO_DATE

    def write(self, channel: etree._Element) -> None:
        item = _sub(channel, "item")
        _sub(item, "title", _html_text(self.title), cdata=True)
        _sub(item, "link", self.link)
        if self.published:
            moment = datetime.strptime(self.published, "%Y-%m-%d").replace(tzinfo=UTC)
            _sub(item, "pubDate", format_datetime(moment))
        _sub(item, "dc:creator", self.creator, cdata=True)
        _sub(item, "guid", self.guid, isPermaLink="false")
        _sub(item, "description", _html_text(self.description))
        _sub(item, "content:encoded", sanitize_export_html(self.content), cdata=True)
        _sub(item, "excerpt:encoded", _html_text(self.excerpt), cdata=True)
        _sub(item, "wp:post_id", str(self.post_id))
        _sub(item, "wp:post_date", self.post_date, cdata=True)
        _sub(item, "wp:post_date_gmt", self.post_date, cdata=True)
        _sub(item, "wp:comment_status", "closed", cdata=True)
        _sub(item, "wp:ping_status", "closed", cdata=True)
        _sub(item, "wp:post_name", _html_text(self.post_name), cdata=True)
        _sub(item, "wp:status", self.status, cdata=True)
        _sub(item, "wp:post_parent", str(self.parent))
        _sub(item, "wp:menu_order", "0")
        _sub(item, "wp:post_type", self.post_type, cdata=True)
        _sub(item, "wp:post_password", "", cdata=True)
        _sub(item, "wp:is_sticky", "0")
        if self.attachment_url is not None:
            _sub(item, "wp:attachment_url", self.attachment_url)
        for domain, nicename, name in self.terms:
            _sub(item, "category", _html_text(name), cdata=True, domain=domain, nicename=nicename)
        for key, value in self.meta:
            meta = _sub(item, "wp:postmeta")
            _sub(meta, "wp:meta_key", key, cdata=True)
            _sub(meta, "wp:meta_value", value if key in RAW_META else _html_text(value), cdata=True)


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
    item.creator = _login(record.get("author")) if record.get("author") else DEFAULT_AUTHOR
    item.description = record.get("summary") or ""
    # The videos the body held, each URL in its own paragraph: WordPress embeds it there.
    videos = "".join(
        f"\n<p>{html.escape(video_page_url(e))}</p>" for e in record.get("embeds") or []
    )
    item.content = (record.get("body_html") or "") + videos
    item.excerpt = record.get("summary") or ""
    item.post_name = record.get("slug") or _last_segment(record)
    item.terms = [("post_tag", slug, name) for slug, name in _record_tags(record)]
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


def _cluster(record: dict[str, Any], post_ids: dict[str, int]) -> _Item:
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
        ("related_post_ids", _json([post_ids[r] for r in related if r in post_ids])),
    ]
    return item


def _page(record: dict[str, Any], post_ids: dict[str, int]) -> _Item:
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
    record: dict[str, Any], post_ids: dict[str, int], attachment_ids: dict[str, int]
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
    for key in ("country_code", "country", "region", "role", "role_raw", "website", "logo_url"):
        item.meta.append((key, str(record.get(key) or "")))
    logo = attachment_ids.get(record.get("logo_asset") or "")
    if logo:
        item.meta.append(("_thumbnail_id", str(logo)))
    return item


def _attachment(
    asset: dict[str, Any],
    post_id: int,
    parents: dict[str, tuple[int, _Item]],
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
            item.parent, parent = parents[record_id]
            item.published = parent.published
            break
    uploads = UPLOADS.match(local)
    if uploads:
        # Keeps the legacy /uploads/YYYY/MM/ folder on the WordPress side.
        item.meta.append(("_wp_attached_file", uploads.group(1)))
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


def _attachment_titles(
    articles: list[dict[str, Any]], partners: list[dict[str, Any]]
) -> dict[str, str]:
    """asset id → a title better than the file name: the link text of the first article
    attachment pointing at it, or "<partner> logo"."""
    titles: dict[str, str] = {}
    for record in articles:
        for entry in record.get("attachments") or []:
            title = (entry.get("title") or "").strip()
            if entry.get("asset") and title:
                titles.setdefault(entry["asset"], title)
    for partner in partners:
        if partner.get("logo_asset") and partner.get("name"):
            titles.setdefault(partner["logo_asset"], f"{partner['name']} logo")
    return titles


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


def _post_ids(export: dict[str, list[dict]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    used: set[int] = set()
    fallback: list[str] = []

    def take(record_id: str, post_id: int) -> None:
        ids[record_id] = post_id
        used.add(post_id)

    for kind, name in (("article", "articles"), ("cluster", "clusters")):
        for record in export[name]:
            legacy = record.get("legacy_id")
            usable = isinstance(legacy, int) and not isinstance(legacy, bool) and 0 < legacy < RANGE
            if usable and BASE[kind] + legacy not in used:
                take(record["id"], BASE[kind] + legacy)
            else:
                fallback.append(record["id"])
    for kind, name in (("page", "pages"), ("partner", "partners")):
        for number, record in enumerate(export[name], start=1):
            take(record["id"], BASE[kind] + number)
    for number, record_id in enumerate(sorted(fallback), start=1):
        take(record_id, FALLBACK_BASE + number)
    return ids


def _authors(articles: list[dict[str, Any]]) -> dict[str, str]:
    """login → display name; the default author always exists (pages, partners, ...)."""
    authors = {DEFAULT_AUTHOR: "Migration"}
    for name in sorted({a["author"] for a in articles if a.get("author")}):
        authors.setdefault(_login(name), name)
    return authors


def _login(name: str) -> str:
    login = slugify(name, max_length=60)
    if not login:
        login = "author-" + slugify(json.dumps(name, ensure_ascii=True))[:20]
    return login


def _record_tags(record: dict[str, Any]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for name in record.get("tags") or []:
        if isinstance(name, str) and name.strip():
            seen.setdefault(_tag_slug(name), name)
    return list(seen.items())


def _tag_slug(name: str) -> str:
    return slugify(name, max_length=190) or "tag-" + slugify(json.dumps(name))[:20]


def _tags(articles: list[dict[str, Any]]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for record in articles:
        for slug, name in _record_tags(record):
            tags.setdefault(slug, name)
    return tags


def _collisions(items: list[_Item]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[_Item]] = {}
    for item in items:
        if item.post_date == NO_DATE:
            continue
        key = (_title_key(item.title), item.post_date, item.post_type)
        groups.setdefault(key, []).append(item)
    collisions = [
        {
            "title": group[0].title,
            "date": group[0].post_date,
            "post_type": group[0].post_type,
            "ids": sorted(i.guid for i in group),
        }
        for group in groups.values()
        if len(group) > 1
    ]
    return sorted(collisions, key=lambda c: (c["post_type"], c["date"], c["ids"]))


def _title_key(title: str) -> str:
    """Title as MySQL's *_ci collations compare it: case, accents, trailing spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", title)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().rstrip()


def _legacy_origin(export: dict[str, list[dict]]) -> str:
    for name in ("pages", "articles", "clusters", "partners"):
        for record in export[name]:
            origin = origin_of(record.get("source_url") or "")
            if origin:
                return origin
    return ""


def _last_segment(record: dict[str, Any]) -> str:
    segments = [s for s in str(record.get("path") or "").split("/") if s]
    return segments[-1] if segments else ""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _html_text(text: str) -> str:
    """Plain text as the HTML WordPress will print: <, > and & escaped."""
    return html.escape(text, quote=False)


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, *, cdata: bool = False, **attrib: str
) -> etree._Element:
    prefix, _, local = tag.rpartition(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{local}" if prefix else local, attrib)
    if text is not None:
        clean = remove_unsafe_chars(text)
        # CDATA cannot hold "]]>"; such a text is written escaped, which parses the same.
        element.text = etree.CDATA(clean) if cdata and "]]>" not in clean else clean
    return element
