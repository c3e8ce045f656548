"""The generated redirect rules, served by a real nginx and a real Apache on loopback,
answer every legacy URL.

nginx and Apache (Debian packages) are installed by .ci/run; each test starts the server
with the generated rules and requests every legacy URL of every record, every partner
country page, and spellings the crawl never saw (tracking parameters, session ids,
reordered and upper-cased parameters).
"""

from __future__ import annotations

import csv
import http.client
import json
import os
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
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"


NGINX_CONF = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    access_log off;
{temp}
    include {export}/redirects.nginx.conf;
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
"""

# Only what the generated rules need; no Debian apache2.conf, no site enabled.
APACHE_CONF = """
ServerRoot {prefix}
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {prefix}/apache.pid
DefaultRuntimeDir {prefix}
ErrorLog {prefix}/error.log
LogLevel warn
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
User nobody
Group nogroup
DocumentRoot {prefix}
Include {export}/redirects.apache.conf
# Whatever the rules leave is not found, as in the nginx server above.
RewriteRule ^ - [R=404]
"""


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace") if log.exists() else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"server did not listen on {port}")


def start_nginx(export: Path, prefix: Path, port: int) -> subprocess.Popen:
    temp = "\n".join(
        f"    {name}_temp_path {prefix}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, temp=temp, export=export, port=port))
    command = [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen(command)


def start_apache(export: Path, prefix: Path, port: int) -> subprocess.Popen:
    prefix.chmod(0o755)  # the worker (nobody) must reach the document root
    conf = prefix / "apache.conf"
    conf.write_text(APACHE_CONF.format(prefix=prefix, port=port, export=export, modules=MODULES))
    command = [APACHE, "-f", str(conf), "-DFOREGROUND"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen(command)


SERVERS = {"nginx": (NGINX, start_nginx), "apache": (APACHE, start_apache)}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, any_export: Path, tmp_path_factory):
    """nginx or Apache on loopback with the generated rules: its port."""
    binary, start = SERVERS[request.param]
    if not Path(binary).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is missing: .ci/run installs the Debian package")
        pytest.skip(f"{binary} is not installed (.ci/run installs the Debian package)")
    prefix = tmp_path_factory.mktemp(request.param)
    port = free_port()
    process = start(any_export, prefix, port)
    wait_for(port, process, prefix / "error.log")
    yield port
    process.terminate()
    process.wait(timeout=10)


def ask(port: int, target: str) -> tuple[int, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", target, headers={"Host": "eu-belong.aer.eu"})
    response = conn.getresponse()
    response.read()
    conn.close()
    location = response.getheader("Location")
    # Apache makes Location absolute on its own host; the path is what was mapped.
    return response.status, urlsplit(location).path if location else None


def rows(export: Path) -> list[dict[str, str]]:
    with (export / "redirects.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def records(export: Path) -> list[dict]:
    return [
        r
        for name in ("articles", "clusters", "pages")
        for r in json.loads((export / f"{name}.json").read_text(encoding="utf-8"))
    ]


def test_every_row_answers_as_mapped(server: int, any_export: Path) -> None:
    for row in rows(any_export):
        status, location = ask(server, row["legacy_path"])
        if row["status"] == "410":
            assert status == 410, row
        else:
            assert (status, location) == (301, row["target"]), row


def test_every_legacy_url_of_every_record_is_mapped(server: int, any_export: Path) -> None:
    mapped = {row["legacy_path"]: row for row in rows(any_export)}
    for record in records(any_export):
        for url in record["legacy_urls"]:
            key = legacy_path(url)
            if key == record["path"]:
                continue  # the legacy URL already is the new path (the home page "/")
            assert mapped[key]["target"] == record["path"], (record["id"], url)
            assert ask(server, key) == (301, record["path"])


def test_unseen_spellings_redirect_too(server: int, any_export: Path) -> None:
    for record in records(any_export):
        path, _, query = legacy_path(record["source_url"]).partition("?")
        if path == record["path"]:
            continue  # the home page stays where it is
        if query:
            spelling = f"{path}?utm_source=feed&{query.upper()}&PHPSESSID=deadbeef"
        else:
            spelling = f"{path}?utm_campaign=spring&fbclid=x1"
        assert ask(server, spelling) == (301, record["path"]), spelling


def test_partner_country_pages_go_to_the_country_listing(server: int, any_export: Path) -> None:
    """A country page lists several partners: it maps to /partners/<cc>/, in any spelling,
    and no partner record claims it."""
    partners = json.loads((any_export / "partners.json").read_text(encoding="utf-8"))
    assert partners
    mapped = {row["legacy_path"]: row for row in rows(any_export)}
    for partner in partners:
        country_path = partner["path"].rstrip("/").rsplit("/", 1)[0] + "/"
        assert country_path == f"/partners/{partner['country_code'].lower()}/"
        key = legacy_path(partner["source_url"])
        assert mapped[key]["target"] == country_path, partner["id"]
        assert mapped[key]["record_id"] == ""
        path, _, query = key.partition("?")
        for spelling in (key, f"{path}?{query.lower()}", f"{path}?utm_source=x&{query}"):
            assert ask(server, spelling) == (301, country_path), spelling


def test_removed_articles_are_gone(server: int, any_export: Path) -> None:
    manifest = json.loads((any_export / "manifest.json").read_text(encoding="utf-8"))
    removed = [b["url"] for b in manifest["broken_links"] if "news.php?id=" in b["url"]]
    assert removed
    for url in removed:
        assert ask(server, legacy_path(url))[0] == 410


def test_no_chains_and_no_loops(any_export: Path) -> None:
    table = rows(any_export)
    keys = {row["legacy_path"] for row in table}
    for row in table:
        assert row["target"] not in keys, row
        assert urlsplit(row["target"]).netloc == ""


def test_pages_that_never_existed_are_not_redirected(server: int, any_export: Path) -> None:
    """General rules match a page's own parameters only: an unknown id is not the listing."""
    for record in records(any_export):
        path, _, query = legacy_path(record["source_url"]).partition("?")
        if query:
            name = query.split("=", 1)[0]
            assert ask(server, f"{path}?{name}=987654")[0] == 404, (path, name)
            assert ask(server, f"{path}?{name}=987654&utm_source=x")[0] == 404
