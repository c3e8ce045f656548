"""Shared fixtures: the fixture sites served on loopback and a CLI runner."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from belong_scraper.archive.index import warc_files
from belong_scraper.fixture_server import FixtureServer, LoggedRequest
from belong_scraper.ledger import OUTCOMES
from belong_scraper.profile import SiteProfile, load_profile
from belong_scraper.urls import Origin, path_and_query
from tests.support import cli_zygote, xdist_groups

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SITE = FIXTURES / "site"
HOLDOUT = FIXTURES / "holdout-site"
# Loopback crawls: no politeness delay against our own server.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="session")
def profile() -> SiteProfile:
    return load_profile()


@pytest.fixture(scope="session")
def origin(profile: SiteProfile) -> Origin:
    return Origin.from_url("http://127.0.0.1:8000/", profile)


@pytest.fixture
def fixture_site() -> Iterator[FixtureServer]:
    """The bundled snapshot on a free loopback port (fresh: fail-once pages fail again)."""
    with FixtureServer(SITE) as server:
        yield server


@pytest.fixture
def fixture_site_with() -> Iterator[Callable[..., FixtureServer]]:
    """The bundled snapshot with faults switched on: ``fixture_site_with(["hang"])``."""
    servers: list[FixtureServer] = []

    def start(faults: list[str], site: Path = SITE, variant: int = 0) -> FixtureServer:
        server = FixtureServer(site, faults=faults, variant=variant).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def holdout_site() -> Iterator[FixtureServer]:
    with FixtureServer(HOLDOUT) as server:
        yield server


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CliResult:
    """A finished belong-scraper process: what it printed, its exit status, and what it
    cost (wall time, peak resident memory of that process alone, from wait4)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


# One per test worker (tests/support/cli_zygote.py); BELONG_TEST_FRESH_CLI=1 starts every
# run as a fresh process instead.
ZYGOTE = cli_zygote.for_root(ROOT)
FRESH_ONLY = os.environ.get("BELONG_TEST_FRESH_CLI") == "1"


def run_cli(*args: str, timeout: float = 600, fresh: bool = False) -> CliResult:
    """Run the belong-scraper command for real, in its own process (Twisted's reactor
    cannot be restarted within one process): a fork of a process that imported it once
    (cli_zygote), or with ``fresh`` a new interpreter, for the second of two runs whose
    outputs a test compares (a fork shares the string hash seed of its parent)."""
    return start_cli(*args, fresh=fresh).wait(timeout)


class StartedCli:
    """A belong-scraper process started by `start_cli`, still running: a test may signal
    it (``pid``) before it waits for its end."""

    def __init__(self, args: tuple[str, ...], fresh: bool) -> None:
        peak = tempfile.NamedTemporaryFile(prefix="belong-peak-", delete=False)
        peak.close()
        self.peak_file = peak.name
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "BELONG_PEAK_RSS_FILE": peak.name}
        self.command = [sys.executable, "-c", MEASURED_CLI, *args]
        self.streams = tempfile.TemporaryDirectory(prefix="belong-cli-")
        self.out = Path(self.streams.name) / "stdout"
        self.err = Path(self.streams.name) / "stderr"
        self.started = time.monotonic()
        if not (fresh or FRESH_ONLY) and ZYGOTE.available():
            request = {"args": list(args), "env": env, "cwd": str(ROOT),
                       "stdout": str(self.out), "stderr": str(self.err),
                       "code": MEASURED_CLI}  # fmt: skip
            self.pid, self._finish = ZYGOTE.start(request)
        else:
            with self.out.open("wb") as out_file, self.err.open("wb") as err_file:
                proc = subprocess.Popen(self.command, stdout=out_file, stderr=err_file,
                                        stdin=subprocess.DEVNULL, env=env, cwd=ROOT)  # fmt: skip
            self.pid = proc.pid

            def finish(pid: int = proc.pid) -> tuple[int, os.struct_rusage]:
                _, status, usage = os.wait4(pid, 0)
                return status, usage

            self._finish = finish

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def wait(self, timeout: float = 600) -> CliResult:
        """Its end (killed after ``timeout`` seconds from its start: TimeoutExpired)."""
        left = max(0.0, timeout - (time.monotonic() - self.started))
        timer = threading.Timer(left, self.send_signal, (signal.SIGKILL,))
        timer.start()
        try:
            status, usage = self._finish()
        finally:
            timer.cancel()
        try:
            returncode = os.waitstatus_to_exitcode(status)
            seconds = time.monotonic() - self.started
            if seconds >= timeout:
                raise subprocess.TimeoutExpired(self.command, timeout)
            _log_cli(self.command, seconds, usage)
            return CliResult(self.command, returncode,
                             self.out.read_bytes().decode("utf-8", "replace"),
                             self.err.read_bytes().decode("utf-8", "replace"), seconds,
                             _peak_rss_mb(self.peak_file, usage.ru_maxrss))  # fmt: skip
        finally:
            self.streams.cleanup()


def start_cli(*args: str, fresh: bool = False) -> StartedCli:
    """Start the belong-scraper command as `run_cli` runs it, without waiting for it."""
    return StartedCli(args, fresh)


# BELONG_TEST_CLI_LOG=FILE appends one JSON line per CLI process (the test, its command,
# wall and CPU seconds): where the suite's time goes, since most of it is these processes.
CLI_LOG = os.environ.get("BELONG_TEST_CLI_LOG")


def _log_cli(command: list[str], seconds: float, usage: Any) -> None:
    if not CLI_LOG:
        return
    line = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", ""),
        "args": command[3:],
        "seconds": round(seconds, 2),
        "cpu": round(usage.ru_utime + usage.ru_stime, 2),
    }
    with open(CLI_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")


# The command as `python -m belong_scraper.cli`, reporting its own peak RSS at exit. The
# kernel's ru_maxrss of a child also counts the forking process (pytest, hundreds of MB
# late in a suite) as it was before exec; VmHWM is the peak of the child's own memory.
MEASURED_CLI = """
import atexit, os, runpy, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(os.environ["BELONG_PEAK_RSS_FILE"], "w") as out:
        out.write(peak)
atexit.register(report)
sys.argv = ["belong-scraper", *sys.argv[1:]]
runpy.run_module("belong_scraper.cli", run_name="__main__", alter_sys=True)
"""


def _peak_rss_mb(path: str, fallback_kb: int) -> float:
    try:
        kilobytes = int(Path(path).read_text() or fallback_kb)
    except (OSError, ValueError):
        kilobytes = fallback_kb  # killed before it could say: the kernel's figure
    finally:
        Path(path).unlink(missing_ok=True)
    return kilobytes / 1024


def migrate(
    server: FixtureServer,
    out: Path,
    *extra: str,
    check_ledger: bool = True,
    timeout: float = 600,
    fresh: bool = False,
) -> CliResult:
    """Migrate the served site; whenever the run wrote an export, its ledger must account
    for exactly what the server saw: every request it logged, as many times, once each."""
    return start_migrate(server, out, *extra, check_ledger=check_ledger, fresh=fresh).wait(timeout)


class StartedMigrate:
    """A `migrate` of a served site started by `start_migrate`, still running."""

    def __init__(
        self, server: FixtureServer, out: Path, extra: tuple[str, ...], check_ledger: bool,
        fresh: bool,
    ) -> None:  # fmt: skip
        self.server, self.out, self.check_ledger = server, out, check_ledger
        self.before = len(server.log)
        self.cli = start_cli("migrate", "--start-url", server.origin + "/", "--out", str(out),
                             *FAST, *extra, fresh=fresh)  # fmt: skip

    def wait(self, timeout: float = 600) -> CliResult:
        """Its end, with `migrate`'s check of the ledger against what the server saw
        during the run (the server's log from the run's start on: a test that runs
        several at once gives each its own server)."""
        result = self.cli.wait(timeout)
        out = self.out
        if self.check_ledger and result.returncode in (0, 1) and (out / "ledger.json").exists():
            assert_ledger_matches(out, self.server.log[self.before :])
        return result


def start_migrate(
    server: FixtureServer, out: Path, *extra: str, check_ledger: bool = True, fresh: bool = False
) -> StartedMigrate:
    """Start `migrate` as `migrate` runs it, without waiting for it: runs that mostly wait
    (on hangs, drips, timeouts) then wait at the same time."""
    return StartedMigrate(server, out, extra, check_ledger, fresh)


def assert_ledger_matches(out: Path, requests: list) -> None:
    ledger = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    urls = [entry["url"] for entry in ledger["entries"]]
    assert len(urls) == len(set(urls)), "a URL has more than one outcome"
    served = Counter(r.target for r in requests)
    recorded = Counter(
        {path_and_query(e["url"]): e["attempts"] for e in ledger["entries"] if e.get("attempts")}
    )
    # Each request the server saw is counted. The tool may count one more attempt than
    # the server saw only where a retry explains it: an attempt that timed out under load
    # before the server read it.
    outcome = {path_and_query(e["url"]): e["outcome"] for e in ledger["entries"]}
    missing = {t: n for t, n in served.items() if recorded.get(t, 0) < n}
    extra = {
        t: n
        for t, n in recorded.items()
        if n > served.get(t, 0) and n == 1 and outcome.get(t) != "failed"
    }
    assert not missing and not extra, f"server saw {missing}, ledger says {extra}"
    assert all(entry["outcome"] in OUTCOMES for entry in ledger["entries"])


def load_export(out: Path) -> dict[str, list[dict]]:
    return {
        name: json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("articles", "partners", "clusters", "pages")
    }


@dataclass
class SiteRun:
    """One finished `migrate` of a served site, shared by the tests of that scenario.

    ``log`` is what the server saw during that run alone. ``server`` keeps serving for the
    session in the state the run left it in (its fail-once pages already failed once), so
    a test can run again "on the same server" without migrating first.
    """

    out: Path
    result: CliResult
    log: list[LoggedRequest]
    origin: str
    server: FixtureServer


@pytest.fixture(scope="session")
def migrated_run(tmp_path_factory) -> Iterator[SiteRun]:
    """The plain `migrate` of the fixture site on a fresh server, once per session. In a
    fresh process: tests compare later runs with this one (run_cli's ``fresh``)."""
    out = tmp_path_factory.mktemp("migrated") / "out"
    with FixtureServer(SITE) as server:
        result = migrate(server, out, fresh=True)
        assert result.returncode == 0, result.stderr
        yield SiteRun(out, result, list(server.log), server.origin, server)


@pytest.fixture(scope="session")
def migrated_export(migrated_run: SiteRun) -> Path:
    """One full migration of the fixture site, shared by tests that read its outputs
    (read only: a test that changes it works on `copy_export(migrated_export, tmp_path)`)."""
    return migrated_run.out


def copy_export(out: Path, into: Path) -> Path:
    """A private copy of an export folder as ``into/<name>``, with what sits beside it
    and belongs to it: the default state database ``<out>.state.sqlite`` (and its WAL
    files) and the resume job ``<out>.job``. A run over the copy then finds the previous
    run's state exactly as a second run over the original would."""
    copy = into / out.name
    shutil.copytree(out, copy, symlinks=True)
    for sibling in out.parent.iterdir():
        if sibling.name.startswith((f"{out.name}.state.sqlite", f"{out.name}.job")):
            target = into / sibling.name
            if sibling.is_dir():
                shutil.copytree(sibling, target, symlinks=True)
            else:
                shutil.copy2(sibling, target)
    return copy


def copy_sqlite(db_file: Path, to: Path) -> Path:
    """A copy of a closed SQLite database, with its write-ahead log if one is left."""
    shutil.copy2(db_file, to)
    for suffix in ("-wal", "-shm"):
        journal = db_file.with_name(db_file.name + suffix)
        if journal.exists():
            shutil.copy2(journal, to.with_name(to.name + suffix))
    return to


@pytest.fixture(scope="session")
def migrated_no_warc(tmp_path_factory) -> Path:
    """`migrate --no-warc` of the fixture site on a fresh server, once per test run
    (read only)."""

    def build(out: Path) -> None:
        with FixtureServer(SITE) as server:
            result = migrate(server, out, "--no-warc")
        assert result.returncode == 0, result.stderr

    return built_once(tmp_path_factory, "no-warc", build)


def run_folder(tmp_path_factory) -> Path:
    """The test run's temporary folder: above each worker's own under xdist."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    return root


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """``<name>/out`` built by whichever test worker asks first, the others waiting for it
    and reading it: for a crawl the tests only read, whose outputs nothing ties to one
    worker (a session fixture of its own would crawl once per worker). A build that
    failed is tried again by the next worker that asks, and fails its tests the same."""
    root = run_folder(tmp_path_factory)
    folder, done = root / f"once-{name}", root / f"once-{name}.built"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder / "out")
            done.touch()
    return folder / "out"


def run_and_finish(server: FixtureServer, out: Path, *extra: str) -> dict:
    """One `migrate`: it archives, indexes, writes provenance and SHA256SUMS itself, and
    reports the archive in its manifest (the archive facts it returns)."""
    result = migrate(server, out, *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    facts = manifest["archive"]
    assert facts["enabled"] is True
    for name in ("provenance.json", "archive/index.cdxj"):
        assert (out / name).is_file(), name
        digest = hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert manifest["files"][name]["sha256"] == digest
    assert (out / "SHA256SUMS").is_file()
    return facts


@pytest.fixture(scope="session")
def crawled_twice(tmp_path_factory) -> dict[str, Any]:
    """Two crawls of the fixture site into one folder, once per test run (read only): the
    first (small WARC_MAX_SIZE: several WARCs), frozen as ``first`` (``first/out``), then a
    second of the unchanged site on the same origin served afresh (its fail-once pages
    fail again; it writes revisits) more than a second later, so each capture's 14-digit
    timestamp is its own. ``facts.json`` holds each run's archive facts and
    ``first-files.json`` the first run's WARC names; the server is gone when it returns.
    The archive, replay and --from-warc tests all read this one scenario."""

    def build(out: Path) -> None:
        base = out.parent
        with FixtureServer(SITE) as server:
            first = run_and_finish(server, out, "-s", "WARC_MAX_SIZE=200000")
            port = server.httpd.server_address[1]
        shutil.copytree(out, base / "first" / "out", symlinks=True)
        first_files = sorted(p.name for p in warc_files(out / "archive"))
        time.sleep(1.1)
        with FixtureServer(SITE, port=port) as server:
            second = run_and_finish(server, out, "-s", "WARC_MAX_SIZE=200000")
        (base / "facts.json").write_text(json.dumps({"first": first, "second": second}))
        (base / "first-files.json").write_text(json.dumps(first_files))
        (base / "port").write_text(str(port))

    out = built_once(tmp_path_factory, "crawled-twice", build)
    base = out.parent
    port = int((base / "port").read_text())
    return {"base": base, "out": out, "first": base / "first" / "out", "port": port,
            "origin": f"http://127.0.0.1:{port}"}  # fmt: skip


PG_URL = os.environ.get("BELONG_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty state database on each back end: a SQLite file, or a new database
    on the real PostgreSQL server that .ci/run starts (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/state.sqlite"
        return
    with pg_database() as url:
        yield url


def _pg_admin():
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("BELONG_TEST_PG_URL is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip("no PostgreSQL here: set BELONG_TEST_PG_URL (.ci/postgres.sh prints one)")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from belong_scraper.state.store import _normalise_url

    admin_url = make_url(_normalise_url(PG_URL))
    return admin_url, create_engine(admin_url, isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def pg_database(template: str | None = None) -> Iterator[str]:
    """A new database on the real PostgreSQL server (a copy of ``template``'s, a database
    URL, when given: CREATE DATABASE ... TEMPLATE), dropped afterwards; its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin_url, admin = _pg_admin()
    name = f"belong_t_{uuid.uuid4().hex[:12]}"
    source = f' TEMPLATE "{make_url(template).database}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{source}'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def replace_pg_database(url: str, template: str) -> None:
    """The database of ``url`` replaced by a copy of ``template``'s (a test's own state,
    made from a session's run instead of running it again)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    _, admin = _pg_admin()
    name, source = make_url(url).database, make_url(template).database
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    admin.dispose()


# The PostgreSQL databases made once per test run (version_a), one name a line: the
# controller drops them when every worker has finished (pytest_sessionfinish).
ONCE_PG_DATABASES = "once-pg-databases"


def once_pg_database(tmp_path_factory, template: str | None = None) -> str:
    """A new database on the real PostgreSQL server for the whole test run, every worker's
    (a copy of ``template``'s when given): its URL. Dropped at the end of the run."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin_url, admin = _pg_admin()
    name = f"belong_t_{uuid.uuid4().hex[:12]}"
    with open(run_folder(tmp_path_factory) / ONCE_PG_DATABASES, "a") as names:
        names.write(name + "\n")
    source = f' TEMPLATE "{make_url(template).database}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{source}'))
    admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def drop_once_pg_databases(root: Path) -> None:
    listed = root / ONCE_PG_DATABASES
    if not listed.exists() or not PG_URL:
        return
    from sqlalchemy import text

    _, admin = _pg_admin()
    with admin.connect() as connection:
        for name in listed.read_text().split():
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    listed.unlink()


@dataclass
class VersionA:
    """Version A of the fixture site (fixtures/site) migrated into a state, then one
    `watch` right after on the same server (nothing is new: it is quiet)."""

    port: int  # it was served on: the state knows the site by its origin
    out: Path  # the export
    migrated: str  # the state (a database URL) as the migrate left it
    changes: dict  # the migrate's changes.json
    watched: str  # the state as the watch after it left it
    quiet: CliResult  # that watch


# The tests that serve a site on version A's port (the state knows the site by its
# origin), watch's and the incremental ones: one worker, one after another, or two would
# serve on one port at once.
ON_VERSION_A = pytest.mark.xdist_group("version-a")


def version_a_copy(
    request: pytest.FixtureRequest, db_url: str, fixture: str, state: str
) -> VersionA:
    """The run's version A from the session fixture ``{fixture}_sqlite`` or
    ``{fixture}_postgresql`` (the back end of ``db_url``), its ``state`` database
    ("migrated" or "watched") copied into ``db_url`` for one test."""
    backend = "sqlite" if db_url.startswith("sqlite:///") else "postgresql"
    shared = request.getfixturevalue(f"{fixture}_{backend}")
    source = getattr(shared, state)
    if backend == "sqlite":
        copy_sqlite(
            Path(source.removeprefix("sqlite:///")), Path(db_url.removeprefix("sqlite:///"))
        )
    else:
        replace_pg_database(db_url, source)
    return shared


def version_a(tmp_path_factory, backend: str) -> VersionA:
    """`VersionA` on a SQLite or a PostgreSQL state, once per test run, for the
    incremental and the watch tests (read only: a test works on a copy of a state,
    `copy_sqlite` or `replace_pg_database`, and of the export, `copy_export`)."""

    def build(out: Path) -> None:
        base, port = out.parent, free_port()
        if backend == "sqlite":
            migrated, watched = (f"sqlite:///{base / name}" for name in ("a.sqlite", "w.sqlite"))
        else:
            migrated = once_pg_database(tmp_path_factory)
        with FixtureServer(SITE, port=port) as server:
            # A fresh process: the tests compare later runs with this one (run_cli's fresh).
            result = migrate(server, out, "--db", migrated, fresh=True)
            assert result.returncode == 0, result.stderr
            if backend == "sqlite":
                copy_sqlite(Path(migrated.removeprefix("sqlite:///")),
                            Path(watched.removeprefix("sqlite:///")))  # fmt: skip
            else:
                watched = once_pg_database(tmp_path_factory, template=migrated)
            quiet = run_cli("watch", "--start-url", server.origin + "/", "--db", watched, *FAST)
        facts = {"port": port, "migrated": migrated, "watched": watched, "quiet": asdict(quiet)}
        (base / "version-a.json").write_text(json.dumps(facts), encoding="utf-8")

    out = built_once(tmp_path_factory, f"version-a-{backend}", build)
    facts = json.loads((out.parent / "version-a.json").read_text(encoding="utf-8"))
    changes = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    return VersionA(facts["port"], out, facts["migrated"], changes, facts["watched"],
                    CliResult(**facts["quiet"]))  # fmt: skip


@pytest.fixture(scope="session")
def holdout_export(tmp_path_factory) -> Path:
    """One full migration of the holdout site (never used to tune the extractors), once
    per test run (read only)."""

    def build(out: Path) -> None:
        with FixtureServer(HOLDOUT) as server:
            result = migrate(server, out)
        assert result.returncode == 0, result.stderr

    return built_once(tmp_path_factory, "holdout", build)


def sister_run(tmp_path_factory, name: str) -> dict[str, Any]:
    """One `migrate --profile wordpress-sister` of a sister snapshot per test run, with
    what the tests of it read: the server's log, a `watch` right after, and `migrate
    --from-warc` of its archive once the server is gone (``replayed/`` beside ``out/``)."""
    site = FIXTURES / name

    def build(out: Path) -> None:
        with FixtureServer(site) as server:
            result = migrate(server, out, "--profile", "wordpress-sister")
            requests = [r.target for r in server.log]
            # The scheduled job right after: nothing is new, so it says nothing.
            watch = run_cli("watch", "--start-url", server.origin + "/", "--profile",
                            "wordpress-sister", "--db", f"sqlite:///{out}.state.sqlite",
                            *FAST)  # fmt: skip
        assert result.returncode == 0, result.stderr
        # The server is gone: the archive alone rebuilds the export (an archivist's rerun).
        replayed = run_cli("migrate", "--from-warc", str(out / "archive"), "--profile",
                           "wordpress-sister", "--out", str(out.parent / "replayed"))  # fmt: skip
        assert replayed.returncode == 0, replayed.stderr
        facts = {"requests": requests, "origin": server.origin,
                 "watch": {"status": watch.returncode, "stdout": watch.stdout}}  # fmt: skip
        (out.parent / "run.json").write_text(json.dumps(facts), encoding="utf-8")

    out = built_once(tmp_path_factory, name, build)
    return {"out": out, **json.loads((out.parent / "run.json").read_text(encoding="utf-8"))}


@pytest.fixture(scope="session")
def sister_export_run(tmp_path_factory) -> dict[str, Any]:
    return sister_run(tmp_path_factory, "sister-site")


@pytest.fixture(scope="session")
def sister_holdout_run(tmp_path_factory) -> dict[str, Any]:
    return sister_run(tmp_path_factory, "sister-holdout")


@pytest.fixture(scope="session", params=["fixture-site", "holdout-site"])
def any_export(request) -> Path:
    """Each migrated site in turn: checks that must hold on a site never seen too."""
    name = "migrated_export" if request.param == "fixture-site" else "holdout_export"
    return request.getfixturevalue(name)


def unlink_article(site: Path, article_id: int) -> None:
    """Leave the article's page served (200) but take every link to it off the site."""
    link = re.compile(
        rf'<a\b[^>]*href="[^"]*(?:id={article_id}|news/{article_id})(?:[&#][^"]*)?"[^>]*>'
        r"(.*?)</a>",
        re.DOTALL,
    )
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            path.write_text(link.sub(r"\1", text), encoding="utf-8", errors="surrogateescape")


# Units of work that take longest, handed out first so that neither worker is left with a
# long one at the end: a module that shares a crawl runs as one unit (below), and its
# tests, one after the other, are the suite's longest chains. Measured (the sum of its
# tests' wall time on a busy 2-core machine, main at b25bd0a): test_watch.py's version-A
# group 75 s, test_incremental.py 51 s (since one group, ON_VERSION_A: 65 s on an idler
# machine at h-suite), the sister end-to-end 39 s, --from-warc 56 s, the survey 31 s,
# WordPress 59 s, then units of 10-30 s. A unit that reads a crawl another
# builds once for the run (built_once) comes after the one that builds it, so the other
# worker does not wait for it: the sister runs before WordPress, which reads them and
# holdout_export; --from-warc builds crawled_twice for the archive and replay tests.
# Order only, never what runs.
LONG_FIRST = (
    "tests/test_watch.py",
    "tests/test_incremental.py",
    "tests/test_fleet.py",
    "tests/test_sister_e2e.py",
    "tests/test_from_warc.py",
    "tests/test_survey.py",
    "tests/test_hostile_site.py",
    "tests/test_wordpress_import.py",
    "tests/test_archive.py",
    "tests/test_faults_transport.py",
    "tests/test_media_names.py",
    "tests/test_resume.py",
    "tests/test_trap_guard.py",
    "tests/test_ledger.py",
    "tests/test_archive_replay.py",
    "tests/test_svg.py",
    "tests/test_sister_members.py",
    "tests/test_cli.py",
    "tests/test_e2e.py",
    "tests/test_safe_outputs.py",
    "tests/test_synthetic_site.py",
    "tests/test_secrets.py",
)


def pytest_configure(config: pytest.Config) -> None:
    # The controller names the run, so that workers and its scheduler find the same
    # group files (tests/support/xdist_groups.py).
    if hasattr(config.option, "testrunuid") and not hasattr(config, "workerinput"):
        config.option.testrunuid = config.option.testrunuid or uuid.uuid4().hex


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    return xdist_groups.make_scheduler(config, log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return
    run_id = getattr(session.config.option, "testrunuid", None)
    if run_id:
        xdist_groups.remove_groups(run_id)
    # Every worker has finished: the databases made once for the run can go.
    drop_once_pg_databases(session.config._tmp_path_factory.getbasetemp())


# tryfirst: the markers must be there before any other plugin's collection hook reads them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`), keep the tests that use a shared fixture
    their module defines (module or session scope: a crawl, a server) on one worker, so
    the crawl runs once, not once per worker; every other test goes wherever a worker is
    free.
    A test that names its own group (a module whose shared crawls are one per group) keeps
    it. On a worker, the longest units go first (LONG_FIRST)."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        module = item.getparent(pytest.Module)
        uses = set(getattr(item, "fixturenames", ()))
        if module is not None and uses & _shared_fixtures(module):
            item.add_marker(pytest.mark.xdist_group(module.nodeid))
    if hasattr(config, "workerinput"):
        items.sort(key=_long_first)
        xdist_groups.write_worker_groups(items)


def _long_first(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)


def _shared_fixtures(module: pytest.Module) -> frozenset[str]:
    """The module- or session-scoped fixtures the module defines itself."""
    if not hasattr(module, "_belong_shared"):
        shared = set()
        for key, value in vars(module.obj).items():
            # pytest ≥ 8.4 keeps a fixture's marker on its definition object, older 8.x on
            # the decorated function under another name.
            marker = getattr(value, "_fixture_function_marker", None) or getattr(
                value, "_pytestfixturefunction", None
            )
            if getattr(marker, "scope", "function") in ("module", "session"):
                shared.add(getattr(marker, "name", None) or key)
        module._belong_shared = frozenset(shared)  # type: ignore[attr-defined]
    return module._belong_shared  # type: ignore[attr-defined]
