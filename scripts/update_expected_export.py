"""Regenerate fixtures/expected-export/ by migrating the fixture site for real.

    python scripts/update_expected_export.py                      # the legacy site
    python scripts/update_expected_export.py --site fixtures/sister-site \
        --profile wordpress-sister --into fixtures/sister-site/expected-export

Review `git diff fixtures/expected-export` before committing: it is the expectation the
end-to-end test compares every field against.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.expected import portable_export  # noqa: E402
from belong_scraper.fixture_server import FixtureServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path, default=ROOT / "fixtures" / "site")
    parser.add_argument("--profile", help="bundled name or TOML path (default: legacy)")
    parser.add_argument("--into", type=Path, default=ROOT / "fixtures" / "expected-export")
    args = parser.parse_args()
    target = args.into
    target.mkdir(exist_ok=True)
    profile = ["--profile", args.profile] if args.profile else []
    with tempfile.TemporaryDirectory() as tmp, FixtureServer(args.site) as server:
        out = Path(tmp) / "out"
        subprocess.run(
            [sys.executable, "-m", "belong_scraper.cli", "migrate", "--start-url",
             server.origin + "/", "--out", str(out), *profile, "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=False"],
            check=True, cwd=ROOT,
        )  # fmt: skip
        for name, records in portable_export(out, server.origin).items():
            text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
            (target / f"{name}.json").write_text(text, encoding="utf-8")
            print(f"{name}: {len(records)} records")


if __name__ == "__main__":
    main()
