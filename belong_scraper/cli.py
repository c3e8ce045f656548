"""The belong-scraper command: migrate a site, or serve the fixture snapshot.

User errors (unreachable origin, unwritable folder, bad option) end with one line on
stderr and a non-zero exit status, never a traceback. Exit statuses:
0 complete; 1 finished but incomplete (pages failed, records rejected); 2 usage or
configuration error; 3 origin unreachable; 4 output not writable; 75 another run holds the
state (try later); 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from belong_scraper.status import (  # the statuses, re-exported for callers of the CLI
    EXIT_INCOMPLETE,
    EXIT_INTERNAL,
    EXIT_LOCKED,
    EXIT_NOT_WRITABLE,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)

DEMO_PORT = 8642


class CliError(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def bundled_site() -> Path:
    """The fixture snapshot: in a clone (editable install) or the current folder."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        site = base / "fixtures" / "site"
        if (site / "routes.json").exists():
            return site
    raise CliError("the bundled fixture snapshot (fixtures/site) was not found", EXIT_USAGE)


def default_db_url_for(out_dir: Path) -> str:
    from belong_scraper.state import default_db_url

    return default_db_url(out_dir)


class Secret(str):
    """A setting value that must not be printed: Scrapy logs overridden settings (-v)."""

    def __repr__(self) -> str:
        return "'[redacted]'"


def split_credentials(url: str) -> tuple[str, dict[str, Any]]:
    """The start URL without its ``user:password@`` and the settings that send them as
    HTTP Basic auth to that host only (Scrapy's HttpAuthMiddleware), so nothing that
    records the start URL (state, manifest, report, archive) ever sees them."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, {}
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit(parts._replace(netloc=host))
    if not (user or password):
        return bare, {}
    # Scrapy matches the domain against host[:port] as the URL spells it: with the port,
    # another service on the same host never gets the credentials.
    auth = {"HTTPAUTH_USER": Secret(user), "HTTPAUTH_PASS": Secret(password),
            "HTTPAUTH_DOMAIN": host.lower()}  # fmt: skip
    return bare, auth


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliError(f"-s expects NAME=VALUE, got {pair!r}", EXIT_USAGE)
        overrides[name.strip()] = value
    return overrides


def check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CliError(
            f"output folder {out_dir} is not writable: {reason}", EXIT_NOT_WRITABLE
        ) from exc


def check_reachable(url: str, timeout: float = 20.0) -> None:
    """Fail fast, with one line, when nothing answers at the origin. A TCP connection, not
    an HTTP request: every HTTP exchange of a run is made by the crawl and archived."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=timeout).close()
    except OSError as exc:
        raise CliError(f"cannot reach {url}: {exc.strerror or exc}", EXIT_UNREACHABLE) from exc


class OneLineErrors(logging.Filter):
    """Every failure is one line on stderr: a logged exception keeps its type and message,
    never its traceback (the ledger holds the failure itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            from belong_scraper.ledger import one_line

            record.msg = f"{record.getMessage()}: {one_line(record.exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True


def one_line_logs() -> None:
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLineErrors) for f in handler.filters):
            handler.addFilter(OneLineErrors())


def run_migration(
    start_url: str,
    out_dir: Path,
    db_url: str | None,
    overrides: dict[str, Any],
    verbose: bool,
    resume: bool = False,
    site: str | None = None,
) -> tuple[int, str]:
    """One migrate job in this process: the settings and the in-process set-up are a
    Scrapyd job's (belong_scraper/jobs.py); here only the checks that fail fast in one line."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "belong_scraper.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from belong_scraper.jobs import JobError, job_settings
    from belong_scraper.profile import ProfileError, load_profile
    from belong_scraper.spiders.site import SiteSpider
    from belong_scraper.state import StateStore
    from belong_scraper.state.store import StateError

    settings = get_project_settings()
    settings.set("PROGRESS_ENABLED", True, priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    for name, value in job_settings(out_dir, db_url, site, resume, overrides).items():
        settings.set(name, value, priority="cmdline")
    try:
        StateStore(settings.get("STATE_DB_URL")).close()  # opens (and upgrades) the state
        load_profile(settings.get("SITE_PROFILE"))
    except (StateError, ProfileError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    if not settings.getlist("WARC_REPLAY_FILES"):  # --from-warc: the archive answers
        check_reachable(start_url)
    process = CrawlerProcess(settings)
    one_line_logs()
    crawler = process.create_crawler(SiteSpider)
    failures: list[Any] = []
    process.crawl(crawler, start_url=start_url).addErrback(failures.append)
    process.start()
    if failures:
        error = failures[0].value
        if isinstance(error, JobError):
            raise CliError(str(error), error.status) from error
        if isinstance(error, StateError):
            raise CliError(str(error), EXIT_USAGE) from error
        raise error
    job = getattr(crawler, "migrate_job", None)
    if job is None or job.outcome is None:
        return EXIT_INCOMPLETE, "the crawl ended before it started"
    return job.outcome


def cmd_migrate(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.set or [])
    if args.profile:
        overrides["SITE_PROFILE"] = args.profile
    if args.no_warc:
        overrides["WARC_ENABLED"] = "False"
    out_dir = Path(args.out)
    check_writable(out_dir)
    if args.from_warc:
        status, message = migrate_from_warc(args, out_dir, overrides)
    elif args.demo:
        from belong_scraper.fixture_server import FixtureServer

        site = bundled_site()
        try:
            server = FixtureServer(site, port=args.port or DEMO_PORT)
        except OSError:
            server = FixtureServer(site, port=0)
        with server:
            print(f"serving the bundled snapshot {site} at {server.origin}", file=sys.stderr)
            # Our own loopback server: no need to pace the crawl as for the live site.
            overrides = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", **overrides}
            status, message = run_migration(
                server.origin + "/", out_dir, args.db, overrides, args.verbose, site=args.site
            )
    else:
        if not args.start_url:
            raise CliError("migrate needs --start-url URL (or --demo)", EXIT_USAGE)
        start_url, auth = split_credentials(args.start_url)
        if not start_url.startswith(("http://", "https://")):
            raise CliError(f"--start-url must be an http(s) URL, got {start_url!r}", EXIT_USAGE)
        status, message = run_migration(
            start_url,
            out_dir,
            args.db,
            {**overrides, **auth},
            args.verbose,
            args.resume,
            args.site,
        )
    print(message if status == EXIT_OK else f"belong-scraper: {message}", file=sys.stderr)
    return status


def migrate_from_warc(
    args: argparse.Namespace, out_dir: Path, overrides: dict[str, Any]
) -> tuple[int, str]:
    """`migrate --from-warc`: the whole export again from an archive, with no network
    (belong_scraper/archive/replay.py, docs/archive.md)."""
    from belong_scraper.archive.replay import ReplayError, contents_of, replay_settings

    if args.demo:
        raise CliError("--from-warc replays an archive: not with --demo", EXIT_USAGE)
    try:
        files, replay = replay_settings(args.from_warc)
        contents = contents_of(files)
    except ReplayError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    for line in contents.damage:
        print(f"belong-scraper: warning: {line}", file=sys.stderr)
    start_url = split_credentials(args.start_url)[0] if args.start_url else contents.start_url()
    if not start_url or not start_url.startswith(("http://", "https://")):
        raise CliError("no http(s) start URL in the archive; give --start-url", EXIT_USAGE)
    print(f"replaying {len(files)} WARC file(s) from {start_url}", file=sys.stderr)
    return run_migration(
        start_url,
        out_dir,
        args.db,
        {**overrides, **replay},
        args.verbose,
        args.resume,
        args.site,
    )


def cmd_watch(args: argparse.Namespace) -> int:
    """The cron job: one line per new or updated post, nothing when nothing is new."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "belong_scraper.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from belong_scraper.spiders.watch import WatchSpider
    from belong_scraper.state import StateStore
    from belong_scraper.state.store import StateError, StateLocked
    from belong_scraper.watch import (
        WatchError,
        finish,
        format_lines,
        known_article_urls,
        known_articles,
        new_run_id,
    )

    args.start_url, auth = split_credentials(args.start_url)
    if not args.start_url.startswith(("http://", "https://")):
        raise CliError(f"--start-url must be an http(s) URL, got {args.start_url!r}", EXIT_USAGE)
    settings = get_project_settings()
    for name, value in {**parse_overrides(args.set or []), **auth}.items():
        settings.set(name, value, priority="cmdline")
    if args.profile:
        settings.set("SITE_PROFILE", args.profile, priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if args.verbose else "ERROR", priority="cmdline")
    settings.set("PROGRESS_ENABLED", False, priority="cmdline")
    # The cron job only looks for new posts; the archive is migrate's.
    settings.set("WARC_ENABLED", False, priority="cmdline")
    db_url = args.db or default_db_url_for(Path("exports"))
    try:
        store = StateStore(db_url, site=args.site, start_url=args.start_url)
        site = store.site
    except StateError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    try:
        with store.lock(site):
            check_reachable(args.start_url)
            run_id = new_run_id()
            store.start_run(run_id, args.start_url, datetime.now(UTC), {}, kind="watch")
            teasers, texts = known_articles(store)
            baseline = not teasers
            process = CrawlerProcess(settings)
            one_line_logs()
            crawler = process.create_crawler(WatchSpider)
            process.crawl(crawler, start_url=args.start_url, known=teasers, known_texts=texts,
                          known_urls=known_article_urls(store))  # fmt: skip
            process.start()
            stats = crawler.stats.get_stats()
            result = stats.get("watch/result")
            if result is None or not stats.get("watch/listing_pages"):
                store.close_run(run_id, "failed", {})
                raise CliError(
                    "could not read the listing pages of " + args.start_url, EXIT_INCOMPLETE
                )
            if baseline:  # nothing known yet: this run only learns what exists
                result = {**result, "posts": []}
            try:
                posts = finish(store, run_id, result, args.notify,
                               Path(args.atom) if args.atom else None, args.start_url,
                               settings.get("USER_AGENT"))  # fmt: skip
            except WatchError as exc:
                store.close_run(run_id, "failed", {})
                raise CliError(str(exc), EXIT_INCOMPLETE) from exc
    except StateLocked as exc:
        raise CliError(f"{exc}; exiting", EXIT_LOCKED) from exc
    finally:
        store.close()
    for line in format_lines(posts, args.json):
        print(line)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from belong_scraper.fixture_server import FixtureServer

    site = Path(args.site) if args.site else bundled_site()
    if not (site / "routes.json").exists():
        raise CliError(f"{site} is not a fixture site folder (no routes.json)", EXIT_USAGE)
    try:
        server = FixtureServer(
            site,
            port=args.port,
            host=args.host,
            faults=args.fault or (),
            variant=args.variant,
            articles=args.articles,
        )
    except ValueError as exc:  # an unknown fault
        raise CliError(str(exc), EXIT_USAGE) from exc
    except OSError as exc:
        raise CliError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}", EXIT_USAGE
        ) from exc
    with server:
        print(f"serving {site} at {server.origin}/ (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return EXIT_OK
    return EXIT_OK


SITE_HELP = "the site's key in the state database (default: the start URL's host)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="belong-scraper",
        description="Migrate a legacy site, as its site profile describes it, into CMS-ready data.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    migrate = sub.add_parser("migrate", help="crawl a site and write the export folder")
    migrate.add_argument("--start-url", help="where the crawl starts: the site's home page")
    migrate.add_argument("--out", default="exports", help="output folder (default: exports)")
    migrate.add_argument("--db", help="state database SQLAlchemy URL (default: <out>.state.sqlite)")
    migrate.add_argument("--profile", help="site profile: bundled name or TOML path")
    migrate.add_argument("--site", metavar="NAME", help=SITE_HELP)
    migrate.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                         help="override a Scrapy setting (repeatable)")  # fmt: skip
    migrate.add_argument(
        "--demo",
        action="store_true",
        help="migrate the bundled fixture snapshot, served on loopback",
    )
    migrate.add_argument("--port", type=int, default=0, help="port for --demo (default 8642)")
    migrate.add_argument(
        "--resume", action="store_true", help="continue the interrupted run of this --out"
    )
    migrate.add_argument(
        "--no-warc", action="store_true", help="do not archive the crawl in DIR/archive"
    )
    migrate.add_argument(
        "--from-warc",
        nargs="+",
        metavar="DIR_OR_FILE",
        help="build the export from an archive (WARC files or folders), with no network",
    )
    migrate.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log")
    migrate.set_defaults(func=cmd_migrate)
    watch = sub.add_parser("watch", help="report new and updated posts (for cron)")
    watch.add_argument("--start-url", required=True, help="the site's home page")
    watch.add_argument("--db", help="state database URL (default: sqlite:///exports.state.sqlite)")
    watch.add_argument("--json", action="store_true", help="JSON lines instead of text lines")
    watch.add_argument("--notify", metavar="URL", help="POST the new posts as JSON to URL")
    watch.add_argument("--atom", metavar="FILE", help="write an Atom feed of the new posts")
    watch.add_argument("--profile", help="site profile: bundled name or TOML path")
    watch.add_argument("--site", metavar="NAME", help=SITE_HELP)
    watch.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                       help="override a Scrapy setting (repeatable)")  # fmt: skip
    watch.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log")
    watch.set_defaults(func=cmd_watch)
    serve = sub.add_parser("serve-fixtures", help="serve a fixture site on loopback")
    serve.add_argument("--site", help="site folder (default: the bundled fixtures/site)")
    serve.add_argument("--port", type=int, default=8642)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--fault", action="append", metavar="NAME",
                       help="switch a fault on (repeatable): belong_scraper/faults")  # fmt: skip
    serve.add_argument("--variant", type=int, default=0, help="another payload of each fault")
    serve.add_argument("--articles", type=int, default=0, metavar="N",
                       help="serve a synthetic site of N articles over the snapshot, with "
                       "a windowed archive (belong_scraper/synthetic.py)")  # fmt: skip
    serve.set_defaults(func=cmd_serve)
    from belong_scraper.archive.cli import add_commands

    add_commands(sub)
    # `extract`: saved pages and WARC captures to records, offline (belong_scraper/extract.py).
    from belong_scraper.extract import add_command as add_extract

    add_extract(sub)
    # `survey`: a bounded sample of a new site, and a starting profile (belong_scraper/survey).
    from belong_scraper.survey import add_command as add_survey

    add_survey(sub)
    # `fleet`: many sites across Scrapyd nodes, one shared state (belong_scraper/fleet).
    from belong_scraper.fleet import add_command as add_fleet

    add_fleet(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"belong-scraper: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("belong-scraper: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        from belong_scraper.ledger import one_line

        print(f"belong-scraper: internal error: {one_line(exc)}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
