"""``belong-scraper survey --start-url URL [--profile P] [--pages N] [--json]``: the first
thing to run against a new site. Crawls a bounded, polite sample (breadth first, same
origin, robots.txt obeyed, the project's politeness settings) and reports its URL
families, how the profile's page types and selectors fare on them, the PHP errors,
encodings and chrome found. Without ``--profile`` it writes a starting profile
(``--write-profile FILE``, else after the report on stdout under a header).

``--json`` prints one JSON document (schema ``belong-survey/1``)::

    schema         "belong-survey/1"
    start_url      the start URL; profile: its source ("bundled:legacy", a path) or null
    pages_limit    --pages; fetched: requests that reached the server (redirects and
                   errors included), never more than pages_limit; robots_refused: URLs
                   robots.txt forbade (not fetched)
    hosts          host names folded into the crawled origin (the profile's, or those the
                   start page names as its own: canonical link, og:url, feed)
    statuses       {"200": n, "301": n, ...}
    families       [{family: "/news.php?id=" | "/<year>/<month>/<slug>/", count,
                     html_pages, feeds, unfetched (URLs met, not fetched: the bound, the
                     family's cap), statuses, examples: [canonical URL, ...] (3 at most),
                     regex: a page-type URL regex for it,
                     page_types: {page type: pages} (with a profile),
                     guess: page type guessed, clues: {feed, h1, og_article, dated,
                     teasers: shares 0..1, text_chars: mean} (without one)}]
                   by count, largest first
    unmatched_families   families with HTML pages no page type matched (with a profile)
    page_types     {name: {pages, families}} for every page type of the profile
    selectors      {page type: {"section.key": {matched, pages, share, by_selector:
                     {selector: pages it matched first}, sample, sample_url,
                     missed: [URL, ...]}}} — every selector key the page type's page
                   object reads, in the chrome-free content
    same_page_params  {name: {compared, same}}: parameters whose URLs showed the same
                   body as the URL without them (drop_params candidates)
    params_not_followed  those of them the crawl stopped following once two copies
                   showed it (so the sample is not spent on copies)
    php_errors     {total, pages, by_level: {level: {count, pages, example}}}
    encodings      {detected: {codec: pages}, declared: {codec | "none": pages},
                    mismatches: [{url, declared, detected}], windows_1252: [URL, ...],
                    mojibake: [{url, line}] (lines the mojibake gate finds double-encoded)}
    chrome         {pages, selectors: {selector: pages}, phrases: {regex: pages}}
                   (the profile's chrome, with a profile)
    pages          [{url, status, family, page_type, encoding}]: every URL fetched
                   (page_type with a profile; encoding: the codec read, null if unread)
    fetch_errors   [{url, error}]: failures and skips (robots.txt), not 404s
    starting_profile   the starting profile's TOML (without a profile)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_PAGES = 200


def run_survey(
    start_url: str,
    profile_name: str | None,
    pages: int,
    overrides: dict[str, Any],
    hosts: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Crawl the sample and build the report (with ``starting_profile`` when no profile)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "belong_scraper.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from belong_scraper.cli import one_line_logs
    from belong_scraper.profile import load_profile
    from belong_scraper.survey.report import build_report
    from belong_scraper.survey.spider import SurveySpider
    from belong_scraper.survey.starter import bare_profile, guess_kind, starting_profile

    profile = load_profile(profile_name) if profile_name else None
    settings = get_project_settings()
    # A look, not a migration: no records, no export, no archive, no downloads; the
    # family cap (survey/spider.py) bounds traps instead of the trap guard.
    quiet = {
        "ITEM_PIPELINES": {},
        "WARC_ENABLED": False,
        "MEDIA_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "PROGRESS_ENABLED": False,
        "EXTENSIONS": {},
        "SPIDER_MIDDLEWARES": {"belong_scraper.middlewares.TrapGuardMiddleware": None},
        "LOG_LEVEL": "ERROR",
    }
    for name, value in {**quiet, **overrides}.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    one_line_logs()
    crawler = process.create_crawler(SurveySpider)
    process.crawl(
        crawler,
        start_url=start_url,
        profile=profile or bare_profile(start_url),
        pages=pages,
        guided=profile is not None,
        hosts=hosts,
    )
    process.start()
    spider = crawler.spider
    found_hosts = sorted({spider.origin.host, *spider.origin.legacy_hosts})
    report = build_report(spider.facts, start_url, pages, profile, found_hosts, spider.seen)
    report["params_not_followed"] = spider.params.dropped()
    if profile is None:
        for family in report["families"]:
            family["guess"] = guess_kind(family)
        report["starting_profile"] = starting_profile(report, spider.facts)
    return report


def cmd_survey(args: argparse.Namespace) -> int:
    from belong_scraper.cli import CliError

    # Reported here: run as `python -m belong_scraper.cli`, the CLI's own CliError is
    # another class than the one belong_scraper.cli (imported by this module) raises.
    try:
        return _survey(args)
    except CliError as exc:
        print(f"belong-scraper: {exc}", file=sys.stderr)
        return exc.status


def _survey(args: argparse.Namespace) -> int:
    from belong_scraper.cli import (
        EXIT_OK,
        EXIT_USAGE,
        CliError,
        check_reachable,
        parse_overrides,
        split_credentials,
    )
    from belong_scraper.profile import ProfileError, load_profile

    start_url, auth = split_credentials(args.start_url)
    if not start_url.startswith(("http://", "https://")):
        raise CliError(f"--start-url must be an http(s) URL, got {start_url!r}", EXIT_USAGE)
    if args.pages < 1:
        raise CliError("--pages must be at least 1", EXIT_USAGE)
    if args.profile and args.write_profile:
        raise CliError("--write-profile is for a survey without --profile", EXIT_USAGE)
    if args.profile:
        try:
            load_profile(args.profile)
        except ProfileError as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
    check_reachable(start_url)
    overrides = {**parse_overrides(args.set or []), **auth}
    report = run_survey(start_url, args.profile, args.pages, overrides, tuple(args.host or ()))
    starter = report.get("starting_profile")
    if args.write_profile and starter:
        Path(args.write_profile).write_text(starter, encoding="utf-8")
        print(f"belong-scraper: starting profile written to {args.write_profile}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return EXIT_OK
    from belong_scraper.survey.text import render_text

    sys.stdout.write(render_text(report))
    if starter and not args.write_profile:
        sys.stdout.write(
            "\n# ===== Starting profile (save as SITE.toml; review every TODO) =====\n" + starter
        )
    return EXIT_OK


def add_command(sub: Any) -> None:
    """The ``survey`` sub-command, on the CLI's sub-parsers."""
    survey = sub.add_parser("survey", help="sample a site and report what a profile needs")
    survey.add_argument("--start-url", required=True, help="where the sample starts")
    survey.add_argument("--profile", help="site profile to check: bundled name or TOML path")
    survey.add_argument(
        "--pages",
        type=int,
        default=DEFAULT_PAGES,
        help=f"URLs fetched at most (default {DEFAULT_PAGES})",
    )
    survey.add_argument(
        "--json",
        action="store_true",
        help="one JSON document (schema: belong_scraper/survey/__init__.py)",
    )
    survey.add_argument(
        "--write-profile",
        metavar="FILE",
        help="without --profile: write the starting profile to FILE",
    )
    survey.add_argument(
        "--host",
        action="append",
        metavar="HOST",
        help="another host name of the same site (repeatable)",
    )
    survey.add_argument(
        "-s",
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a Scrapy setting (repeatable)",
    )
    survey.set_defaults(func=cmd_survey)
