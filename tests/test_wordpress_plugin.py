"""The export's WordPress must-use plugin: settings made from the records and the
profile's [target], nothing of the test machine in it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from belong_scraper.profile import load_profile
from belong_scraper.targets import FolderSource
from belong_scraper.targets.wordpress_plugin import (
    FILE_NAME,
    permalink_structure,
    write_wordpress_plugin,
)


@pytest.mark.parametrize(
    ("template", "structure"),
    [
        ("/news/{year}/{month}/{slug}/", "/news/%year%/%monthnum%/%postname%/"),
        ("/{slug}/", "/%postname%/"),
        ("/blog/{slug}.html", "/blog/%postname%.html"),
    ],
)
def test_the_article_path_is_the_permalink_structure(template: str, structure: str) -> None:
    assert permalink_structure(template) == structure


def config_in(php: str) -> dict:
    found = re.search(r"<<<'BELONG_JSON'\n(.*?)\nBELONG_JSON;", php, re.S)
    assert found, "the settings are one nowdoc"
    return json.loads(found.group(1))


def test_the_plugin_is_made_from_the_export_and_the_profile(
    migrated_export: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    shutil.copytree(migrated_export, out)
    profile = load_profile()
    described: dict = {}
    config = write_wordpress_plugin(out, FolderSource(out), profile.target, described=described)
    php = (out / FILE_NAME).read_text(encoding="utf-8")
    assert set(described) == {FILE_NAME}
    assert config_in(php) == config
    assert config["permalink_structure"] == "/news/%year%/%monthnum%/%postname%/"
    # Every type the WXR holds that WordPress lacks, titled as the profile's sections.
    assert set(config["post_types"]) == {"partner", "cluster"}
    sections = {s.dir: s.title for s in profile.target.sections}
    assert config["post_types"]["partner"]["section"] == "partners"
    assert config["post_types"]["partner"]["plural"] == sections["partners"]
    pages = json.loads((out / "pages.json").read_text(encoding="utf-8"))
    assert config["front_page"] == next(p["id"] for p in pages if p["path"] == "/")
    assert "migration" in config["authors"] and config["author_role"] == "author"
    # What the test adds to reach the fixture server is not the site owner's plugin.
    assert "http_request_host_is_external" not in php and "http_allowed_safe_ports" not in php
    assert "127.0.0.1" not in php
    # Settings are a function of the export: the same file again.
    write_wordpress_plugin(out, FolderSource(out), profile.target)
    assert (out / FILE_NAME).read_text(encoding="utf-8") == php


@pytest.mark.skipif(shutil.which("php") is None, reason="php-cli is not installed")
def test_the_plugin_is_valid_php(migrated_export: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    shutil.copytree(migrated_export, out)
    write_wordpress_plugin(out, FolderSource(out), load_profile().target)
    lint = subprocess.run(["php", "-l", str(out / FILE_NAME)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
