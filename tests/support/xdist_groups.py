"""`--dist loadgroup` that still groups on pytest 9.

pytest-xdist's loadgroup tells the controller a test's group by renaming it on the worker
(``item._nodeid = nodeid@group``). pytest 9 derives ``nodeid`` from another attribute, so
the rename is lost and every group is split across workers: a module's shared crawl then
runs once per worker. Here each worker writes the groups it collected to a file named by
the run, and the controller's scheduler reads them before it splits the work.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest


def groups_dir(run_id: str) -> Path:
    return Path(tempfile.gettempdir()) / f"belong-xdist-groups-{run_id}"


def group_of(item: pytest.Item) -> str | None:
    """The item's group as xdist names it: its xdist_group names, sorted, joined by _."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) if names else None


def write_worker_groups(items: list[pytest.Item]) -> None:
    """On a worker: every collected test that has a group, by node id."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not run_id or not worker:
        return
    groups = {item.nodeid: group for item in items if (group := group_of(item))}
    folder = groups_dir(run_id)
    folder.mkdir(exist_ok=True)
    partial = folder / f".{worker}.json"
    partial.write_text(json.dumps(groups), encoding="utf-8")
    partial.replace(folder / f"{worker}.json")  # the controller never reads half a file


def read_groups(run_id: str) -> dict[str, str]:
    groups: dict[str, str] = {}
    for path in sorted(groups_dir(run_id).glob("gw*.json")):
        groups.update(json.loads(path.read_text(encoding="utf-8")))
    return groups


def remove_groups(run_id: str) -> None:
    shutil.rmtree(groups_dir(run_id), ignore_errors=True)


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """LoadGroupScheduling that reads each test's group from the workers' files, and
    hands out the work in collection order (which conftest sorts longest first) instead
    of by the number of tests in a group."""
    from xdist.scheduler import LoadGroupScheduling

    class FileGroupScheduling(LoadGroupScheduling):
        def __init__(self, config: pytest.Config, log: Any) -> None:
            super().__init__(config, log)
            self.groups: dict[str, str] = {}

        def schedule(self) -> None:
            if self.collection is None:  # the first call: every worker has collected
                self.groups = read_groups(config.option.testrunuid)
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return self.groups.get(nodeid) or super()._split_scope(nodeid)

    config.option.loadscopereorder = False
    return FileGroupScheduling(config, log)
