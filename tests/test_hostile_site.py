"""Hostile input the tool has never seen: every fault family at once, with payloads other
than the documented ones (variants 1 and 2), mixed into the holdout site, which follows
the survey with its own content. Nothing here knows what the payloads are: the checks are
the invariants every run must keep."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from belong_scraper.faults import known_faults
from belong_scraper.fixture_server import FixtureServer
from tests.conftest import HOLDOUT, CliResult, load_export, start_migrate

# Short bounds: the hang and the drip must cost seconds, not the default minutes.
BOUNDS = ["-s", "DOWNLOAD_TIMEOUT=4", "-s", "PAGE_TIME_BUDGET=8", "-s", "RETRY_TIMES=1"]
VARIANTS = [1, 2]
# A variant's run: its result (or what its `migrate` check raised) and its export.
Outcome = tuple[CliResult | Exception, Path]


def ids_of(out: Path) -> set[str]:
    return {record["id"] for rows in load_export(out).values() for record in rows}


@pytest.fixture
def clean_holdout_ids(holdout_export: Path) -> set[str]:
    # Function scope: cheap to read.
    return ids_of(holdout_export)


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Outcome]]:
    """Each variant's run (its CliResult, or what its `migrate` check raised), on a
    server of its own: started one after the other without waiting, then waited for.
    A run spends most of its time waiting on hangs, drips and timeouts, which then
    overlap; each run's bounds are its own, as when they ran one at a time."""
    base = tmp_path_factory.mktemp("hostile")
    with contextlib.ExitStack() as servers:
        started = {}
        for variant in VARIANTS:
            server = FixtureServer(HOLDOUT, faults=known_faults(), variant=variant)
            servers.enter_context(server)
            started[variant] = start_migrate(server, base / f"variant-{variant}" / "out", *BOUNDS)
        outcomes: dict[int, CliResult | Exception] = {}
        for variant, run in started.items():  # every run waited for, whatever the first gave
            try:
                outcomes[variant] = run.wait(timeout=900)
            except Exception as exc:  # the failure of that variant's test
                outcomes[variant] = exc
        yield {variant: (outcomes[variant], started[variant].out) for variant in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_fault_at_once_on_an_unseen_site(
    variant: int, hostile_runs: dict[int, Outcome], clean_holdout_ids: set[str]
) -> None:
    result, out = hostile_runs[variant]
    if isinstance(result, Exception):
        raise result
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
