"""Copy the sister site's saved article pages of each content rendering into
fixtures/pages-sister/article/<case>/ and write their body fields' output, for review.

    python scripts/update_sister_golden.py   # then read the diff before committing
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from belong_scraper.golden import run_case
from belong_scraper.profile import load_profile

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "fixtures" / "sister-site"
OUT = ROOT / "fixtures" / "pages-sister" / "article"
FIELDS = ("_type", "body_html", "body_markdown", "body_text", "images", "embeds", "attachments")
# One post per rendering (../shared/sister-site.md, "A post"), and the lazy-loaded one.
CASES = {
    "block-rendered": ("/2024/06/11/general-assembly-2024-in-bergen-highlights/", 1),
    "classic-gallery-shortcode": (
        "/2022/05/09/europe-day-2022-regions-for-a-europe-that-listens/",
        2,
    ),
    "classic-lazy-load": ("/2022/07/04/summer-academy-2022-in-vestland-the-programme/", 2),
    "raw-blocks": ("/2023/03/27/health-workforce-shortages-what-regions-can-do/", 3),
    "raw-classic": ("/2023/05/04/position-paper-the-future-of-cohesion-policy-after-2027/", 4),
}


def main() -> None:
    profile = load_profile("wordpress-sister")
    for name, (path, rendering) in CASES.items():
        case = OUT / name
        case.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SITE / path.strip("/") / "index.html", case / "input.html")
        meta = {"url": "https://aer.eu" + path, "content_type": "text/html; charset=utf-8",
                "rendering": rendering}  # fmt: skip
        (case / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        items = [{f: i[f] for f in FIELDS if f in i} for i in run_case(case, profile)]
        text = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
        (case / "output.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
