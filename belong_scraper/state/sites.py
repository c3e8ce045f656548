"""The site key that scopes a state database: the one rule for a site that has no name.

`migrate --site NAME`, `watch --site NAME` and a SITES.toml `name` key a site by its name.
Without one, a run uses the state's only site (`StateStore.site`: a state made for one
site needs no flag, whatever spelling of its URL a run uses), and a new site is keyed by
its start URL's host, the same whatever scheme or `www.` a run uses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_key(start_url: str) -> str:
    """`host[:port]` of the start URL, lower-cased, without ``www.``, credentials or a
    default port: ``https://www.Eu-Belong.aer.eu/`` → ``eu-belong.aer.eu``."""
    parts = urlsplit(start_url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # a port that is no number: keep the host alone
        port = None
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host or start_url
