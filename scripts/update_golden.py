"""Regenerate fixtures/pages/*/*/output.json from the current code, for review.

    python scripts/update_golden.py            # every case
    python scripts/update_golden.py --add article warning-in-title /news.php?id=17
    python scripts/update_golden.py --site fixtures/sister-site --profile wordpress-sister \
        --add article wp-paged-post /2023/10/10/SLUG/

--add copies a page of the fixture site (as the server sends it) into a new case;
--site/--profile name another fixture site and the profile its cases are read with.
Review `git diff fixtures/pages` before committing: the output is the expectation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.fixture_server import FixtureSite  # noqa: E402
from belong_scraper.golden import run_case  # noqa: E402
from belong_scraper.profile import load_profile  # noqa: E402

PAGES = ROOT / "fixtures" / "pages"
ORIGIN = "http://127.0.0.1:8000"


def add_case(kind: str, name: str, target: str, site_dir: Path, profile: str | None) -> Path:
    site = FixtureSite(site_dir)
    reply = site.reply(target)
    for _ in range(3):  # pages that fail once (500/503) answer on a retry, as for the crawler
        if reply.status < 500:
            break
        reply = site.reply(target)
    if reply.status != 200:
        raise SystemExit(f"{target} answers {reply.status}")
    case = PAGES / kind / name
    case.mkdir(parents=True, exist_ok=True)
    (case / "input.html").write_bytes(reply.body)
    meta = {"url": ORIGIN + target, "content_type": reply.headers.get("Content-Type")}
    if profile:
        meta["profile"] = profile
    (case / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return case


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--add", nargs=3, action="append", metavar=("TYPE", "CASE", "TARGET"))
    parser.add_argument("--site", type=Path, default=ROOT / "fixtures" / "site")
    parser.add_argument("--profile", help="bundled profile of the site's cases (default legacy)")
    args = parser.parse_args()
    for kind, name, target in args.add or []:
        add_case(kind, name, target, args.site, args.profile)
    profile = load_profile()
    for meta in sorted(PAGES.glob("*/*/meta.json")):
        items = run_case(meta.parent, profile)
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
        (meta.parent / "output.json").write_text(text, encoding="utf-8")
        print(f"{meta.parent.relative_to(PAGES)}: {len(items)} items")


if __name__ == "__main__":
    main()
