"""Replay: pywb serves the WARCs and the CDXJ index of our WACZ, on loopback, and an
archived article comes back byte for byte (windows-1252 bytes, PHP warning and all),
from the first crawl's response and from the re-crawl's revisit record alike.

pywb cannot live in the project's environment: it pins brotlipy (whose ``brotli`` module
shadows the Brotli package Scrapy 2.19 decompresses with, and lacks the API Scrapy
calls), redis 2.10, werkzeug 3.1.7 and pyOpenSSL < 26.2. So this test builds a separate
virtual environment with ``pip install pywb==2.10.0`` (PyPI) once, in
``$BELONG_PYWB_VENV`` or ``~/.cache/belong_scraper/pywb-2.10.0``, and runs ``wayback``
from there on a free port for at most a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from belong_scraper.archive.index import read_index
from tests.conftest import free_port
from tests.test_archive import archive_cli, served

PYWB = "pywb==2.10.0"
STARTUP_SECONDS = 60


def pywb_venv() -> Path:
    """A virtual environment with pywb, built once (a marker file says it is complete)."""
    default = Path.home() / ".cache" / "belong_scraper" / "pywb-2.10.0"
    target = Path(os.environ.get("BELONG_PYWB_VENV") or default)
    marker = target / "belong-installed"
    if marker.exists() and (target / "bin" / "wayback").exists():
        return target
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    install = subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", PYWB],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if install.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        pytest.fail(f"could not install {PYWB} into {target}: {install.stderr[-2000:]}")
    marker.write_text(PYWB + "\n")
    return target


@pytest.fixture(scope="module")
def replay_folder(crawled_twice, tmp_path_factory) -> dict:
    """Two crawls into one folder (conftest, a copy of it), packaged; the WACZ unpacked as
    a pywb collection."""
    base = tmp_path_factory.mktemp("replay")
    out = base / "out"
    shutil.copytree(crawled_twice["out"], out, symlinks=True)
    result = archive_cli("package", str(out), "--name", "site")
    assert result.returncode == 0, result.stderr
    root = base / "pywb"
    collection = root / "collections" / "site"
    (collection / "archive").mkdir(parents=True)
    (collection / "indexes").mkdir()
    with zipfile.ZipFile(out / "archive" / "site.wacz") as wacz:
        for name in wacz.namelist():
            if name.startswith("archive/"):
                (collection / name).write_bytes(wacz.read(name))
        # Our index as pywb's collection index: replay goes through it, not a reindex.
        (collection / "indexes" / "index.cdxj").write_bytes(wacz.read("indexes/index.cdxj"))
    return {"out": out, "root": root, "index": collection / "indexes" / "index.cdxj"}


@pytest.fixture(scope="module")
def wayback(replay_folder) -> Iterator[str]:
    env_dir = pywb_venv()
    port = free_port()
    process = subprocess.Popen(
        [str(env_dir / "bin" / "wayback"), "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
        cwd=replay_folder["root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = (
                        process.stdout.read().decode(errors="replace") if process.stdout else ""
                    )
                    pytest.fail(f"wayback did not start: {output[-2000:]}")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_pywb_replays_an_archived_article_byte_for_byte(replay_folder, wayback) -> None:
    captures = [
        (ts, block)
        for _key, ts, block in read_index(replay_folder["index"])
        if block["url"].endswith("/news.php?id=11") and block["status"] == "200"
    ]
    response_ts = next(ts for ts, b in captures if b["mime"] != "warc/revisit")
    revisit_ts = next(ts for ts, b in captures if b["mime"] == "warc/revisit")
    assert response_ts != revisit_ts
    url = captures[0][1]["url"]
    original = served(url, 200)
    for ts in (response_ts, revisit_ts):
        status, headers, body = fetch(f"{wayback}/site/{ts}id_/{url}")
        assert status == 200, body[:500]
        assert body == original  # the payload as the server sent it
        assert b"<b>Warning</b>" in body and b"Undefined array key" in body
        assert "Europe\u2019s".encode("cp1252") in body  # the original title bytes
        memento = headers.get("Memento-Datetime", "")
        assert memento, headers
    # The rewritten (browsable) replay of the same capture works too.
    status, _headers, body = fetch(f"{wayback}/site/{response_ts}mp_/{url}")
    assert status == 200 and b"Undefined array key" in body


def test_pywb_replays_media_and_the_fail_once_page(replay_folder, wayback) -> None:
    entries = read_index(replay_folder["index"])
    asset = json.loads((replay_folder["out"] / "assets.json").read_text())[0]
    page = asset["url"].split("/uploads/")[0] + "/news.php?id=21"
    for url in (asset["url"], page):
        ts = next(
            ts
            for _key, ts, block in entries
            if block["url"] == url and block["status"] == "200" and block["mime"] != "warc/revisit"
        )
        status, _headers, body = fetch(f"{wayback}/site/{ts}id_/{url}")
        assert status == 200 and body == served(url, 200)
