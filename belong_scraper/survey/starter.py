"""A starting profile for a site surveyed without one: TOML that the typed profile
loader accepts, with what the survey could tell filled in and a TODO where a human must
decide. Also the bare profile the survey itself crawls with (no page types, no chrome).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from belong_scraper.profile import SiteProfile, profile_from_toml
from belong_scraper.survey.families import KEY_PARAMS, family_regex
from belong_scraper.survey.observe import PageFacts
from belong_scraper.urls import path_and_query

# Links to these are no pages (recorded, not crawled): the usual web files.
MEDIA_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "svg",
    "ico",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "zip",
    "mp3",
    "mp4",
    "css",
    "js",
]
DROP_PARAMS = ["utm_*", "fbclid", "gclid", "phpsessid", "sid", "sessionid"]
# Share of a family's pages a clue must hold on to decide its page type.
MOST = 0.5
# Repeated short blocks on at least this share of pages are boilerplate candidates.
BOILERPLATE_SHARE = 0.6


def toml_value(value: Any) -> str:
    """A TOML value: a string literal (single-quoted, so regexes need no escaping), a
    number or a list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "'" not in value and "\n" not in value:
            return f"'{value}'"
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


def bare_profile(start_url: str) -> SiteProfile:
    """The profile a survey without one crawls with: the site's host, common media
    extensions and tracking parameters, nothing else."""
    return profile_from_toml(
        render({"hosts": [urlsplit(start_url).hostname or "localhost"]}), "survey:bare"
    )


def guess_kind(family: dict[str, Any]) -> str | None:
    """The page type a family most likely is, from its pattern and its pages' clues;
    None for a family with no page to read (redirects, errors)."""
    pattern: str = family["family"]
    clues = family.get("clues", {})
    if not family["html_pages"]:
        return "feed" if family.get("feeds") else None
    if pattern == "/":
        return "home"
    if clues.get("feed", 0) > MOST:
        return "feed"
    path, _, query = pattern.partition("?")
    words = set(path.strip("/").split("/"))
    if words & {"tag", "tags"} or "tag=" in query:
        return "tag"
    if "page" in words or "page=" in query or words & {"category", "categories"}:
        return "listing"
    # An article's page may carry teasers too (related posts): its own clues come first.
    dated_url = "<year>" in path and "<slug>" in path
    # A page with a numeric id, a heading and a body of text: a post (news.php?id=).
    read_id = "id=" in query and clues.get("h1", 0) > MOST and clues.get("text_chars", 0) > 300
    if clues.get("og_article", 0) > MOST or dated_url or read_id:
        return "article"
    if clues.get("teasers", 0) > MOST:
        return "listing"
    if _dated_values(family):
        return "date_archive"  # ?month=2023-01: a calendar or archive, crawled for links only
    one_param = query.count("=") == 1 and query.rstrip("=") not in KEY_PARAMS
    if "<" not in path and (not query or one_param):
        return "static"  # one page, or one page per value of its one parameter (?p=about)
    placeholders = set(re.findall(r"<[a-z-]+>", path))
    if placeholders and placeholders <= {"<year>", "<month>", "<day>", "<yyyy-mm>", "<date>"}:
        return "date_archive"  # lists the posts of a period: crawled for links only
    words = [w for w in path.strip("/").split("/") if w and "<" not in w] or ["other"]
    name = words[-1].split(".")[0]
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "other"


def _dated_values(family: dict[str, Any]) -> bool:
    """Whether the family's examples differ by a date-like parameter value only."""
    values = [v for e in family["examples"] for _, v in parse_qsl(urlsplit(e).query)]
    return bool(values) and all(re.fullmatch(r"(?:19|20)\d\d(?:-\d\d){0,2}", v) for v in values)


def _most(values: list[Any]) -> Any:
    values = [v for v in values if v]
    return Counter(values).most_common(1)[0][0] if values else None


def guesses(report: dict[str, Any], facts: list[PageFacts]) -> dict[str, Any]:
    """Everything the starting profile says, from the survey's findings."""
    family_of = {page["url"]: page["family"] for page in report["pages"]}
    kinds: dict[str, str | None] = {f["family"]: guess_kind(f) for f in report["families"]}
    by_kind: dict[str, list[PageFacts]] = {}
    for fact in facts:
        kind = kinds.get(family_of.get(fact.canonical, ""))
        if fact.html and not fact.feed and kind:
            by_kind.setdefault(kind, []).append(fact)
    articles = by_kind.get("article", [])
    html = [f for f in facts if f.html and not f.feed]
    chrome = Counter(c for f in html for c in f.clues.get("chrome", []))
    blocks = Counter(b for f in html for b in f.clues.get("short_blocks", []))
    now = datetime.now(UTC).year
    years = sorted(
        y
        for f in facts
        for y in [
            *f.clues.get("years", []),
            *map(int, re.findall(r"/((?:19|20)\d\d)/", f.canonical)),
        ]
        if 1995 <= y <= now
    )
    langs = Counter(f.clues.get("lang") for f in html if f.clues.get("lang"))
    return {
        "kinds": kinds,
        "hosts": report["hosts"],
        "years": [years[0], years[-1]] if years else [datetime.now(UTC).year] * 2,
        "languages": [lang for lang, _ in langs.most_common(5)] or ["en"],
        "title": _most([f.clues.get("h1") for f in articles]),
        "og_title": bool(articles)
        and sum(f.clues.get("og_title", False) for f in articles) > len(articles) * MOST,
        "body": _most([f.clues.get("body") for f in articles]),
        "date": _most([f.clues.get("time") or f.clues.get("date_element") for f in articles]),
        "meta_date": _most([f.clues.get("meta_date") for f in articles]),
        "author": _most([f.clues.get("author") for f in articles]),
        "tags": _most([f.clues.get("tags") for f in articles]),
        "teaser": _most(
            [f.clues.get("teaser") for k in ("listing", "tag") for f in by_kind.get(k, [])]
        ),
        "static_body": _most([f.clues.get("body") for f in by_kind.get("static", [])]),
        "chrome": sorted(c for c, n in chrome.items() if html and n >= len(html) * MOST),
        "phrases": sorted(
            b for b, n in blocks.items() if len(html) >= 3 and n >= len(html) * BOILERPLATE_SHARE
        )[:12],
        "drop_params": sorted(report.get("same_page_params", {})),
        "uploads": _most([f.clues.get("uploads") for f in html]),
    }


def starting_profile(report: dict[str, Any], facts: list[PageFacts]) -> str:
    """The starting profile's TOML text (it loads with ``load_profile``)."""
    return render(guesses(report, facts), report)


# Family places that are a date: a family whose only variable part is a date, and that
# the sample could not finish, is a calendar's endless chain of months or days.
DATE_PLACES = re.compile(r"<(?:year|month|day|yyyy-mm|date)>")
# URLs of such a family sampled before it is taken for a chain, not a few archive pages.
MIN_TRAP_SAMPLE = 5


def _families(report: dict[str, Any]) -> list[str]:
    """``urls.families`` for the families of date paths the sample left unfinished: one
    family each, so the trap guard bounds their chain of new paths."""
    found = [
        family_regex(f["family"])
        for f in report["families"]
        if f.get("unfetched")
        and f["count"] >= MIN_TRAP_SAMPLE
        and DATE_PLACES.search(f["family"])
        and "<" not in DATE_PLACES.sub("", f["family"])
        and "?" not in f["family"]
    ]
    if not found:
        return []
    return [
        "# Date paths the sample could not finish (a calendar?): each one family, so the",
        "# trap guard bounds the chain. TODO: keep only the endless ones",
        f"families = {toml_value(found)}",
    ]


def _page_types(report: dict[str, Any], kinds: dict[str, str | None]) -> list[str]:
    lines = []
    # The most literal families first: a URL takes the first page type that matches.
    ordered = sorted(report["families"], key=lambda f: (f["family"].count("<"), f["family"]))
    singles = [f["family"] for f in ordered if kinds.get(f["family"]) == "static" and _single(f)]
    if singles:
        # One static page type for the one-off pages: its `key` group names each page.
        keys = "|".join(re.escape(s.strip("/")) for s in singles)
        lines += [
            "# One-off pages: " + ", ".join(singles),
            "[[page_types]]",
            "name = 'static'  # TODO: keep only the pages that are content",
            f"url = {toml_value(f'^/(?P<key>{keys})/$')}",
            "",
        ]
    for fam in ordered:
        kind = kinds.get(fam["family"])
        if kind is None or fam["family"] in singles:
            continue
        examples = ", ".join(path_and_query(e) for e in fam["examples"][:2])
        known = kind in ("article", "listing", "tag", "static", "home", "feed")
        todo = "" if known else "  # TODO: a page type of its own, crawled for links only: name it"
        if kind == "article" and "(?P<id>" not in family_regex(fam["family"]):
            todo = "  # TODO: article pages need a numeric `id` group"
        lines += [
            f"# {fam['family']}: {fam['count']} URLs sampled, e.g. {examples}",
            "[[page_types]]",
            f"name = {toml_value(kind)}{todo}",
            f"url = {toml_value(family_regex(fam['family'], key=kind == 'static'))}",
            "",
        ]
    return lines


def _single(family: dict[str, Any]) -> bool:
    pattern = family["family"]
    return "<" not in pattern and "?" not in pattern and pattern.endswith("/") and pattern != "/"


def _keys(name: str, values: dict[str, Any], todo: dict[str, str]) -> list[str]:
    lines = [f"[{name}]"]
    for key, value in values.items():
        if value:
            lines.append(f"{key} = {toml_value(value)}")
        else:
            lines.append(f"# TODO {key}: {todo.get(key, 'not found by the survey')}")
    return [*lines, ""]


def _address_last(host: str) -> tuple[bool, str]:
    return bool(re.fullmatch(r"[\d.]+|localhost|\[.*\]", host)), host


def render(g: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """TOML from the guesses (``bare_profile`` passes only the hosts)."""
    report = report or {"families": [], "start_url": "", "fetched": 0}
    # The site's own name before the address it was surveyed at (a loopback copy).
    hosts = sorted({h.removeprefix("www.") for h in g.get("hosts", [])}, key=_address_last)
    years = g.get("years") or [datetime.now(UTC).year] * 2
    page_types = _page_types(report, g.get("kinds", {}))
    lines = [
        f"# Starting profile written by `belong-scraper survey` from {report['fetched']} pages",
        f"# of {report['start_url'] or 'the site'}. Review every TODO, then check it with",
        "# `belong-scraper survey --profile THIS_FILE` (docs/profiles.md describes each key).",
        f"name = {toml_value(hosts[0] if hosts else 'site')}",
        f"hosts = {toml_value(hosts)}",
        f"project_years = {toml_value(years)}  # TODO: the years the site's dates may fall in",
        f"languages = {toml_value(g.get('languages') or ['en'])}  # TODO: from <html lang>; check",
        "# TODO title_prefix: the part of <title> that is not the page's own title",
        *([] if page_types else ["page_types = []  # TODO: no family had a page to read"]),
        "",
        "[urls]",
        "# With the parameters whose URLs showed the same page as without them.",
        f"drop_params = {toml_value([*DROP_PARAMS, *g.get('drop_params', [])])}"
        "  # TODO: the site's view and session parameters",
        "session_params = ['phpsessid', 'sid', 'sessionid']",
        f"media_extensions = {toml_value(MEDIA_EXTENSIONS)}",
        f"media_path_prefixes = {toml_value([g['uploads']] if g.get('uploads') else [])}",
        "# TODO seed_paths: the feed and listings no page links to",
        *_families(report),
        "",
        *page_types,
        "[chrome]",
        f"remove = {toml_value([*g.get('chrome', []), 'script', 'style', 'noscript'])}"
        "  # TODO: landmarks and chrome-named elements on most pages: check none holds content",
        "# Short blocks repeated on most pages, outside the landmarks. TODO: keep the boilerplate.",
        f"phrases = {toml_value([re.escape(p) for p in g.get('phrases', [])])}",
        "",
        "[teaser]",
        *(
            [f"item = {toml_value([g['teaser']])}", "link = ['h2 a', 'h3 a', 'a']"]
            if g.get("teaser")
            else ["# TODO item, link: teasers of the listing pages"]
        ),
        "# TODO excerpt, thumb",
        "cut_markers = ['\\s*\\[\\s*(?:\\.\\.\\.|…)\\s*\\]\\s*$', '\\s*(?:\\.\\.\\.|…)\\s*$']",
        "",
        "[tag]",
        "heading = '^[^:]*:\\s*(?P<tag>.+)$'  # TODO: the tag's name in a tag page's heading",
        "",
        *_keys(
            "article",
            {
                "title": [g["title"]] if g.get("title") else [],
                "date": [g["date"]] if g.get("date") else [],
                "meta_date": [g["meta_date"]] if g.get("meta_date") else [],
                "author": [g["author"]] if g.get("author") else [],
                "tags": [g["tags"]] if g.get("tags") else [],
                "body": [g["body"]] if g.get("body") else [],
            },
            {
                "title": "no <h1> on most article pages"
                + (" (og:title is there: the fallback reads it)" if g.get("og_title") else ""),
                "date": "no <time> element: the element holding the date",
                "body": "the element holding the body",
            },
        ),
        "# TODO byline, lead_image, attachments, author_after, author_prefix",
        "",
        *_keys(
            "static",
            {"title": ["h1"], "body": [g["static_body"]] if g.get("static_body") else []},
            {},
        ),
        "[roles]  # TODO: the partner roles' labels, if the site lists partners",
        "partner = ['partner']",
        "",
        "[dates]",
        "label = '^\\s*(?:posted|published)(?:\\s+on)?\\s*:?\\s*'  # TODO: in the site's languages",
        "upload_path = "
        + toml_value(
            re.escape(g.get("uploads") or "/uploads/") + r"(?P<year>\d{4})/(?P<month>\d{2})/"
        ),
        "",
        "[watch]  # TODO: the feed and listing the watch job reads",
        "feed = '/feed/'",
        "listing = '/'",
        "listing_page = '/page/{page}/'",
        "",
        "[target]  # TODO: the new site's paths, sections and words",
        f"default_language = {toml_value((g.get('languages') or ['en'])[0])}",
        "site_description = 'TODO: what the new site says it is (the WXR channel)'",
        "",
        "[target.paths]",
        "article = '/news/{year}/{month}/{slug}/'",
        "article_undated = '/news/{slug}/'",
        "cluster = '/clusters/{slug}/'",
        "partner = '/partners/{country}/{slug}/'",
        "page = '/{key}/'",
        "home = '/'",
        "",
        "[target.labels]",
        *[f"{k} = {toml_value(v)}" for k, v in LABELS.items()],
        "",
    ]
    return "\n".join(lines)


LABELS = {
    "downloads": "Downloads",
    "related_articles": "Related articles",
    "image_credits": "Image credits",
    "latest_news": "Latest news",
    "tags": "Tags:",
    "page_not_found": "Page not found",
    "home": "Home",
    "logo": "Logo",
    "country": "Country",
    "region": "Region",
    "role": "Role",
    "website": "Website",
    "video": "video",
}
