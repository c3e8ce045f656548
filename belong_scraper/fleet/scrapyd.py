"""Scrapyd's JSON API, the few calls a fleet makes, over the standard library's urllib.

A node is a Scrapyd URL; its number of job slots (Scrapyd's max_proc, which
daemonstatus.json does not report) is given in the URL's fragment, never sent:
``http://node1:6800/#slots=4``. Credentials in the URL are sent as HTTP Basic auth.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT = 10.0


class NodeDown(RuntimeError):
    """The node did not answer, or answered with an error."""


@dataclass(frozen=True)
class Node:
    url: str  # without credentials or fragment: how the node is named everywhere
    slots: int
    auth: str | None = None  # the Authorization header's value

    @classmethod
    def parse(cls, spec: str, default_slots: int) -> Node:
        parts = urllib.parse.urlsplit(spec)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--scrapyd expects an http(s) URL, got {spec!r}")
        slots = default_slots
        fragment = urllib.parse.parse_qs(parts.fragment)
        if "slots" in fragment:
            try:
                slots = int(fragment["slots"][0])
            except ValueError:
                raise ValueError(f"slots must be a number in {spec!r}") from None
            if slots < 1:
                raise ValueError(f"slots must be at least 1 in {spec!r}")
        auth = None
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        netloc = parts.netloc.rpartition("@")[2]
        path = parts.path.rstrip("/")
        return cls(urllib.parse.urlunsplit((parts.scheme, netloc, path, "", "")), slots, auth)

    def call(self, endpoint: str, params: list[tuple[str, str]] | None = None,
             post: bool = False) -> dict[str, Any]:  # fmt: skip
        query = urllib.parse.urlencode(params or [])
        url = f"{self.url}/{endpoint}"
        data = None
        if post:
            data = query.encode()
        elif query:
            url += "?" + query
        request = urllib.request.Request(url, data=data)
        if self.auth:
            request.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise NodeDown(f"{self.url}: {getattr(exc, 'reason', None) or exc}") from exc
        if answer.get("status") != "ok":
            raise NodeDown(f"{self.url}/{endpoint}: {answer.get('message', answer)}")
        return answer

    def free_slots(self) -> int:
        status = self.call("daemonstatus.json")
        return self.slots - int(status.get("running", 0)) - int(status.get("pending", 0))

    def schedule(self, project: str, spider: str, job_id: str, args: dict[str, str],
                 settings: dict[str, str]) -> None:  # fmt: skip
        params = [("project", project), ("spider", spider), ("jobid", job_id)]
        params += [(name, value) for name, value in args.items()]
        params += [("setting", f"{name}={value}") for name, value in settings.items()]
        self.call("schedule.json", params, post=True)

    def jobs(self, project: str) -> dict[str, str]:
        """Job id → "pending", "running" or "finished", as the node knows them."""
        listing = self.call("listjobs.json", [("project", project)])
        return {job["id"]: state for state in ("pending", "running", "finished")
                for job in listing.get(state, [])}  # fmt: skip

    def cancel(self, project: str, job_id: str) -> None:
        self.call("cancel.json", [("project", project), ("job", job_id)], post=True)
