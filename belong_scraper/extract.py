"""``belong-scraper extract PATH... [--profile P | --generic] [--url URL]``: records from
saved pages and archived captures, offline (no network), one JSON line per record.

Each line names where the page came from (``file``, or ``warc`` + ``uri`` +
``record_id`` for a WARC capture), its ``page_type`` and the record's fields as a crawl
gives them: the page objects, then the per-record pipelines (CleanBody, Normalise,
FieldLimits), through ``golden.page_items`` like the golden tests. A page with several
records (partners, a cluster and its teasers) gives a line for each; a page with none
gives one line with ``"records": 0``. ``--generic`` runs the generic extractor alone
(``pages/fallback.py``): title, body_html, body_text, date, author. A file or record that
cannot be read gives a line with an ``error``; the run goes on, and exits 1.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from belong_scraper.cleaning import clean_inline_text, decode_html, parse_html, strip_php_errors
from belong_scraper.golden import item_dict, page_items
from belong_scraper.pages import Document
from belong_scraper.pages.fallback import generic_extract
from belong_scraper.profile import ProfileError, SiteProfile, load_profile
from belong_scraper.sanitize import clean_body
from belong_scraper.saved_pages import SavedPage, Skipped, Unreadable, read_pages
from belong_scraper.urls import Origin, canonical_url, page_type
from pipelines.limits import cap_fields, field_caps

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def profile_lines(page: SavedPage, profile: SiteProfile) -> list[dict[str, Any]]:
    """The page's records as the crawl makes them; the page type from its URL."""
    if not page.url:
        raise ValueError("no URL to tell its page type: pass --url (or keep its meta.json)")
    kind, items = page_items(page.url, page.body, page.content_type, profile)
    lines = []
    for item in items:
        if hasattr(item, "review_flags"):  # a record (a Listing is none): capped as in a crawl
            cap_fields(item, crawl_caps())
        lines.append({**page.where, "page_type": kind, **item_dict(item)})
    return lines or [{**page.where, "page_type": kind, "records": 0}]


@functools.cache
def crawl_caps() -> dict[str, int]:
    """The field caps a crawl applies (FieldLimitsPipeline with the project's settings)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("belong_scraper.settings")
    return field_caps(settings)


def generic_lines(page: SavedPage, profile: SiteProfile) -> list[dict[str, Any]]:
    """What the generic extractor alone finds on the page."""
    url = page.url or Path(page.where.get("file", "page.html")).resolve().as_uri()
    doc = generic_document(url, page.body, page.content_type, profile)
    found = generic_extract(doc)
    body = clean_body(found.body_html, doc.url, doc.origin, profile, markdown=False)
    return [
        {
            **page.where,
            "page_type": doc.kind,
            "title": clean_inline_text(found.title),
            "body_html": body.html,
            "body_text": body.text,
            "date": found.date,
            "author": clean_inline_text(found.author) or None,
        }
    ]


def generic_document(
    url: str, body: bytes, content_type: str | None, profile: SiteProfile
) -> Document:
    """The page as only the generic extractor reads it: decoded and rid of PHP errors,
    but not repaired. Mojibake repair (ftfy) then runs on the fields it extracts, a few
    KB, rather than over the whole page (a fifth of the extraction's time): clean_body and
    clean_inline_text repair text from elsewhere, which these fields are."""
    text, encoding = decode_html(body, content_type)
    text, errors = strip_php_errors(text)
    origin = Origin.from_url(url, profile)
    canonical = canonical_url(url, origin, profile) or url
    kind, keys = page_type(canonical, profile)
    return Document(url=url, canonical=canonical, kind=kind, keys=keys, text=text,
                    encoding=encoding, php_errors=errors, root=parse_html(text),
                    profile=profile, origin=origin)  # fmt: skip


def generic_fields(
    url: str, body: bytes, content_type: str | None, profile: SiteProfile
) -> dict[str, Any]:
    """``extract --generic``'s fields of one page (what benchmarks/extraction.py scores)."""
    page = SavedPage({}, url, body, content_type)
    return generic_lines(page, profile)[0]


def extract_lines(
    paths: list[Path], profile: SiteProfile, generic: bool, url: str | None, skipped: Skipped
) -> Iterator[dict[str, Any]]:
    lines_of = generic_lines if generic else profile_lines
    for page in read_pages(paths, url, skipped):
        if isinstance(page, Unreadable):
            yield {**page.where, "error": page.error}
            continue
        try:
            yield from lines_of(page, profile)
        except Exception as exc:  # one broken page is reported; the others go on
            from belong_scraper.ledger import one_line

            yield {**page.where, "error": f"extraction failed: {one_line(exc)}"}


def cmd_extract(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"belong-scraper: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    if args.url and (len(paths) != 1 or paths[0].is_dir()):
        print("belong-scraper: --url is the URL of one saved page", file=sys.stderr)
        return EXIT_USAGE
    try:
        profile = load_profile(args.profile) if args.profile else load_profile()
    except ProfileError as exc:
        print(f"belong-scraper: {exc}", file=sys.stderr)
        return EXIT_USAGE
    skipped = Skipped()
    lines = failed = 0
    for line in extract_lines(paths, profile, args.generic, args.url, skipped):
        print(json.dumps(line, ensure_ascii=False), flush=True)
        lines += 1
        failed += "error" in line
    skips = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.reasons.items()))
    print(f"belong-scraper: {lines} lines, {failed} failed"
          + (f"; WARC records skipped: {skips}" if skips else ""), file=sys.stderr)  # fmt: skip
    return EXIT_FAILED if failed else EXIT_OK


def add_command(subparsers: Any) -> None:
    """Register ``extract`` on the main parser's subparsers."""
    extract = subparsers.add_parser(
        "extract", help="records from saved pages or WARC files, offline, as JSON lines"
    )
    extract.add_argument("paths", nargs="+", metavar="PATH",
                         help=".html, .html.gz, .warc, .warc.gz, or a folder of them")  # fmt: skip
    which = extract.add_mutually_exclusive_group()
    which.add_argument("--profile", help="site profile: bundled name or TOML path")
    which.add_argument("--generic", action="store_true",
                       help="the generic extractor only: title, body, date, author")  # fmt: skip
    extract.add_argument("--url", help="the URL a single saved page was served from")
    extract.set_defaults(func=cmd_extract)
