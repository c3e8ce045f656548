"""Serve a fixture site folder (see fixtures/README.md) on loopback, like the legacy PHP site.

Real status codes, headers, redirects, a 500-once page and the endless calendar; every
request is logged so tests can assert what the crawler asked for.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from belong_scraper.faults import build_faults
from belong_scraper.synthetic import SyntheticSite

# A fixed Last-Modified for static files: the snapshot does not change between runs.
STATIC_LAST_MODIFIED = formatdate(1700000000, usegmt=True)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".css": "text/css",
    ".js": "application/javascript",
    ".ics": "text/calendar; charset=utf-8",
    ".xsl": "text/xsl",
}
# Paths whose files get an ETag and Last-Modified unless routes.json names its own.
STATIC_PREFIXES = ("/uploads/", "/img/")


@dataclass
class Route:
    path: str
    query: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    status: int = 200
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0
    fail_status: int = 500
    fail_file: str | None = None  # body of the failing answers (a CMS's own error page)
    delay: float = 0.0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    behaviour: str | None = None  # a fault's hang, reset or drip (belong_scraper.faults)
    behaviour_args: dict[str, Any] = field(default_factory=dict)
    no_length: bool = False


class FixtureSite:
    """The routing logic, independent of the HTTP server so it can be tested directly."""

    def __init__(self, root: Path, faults: Sequence[str] = (), variant: int = 0, articles: int = 0):
        self.root = Path(root)
        self.faults = build_faults(self.root, list(faults), variant) if faults else []
        # A synthetic news side of `articles` articles over the snapshot (synthetic.py).
        self.synthetic = SyntheticSite(articles, self.root) if articles else None
        spec = json.loads((self.root / "routes.json").read_text(encoding="utf-8"))
        self.routes = [Route(**r) for r in spec["routes"]]
        self.calendar = spec.get("calendar")
        # A calendar whose month is a path segment: "path" holds "{month}" (no "param").
        self._calendar_path = None
        if self.calendar and "{month}" in self.calendar["path"]:
            head, tail = self.calendar["path"].split("{month}", 1)
            self._calendar_path = re.compile(
                "^" + re.escape(head) + "(?P<month>[^/]*)" + re.escape(tail) + "$"
            )
        self.not_found = spec.get("not_found")
        self.static_prefixes = tuple(spec.get("static_prefixes", STATIC_PREFIXES))
        # Headers every page and redirect carries (not static files): a CMS's X-Powered-By.
        self.default_headers: dict[str, str] = spec.get("default_headers", {})
        self.trailing_slash: dict[str, Any] | None = spec.get("trailing_slash")
        self._fail_counts: dict[int, int] = {}
        self._lock = threading.Lock()
        self.significant: dict[str, set[str]] = {}
        for route in self.routes:
            keys = {k.lower() for k in route.query}
            self.significant.setdefault(route.path, set()).update(keys)

    def reply(self, target: str, request_headers: dict[str, str] | None = None) -> Reply:
        """The response to GET target; honours If-None-Match/If-Modified-Since (304) where
        the reply carries validators, as Apache does for static files."""
        reply = self._reply(target)
        asked = {k.lower(): v for k, v in (request_headers or {}).items()}
        etag, modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
        if reply.status == 200 and (
            (etag and etag in asked.get("if-none-match", ""))
            or (
                modified
                and not asked.get("if-none-match")
                and asked.get("if-modified-since") == modified
            )
        ):
            kept = {k: v for k, v in reply.headers.items() if k in ("ETag", "Last-Modified")}
            return Reply(304, kept, b"")
        return reply

    def _reply(self, target: str) -> Reply:
        parts = urlsplit(target)
        params = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        for fault in self.faults:
            for fault_route in fault.routes:
                if fault_route.matches(parts.path, params):
                    answer = fault_route.answer(params)
                    return Reply(answer.status, dict(answer.headers), answer.body,
                                 answer.behaviour, dict(answer.behaviour_args),
                                 answer.no_length)  # fmt: skip
        synthetic = self.synthetic.answer(parts.path, params) if self.synthetic else None
        if synthetic is not None:
            reply = Reply(synthetic.status, dict(synthetic.headers), synthetic.body)
        else:
            reply = self._route_reply(parts.path, params)
        if self.faults and reply.status == 200:
            reply.body = self._with_fault_links(parts.path, reply)
        return reply

    def _with_fault_links(self, path: str, reply: Reply) -> bytes:
        """Faults are reached like any page: the home page links to them, the feed
        carries their items."""
        body = reply.body
        if path == "/":
            links = [href for fault in self.faults for href in fault.links]
            if links:
                items = "".join(f'<li><a href="{escape(h)}">{escape(h)}</a></li>' for h in links)
                block = f'<ul class="site-extra">{items}</ul>'.encode()
                body = body.replace(b"</body>", block + b"</body>", 1)
        elif "xml" in reply.headers.get("Content-Type", ""):
            # Before the first item: the legacy feed is cut short by a fatal error.
            items = "".join(item for fault in self.faults for item in fault.feed_items)
            at = body.find(b"<item")
            at = at if at >= 0 else body.find(b"</channel>")
            if items and at >= 0:
                body = body[:at] + items.encode() + body[at:]
        return body

    def _route_reply(self, path: str, params: dict[str, str]) -> Reply:
        if self._calendar_path is not None:
            found = self._calendar_path.match(path)
            if found:
                return self._calendar(found.group("month"))
        elif self.calendar and path == self.calendar["path"]:
            return self._calendar(params.get(self.calendar["param"], ""))
        route = self._match(path, params)
        if route is None:
            return self._slash_redirect(path, params) or self._not_found(path)
        index = self.routes.index(route)
        with self._lock:
            seen = self._fail_counts.get(index, 0)
            self._fail_counts[index] = seen + 1
        if route.delay:
            time.sleep(route.delay)
        if seen < route.fail_first:
            body = b"<html><body><h1>Service Unavailable</h1></body></html>"
            if route.fail_file:
                body = (self.root / route.fail_file).read_bytes()
            headers = {"Content-Type": "text/html; charset=utf-8", "Retry-After": "0"}
            return Reply(route.fail_status, {**headers, **self.default_headers}, body)
        body = (self.root / route.file).read_bytes() if route.file else b""
        headers = self._default_headers(path, route.file, body)
        if route.location:
            headers["Location"] = route.location
        headers.update(route.headers)
        return Reply(route.status, headers, body)

    def _slash_redirect(self, path: str, params: dict[str, str]) -> Reply | None:
        """A path served only with a trailing slash answers 301 to that spelling, as
        WordPress's canonical redirect does, when routes.json asks for it."""
        if not self.trailing_slash or path.endswith("/") or (path + "/") not in self.significant:
            return None
        query = "&".join(f"{k}={v}" for k, v in params.items())
        location = self.trailing_slash.get("location", "") + path + "/"
        headers = {"Content-Type": "text/html; charset=utf-8", **self.default_headers}
        headers["Location"] = location + ("?" + query if query else "")
        headers.update(self.trailing_slash.get("headers", {}))
        return Reply(301, headers, b"")

    def _match(self, path: str, params: dict[str, str]) -> Route | None:
        significant = self.significant.get(path)
        if significant is None:
            return None
        for route in self.routes:
            if route.path != path:
                continue
            wanted = {k.lower(): v for k, v in route.query.items()}
            if all(
                (params.get(k) or None) is None
                if k not in wanted
                else (params.get(k) or "").lower() == wanted[k].lower()
                for k in significant
            ):
                return route
        return None

    def _default_headers(self, path: str, file: str | None, body: bytes) -> dict[str, str]:
        suffix = Path(file).suffix.lower() if file else ".html"
        headers = {"Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream")}
        if path.endswith(".php") or path == "/":
            headers["X-Powered-By"] = "PHP/8.1.2"
            headers["Cache-Control"] = "no-store, no-cache, must-revalidate"
        if path.startswith(self.static_prefixes):
            headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers["Last-Modified"] = STATIC_LAST_MODIFIED
        elif self.default_headers:
            headers.update(self.default_headers)
        return headers

    def _not_found(self, path: str) -> Reply:
        body = (self.root / self.not_found).read_bytes() if self.not_found else b"Not Found"
        headers = {"Content-Type": "text/html; charset=utf-8", **self.default_headers}
        return Reply(404, headers, body)

    def _calendar(self, month: str) -> Reply:
        match = MONTH_RE.match(month)
        if not match or not 1 <= int(match.group(2)) <= 12:
            return self._not_found(self.calendar["path"])
        year, mon = int(match.group(1)), int(match.group(2))
        prev_y, prev_m = (year, mon - 1) if mon > 1 else (year - 1, 12)
        next_y, next_m = (year, mon + 1) if mon < 12 else (year + 1, 1)
        events = json.loads((self.root / self.calendar["events"]).read_text(encoding="utf-8"))
        template = (self.root / self.calendar["template"]).read_text(encoding="utf-8")
        # The events first, so a month's entry (or "empty") may use the month's placeholders.
        values = {
            "{{EVENTS}}": events.get(month, events.get("empty", "")),
            "{{MONTH_LABEL}}": f"{calendar.month_name[mon]} {year}",
            "{{MONTH}}": month,
            "{{PREV}}": f"{prev_y:04d}-{prev_m:02d}",
            "{{NEXT}}": f"{next_y:04d}-{next_m:02d}",
        }
        for key, value in values.items():
            template = template.replace(key, value)
        headers = {"Content-Type": "text/html; charset=utf-8", "X-Powered-By": "PHP/8.1.2"}
        return Reply(200, {**headers, **self.default_headers}, template.encode("utf-8"))


@dataclass
class LoggedRequest:
    method: str
    target: str
    status: int
    headers: dict[str, str]
    bytes: int = 0


class FixtureServer:
    """A threaded HTTP server on 127.0.0.1 serving one site folder; use as a context manager.
    ``articles=N`` serves a synthetic site of N articles over the folder (synthetic.py)."""

    def __init__(
        self,
        root: Path,
        port: int = 0,
        host: str = "127.0.0.1",
        faults: Sequence[str] = (),
        variant: int = 0,
        articles: int = 0,
    ):
        self.site = FixtureSite(root, faults, variant, articles)
        self.log: list[LoggedRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "Apache/2.4.57 (Debian)"
            sys_version = ""

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def _answer(self, send_body: bool) -> None:
                reply = server.site.reply(self.path, dict(self.headers))
                sent = len(reply.body) if send_body else 0
                status = 0 if reply.behaviour in ("hang", "reset") else reply.status
                server.log.append(
                    LoggedRequest(self.command, self.path, status, dict(self.headers), sent)
                )
                if reply.behaviour:
                    self._misbehave(reply, send_body)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.no_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(reply.body)

            def _misbehave(self, reply: Reply, send_body: bool) -> None:
                """A fault's transport behaviour: never answer, reset the connection, or
                send the answer a few bytes at a time. Each ends by itself."""
                args = reply.behaviour_args
                self.close_connection = True
                if reply.behaviour == "hang":
                    time.sleep(float(args.get("seconds", 60)))
                    return
                if reply.behaviour == "reset":
                    # SO_LINGER 0: close() sends RST instead of FIN.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                chunk, interval = int(args.get("chunk", 1)), float(args.get("interval", 0.5))
                deadline = time.monotonic() + float(args.get("seconds", 60))
                try:
                    for start in range(0, len(reply.body) if send_body else 0, chunk):
                        if time.monotonic() > deadline:
                            break
                        self.wfile.write(reply.body[start : start + chunk])
                        self.wfile.flush()
                        time.sleep(interval)
                except OSError:
                    pass  # the client gave up: that is the point

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request log above replaces stderr noise

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FixtureServer:
        # A short poll: stop() waits for the serving loop to see it (0.5 s by default, paid
        # by every test and benchmark that serves a site).
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
