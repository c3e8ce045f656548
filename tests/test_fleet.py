"""`fleet` with real parts: two Scrapyd daemons on loopback running the egg scrapyd-deploy
builds, the real PostgreSQL as the one shared state, three fixture sites on three ports
(the fixture site, the holdout site: the same kind of site with other content, and the
sister WordPress site with its profile).

The scenario: each site is first migrated by a single-process `migrate` into the shared
state (`--site NAME`); a fleet run, the second over the unchanged sites, reports no
changes, except for the site whose node is killed mid-crawl: interrupted, naming the
node. `fleet --resume` (the killed node still down: skipped with a warning) continues it
on the other node from the responses kept beside `out`; every export equals the
single-process `migrate` of its site; a second fleet run of the resumed site reports no
changes. A second job of a site that runs ends `locked`, and `fleet cancel`
leaves the first resumable.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from belong_scraper.fixture_server import FixtureServer
from tests.conftest import FAST, ROOT, free_port, run_cli
from tests.conftest import pg_database as new_pg_database

pytestmark = pytest.mark.xdist_group("fleet")

VENV_BIN = Path(sys.executable).parent
FIXTURES = ROOT / "fixtures"
# (name, fixture folder, profile)
SITES = [
    ("belong", "site", "legacy"),
    ("holdout", "holdout-site", "legacy"),
    ("sister", "sister-site", "wordpress-sister"),
]
KILLED = "holdout"  # the site whose node is killed mid-run
# Files of an export that carry the run itself (ids, times, the job's WARC names and
# offsets, fetch attempts: the fixture site's fail-once pages fail only for the first
# crawl of a server), not what was migrated. The manifest is compared without them.
RUN_FACTS = {"manifest.json", "ledger.json", "report.html", "report.json", "changes.json",
             "provenance.json", "SHA256SUMS"}  # fmt: skip
MANIFEST_RUN_FACTS = {"run_id", "started_at", "finished_at", "state_db", "files", "archive",
                      "ledger", "pages_fetched", "changes"}  # fmt: skip


def call(url: str, data: bytes | None = None) -> dict:
    with urllib.request.urlopen(url, data=data, timeout=10) as response:
        return json.loads(response.read())


class Scrapyd:
    """A real Scrapyd daemon of the venv, its folders in a temp dir, on a loopback port."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True)
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\neggs_dir = {folder}/eggs\nlogs_dir = {folder}/logs\n"
            f"dbs_dir = {folder}/dbs\nitems_dir =\njobs_dir =\npoll_interval = 0.2\n"
            "max_proc = 2\n",
            encoding="utf-8",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(VENV_BIN / "scrapyd")], cwd=self.folder,
            stdout=(self.folder / "scrapyd.out").open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                call(f"{self.url}/daemonstatus.json")
                return
            except OSError:
                assert time.monotonic() < deadline, (self.folder / "scrapyd.out").read_text()
                time.sleep(0.1)

    def kill(self) -> None:
        """The node dies: its daemon and every job process it runs, at once."""
        running = call(f"{self.url}/listjobs.json?project=belong_scraper")["running"]
        for job in running:
            os.kill(job["pid"], signal.SIGKILL)
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Slowed:
    """A fixture server whose every answer waits `delay` seconds first, so a crawl is
    still running when its node is killed."""

    def __init__(self, server: FixtureServer):
        self.delay = 0.0
        reply = server.site.reply

        def slow_reply(*args, **kwargs):
            if self.delay:
                time.sleep(self.delay)
            return reply(*args, **kwargs)

        server.site.reply = slow_reply


@dataclass
class World:
    tmp: Path
    db: str
    nodes: list[Scrapyd]
    servers: dict[str, FixtureServer]
    slowed: Slowed
    references: dict[str, Path]
    reference_requests: dict[str, int]  # what each server saw of its site's migrate
    sites_file: Path

    def out(self, site: str) -> Path:
        return self.tmp / "exports" / site

    def one_site(self, site: str) -> Path:
        """A sites file of that site alone, as the shared one describes it."""
        blocks = self.sites_file.read_text(encoding="utf-8").split("\n\n")
        path = self.tmp / f"{site}.toml"
        path.write_text(next(b for b in blocks if f'name = "{site}"' in b) + "\n")
        return path

    def fleet(self, *args: str, nodes: list[Scrapyd] | None = None) -> subprocess.Popen:
        urls = [arg for node in (nodes or self.nodes) for arg in ("--scrapyd", node.url)]
        return subprocess.Popen(
            [sys.executable, "-m", "belong_scraper.cli", "fleet", *args, *urls, "--db",
             self.db, "--json", "--poll", "0.3"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip


def finished(process: subprocess.Popen, timeout: float = 180) -> tuple[int, dict, str]:
    stdout, stderr = process.communicate(timeout=timeout)
    lines = {row["site"]: row for row in map(json.loads, stdout.splitlines())}
    return process.returncode, lines, stderr


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A fresh database on the real PostgreSQL server, dropped afterwards."""
    with new_pg_database() as url:
        yield url


@pytest.fixture(scope="module")
def egg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's egg as `scrapyd-deploy --build-egg` makes it."""
    path = tmp_path_factory.mktemp("egg") / "belong_scraper.egg"
    subprocess.run([str(VENV_BIN / "scrapyd-deploy"), "--build-egg", str(path)], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pg_database: str, egg: Path) -> Iterator[World]:
    from belong_scraper.state import StateStore

    tmp = tmp_path_factory.mktemp("fleet")
    StateStore(pg_database).close()  # the schema, for this test to read the fleet's rows
    nodes = [Scrapyd(tmp / f"node{i}") for i in (1, 2)]
    servers = {name: FixtureServer(FIXTURES / folder) for name, folder, _ in SITES}
    slowed = Slowed(servers[KILLED])
    try:
        for server in servers.values():
            server.__enter__()
        # The single-process migrate of each site, on the server the fleet crawls (in
        # threads, while the nodes start): forks of the worker's zygote, all three at
        # once; each is compared with a Scrapyd job, a process of its own (another hash
        # seed), so none needs a fresh interpreter.
        references = {name: tmp / "reference" / name for name, _, _ in SITES}
        results = {}

        def reference(name: str, profile: str) -> None:
            results[name] = run_cli(
                "migrate", "--start-url", servers[name].origin + "/", "--profile", profile,
                "--out", str(references[name]), "--db", pg_database, "--site", name, *FAST,
            )  # fmt: skip

        threads = [threading.Thread(target=reference, args=(name, profile))
                   for name, _, profile in SITES]  # fmt: skip
        for thread in threads:
            thread.start()
        for node in nodes:
            node.start()
        # Deployed as a user deploys: scrapyd-deploy to every target of a scrapy.cfg.
        deploy = tmp / "deploy"
        deploy.mkdir()
        (deploy / "scrapy.cfg").write_text(
            "[settings]\ndefault = belong_scraper.settings\n"
            + "".join(
                f"[deploy:n{i}]\nurl = {n.url}/\nproject = belong_scraper\n"
                for i, n in enumerate(nodes, 1)
            ),
            encoding="utf-8",
        )
        subprocess.run([str(VENV_BIN / "scrapyd-deploy"), "-a", "--egg", str(egg)], cwd=deploy,
                       check=True, capture_output=True)  # fmt: skip
        for thread in threads:
            thread.join()
        for name, result in results.items():
            assert result.returncode == 0, (name, result.stderr)
        sites_file = tmp / "sites.toml"
        sites_file.write_text(
            "".join(
                f'[[site]]\nname = "{name}"\nstart_url = "{servers[name].origin}/"\n'
                f'profile = "{profile}"\nout = "{tmp / "exports" / name}"\n'
                "settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false }\n\n"
                for name, _, profile in SITES
            ),
            encoding="utf-8",
        )
        requests = {name: len(server.log) for name, server in servers.items()}
        yield World(tmp, pg_database, nodes, servers, slowed, references, requests, sites_file)
    finally:
        for node in nodes:
            node.stop()
        for server in servers.values():
            server.__exit__(None, None, None)


def assert_same_export(reference: Path, out: Path) -> None:
    """Every file of the export the same bytes as the single-process migrate's, the files
    that describe the run itself aside; the manifest the same apart from its run facts."""

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.parts[len(root.parts)] != "archive"}  # fmt: skip

    ours, theirs = files(out), files(reference)
    assert set(ours) == set(theirs)
    differing = [name for name in theirs if name not in RUN_FACTS and ours[name] != theirs[name]]
    assert differing == []

    def manifest(root: Path) -> dict:
        data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if k not in MANIFEST_RUN_FACTS}

    assert manifest(out) == manifest(reference)
    assert not (out.parent / (out.name + ".job")).exists()  # the job folder went at the end


def references_records(out: Path) -> int:
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    return sum(count for kind, count in counts.items() if kind != "assets")


def job_row(db: str, site: str) -> dict | None:
    from sqlalchemy import create_engine, text

    from belong_scraper.state.store import _normalise_url

    engine = create_engine(_normalise_url(db))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("select * from fleet_jobs where site = :s order by scheduled_at desc"),
                {"s": site},
            ).first()
        return dict(row._mapping) if row else None
    finally:
        engine.dispose()


def cached_responses(out: Path) -> int:
    cache = out.parent / (out.name + ".job") / "httpcache" / "site.sqlite"
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(cache, timeout=1) as db:
            return db.execute("select count(*) from responses").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_fleet_survives_a_dead_node_and_matches_single_process_migrates(world: World) -> None:
    # 1. A fleet run over the sites `migrate` ran; the node crawling the slowed site dies
    # after 15 responses.
    world.slowed.delay = 0.15
    process = world.fleet(str(world.sites_file))
    deadline = time.monotonic() + 90
    while True:
        row = job_row(world.db, KILLED)
        if row and row["status"] == "running" and cached_responses(world.out(KILLED)) >= 15:
            break
        assert time.monotonic() < deadline and process.poll() is None, process.stderr
        time.sleep(0.1)
    dead = next(node for node in world.nodes if node.url == row["node"])
    dead.kill()
    world.slowed.delay = 0.0
    status, lines, stderr = finished(process)
    assert status == 130, stderr  # the worst of the sites: interrupted
    assert lines[KILLED]["status"] == "interrupted"
    assert dead.url in lines[KILLED]["message"]  # the node is named
    assert not (world.out(KILLED) / "articles.json").exists()
    survivors = [name for name, _, _ in SITES if lines[name]["status"] == "complete"]
    assert all(lines[name]["node"] != dead.url for name in survivors)
    for name in survivors:  # the state is shared with migrate's runs: nothing changed
        assert lines[name]["changes"] == {} and lines[name]["records"] > 0, lines[name]

    # 2. --resume, the dead node still listed: skipped with a warning; the interrupted
    # sites continue on the other node from the kept responses.
    served = len(world.servers[KILLED].log)
    status, resumed, stderr = finished(world.fleet("--resume", str(world.sites_file)))
    assert status == 0, (stderr, resumed)
    assert f"node {dead.url} is down" in stderr and "skipped" in stderr
    live = next(node for node in world.nodes if node is not dead)
    assert resumed[KILLED]["status"] == "complete"
    assert resumed[KILLED]["node"] == live.url and resumed[KILLED]["job"] != lines[KILLED]["job"]
    # What the killed job fetched was replayed from its job folder, not fetched again.
    assert len(world.servers[KILLED].log) - served < world.reference_requests[KILLED]
    for name in survivors:  # finished sites are not run again
        assert resumed[name]["job"] == lines[name]["job"]
    for name, _, _ in SITES:
        assert resumed[name]["status"] == "complete" and resumed[name]["changes"] == {}
        assert_same_export(world.references[name], world.out(name))

    # 3. `fleet status` reads it all back from the state, from anywhere.
    status, report, _ = finished(world.fleet("status", str(world.sites_file), nodes=[live]))
    assert status == 0
    assert {name: row["job"] for name, row in report.items()} == {
        name: row["job"] for name, row in resumed.items()
    }
    records = {name: references_records(world.references[name]) for name, _, _ in SITES}
    assert {name: row["records"] for name, row in report.items()} == records

    # 4. A second fleet run of the resumed site, on the live node: migrated again, nothing
    # changed, so the resumed job left the state as an uninterrupted one would. (The sites
    # that finished in step 1 already showed a fleet run after an unchanged one reports no
    # changes; running them again here would show it twice.)
    status, again, stderr = finished(world.fleet(str(world.one_site(KILLED)), nodes=[live]))
    assert status == 0, (stderr, again)
    assert set(again) == {KILLED}
    assert again[KILLED]["status"] == "complete", again[KILLED]
    assert again[KILLED]["job"] != resumed[KILLED]["job"]  # a new job, not the old one read
    assert again[KILLED]["changes"] == {} and again[KILLED]["records"] == records[KILLED]


def test_the_migrations_run_from_the_zipped_egg(egg: Path, tmp_path: Path) -> None:
    """Scrapyd imports the project from the egg file: the state's schema is still made
    (Alembic gets the migrations copied out of the archive)."""
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import belong_scraper; "
        "from belong_scraper.state import StateStore; from sqlalchemy import inspect; "
        "store = StateStore(sys.argv[2]); print(belong_scraper.__file__); "
        "print(sorted(inspect(store.engine).get_table_names()))"
    )
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    result = subprocess.run([sys.executable, "-c", probe, str(egg), url], cwd=tmp_path,
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    origin, tables = result.stdout.splitlines()
    assert origin.startswith(str(egg))  # imported from inside the zip
    assert "fleet_jobs" in tables and "records" in tables


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("", "missing required key site"),
        ('[[site]]\nname = "a"\nstart_url = "ftp://x/"\nout = "/srv/a"\n',
         "site[0].start_url: must be an http(s) URL"),
        ('[[site]]\nname = "a"\nstart_url = "http://x/"\nout = "relative"\n',
         "site[0].out: must be an absolute path"),
        ('[[site]]\nname = "a"\nstart_url = "http://x/"\nout = "/srv/a"\nprofle = "legacy"\n',
         "unknown key site[0].profle (did you mean site[0].profile?)"),
        ('[[site]]\nname = "a"\nstart_url = "http://x/"\nout = "/srv/a"\n'
         '[[site]]\nname = "a"\nstart_url = "http://y/"\nout = "/srv/b"\n',
         "two sites have the name 'a'"),
        ('[[site]]\nname = "a"\nstart_url = "http://x/"\nout = "/srv/a"\nprofile = "nope"\n',
         "site[0].profile (a)"),
    ],
)  # fmt: skip
def test_a_wrong_sites_file_is_one_line_naming_the_key(
    tmp_path: Path, toml: str, message: str
) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(toml, encoding="utf-8")
    result = run_cli("fleet", str(sites), "--scrapyd", "http://127.0.0.1:1", "--db", "sqlite://")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_a_node_gives_its_slots_in_its_url() -> None:
    from belong_scraper.fleet.scrapyd import Node

    node = Node.parse("http://user:pw@node1:6800/#slots=4", default_slots=2)
    assert (node.url, node.slots) == ("http://node1:6800", 4)
    assert node.auth == "Basic dXNlcjpwdw=="
    assert Node.parse("http://node2:6800", default_slots=2).slots == 2
    with pytest.raises(ValueError, match="slots"):
        Node.parse("http://node1:6800/#slots=0", default_slots=2)


def test_a_second_job_of_a_running_site_is_refused_and_cancel_stops_the_first(
    world: World,
) -> None:
    """Two jobs of one site on one node at once: the second finds the site's lock taken
    by the first and ends `locked` without touching its job folder; `fleet cancel` then
    stops the first, which stays resumable."""
    from sqlalchemy import create_engine

    from belong_scraper.fleet import book
    from belong_scraper.fleet.run import Fleet
    from belong_scraper.fleet.scrapyd import Node
    from belong_scraper.fleet.sites import load_sites
    from belong_scraper.state.store import _normalise_url

    live = [node for node in world.nodes if node.process and node.process.poll() is None]
    one = world.one_site(KILLED)
    before = job_row(world.db, KILLED)
    # The first job still crawls when the second one has come and gone, on a loaded machine
    # too (at 0.5 s a page it once reached its export first: cancelled there, it kept no
    # job folder); cancelled mid-crawl, it waits for one page at most.
    world.slowed.delay = 2.0
    process = world.fleet(str(one), nodes=live)
    try:
        deadline = time.monotonic() + 60
        while True:
            row = job_row(world.db, KILLED)
            if row["id"] != before["id"] and row["status"] == "running":
                break
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.1)
        first = row["id"]
        # The second job, scheduled as fleet schedules one, on the same node.
        engine = create_engine(_normalise_url(world.db))
        try:
            fleet = Fleet(load_sites(one), [Node.parse(live[0].url, 2)], engine, world.db)
            site, second = fleet.sites[0], uuid.uuid4().hex
            book.job_scheduled(engine, second, "test", site.name, live[0].url)
            settings = fleet.job_settings(site, second, False)
            Node.parse(live[0].url, 2).schedule(
                "belong_scraper", "site", second, {"start_url": site.start_url}, settings
            )
            while book.job_view(engine, second).status not in book.FINISHED:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            refused = book.job_view(engine, second)
            assert refused.status == "locked" and refused.exit_status == 75, refused
            assert book.job_view(engine, first).status == "running"
        finally:
            engine.dispose()
        status, cancelled, stderr = finished(world.fleet("cancel", str(one), nodes=live))
        assert cancelled[KILLED]["job"] == first and cancelled[KILLED]["status"] == "interrupted"
        status, lines, stderr = finished(process)
        assert status == 130 and lines[KILLED]["job"] == first, stderr
        assert (world.out(KILLED).parent / f"{KILLED}.job" / "run.json").exists()
    finally:
        world.slowed.delay = 0.0
        if process.poll() is None:
            process.kill()
