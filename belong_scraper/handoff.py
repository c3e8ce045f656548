"""CMS handoff: assets on disk, bodies pointing at the new site, every legacy URL mapped.

Runs after assembly, once every record and download is known. Pure apart from
``place_assets``, which moves downloaded files from ``media/.incoming`` to their layout.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from belong_scraper.export.graph import GONE, LinkGraph
from belong_scraper.export.shelf import by_canonical
from belong_scraper.export.spill import ParkedRows, RedirectTable
from belong_scraper.items import Article, Cluster, Page, PageReport, Partner, Record, article_id
from belong_scraper.media import asset_id, media_layout
from belong_scraper.normalise import make_slug
from belong_scraper.profile import SiteProfile
from belong_scraper.sanitize import html_to_markdown, html_to_text, retarget_markdown
from belong_scraper.urls import Origin, canonical_url, one_spelling_per_session, page_type


@dataclass
class Handoff:
    assets: list[dict[str, Any]] = field(default_factory=list)
    failed_downloads: list[dict[str, Any]] = field(default_factory=list)
    # the redirect map's rows; after the records stage, read back from disk (ParkedRows)
    redirects: list[dict[str, Any]] | ParkedRows = field(default_factory=list)
    unmapped_links: list[dict[str, Any]] = field(default_factory=list)
    broken_body_links: list[dict[str, Any]] = field(default_factory=list)
    wxr: dict[str, Any] = field(default_factory=dict)
    rejected_ids: set[str] = field(default_factory=set)  # records the handoff failed on


def legacy_path(url: str) -> str:
    """Path and query of a URL as a server sees it (the fragment never reaches it)."""
    parts = urlsplit(url)
    return (parts.path or "/") + ("?" + parts.query if parts.query else "")


def non_record_path(kind: str, keys: dict[str, str], profile: SiteProfile) -> str | None:
    """New paths of legacy pages that are not records (the profile's
    ``[target.legacy_pages]``; the Hugo tree has them too), each key made a slug."""
    return profile.target.legacy_page_path(kind, keys, make_slug)


def collect_assets(records: list[Record]) -> tuple[list[dict], list[dict], dict[str, dict]]:
    """Assets (one per distinct file), failed downloads, and URL → asset.

    Each asset's ``local_path`` comes from ``media_layout`` over every asset of the run:
    one name per file, decided once, that bodies, assets.json and the renderings share.
    Records referencing an SVG get its review flag (its published copy is sanitized, or
    it was withheld).
    """
    by_sha: dict[str, dict[str, Any]] = {}
    failed: dict[str, dict[str, Any]] = {}
    url_to_sha: dict[str, str] = {}
    described: dict[str, tuple[str, str | None]] = {}
    for record in records:
        if isinstance(record, Article):
            for image in record.images:
                alt, credit = described.get(image["url"], ("", None))
                described[image["url"]] = (
                    alt or image.get("alt") or "",
                    credit or image.get("credit"),
                )
        for url, result in sorted(record.evidence.get("media", {}).items()):
            if result.get("svg"):
                _flag(record, f"svg-{result['svg']}")
            if not result.get("ok"):
                entry = failed.setdefault(
                    url, {"url": url, "status": result["status"], "reason": result["reason"],
                          "used_by": set()}
                )  # fmt: skip
                entry["used_by"].add(record.id)
                continue
            sha = result["sha256"]
            url_to_sha[url] = sha
            asset = by_sha.setdefault(
                sha,
                {"sha256": sha, "urls": set(), "used_by": set(), "bytes": result["bytes"],
                 "media_type": result["media_type"]},
            )  # fmt: skip
            asset["urls"].add(url)
            asset["used_by"].add(record.id)
    layout = media_layout(
        {sha: (sorted(info["urls"]), info["media_type"]) for sha, info in by_sha.items()}
    )
    assets = []
    for sha, info in sorted(by_sha.items()):
        urls = sorted(info["urls"])
        alt = next((described[u][0] for u in urls if u in described and described[u][0]), "")
        credit = next((described[u][1] for u in urls if u in described and described[u][1]), None)
        assets.append(
            {
                "id": asset_id(sha),
                "url": urls[0],
                "local_path": "media/" + layout[sha],
                "sha256": sha,
                "bytes": info["bytes"],
                "media_type": info["media_type"],
                "alt": alt,
                "credit": credit,
                "used_by": sorted(info["used_by"]),
            }
        )
    assets.sort(key=lambda a: a["id"])
    by_sha_asset = {a["sha256"]: a for a in assets}
    by_url = {url: by_sha_asset[sha] for url, sha in url_to_sha.items()}
    failures = [{**f, "used_by": sorted(f["used_by"])} for _, f in sorted(failed.items())]
    return assets, failures, by_url


def _flag(record: Record, flag: str) -> None:
    if flag not in record.review_flags:
        record.review_flags.append(flag)


def place_assets(
    out_dir: Path, assets: list[dict[str, Any]], incoming: Path | None = None
) -> dict[str, str]:
    """Move each downloaded file to its place under media/; never outside it. Downloads
    kept outside the folder (``incoming``: the run's job folder) are linked, not moved,
    so a failed export can be retried from them.

    Returns the assets that could not be placed (asset id → reason); the others are on
    disk. A stale file of an earlier run standing where a folder is needed is removed.
    """
    if (out_dir / "media").is_symlink():
        return {a["id"]: "not placed: media/ is a symlink" for a in assets}
    media = (out_dir / "media").resolve()
    inside = incoming is None
    incoming = media / ".incoming" if incoming is None else Path(incoming)
    targets = {PurePosixPath(a["local_path"]).relative_to("media") for a in assets}
    unplaced: dict[str, str] = {}
    if assets:
        media.mkdir(parents=True, exist_ok=True)
    for asset in assets:
        relative = PurePosixPath(asset["local_path"]).relative_to("media")
        try:
            _place(media, incoming / asset["sha256"], relative, targets, keep_source=not inside)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            unplaced[asset["id"]] = f"not placed: {reason}"
    if inside and incoming.exists():
        for leftover in incoming.iterdir():
            leftover.unlink()
        incoming.rmdir()
    return unplaced


def _place(
    media: Path, source: Path, relative: PurePosixPath, targets: set, keep_source: bool = False
) -> None:
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"asset path escapes media/: {relative}")
    folder = media
    for depth, part in enumerate(relative.parts[:-1], start=1):
        folder = folder / part
        if folder.is_symlink():
            raise ValueError(f"symlink in the way: {folder}")
        if folder.exists() and not folder.is_dir():
            if PurePosixPath(*relative.parts[:depth]) in targets:
                raise ValueError(f"a file of this run stands where a folder is needed: {folder}")
            folder.unlink()  # left by an earlier run whose layout differed
        folder.mkdir(exist_ok=True)
    final = folder / relative.name
    if media != final.parent.resolve() and media not in final.parent.resolve().parents:
        raise ValueError(f"asset path escapes media/: {relative}")
    if final.is_symlink() or final.is_dir():
        raise ValueError(f"not a regular file: {final}")
    if source.exists() and keep_source:
        temporary = final.with_name(f".{final.name}.placing")
        temporary.unlink(missing_ok=True)
        try:
            os.link(source, temporary)
        except OSError:  # another file system
            shutil.copyfile(source, temporary)
        os.replace(temporary, final)
    elif source.exists():
        os.replace(source, final)
    elif not final.is_file():
        raise ValueError("downloaded file missing")


def publish_assets(
    out_dir: Path, records: list[Record], incoming: Path | None = None
) -> tuple[list[dict], list[dict], dict[str, dict]]:
    """``collect_assets``, then the files placed; an asset that cannot be placed becomes
    a failed download with its reason (its records get a review flag), the rest go on."""
    assets, failures, by_url = collect_assets(records)
    unplaced = place_assets(out_dir, assets, incoming)
    if not unplaced:
        return assets, failures, by_url
    for url, asset in sorted(by_url.items()):
        if asset["id"] in unplaced:
            failures.append({"url": url, "status": 200, "reason": unplaced[asset["id"]],
                             "used_by": asset["used_by"]})  # fmt: skip
            del by_url[url]
    used_by = {i for a in assets if a["id"] in unplaced for i in a["used_by"]}
    for record in records:
        if record.id in used_by:
            _flag(record, "media-not-placed")
    failures.sort(key=lambda f: f["url"])
    return [a for a in assets if a["id"] not in unplaced], failures, by_url


def own_page(record: Record, profile: SiteProfile) -> bool:
    """Whether the record's source page is its own: a partner read from a country page
    listing several (page type ``partners``) is not; that page maps to the country listing
    (non_record_path), not to one of them. A partner with a page of its own is."""
    if not isinstance(record, Partner):
        return True
    return page_type(record.source_url, profile)[0] != "partners"


class LinkRewriter:
    """Rewrites links in bodies: records → new path, media → local file, gone → marked."""

    def __init__(
        self,
        records: list[Record],
        graph: LinkGraph,
        assets_by_url: dict[str, dict],
        origin: Origin,
        profile: SiteProfile,
        failed_downloads: list[dict[str, Any]] = (),
    ):
        self.origin, self.profile = origin, profile
        self.assets_by_url = assets_by_url
        self.failed_media = {f["url"]: f["status"] for f in failed_downloads}
        self.targets: dict[str, tuple[str, str | None]] = {}
        for record in records:
            source = record.source_url if own_page(record, profile) else ""
            target = (record.path, record.id)  # one for all of the record's URLs
            for url in [source, *getattr(record, "legacy_urls", [])]:
                canonical = canonical_url(url, origin, profile) if url else None
                if canonical:
                    # The record's own string where the URL is canonical already (most
                    # are): 40,000 keys at 20,000 articles, not held twice.
                    self.targets.setdefault(url if canonical == url else canonical, target)
        self.gone = graph.gone
        # Legacy redirects resolve to their final target, never to another legacy URL.
        self.redirects = graph.redirects
        for source, target in self.redirects.items():
            if target in self.targets:
                self.targets.setdefault(source, self.targets[target])
        self.unmapped: dict[str, set[str]] = defaultdict(set)
        self.unmapped_ids: set[str] = set()  # records with a link left unmapped
        self.broken: dict[str, set[str]] = defaultdict(set)

    def resolve(self, url: str) -> tuple[str, dict[str, str]] | None:
        """New href and attributes for a legacy URL; None for other sites."""
        canonical = canonical_url(url, self.origin, self.profile)
        if canonical is None:
            return None
        # The URL as written first: canonical spelling folds %2F into "/", which may be
        # another file.
        asset = self.assets_by_url.get(url) or self.assets_by_url.get(canonical)
        if asset is not None:
            return "/" + asset["local_path"], {"data-asset": asset["id"]}
        for spelling in (url, canonical):
            if spelling in self.failed_media:
                return legacy_path(spelling), {"data-missing": str(self.failed_media[spelling])}
        if canonical in self.targets:
            path, record_id = self.targets[canonical]
            return path, {"data-ref": record_id}
        canonical = self.redirects.get(canonical, canonical)
        if canonical in self.gone:
            return legacy_path(canonical), {"data-broken": str(self.gone[canonical])}
        kind, keys = page_type(canonical, self.profile)
        mapped = non_record_path(kind, keys, self.profile)
        if mapped:
            return mapped, {}
        return legacy_path(canonical), {"data-legacy": "unmapped"}

    def rewrite(self, html: str, record_id: str) -> str:
        return self.rewrite_moving(html, record_id)[0]

    def rewrite_moving(self, html: str, record_id: str) -> tuple[str, list[tuple[str, str, str]]]:
        """The rewritten HTML, and (attribute, URL before, URL after) of each link and
        image in it (``sanitize.retarget_markdown`` moves the Markdown's the same way)."""
        moved: list[tuple[str, str, str]] = []
        if not html.strip():
            return html, moved
        root = lxml_html.fragment_fromstring(html, create_parent="div")
        for element, attribute in [(a, "href") for a in root.iter("a")] + [
            (img, "src") for img in root.iter("img")
        ]:
            value = element.get(attribute)
            resolved = self.resolve(value) if value else None
            if resolved is None:
                if value:
                    moved.append((attribute, value, value))
                continue
            new, extra = resolved
            moved.append((attribute, value, new))
            element.set(attribute, new)
            for name, attr_value in extra.items():
                element.set(name, attr_value)
            legacy = canonical_url(value, self.origin, self.profile) or value
            if "data-broken" in extra:
                self.broken[legacy].add(record_id)
            elif extra.get("data-legacy") == "unmapped":
                self.unmapped[legacy].add(record_id)
                self.unmapped_ids.add(record_id)
        return "\n".join(
            lxml_html.tostring(child, encoding="unicode", with_tail=False) for child in root
        ), moved


def rewrite_records(records: list[Record], rewriter: LinkRewriter) -> None:
    """Point every body at the new site and every image/attachment at its asset."""
    for record in records:
        if isinstance(record, Article):
            before = record.body_html
            record.body_html, moved = rewriter.rewrite_moving(before, record.id)
            if _derived_again(record, before):
                record.body_markdown = _markdown_again(record, moved)
            # A document the site no longer serves (404, 410) is no attachment of the
            # record; its link in the body stays, marked data-missing, and the report
            # lists the failed download.
            record.attachments = [
                a for a in record.attachments if rewriter.failed_media.get(a["url"]) not in GONE
            ]
            for entry in [*record.images, *record.attachments]:
                asset = rewriter.assets_by_url.get(entry["url"])
                entry["asset"] = asset["id"] if asset else None
        elif isinstance(record, Page):
            before = record.body_html
            record.body_html, moved = rewriter.rewrite_moving(before, record.id)
            if _derived_again(record, before):
                record.body_markdown = _markdown_again(record, moved)
                record.body_text = html_to_text(record.body_html)
        elif isinstance(record, Cluster):
            record.intro_html = rewriter.rewrite(record.intro_html, record.id)
        elif isinstance(record, Partner):
            record.description_html = rewriter.rewrite(record.description_html, record.id)
            asset = rewriter.assets_by_url.get(record.logo_url or "")
            record.logo_asset = asset["id"] if asset else None


def _markdown_again(record: Article | Page, moved: list[tuple[str, str, str]]) -> str:
    """The Markdown of the rewritten body: the Markdown made in the crawl with its links
    and images moved (markdownify was most of the handoff's time), or converted again
    when that Markdown cannot say (it was cut to its cap, or is not there)."""
    if record.body_markdown and not record.evidence.get("truncated_fields"):
        moved_markdown = retarget_markdown(record.body_markdown, moved)
        if moved_markdown is not None:
            return moved_markdown
    return html_to_markdown(record.body_html)


def _derived_again(record: Article | Page, html_before: str) -> bool:
    """Whether the Markdown (and a page's text) must be made again from the rewritten body.
    Not when the rewrite left the body as it was: CleanBodyPipeline made them from that
    same HTML with the same functions (most bodies link to no other record or medium;
    markdownify was most of the handoff's time). A field cut to its length cap
    (pipelines/limits.py) is made again, as it always was."""
    if record.body_html != html_before:
        return True
    capped = record.evidence.get("truncated_fields", {})
    return "body_markdown" in capped or "body_text" in capped or not record.body_markdown


def redirect_rows(
    records: list[Record],
    reports: Iterable[PageReport],
    rewriter: LinkRewriter,
    profile: SiteProfile,
    graph: LinkGraph,
    table: RedirectTable | None = None,
) -> list[dict[str, Any]] | ParkedRows:
    """Every legacy spelling seen → its record's new path (301), removed articles → 410.
    With a ``table`` (export/spill.py) the rows go there as they are found, and come back
    from there; without, a list."""
    rows: dict[str, dict[str, Any]] = {}

    def add(url: str, status: int, target: str, record_id: str) -> None:
        key = legacy_path(url)
        if key == target or key in rows:
            return
        row = {"legacy_url": url, "legacy_path": key, "status": status, "target": target,
               "record_id": record_id}  # fmt: skip
        if table is None:
            rows[key] = row
        else:
            table.add(row)  # the first row for a path wins there too

    for record in sorted(records, key=lambda r: r.id):
        for url in sorted(set(getattr(record, "legacy_urls", [])) | {record.source_url}):
            if own_page(record, profile):
                add(url, 301, record.path, record.id)
    spellings = graph.spellings
    for report in by_canonical(reports):
        kind, keys = page_type(report.canonical, profile)
        if report.status in GONE and kind == "article":
            seen = {*spellings.get(report.canonical, ()), report.canonical}
            for url in one_spelling_per_session(sorted(seen), profile):
                add(url, 410, "", article_id(keys["id"]))
        elif report.status == 200 and report.canonical not in rewriter.targets:
            mapped = non_record_path(kind, keys, profile)
            if mapped:
                seen = {*spellings.get(report.canonical, ()), report.canonical}
                for url in one_spelling_per_session(sorted(seen), profile):
                    add(url, 301, mapped, "")
    # A legacy redirect (/news/16 → news.php?id=16) goes straight to the final new path.
    for report in reports:
        if report.redirect_to:
            resolved = rewriter.resolve(report.canonical)
            if resolved and not resolved[1].keys() & {"data-broken", "data-legacy"}:
                add(report.url, 301, resolved[0], resolved[1].get("data-ref", ""))
    # A downloaded file's legacy URL → the file it was placed as (one name, see
    # media_layout): links from elsewhere to the old uploads keep working.
    for url, asset in sorted(rewriter.assets_by_url.items()):
        add(url, 301, "/" + asset["local_path"], "")
    if table is not None:
        return table.finish()
    keys = set(rows)
    return [r for _, r in sorted(rows.items()) if r["target"] not in keys]


# Media paths a server rule can match as they are: no percent-encoding (servers decode
# it before rewriting), no space, short enough for nginx's map hash buckets.
PLAIN_MEDIA_PATH = re.compile(r"^/[A-Za-z0-9._~/-]{1,200}$")


def _is_media_row(row: dict[str, Any]) -> bool:
    return str(row["target"]).startswith("/media/")


def _media_rules(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(path, query, target) of each media row a server can match, a query first: a file's
    name is case-sensitive (A.JPG and a.jpg may be two files), unlike the PHP pages."""
    rules = []
    for row in rows:
        path, _, query = row["legacy_path"].partition("?")
        if _is_media_row(row) and PLAIN_MEDIA_PATH.match(path) and "\n" not in query:
            rules.append((path, query, row["target"]))
    return sorted(rules, key=lambda r: (not r[1], r[0], r[1]))


def _query_conditions(canonical_query: str) -> list[tuple[str, str]]:
    return [tuple(p.split("=", 1)) for p in canonical_query.split("&") if "=" in p]


def dropped_params_regex(profile: SiteProfile) -> str:
    """A query string holding only parameters the canonical URL drops (utm_*, a session
    id ...): such a request is the same page as the bare path."""
    names = []
    for pattern in profile.urls.drop_params:
        pattern = pattern.lower()
        if pattern.endswith("*"):
            names.append(re.escape(pattern[:-1]) + "[^=&]*")
        else:
            names.append(re.escape(pattern))
    if not names:
        return "(?!)"
    return f"(?:(?:{'|'.join(names)})=[^&]*|&)*"


@dataclass(frozen=True, slots=True)  # one per page: no instance dict
class RedirectRule:
    """One general rule: a legacy path, the parameters that identify the page (any
    order, any case, other parameters allowed) or none (only dropped ones allowed)."""

    path: str
    conditions: tuple[tuple[str, str], ...]
    target: str  # "410" for a removed article


def general_rules(
    rows: Iterable[dict[str, Any]], canonicalize: Callable[[str], str | None]
) -> list[RedirectRule]:
    """Rules that also catch spellings never seen in the crawl (another utm_ value, a
    session id, parameters reordered or upper-cased), most specific first."""
    rules: set[RedirectRule] = set()
    for row in rows:
        canonical = canonicalize(row["legacy_url"]) or row["legacy_url"]
        query = urlsplit(canonical).query
        path = row["legacy_path"].partition("?")[0]
        target = "410" if str(row["status"]) == "410" else row["target"]
        conditions = tuple(sorted(_query_conditions(query), key=lambda kv: kv[0].lower()))
        if not conditions and path.lower() == target.lower():
            continue  # "/?utm_source=x" -> "/": a general rule on "/" would loop
        rules.add(RedirectRule(path, conditions, target))
    chosen: dict[tuple[str, tuple], RedirectRule] = {}
    for rule in sorted(rules, key=lambda r: (r.path, r.conditions, r.target)):
        key = (rule.path.lower(), tuple((k.lower(), v.lower()) for k, v in rule.conditions))
        chosen.setdefault(key, rule)  # servers match these case-insensitively
    return sorted(chosen.values(), key=lambda r: (-len(r.conditions), r.path, r.conditions))


def page_rules(
    rows: Iterable[dict[str, Any]], canonicalize: Callable[[str], str | None]
) -> list[RedirectRule]:
    """The general rules of the page (non-media) rows: what both server maps use."""
    return general_rules((row for row in rows if not _is_media_row(row)), canonicalize)


def nginx_map(
    rows: Iterable[dict[str, Any]],
    canonicalize: Callable[[str], str | None],
    profile: SiteProfile,
    rules: list[RedirectRule] | None = None,
) -> str:
    """An nginx `map` on $request_uri (query string included) plus a server snippet;
    ``rules``: page_rules(rows, canonicalize), when the caller has them already.

    Exact entries for every spelling seen; then case-insensitive regexes per page, so
    unseen spellings (other utm_ values, a session id, reordered parameters) redirect too.
    """
    return "".join(nginx_lines(rows, canonicalize, profile, rules))


def nginx_lines(
    rows: Iterable[dict[str, Any]],
    canonicalize: Callable[[str], str | None],
    profile: SiteProfile,
    rules: list[RedirectRule] | None = None,
) -> Iterator[str]:
    """``nginx_map`` a line at a time (each with its newline), for a file written as it
    is made: at 20,000 articles the map is megabytes."""
    yield from (
        "# Generated by belong-scraper: legacy URL -> new path. Include in the http {} block,\n",
        "# then in the server {} of the legacy host(s):\n",
        "#     if ($belong_redirect = 410) { return 410; }\n",
        "#     if ($belong_redirect) { return 301 $belong_redirect; }\n",
        "map_hash_bucket_size 256;\n",
        "map $request_uri $belong_redirect {\n",
        '    default "";\n',
    )
    for path, query, target in _media_rules(rows):
        tail = f"\\?{re.escape(query)}$" if query else "(?:\\?.*)?$"
        yield f"    {_nginx_quote(f'~^{re.escape(path)}{tail}')} {_nginx_quote(target)};\n"
    seen: set[str] = set()
    for row in rows:
        if _is_media_row(row):
            continue
        if row["legacy_path"].lower() in seen:
            continue  # nginx compares map strings case-insensitively: ID=2 is id=2
        seen.add(row["legacy_path"].lower())
        target = "410" if row["status"] == 410 else row["target"]
        yield f"    {_nginx_quote(row['legacy_path'])} {_nginx_quote(target)};\n"
    del seen
    only_dropped = dropped_params_regex(profile)
    for rule in page_rules(rows, canonicalize) if rules is None else rules:
        if rule.conditions:
            query = "".join(
                f"(?=(?:[^#]*&)?{re.escape(k)}={re.escape(v)}(?:&|#|$))" for k, v in rule.conditions
            )
            query = f"\\?{query}"
        else:
            query = f"(?:\\?{only_dropped})?$"
        pattern = f"~*^{re.escape(rule.path)}{query}"
        yield f"    {_nginx_quote(pattern)} {_nginx_quote(rule.target)};\n"
    yield "}\n"


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def apache_rules(
    rows: Iterable[dict[str, Any]],
    canonicalize: Callable[[str], str | None],
    profile: SiteProfile,
    rules: list[RedirectRule] | None = None,
) -> str:
    """mod_rewrite rules: a page's identifying parameters in any order and case; a page
    without them when the query string holds nothing or only dropped parameters."""
    return "".join(apache_lines(rows, canonicalize, profile, rules))


def apache_lines(
    rows: Iterable[dict[str, Any]],
    canonicalize: Callable[[str], str | None],
    profile: SiteProfile,
    rules: list[RedirectRule] | None = None,
) -> Iterator[str]:
    """``apache_rules`` a rule at a time (each with its newline), for a file written as it
    is made."""
    only_dropped = dropped_params_regex(profile)
    yield "# Generated by belong-scraper: legacy URL -> new path (mod_rewrite, server or vhost).\n"
    yield "RewriteEngine On\n"
    for path, query, target in _media_rules(rows):
        condition = f"RewriteCond %{{QUERY_STRING}} ^{re.escape(query)}$\n" if query else ""
        yield f"{condition}RewriteRule ^/?{re.escape(path.lstrip('/'))}$ {target} [R=301,L,QSD]\n"
    for rule in page_rules(rows, canonicalize) if rules is None else rules:
        conditions = [
            f"RewriteCond %{{QUERY_STRING}} (?:^|&){re.escape(k)}={re.escape(v)}(?:&|$) [NC]"
            for k, v in rule.conditions
        ] or [f"RewriteCond %{{QUERY_STRING}} ^{only_dropped}$ [NC]"]
        path = re.escape(rule.path.lstrip("/"))
        if rule.target == "410":
            action = f"RewriteRule ^/?{path}$ - [G,L,NC]"
        else:
            action = f"RewriteRule ^/?{path}$ {rule.target} [R=301,L,NC,QSD]"
        yield "\n".join([*conditions, action]) + "\n"
