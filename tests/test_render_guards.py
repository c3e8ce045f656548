"""A record a rendering cannot handle is left out of that rendering and reported; the
rest of the Hugo site and the WXR file are still written (never an aborted export)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from belong_scraper.targets.hugo import render_site
from belong_scraper.targets.wxr import render_wxr


def broken_copy(migrated_export: Path, tmp_path: Path) -> tuple[Path, str, str]:
    out = tmp_path / "out"
    shutil.copytree(migrated_export, out, ignore=shutil.ignore_patterns("archive", "hugo"))
    articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    # Two records claiming one path (Hugo), a date no calendar has (WXR).
    articles[1]["path"] = articles[0]["path"]
    articles[2]["published"] = "2024-02-31"
    (out / "articles.json").write_text(json.dumps(articles), encoding="utf-8")
    return out, articles[1]["id"], articles[2]["id"]


def test_hugo_leaves_out_what_it_cannot_render(migrated_export: Path, tmp_path: Path) -> None:
    out, clash, _ = broken_copy(migrated_export, tmp_path)
    failures: dict[str, str] = {}
    files = render_site(out, site_title="t", language="en", failures=failures)
    assert list(failures) == [clash] and "taken" in failures[clash]
    articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    rendered = sum(1 for name in files if name.startswith("content/news/"))
    assert rendered >= len(articles) - 1


def test_wxr_leaves_out_what_it_cannot_render(migrated_export: Path, tmp_path: Path) -> None:
    out, _, bad_date = broken_copy(migrated_export, tmp_path)
    failures: dict[str, str] = {}
    data, summary = render_wxr(out, site_title="t", site_url=None, language="en",
                               failures=failures)  # fmt: skip
    # The post, and the attachments that take its date, are left out; nothing else.
    assert bad_date in failures
    assert all(key == bad_date or key.startswith("/media/") for key in failures)
    records = sum(len(json.loads((out / f"{n}.json").read_text(encoding="utf-8")))
                  for n in ("articles", "partners", "clusters", "pages"))  # fmt: skip
    assert summary["posts"] == records - 1 and data.startswith(b"<?xml")
