"""Incremental runs on SQLite and on a real PostgreSQL: version A, then version B.

Version B (fixtures/site-b, `build_fixture_site.py --version b`) adds article 60, edits
article 55, removes article 38, changes the Region of Crete partner, and gives every
article page a different "Latest news" sidebar.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from belong_scraper.fixture_server import FixtureServer
from belong_scraper.state.store import _normalise_url
from tests.conftest import (
    FIXTURES,
    ON_VERSION_A,
    SITE,
    VersionA,
    copy_export,
    load_export,
    migrate,
    unlink_article,
    version_a,
    version_a_copy,
)

# Every test here starts from a copy of the run's version A on its back end (asked for by
# name in first_run, which conftest's grouping cannot see) and serves on its port: on the
# worker of the watch tests that do, one after another.
pytestmark = ON_VERSION_A
SITE_B = FIXTURES / "site-b"
EMPTY = {"new": [], "updated": [], "removed": []}


def run(site: Path, port: int, out: Path, db: str, fresh: bool = False) -> tuple[dict, list]:
    with FixtureServer(site, port=port) as server:
        result = migrate(server, out, "--db", db, fresh=fresh)
        log = list(server.log)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "changes.json").read_text(encoding="utf-8")), log


@pytest.fixture(scope="session")
def version_a_sqlite(tmp_path_factory) -> VersionA:
    """Version A migrated into a SQLite state, once for the test run (conftest's
    `version_a`, shared with the watch tests)."""
    return version_a(tmp_path_factory, "sqlite")


@pytest.fixture(scope="session")
def version_a_postgresql(tmp_path_factory) -> VersionA:
    """The same on PostgreSQL: the database each PostgreSQL test's state is copied from."""
    return version_a(tmp_path_factory, "postgresql")


def first_run(request: pytest.FixtureRequest, tmp_path: Path, db: str) -> tuple[int, Path, dict]:
    """Version A migrated into ``db`` and ``tmp_path/out`` as this test's first run: a copy
    of the run's version A (export and state) on the same back end. Its port, its export
    folder and its changes.json."""
    shared = version_a_copy(request, db, "version_a", "migrated")
    return shared.port, copy_export(shared.out, tmp_path), shared.changes


def test_version_b_changes_are_exact(request, tmp_path: Path, state_url: str) -> None:
    port, out, first = first_run(request, tmp_path, state_url)
    assert first["previous_run"] is None
    assert "article-55" in first["articles"]["new"] and first["articles"]["updated"] == []
    assert len(first["partners"]["new"]) == 14

    second, _ = run(SITE_B, port, out, state_url)
    assert second["previous_run"] == first["run"]
    assert {k: v for k, v in second.items() if k not in ("previous_run", "run")} == {
        "articles": {"new": ["article-60"], "updated": ["article-55"], "removed": ["article-38"]},
        "partners": {**EMPTY, "updated": ["partner-gr-region-of-crete"]},
        "clusters": EMPTY,
        "pages": EMPTY,
    }
    # The export holds the full current set; the state keeps the removed record, marked.
    articles = {a["id"]: a for a in load_export(out)["articles"]}
    assert "article-60" in articles and "article-38" not in articles
    engine = create_engine(_normalise_url(state_url))
    with engine.connect() as conn:
        removed = conn.execute(
            text("select removed_in_run from records where id = 'article-38'")
        ).scalar()
        changes = conn.execute(
            text("select record_id, change from record_changes where run_id = :r order by 1"),
            {"r": second["run"]},
        ).all()
    engine.dispose()
    assert removed == second["run"]
    assert ("article-55", "updated") in changes and ("article-38", "removed") in changes
    # The edited title does not move the page: its path is the one first given.
    first_path = (
        "/news/2025/04/opportunity-call-for-regions-to-join-the-intercultural-regions-network/"
    )
    assert articles["article-55"]["path"] == first_path
    assert "(extended)" in articles["article-55"]["title"]


def test_the_sidebar_really_changed_on_every_article() -> None:
    """What makes the exact change set above meaningful: every article page with a
    "Latest news" sidebar (the new template) differs in B."""
    checked = 0
    for page in sorted((SITE / "news").glob("[0-9]*.html")):
        other = SITE_B / "news" / page.name
        if b'id="sidebar"' not in page.read_bytes() or not other.exists():
            continue
        assert page.read_bytes() != other.read_bytes(), page.name
        checked += 1
    assert checked >= 20


def test_unchanged_rerun_lists_nothing_and_reuses_media(
    request, tmp_path: Path, state_url: str
) -> None:
    port, out, _ = first_run(request, tmp_path, state_url)
    before = {p.relative_to(out): p.read_bytes() for p in (out / "media").rglob("*") if p.is_file()}
    second, log = run(SITE, port, out, state_url)
    assert all(second[k] == EMPTY for k in ("articles", "partners", "clusters", "pages"))
    media = [r for r in log if r.target.startswith("/uploads/")]
    assert media and all(r.status == 304 for r in media)
    after = {p.relative_to(out): p.read_bytes() for p in (out / "media").rglob("*") if p.is_file()}
    assert after == before


def test_an_article_no_longer_linked_anywhere_is_removed(request, tmp_path: Path) -> None:
    site, db = tmp_path / "site", f"sqlite:///{tmp_path / 'state.sqlite'}"
    shutil.copytree(SITE, site)
    port, out, first = first_run(request, tmp_path, db)  # the site as it was
    assert "article-14" in first["articles"]["new"]

    unlink_article(site, 14)
    second, log = run(site, port, out, db)
    assert not [r.target for r in log if re.search(r"id=14\b|news/14\b", r.target)]
    assert second["articles"] == {"new": [], "updated": [], "removed": ["article-14"]}
    assert "article-14" not in {a["id"] for a in load_export(out)["articles"]}
    engine = create_engine(_normalise_url(db))
    with engine.connect() as conn:
        removed = conn.execute(
            text("select removed_in_run from records where id = 'article-14'")
        ).scalar()
    engine.dispose()
    assert removed == second["run"]


def test_a_rotated_session_id_changes_no_record_byte(request, tmp_path: Path) -> None:
    """The live site hands out a new PHPSESSID on every visit: re-runs must not grow
    legacy_urls or change a record's bytes, and changes.json stays empty."""
    site, db = tmp_path / "site", f"sqlite:///{tmp_path / 'state.sqlite'}"
    shutil.copytree(SITE, site)
    port, out, _ = first_run(request, tmp_path, db)  # the site as it was
    first = {n: (out / f"{n}.json").read_bytes() for n in ("articles", "partners", "pages")}
    rotated = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="surrogateescape")
        new = re.sub(r"(PHPSESSID=)[0-9a-f]+", r"\g<1>0123456789abcdef0123456789abcdef", text)
        rotated += new != text
        page.write_text(new, encoding="utf-8", errors="surrogateescape")
    assert rotated
    changes, _ = run(site, port, out, db)
    assert all(changes[kind] == EMPTY for kind in ("articles", "partners", "clusters", "pages"))
    for name, before in first.items():
        assert (out / f"{name}.json").read_bytes() == before, name
