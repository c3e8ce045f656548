"""`fleet`: one migrate job per site across Scrapyd nodes, followed to its end.

Sites wait here until a node has a free slot (its slots minus what it runs and queues),
then go to the node with the most; nothing is queued on a node that may die. Every job
is a Scrapyd job of the `site` spider with the settings `migrate` would use
(belong_scraper/jobs.py), so it writes the same export folder, takes its site's lock in
the shared state and records its own outcome there. A node that does not answer is
skipped when scheduling; one that stops answering while it runs jobs has them reported
interrupted, naming it, for `fleet --resume` to continue elsewhere from the responses
kept in the job folder beside `out`.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from belong_scraper.fleet import book
from belong_scraper.fleet.book import FINISHED, JobView
from belong_scraper.fleet.scrapyd import Node, NodeDown
from belong_scraper.fleet.sites import Site
from belong_scraper.jobs import RESUME_AUTO, job_settings
from belong_scraper.status import EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREACHABLE, worst

SPIDER = "site"


@dataclass
class Fleet:
    sites: list[Site]
    nodes: list[Node]
    engine: Engine
    db_url: str
    project: str = "belong_scraper"
    poll: float = 2.0
    lost_after: int = 3  # polls a node may miss before its jobs count as lost

    def __post_init__(self) -> None:
        self.misses: dict[str, int] = {}
        self.down: set[str] = set()

    def warn(self, line: str) -> None:
        print(f"belong-scraper: warning: {line}", file=sys.stderr)

    # -- run ------------------------------------------------------------------------------

    def run(self, resume: bool) -> dict[str, JobView | None]:
        """Schedule the sites (with `resume`, those not finished) and follow every job to
        its end; each site's last job, None for one no node took."""
        fleet_run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
        names = [s.name for s in self.sites]
        latest = book.latest_jobs(self.engine, names)
        # A job already under way (from an earlier fleet, any machine): followed, not doubled.
        active: dict[str, JobView] = book.latest_jobs(self.engine, names, active_only=True)
        waiting: list[Site] = []
        done: dict[str, JobView | None] = {}
        for site in self.sites:
            last = latest.get(site.name)
            if site.name in active:
                continue
            if resume and last is not None and last.status in ("complete", "incomplete"):
                done[site.name] = last
            else:
                waiting.append(site)
        live = [node for node in self.nodes if self._answers(node)]
        if not live and waiting:
            for site in waiting:
                done[site.name] = None
            waiting = []
        while waiting or active:
            waiting = self._schedule(waiting, live, fleet_run, resume, active)
            self._follow(active, done)
            live = [node for node in live if node.url not in self.down]
            if waiting and not live:
                for site in waiting:
                    done[site.name] = None
                waiting = []
            if waiting or active:
                time.sleep(self.poll)
        return {site.name: done.get(site.name) for site in self.sites}

    def _answers(self, node: Node) -> bool:
        try:
            node.call("daemonstatus.json")
        except NodeDown as exc:
            self.warn(f"node {node.url} is down ({exc}); skipped")
            self.down.add(node.url)
            return False
        return True

    def _schedule(self, waiting: list[Site], live: list[Node], fleet_run: str, resume: bool,
                  active: dict[str, JobView]) -> list[Site]:  # fmt: skip
        free: dict[str, int] = {}
        for node in live:
            try:
                free[node.url] = node.free_slots()
            except NodeDown as exc:
                self._missed(node, exc)
        left = []
        for site in waiting:
            candidates = [n for n in live if free.get(n.url, 0) > 0 and n.url not in self.down]
            if not candidates:
                left.append(site)
                continue
            node = max(candidates, key=lambda n: free[n.url])  # the most free slots
            job_id = uuid.uuid4().hex
            # The row first: the job records its start and outcome in it.
            book.job_scheduled(self.engine, job_id, fleet_run, site.name, node.url)
            try:
                node.schedule(self.project, SPIDER, job_id, {"start_url": site.start_url},
                              self.job_settings(site, job_id, resume))  # fmt: skip
            except NodeDown as exc:
                book.job_lost(self.engine, job_id, f"could not schedule on node {node.url}: {exc}")
                self.warn(f"node {node.url} refused {site.name} ({exc}); skipped")
                self.down.add(node.url)
                left.append(site)
                continue
            free[node.url] -= 1
            active[site.name] = book.job_view(self.engine, job_id)
        return left

    def job_settings(self, site: Site, job_id: str, resume: bool) -> dict[str, str]:
        """The Scrapyd `setting` parameters: migrate's settings, as strings."""
        overrides = {"SITE_PROFILE": site.profile, **site.settings, "FLEET_JOB_ID": job_id}
        values = job_settings(
            Path(site.out), self.db_url, site.name, RESUME_AUTO if resume else False, overrides
        )
        return {name: setting_text(value) for name, value in values.items()}

    # -- follow ---------------------------------------------------------------------------

    def _follow(self, active: dict[str, JobView], done: dict[str, JobView | None]) -> None:
        """One look at every active job: its node's listing, then the state's row."""
        by_node: dict[str, list[str]] = {}
        for site, job in active.items():
            by_node.setdefault(job.node, []).append(site)
        for url, sites in by_node.items():
            node = self.node(url)
            try:
                listing = node.jobs(self.project)
            except NodeDown as exc:
                if self._missed(node, exc):
                    for site in sites:
                        book.job_lost(self.engine, active[site].id, f"node {url} is down")
                        done[site] = self._reread(active.pop(site))
                continue
            self.misses[url] = 0
            for site in sites:
                job = self._reread(active[site])
                if job.status in FINISHED:
                    active.pop(site)
                    done[site] = job
                    continue
                state = listing.get(job.id)
                if state in ("pending", "running"):
                    active[site] = job
                    continue
                # Over on the node, or unknown to it (restarted), without an outcome: the
                # job's process died. Read once more: it may have just written it.
                job = self._reread(job)
                if job.status not in FINISHED:
                    why = "ended without an outcome" if state else "is unknown to the node"
                    book.job_lost(self.engine, job.id, f"the job on node {url} {why}")
                    job = self._reread(job)
                done[site] = job
                active.pop(site)

    def _missed(self, node: Node, exc: Exception) -> bool:
        """Count a missed call; True once the node counts as down."""
        self.misses[node.url] = self.misses.get(node.url, 0) + 1
        if self.misses[node.url] >= self.lost_after and node.url not in self.down:
            self.warn(f"node {node.url} stopped answering ({exc})")
            self.down.add(node.url)
        return node.url in self.down

    def _reread(self, job: JobView) -> JobView:
        return book.job_view(self.engine, job.id)

    def node(self, url: str) -> Node:
        """The node of a URL as given on the command line (its credentials), else bare."""
        return next((n for n in self.nodes if n.url == url), None) or Node(url, 1)

    # -- status and cancel ----------------------------------------------------------------

    def status(self) -> dict[str, JobView | None]:
        """Each site's last job, after one look at those still active (a node that does not
        answer has them reported interrupted)."""
        self.lost_after = 1
        names = [s.name for s in self.sites]
        active = book.latest_jobs(self.engine, names, active_only=True)
        done: dict[str, JobView | None] = {}
        self._follow(active, done)
        latest = book.latest_jobs(self.engine, names)
        # A site's running job, else its newest (a refused second job is not the news).
        return {name: active.get(name) or done.get(name) or latest.get(name) for name in names}

    def cancel(self) -> dict[str, JobView | None]:
        """Stop each site's job under way (Scrapyd's cancel: the crawl shuts down and
        keeps its job folder, so `fleet --resume` continues it)."""
        names = [s.name for s in self.sites]
        cancelled = {}
        for name, job in book.latest_jobs(self.engine, names, active_only=True).items():
            try:
                self.node(job.node).cancel(self.project, job.id)
            except NodeDown as exc:
                self.warn(f"could not cancel {name} on {job.node}: {exc}")
            book.job_cancelled(self.engine, job.id)
            cancelled[name] = book.job_view(self.engine, job.id)
        latest = book.latest_jobs(self.engine, names)
        return {name: cancelled.get(name) or latest.get(name) for name in names}


def setting_text(value: Any) -> str:
    """A setting as `-s NAME=VALUE` spells it: Scrapy reads "True", numbers and JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value)


# -- output -------------------------------------------------------------------------------


def site_status(job: JobView | None) -> int:
    if job is None:
        return EXIT_UNREACHABLE
    if job.exit_status is not None:
        return job.exit_status
    return EXIT_OK if job.status not in FINISHED else EXIT_INTERRUPTED


def report_lines(results: dict[str, JobView | None], as_json: bool) -> list[str]:
    lines = []
    for site, job in results.items():
        row: dict[str, Any] = {"site": site, "node": None, "job": None, "status": "not scheduled",
                               "exit_status": site_status(job), "records": None, "pages": None,
                               "changes": {}, "seconds": None,
                               "message": "no node took it"}  # fmt: skip
        if job is not None:
            view = asdict(job)
            row.update(node=view["node"], job=view["id"], status=view["status"],
                       records=view["records"], pages=view["pages"], changes=view["changes"],
                       seconds=view["seconds"], message=view["message"])  # fmt: skip
        if as_json:
            lines.append(json.dumps(row, sort_keys=True))
            continue
        changes = sum(row["changes"].values())
        seconds = f"{row['seconds']:.1f} s" if row["seconds"] is not None else "-"
        text = (f"{site}  {row['node'] or '-'}  {row['job'] or '-'}  {row['status']}  "
                f"{row['records'] if row['records'] is not None else '-'} records  "
                f"{row['pages'] if row['pages'] is not None else '-'} pages  "
                f"{changes} changes  {seconds}")  # fmt: skip
        if row["status"] != "complete" and row["message"]:
            text += f"  ({row['message']})"
        lines.append(text)
    return lines


def exit_status(results: dict[str, JobView | None]) -> int:
    return worst([site_status(job) for job in results.values()])
