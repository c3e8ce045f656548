"""The export in the real consumer: Debian's WordPress, the official WordPress Importer
(0.8.4, from ../shared/vendor/) and MariaDB. Each site's export (the session's migration of
it) goes into a fresh WordPress: the export's own plugin installed, the WXR imported with
its attachments fetched from the fixture server, then imported again. WordPress is
installed once per test worker and restored to that fresh install before each site.

Needs the Debian packages of .ci/run and MariaDB with the test role (.ci/mariadb.sh).
Where something is missing the tests skip and say what; under CI (CI=true) they fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from belong_scraper.fixture_server import FixtureServer
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.targets.wordpress_plugin import FILE_NAME as PLUGIN
from belong_scraper.targets.wordpress_plugin import permalink_structure
from tests.conftest import FIXTURES, ROOT, migrate

VENDOR = ROOT.parent / "shared" / "vendor" / "wordpress-importer"
WORDPRESS = Path("/usr/share/wordpress")
SCRIPTS = Path(__file__).parent / "support" / "wordpress"
DB_USER = DB_PASSWORD = "belong"
POST_TYPES = {"articles": "post", "pages": "page", "partners": "partner", "clusters": "cluster"}


def missing() -> str | None:
    """Why the real WordPress cannot run here, or None."""
    if not (VENDOR / "wordpress-importer.php").is_file():
        return f"the vendored WordPress Importer is absent ({VENDOR})"
    if not (WORDPRESS / "wp-settings.php").is_file():
        return "WordPress is not installed (Debian's wordpress package, see .ci/run)"
    for tool in ("php", "mysql"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (php-cli, mariadb-server: see .ci/run)"
    probe = mysql("SELECT 1")
    if probe.returncode != 0:
        return f"MariaDB refuses the test role (run .ci/mariadb.sh): {probe.stderr.strip()}"
    return None


def mysql(sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["mysql", f"-u{DB_USER}", f"-p{DB_PASSWORD}", "-e", sql],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def require_wordpress() -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI installs the real WordPress, yet: {reason}")
    pytest.skip(reason)


class WordPress:
    """A WordPress of its own in a temporary folder (a copy of Debian's, our wp-config),
    on its own database, driven by the PHP scripts of tests/support/wordpress/.

    Installed once (`install`), then brought back to that fresh install for each export
    (`reset`): the database restored from the dump taken right after the install, what
    an import wrote into wp-content removed, the export's own plugin put in place. Each
    site is imported into a WordPress exactly as it was after the install."""

    def __init__(self, root: Path, database: str) -> None:
        self.root = root
        self.database = database
        self.content = root / "wp-content"
        self.fresh_dump = root.parent / "fresh-install.sql"
        self.fresh_content: set[str] = set()
        # PHP's temporary files (the importer downloads each attachment to one and leaves
        # it) in the test's own folder, not the machine's /tmp.
        self.temp = root.parent / "php-tmp"
        self.temp.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "TMPDIR": str(self.temp)}

    def install(self) -> None:
        shutil.copytree(WORDPRESS, self.root, symlinks=True)
        (self.root / "wp-config.php").write_text(self._config(self.content), encoding="utf-8")
        created = mysql(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4")
        assert created.returncode == 0, created.stderr
        self.php("install.php")
        (self.content / "mu-plugins").mkdir(parents=True, exist_ok=True)
        shutil.copy(SCRIPTS / "http-for-tests.php", self.content / "mu-plugins")
        shutil.copytree(VENDOR, self.content / "plugins" / "wordpress-importer")
        with self.fresh_dump.open("wb") as dump:
            dumped = subprocess.run(
                ["mysqldump", f"-u{DB_USER}", f"-p{DB_PASSWORD}", "--skip-comments",
                 self.database], stdout=dump, stderr=subprocess.PIPE, timeout=120,
            )  # fmt: skip
        assert dumped.returncode == 0, dumped.stderr
        self.fresh_content = {p.name for p in self.content.iterdir()}

    def reset(self, export: Path, fixture_port: int) -> None:
        """The fresh install again, with the export's plugin: after the install, the
        plugin's first load sets the permalinks in the new site (what a site owner does,
        one copy); the importer may download from the fixture server on its port."""
        recreated = mysql(
            f"DROP DATABASE IF EXISTS `{self.database}`; "
            f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4"
        )
        assert recreated.returncode == 0, recreated.stderr
        with self.fresh_dump.open("rb") as dump:
            restored = subprocess.run(
                ["mysql", f"-u{DB_USER}", f"-p{DB_PASSWORD}", self.database],
                stdin=dump, capture_output=True, timeout=120,
            )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        for path in self.content.iterdir():
            if path.name not in self.fresh_content:  # uploads/, whatever else an import left
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        shutil.copy(export / PLUGIN, self.content / "mu-plugins")
        self.env = {**self.env, "BELONG_FIXTURE_PORT": str(fixture_port)}

    def drop(self) -> None:
        mysql(f"DROP DATABASE IF EXISTS `{self.database}`")

    def import_file(self, wxr: Path) -> str:
        return self.php("import.php", str(wxr))["log"]

    def inspect(self, paths: list[str]) -> dict[str, Any]:
        listed = self.root.parent / "paths.json"
        listed.write_text(json.dumps(paths), encoding="utf-8")
        return self.php("inspect.php", str(listed))

    def php(self, script: str, *args: str) -> dict[str, Any]:
        done = subprocess.run(
            ["php", "-d", "memory_limit=512M", str(SCRIPTS / script), str(self.root), *args],
            capture_output=True, text=True, timeout=600, env=self.env, cwd=self.root,
        )  # fmt: skip
        assert done.returncode == 0, f"{script}: {done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        last = done.stdout.strip().splitlines()[-1]
        return json.loads(last)

    def _config(self, content: Path) -> str:
        # Debian's own wp-config reads /etc/wordpress/config-<host>.php: this WordPress
        # keeps everything in its folder instead. Only the fixture server is reachable.
        return f"""<?php
define( 'DB_NAME', '{self.database}' );
define( 'DB_USER', '{DB_USER}' );
define( 'DB_PASSWORD', '{DB_PASSWORD}' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
define( 'WP_HOME', 'http://wp.test' );
define( 'WP_SITEURL', 'http://wp.test' );
define( 'WP_CONTENT_DIR', '{content}' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1' );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'DISABLE_WP_CRON', true );
define( 'WP_DEBUG', false );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT',
    'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $key ) {{
	define( $key, 'belong-test-' . $key );
}}
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""


# Each site with its profile and the session's migration of it (conftest; read only): the
# tuned fixture site and the holdout built from the same survey (never tuned on); the
# WordPress sister site and its holdout likewise.
SITES = {
    "fixture-site": ("site", "legacy", "migrated_run"),
    "holdout-site": ("holdout-site", "legacy", "holdout_export"),
    "sister-site": ("sister-site", "wordpress-sister", "sister_export_run"),
    "sister-holdout": ("sister-holdout", "wordpress-sister", "sister_holdout_run"),
}


@dataclass
class Imported:
    export: Path
    profile: SiteProfile
    records: dict[str, list[dict[str, Any]]]
    manifest: dict[str, Any]
    first_log: str
    first: dict[str, Any]
    second_log: str
    second: dict[str, Any]


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory) -> Iterator[WordPress]:
    """One WordPress per test worker, installed once; `reset` before each import."""
    require_wordpress()
    base = tmp_path_factory.mktemp("wordpress")
    site = WordPress(base / "wordpress", f"belong_wp_{os.getpid()}")
    try:
        site.install()
        yield site
    finally:
        site.drop()


@contextmanager
def served_export(request: pytest.FixtureRequest, name: str) -> Iterator[tuple[Path, int]]:
    """The session's export of the site and the site served at the origin it was crawled
    from, which its WXR names for the attachments: the session's own server where it
    still runs (migrated_run), else the same snapshot served afresh on that port. Should
    another server have taken the port since, the site is migrated again here."""
    folder, profile_name, fixture = SITES[name]
    shared = request.getfixturevalue(fixture)
    if hasattr(shared, "server"):  # a SiteRun (conftest is imported under two names)
        yield shared.out, urlsplit(shared.origin).port or 80
        return
    export = shared["out"] if isinstance(shared, dict) else shared
    manifest = json.loads((export / "manifest.json").read_text(encoding="utf-8"))
    port = urlsplit(manifest["start_url"]).port or 80
    try:
        server = FixtureServer(FIXTURES / folder, port=port).start()
    except OSError:  # the port is someone else's now
        with FixtureServer(FIXTURES / folder) as fresh:
            export = request.getfixturevalue("tmp_path_factory").mktemp(name) / "export"
            result = migrate(fresh, export, "--profile", profile_name)
            assert result.returncode == 0, result.stderr
            yield export, urlsplit(fresh.origin).port or 80
        return
    try:
        yield export, port
    finally:
        server.stop()


@pytest.fixture(scope="module", params=sorted(SITES))
def imported(request: pytest.FixtureRequest, wordpress: WordPress) -> Iterator[Imported]:
    """Each site's export imported into the fresh WordPress, inspected, imported again."""
    with served_export(request, request.param) as (export, port):
        records = {
            name: json.loads((export / f"{name}.json").read_text(encoding="utf-8"))
            for name in POST_TYPES
        }
        manifest = json.loads((export / "manifest.json").read_text(encoding="utf-8"))
        paths = [r["path"] for rows in records.values() for r in rows]
        wordpress.reset(export, port)
        first_log = wordpress.import_file(export / "wordpress.xml")
        first = wordpress.inspect(paths)
        second_log = wordpress.import_file(export / "wordpress.xml")
        second = wordpress.inspect(paths)
    profile = load_profile(SITES[request.param][1])
    yield Imported(export, profile, records, manifest, first_log, first, second_log, second)


def test_every_record_and_asset_is_imported_once(imported: Imported) -> None:
    counts = imported.first["counts"]
    manifest_counts = imported.manifest["counts"]
    for name, post_type in POST_TYPES.items():
        assert counts.get(post_type, 0) == manifest_counts[name], (name, imported.first_log)
    assert counts.get("attachment", 0) == manifest_counts["assets"], imported.first_log
    assert "Failed to import" not in imported.first_log
    assert set(imported.first["post_types"]) >= {"partner", "cluster"}
    by_type = Counter((r["post_type"], r["record_id"]) for r in imported.first["records"])
    expected = Counter(
        (POST_TYPES[name], r["id"]) for name, rows in imported.records.items() for r in rows
    )
    assert by_type == expected


def test_a_second_import_adds_nothing(imported: Imported) -> None:
    assert imported.second["counts"] == imported.first["counts"], imported.second_log
    assert imported.second["users"] == imported.first["users"]
    assert "Failed to import" not in imported.second_log
    assert sorted(imported.second["attachments"], key=str) == sorted(
        imported.first["attachments"], key=str
    )


def test_attachments_are_on_disk_and_filed_by_year_and_month(imported: Imported) -> None:
    attachments = imported.first["attachments"]
    assert attachments
    for attachment in attachments:
        assert attachment["on_disk"], attachment
        assert not attachment["attached"].startswith("0000/"), attachment
        assert attachment["parent"], attachment
    uploads = Path(imported.first["uploads"])
    assert not (uploads / "0000").exists()
    assert sum(1 for p in uploads.rglob("*") if p.is_file()) >= len(attachments)
    # Logos became featured images of their partners (the importer remapped the ids).
    with_logo = {r["id"] for r in imported.records["partners"] if r.get("logo_asset")}
    thumbnails = {r["record_id"] for r in imported.first["records"] if r["thumbnail"]}
    assert with_logo and with_logo <= thumbnails


def test_no_body_names_the_legacy_site_or_the_export_media_folder(imported: Imported) -> None:
    origin = urlsplit(imported.manifest["start_url"]).netloc
    hosts = [origin, *imported.profile.hosts]
    for record in imported.first["records"]:
        content = record["content"]
        assert "/media/" not in content, record["record_id"]
        for host in hosts:
            # A link or image on the legacy site (http://, https:// or //): an e-mail
            # address at its domain (dpo@…) names no page.
            assert f"//{host}" not in content, (record["record_id"], host)


def test_every_record_path_resolves_to_that_record(imported: Imported) -> None:
    resolved = imported.first["resolved"]
    links = {r["record_id"]: r["link"] for r in imported.first["records"]}
    for name, rows in imported.records.items():
        for record in rows:
            found = resolved[record["path"]]
            # A draft is WordPress's preview: its editors see it, visitors do not.
            public = name != "articles" or record.get("published")
            assert found["visitor"] == ([record["id"]] if public else []), record["path"]
            assert found["admin"] == [record["id"]], record["path"]
            assert links[record["id"]] == record["path"]  # WordPress links it there too
    assert imported.second["resolved"] == resolved


def test_the_home_record_is_the_front_page(imported: Imported) -> None:
    home_path = imported.profile.target.paths.home
    home = [p["id"] for p in imported.records["pages"] if p["path"] == home_path]
    if home:
        assert imported.first["show_on_front"] == "page"
        assert imported.first["front_page"] == home[0]
    else:  # a site whose front page is no record keeps WordPress's latest posts
        assert imported.first["show_on_front"] == "posts"
    article_path = imported.profile.target.paths.article
    assert imported.first["permalink_structure"] == permalink_structure(article_path)


def test_authors_can_own_their_posts(imported: Imported) -> None:
    for record in imported.first["records"]:
        if record["post_type"] == "post":
            assert record["author"] != "admin", record["record_id"]
            assert set(record["roles"]) & {"author", "editor", "administrator"}, record
