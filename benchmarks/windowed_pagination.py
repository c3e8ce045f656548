"""Benchmark: a large site whose archive is a windowed pagination (the trap guard's cap).

Serves the fixture snapshot with the `deep-pagination` fault: PAGES listing pages, each
linking to the first, the last and its eight nearest pages, each teasing PER_PAGE articles
no other page links to (PAGES=3334, PER_PAGE=6 is the 20,000-article site of issue 9).
Migrates it and prints how many of those articles were exported, the run's status, the
requests the server saw and the wall time, beside a migration of the plain snapshot in the
same run (time per request as a ratio of the plain run's).

    .venv/bin/python benchmarks/windowed_pagination.py [--pages 3334] [--per-page 6]
        [--cap N]   # TRAP_MAX_PAGES_PER_FAMILY for the run (default: the tool's own)
        [--code DIR]  # run the belong-scraper of another checkout (e.g. an older commit)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.fixture_server import FixtureServer  # noqa: E402


def migrate(server: FixtureServer, out: Path, code: Path, extra: list[str]) -> dict:
    start = len(server.log)
    began = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(
        [sys.executable, "-m", "belong_scraper.cli", "migrate", "--start-url",
         server.origin + "/", "--out", str(out), "--no-warc", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=False", *extra],
        cwd=code, capture_output=True, text=True, env=env,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    return {
        "exit": done.returncode,
        "status": manifest.get("status"),
        "reasons": manifest.get("status_reasons", []),
        "requests": len(server.log) - start,
        "seconds": round(seconds, 1),
        "archive_articles": sum(1 for a in articles if a["legacy_id"] >= 20000),
        "last_line": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=3334)
    parser.add_argument("--per-page", type=int, default=6)
    parser.add_argument("--cap", type=int)
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    site = ROOT / "fixtures" / "site"
    extra = ["-s", f"TRAP_MAX_PAGES_PER_FAMILY={args.cap}"] if args.cap else []
    with tempfile.TemporaryDirectory() as tmp:
        with FixtureServer(site) as server:
            plain = migrate(server, Path(tmp) / "plain", args.code, [])
        fault = f"deep-pagination:pages={args.pages},per_page={args.per_page}"
        with FixtureServer(site, faults=[fault]) as server:
            large = migrate(server, Path(tmp) / "large", args.code, extra)
    expected = args.pages * args.per_page
    print(f"plain snapshot: {plain}")
    print(f"windowed site:  {large}")
    print(f"archive articles exported: {large['archive_articles']} of {expected}")
    per_request = (large["seconds"] / large["requests"]) / (plain["seconds"] / plain["requests"])
    print(f"time per request, windowed site / plain snapshot: {per_request:.2f}")


if __name__ == "__main__":
    main()
