"""The ``package`` and ``verify`` commands, registered on the main command's subparsers.

``belong-scraper package DIR [--name N] [--bagit [--bag-dir B]]`` writes
``DIR/archive/<N>.wacz`` (checks ``DIR/SHA256SUMS`` first when there is one, and adds
the package to it), then optionally a BagIt bag of the folder in ``<DIR>.bag``.
``belong-scraper verify DIR`` re-checks SHA256SUMS (or the bag's manifests when DIR is a
bag) and names every modified, missing and extra file.

Exit statuses: 0 done / everything matches; 1 a check failed (changed files, an invalid
package); 2 usage error (no such folder, no WARCs, nothing to verify); 4 cannot write.
Errors are one line on stderr, never a traceback.

Also runnable on its own: ``python -m belong_scraper.archive.cli package DIR``.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_WRITABLE = 0, 1, 2, 4


def _error(message: str, status: int) -> int:
    print(f"belong-scraper: {message}", file=sys.stderr)
    return status


def cmd_package(args: argparse.Namespace) -> int:
    from belong_scraper.archive.fixity import (
        SUMS_NAME,
        FixityError,
        default_bag_dir,
        make_bag,
        verify,
        verify_bag,
        write_checksums,
    )
    from belong_scraper.archive.index import archive_dir, warc_files
    from belong_scraper.archive.wacz import build_wacz, validate_wacz

    out_dir = Path(args.dir)
    if not out_dir.is_dir():
        return _error(f"{out_dir} is not a folder", EXIT_USAGE)
    if not warc_files(archive_dir(out_dir)):
        return _error(
            f"no WARC files in {archive_dir(out_dir)} (was the run made with --no-warc?)",
            EXIT_USAGE,
        )
    bag_dir = Path(args.bag_dir) if args.bag_dir else default_bag_dir(out_dir)
    if args.bagit and bag_dir.exists():
        return _error(
            f"{bag_dir} already exists; remove it or choose another --bag-dir", EXIT_USAGE
        )
    try:
        if (out_dir / SUMS_NAME).is_file():
            report = verify(out_dir)
            if not report.ok:
                for line in report.lines():
                    print(line)
                return _error(
                    f"{out_dir} has changed since its {SUMS_NAME} was written "
                    f"({len(report.modified)} modified, {len(report.missing)} missing, "
                    f"{len(report.extra)} extra); not packaging it",
                    EXIT_FAILED,
                )
        wacz, facts = build_wacz(out_dir, args.name)
        problems = validate_wacz(wacz)
        if problems:
            for problem in problems:
                print(f"invalid: {problem}")
            return _error(f"{wacz} is not a valid WACZ ({len(problems)} problems)", EXIT_FAILED)
        write_checksums(out_dir)
        print(
            f"{wacz}: {facts['captures']} captures in {facts['warc_files']} WARC files, "
            f"{facts['pages']} pages"
        )
        if args.bagit:
            bag = make_bag(out_dir, bag_dir, _bag_info(out_dir))
            report = verify_bag(bag)
            if not report.ok:
                return _error(f"the bag {bag} does not validate: {report.lines()[0]}", EXIT_FAILED)
            print(f"{bag}: BagIt bag of {out_dir} ({report.checked} files)")
    except FixityError as exc:
        return _error(str(exc), EXIT_USAGE)
    except (ValueError, zipfile.BadZipFile) as exc:
        return _error(str(exc), EXIT_FAILED)
    except OSError as exc:
        return _error(f"cannot write the package: {exc.strerror or exc}", EXIT_NOT_WRITABLE)
    return EXIT_OK


def _bag_info(out_dir: Path) -> dict[str, str]:
    import json

    info: dict[str, str] = {}
    manifest = out_dir / "manifest.json"
    try:
        facts: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return info
    if facts.get("run_id"):
        info["External-Identifier"] = str(facts["run_id"])
    if facts.get("start_url"):
        info["Crawl-Start-URL"] = str(facts["start_url"])
    return info


def cmd_verify(args: argparse.Namespace) -> int:
    from belong_scraper.archive.fixity import FixityError, verify

    try:
        report = verify(Path(args.dir))
    except FixityError as exc:
        return _error(str(exc), EXIT_USAGE)
    except OSError as exc:
        return _error(f"cannot read {args.dir}: {exc.strerror or exc}", EXIT_USAGE)
    for line in report.lines():
        print(line)
    if report.ok:
        print(f"{args.dir}: all {report.checked} files match ({report.source})")
        return EXIT_OK
    print(
        f"{args.dir}: {len(report.modified)} modified, {len(report.missing)} missing, "
        f"{len(report.extra)} extra ({report.source})",
        file=sys.stderr,
    )
    return EXIT_FAILED


def add_commands(subparsers: Any) -> None:
    """Register ``package`` and ``verify`` on the main parser's subparsers."""
    package = subparsers.add_parser(
        "package", help="write DIR/archive/<name>.wacz (and optionally a BagIt bag)"
    )
    package.add_argument("dir", metavar="DIR", help="export folder of a migrate run")
    package.add_argument("--name", help="package name (default: the folder's name)")
    package.add_argument(
        "--bagit", action="store_true", help="also copy the folder into a BagIt bag"
    )
    package.add_argument("--bag-dir", help="where the bag goes (default: <DIR>.bag beside DIR)")
    package.set_defaults(func=cmd_package)
    verify = subparsers.add_parser(
        "verify", help="re-check DIR/SHA256SUMS (or a bag's manifests); exit 1 on changes"
    )
    verify.add_argument("dir", metavar="DIR", help="export folder or BagIt bag")
    verify.set_defaults(func=cmd_verify)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="belong-scraper")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return _error("interrupted", 130)


if __name__ == "__main__":
    sys.exit(main())
