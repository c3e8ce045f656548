"""The generated redirect map, served by a real nginx on loopback, answers every legacy URL.

nginx (Debian package) is installed by .ci/run; the test starts it with the generated
map, requests every legacy URL of every record, and unseen spellings too.
"""

from __future__ import annotations

import csv
import http.client
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from belong_scraper.handoff import legacy_path
from tests.conftest import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def nginx(any_export: Path, tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (.ci/run installs the Debian package)")
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    temp = "\n".join(
        f"    {name}_temp_path {prefix}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    access_log off;
{temp}
    include {any_export / "redirects.nginx.conf"};
    server {{
        listen 127.0.0.1:{port};
        absolute_redirect off;
        location / {{
            if ($belong_redirect = 410) {{ return 410; }}
            if ($belong_redirect) {{ return 301 $belong_redirect; }}
            return 404;
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log")]
    command += ["-c", str(prefix / "nginx.conf")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def ask(port: int, target: str) -> tuple[int, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", target, headers={"Host": "eu-belong.aer.eu"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.getheader("Location")


def rows(export: Path) -> list[dict[str, str]]:
    with (export / "redirects.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def records(export: Path) -> list[dict]:
    return [
        r
        for name in ("articles", "clusters", "pages")
        for r in json.loads((export / f"{name}.json").read_text(encoding="utf-8"))
    ]


def test_every_row_answers_as_mapped(nginx: int, any_export: Path) -> None:
    for row in rows(any_export):
        status, location = ask(nginx, row["legacy_path"])
        if row["status"] == "410":
            assert status == 410, row
        else:
            assert (status, location) == (301, row["target"]), row


def test_every_legacy_url_of_every_record_is_mapped(nginx: int, any_export: Path) -> None:
    mapped = {row["legacy_path"]: row for row in rows(any_export)}
    for record in records(any_export):
        for url in record["legacy_urls"]:
            key = legacy_path(url)
            if key == record["path"]:
                continue  # the legacy URL already is the new path (the home page "/")
            assert mapped[key]["target"] == record["path"], (record["id"], url)
            assert ask(nginx, key) == (301, record["path"])


def test_unseen_spellings_redirect_too(nginx: int, any_export: Path) -> None:
    for record in records(any_export):
        path, _, query = legacy_path(record["source_url"]).partition("?")
        if not query:
            continue
        shuffled = f"{path}?utm_source=feed&{query.upper()}&PHPSESSID=deadbeef"
        assert ask(nginx, shuffled) == (301, record["path"]), shuffled


def test_removed_articles_are_gone(nginx: int, any_export: Path) -> None:
    manifest = json.loads((any_export / "manifest.json").read_text(encoding="utf-8"))
    removed = [b["url"] for b in manifest["broken_links"] if "news.php?id=" in b["url"]]
    assert removed
    for url in removed:
        assert ask(nginx, legacy_path(url))[0] == 410


def test_no_chains_and_no_loops(any_export: Path) -> None:
    table = rows(any_export)
    keys = {row["legacy_path"] for row in table}
    for row in table:
        assert row["target"] not in keys, row
        assert urlsplit(row["target"]).netloc == ""
