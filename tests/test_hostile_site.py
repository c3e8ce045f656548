"""Hostile input the tool has never seen: every fault family at once, with payloads other
than the documented ones (variants 1 and 2), mixed into the holdout site, which follows
the survey with its own content. Nothing here knows what the payloads are: the checks are
the invariants every run must keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belong_scraper.faults import known_faults
from belong_scraper.fixture_server import FixtureServer
from tests.conftest import HOLDOUT, load_export, migrate

# Short bounds: the hang and the drip must cost seconds, not the default minutes.
BOUNDS = ["-s", "DOWNLOAD_TIMEOUT=4", "-s", "PAGE_TIME_BUDGET=8", "-s", "RETRY_TIMES=1"]


def ids_of(out: Path) -> set[str]:
    return {record["id"] for rows in load_export(out).values() for record in rows}


@pytest.fixture
def clean_holdout_ids(holdout_export: Path) -> set[str]:
    # Function scope: cheap to read, and both variants may then run on different workers.
    return ids_of(holdout_export)


@pytest.mark.parametrize("variant", [1, 2])
def test_every_fault_at_once_on_an_unseen_site(
    variant: int, tmp_path: Path, clean_holdout_ids: set[str]
) -> None:
    out = tmp_path / "out"
    with FixtureServer(HOLDOUT, faults=known_faults(), variant=variant) as server:
        result = migrate(server, out, *BOUNDS, timeout=900)
    # Hangs, resets and pages over the size limit: honest, not complete.
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("belong-scraper: incomplete:")
    assert result.max_rss_mb < 400, result.max_rss_mb
    assert result.seconds < 600
    ledger = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    assert ledger["status"] == "incomplete" and ledger["reasons"]
    # Every outcome was decided by the tool, none fell through.
    assert not [e for e in ledger["entries"] if "no outcome was recorded" in e.get("reason", "")]
    # Every record of the site without faults is still there.
    assert clean_holdout_ids <= ids_of(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "incomplete"
    assert (out / "SHA256SUMS").exists()
