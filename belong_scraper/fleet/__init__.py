"""`belong-scraper fleet`: many sites across Scrapyd nodes, one shared PostgreSQL state.

``fleet SITES.toml --scrapyd URL [--scrapyd URL ...] --db URL [--json] [--resume]`` runs;
``fleet status SITES.toml --db URL`` and ``fleet cancel SITES.toml --db URL`` report on and
stop the sites' last jobs, from any machine (the state holds which job ran where).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from belong_scraper.status import EXIT_UNREACHABLE, EXIT_USAGE

ACTIONS = ("run", "status", "cancel")


def add_command(sub: Any) -> None:
    fleet = sub.add_parser(
        "fleet",
        help="migrate many sites across Scrapyd nodes (run, status, cancel)",
        description="fleet [run|status|cancel] SITES.toml: one migrate job per site on Scrapyd "
        "nodes, its state in one shared database (README 'Many sites').",
    )
    fleet.add_argument(
        "words",
        nargs="+",
        metavar="[run|status|cancel] SITES.toml",
        help="what to do (default: run) and the sites file",
    )
    fleet.add_argument(
        "--scrapyd",
        action="append",
        default=[],
        metavar="URL",
        help="a Scrapyd node (repeatable); its slots as URL#slots=N",
    )
    fleet.add_argument(
        "--slots",
        type=int,
        default=2,
        metavar="N",
        help="job slots of a node whose URL gives none (its max_proc; default 2)",
    )
    fleet.add_argument(
        "--db",
        required=True,
        metavar="URL",
        help="the shared state database (PostgreSQL) every node reaches",
    )
    fleet.add_argument("--project", default="belong_scraper", help="the Scrapyd project")
    fleet.add_argument(
        "--resume",
        action="store_true",
        help="run only the sites not finished, continuing interrupted runs",
    )
    fleet.add_argument("--json", action="store_true", help="one JSON object per site")
    fleet.add_argument(
        "--poll",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how often the jobs are looked at (default 2)",
    )
    fleet.set_defaults(func=cmd_fleet)


def cmd_fleet(args: argparse.Namespace) -> int:
    # Errors reported here: run as `python -m belong_scraper.cli`, the CLI's CliError is
    # another class than the one this module could import.
    try:
        return _fleet(args)
    except FleetUsage as exc:
        print(f"belong-scraper: {exc}", file=sys.stderr)
        return exc.status


class FleetUsage(Exception):
    def __init__(self, message: str, status: int = EXIT_USAGE):
        super().__init__(message)
        self.status = status


def _fleet(args: argparse.Namespace) -> int:
    from belong_scraper.fleet.run import Fleet, exit_status, report_lines
    from belong_scraper.fleet.scrapyd import Node
    from belong_scraper.fleet.sites import SitesError, load_sites
    from belong_scraper.state import StateStore
    from belong_scraper.state.store import StateError

    words = list(args.words)
    action = words.pop(0) if words[0] in ACTIONS else "run"
    if len(words) != 1:
        raise FleetUsage("fleet expects [run|status|cancel] SITES.toml")
    if args.resume and action != "run":
        raise FleetUsage("--resume goes with fleet run")
    try:
        sites = load_sites(Path(words[0]))
        nodes = [Node.parse(url, args.slots) for url in args.scrapyd]
    except (SitesError, ValueError) as exc:
        raise FleetUsage(str(exc)) from exc
    if action == "run" and not nodes:
        raise FleetUsage("fleet needs at least one --scrapyd URL")
    try:
        store = StateStore(args.db)  # the schema, for the fleet's own rows; no site of its own
    except StateError as exc:
        raise FleetUsage(str(exc)) from exc
    try:
        fleet = Fleet(sites, nodes, store.engine, args.db, args.project, args.poll)
        if action == "run":
            results = fleet.run(args.resume)
            if all(job is None for job in results.values()):
                print("belong-scraper: no Scrapyd node answered", file=sys.stderr)
                return EXIT_UNREACHABLE
        elif action == "status":
            results = fleet.status()
        else:
            results = fleet.cancel()
    finally:
        store.close()
    for line in report_lines(results, args.json):
        print(line)
    return exit_status(results)
