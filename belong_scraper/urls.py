"""URL canonicalisation: every spelling of a legacy page folds into one canonical URL."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    urlencode,
    urljoin,
    urlsplit,
    urlunsplit,
)

from belong_scraper.profile import SiteProfile

# href values that are not links to documents.
NON_HTTP = re.compile(r"^\s*(?:javascript|mailto|tel|data|about|ftp|file|#)", re.IGNORECASE)


DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_port(url: str | SplitResult) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) with the scheme's default port made explicit; None when the
    URL is not http(s) or its port is not a number."""
    parts = urlsplit(url) if isinstance(url, str) else url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, (parts.hostname or "").rstrip("."), port


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class Origin:
    """The crawl's scope: the start URL's scheme, host (with or without www.) and port,
    plus the profile's legacy host names on their default ports (http or https), which
    fold into it. Another port of the same host is another site."""

    scheme: str
    netloc: str
    host: str
    port: int
    legacy_hosts: frozenset[str]

    @classmethod
    def from_url(cls, start_url: str, profile: SiteProfile) -> Origin:
        scheme, host, port = _host_port(start_url) or ("https", "", 443)
        legacy = frozenset(_bare(h) for h in profile.hosts)
        return cls(scheme, urlsplit(start_url).netloc.lower(), _bare(host), port, legacy)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    def owns(self, url: str) -> bool:
        return self.owns_parts(urlsplit(url))

    def owns_parts(self, parts: SplitResult) -> bool:
        found = _host_port(parts)
        if found is None:
            return False
        scheme, host, port = found
        if _bare(host) == self.host and scheme == self.scheme and port == self.port:
            return True
        return _bare(host) in self.legacy_hosts and port == DEFAULT_PORTS[scheme]


@dataclass(frozen=True)
class _QueryRules:
    """A profile's ``[urls]`` rules as canonical_url applies them, made once per profile."""

    index_files: frozenset[str]
    upper: frozenset[str]
    lower: frozenset[str]
    # fullmatch on a lower-cased name: a pattern ending in * is a prefix, else the name
    dropped: re.Pattern[str]


@cache
def _query_rules(profile: SiteProfile) -> _QueryRules:
    rules = profile.urls
    alternatives = [
        re.escape(p[:-1].lower()) + ".*" if p.endswith("*") else re.escape(p.lower())
        for p in rules.drop_params
    ]
    return _QueryRules(
        index_files=frozenset(i.lower() for i in rules.index_files),
        upper=frozenset(p.lower() for p in rules.upper_params),
        lower=frozenset(p.lower() for p in rules.lower_params),
        dropped=re.compile("|".join(alternatives) if alternatives else "(?!)", re.DOTALL),
    )


ENCODED_SLASH = re.compile("%2[Ff]")
REPEATED_SLASHES = re.compile(r"/{2,}")


def absolute(href: str, base: str) -> str | None:
    """Resolve a link against its page; None for non-HTTP links and empty values."""
    if not href or NON_HTTP.match(href):
        return None
    href = href.strip().replace("\\", "/")
    return urljoin(base, href)


@lru_cache(maxsize=4096)
def canonical_url(url: str, origin: Origin, profile: SiteProfile) -> str | None:
    """The one canonical spelling of a same-site URL, or None for other sites.

    Folds scheme and www. into the crawled origin, /index.php into /, parameter names to
    lower case, drops tracking/session/view parameters, empty parameters and fragments,
    and sorts what is left.

    Kept for the URLs met most recently: every page spells its menu, footer, pagination
    window and latest stories again (40 calls a page, 7% of a profiled crawl unkept).
    """
    parts = urlsplit(url)
    if not origin.owns_parts(parts):
        return None
    path, query = parts.path, parts.query
    if not (PLAIN_PATH.fullmatch(path) and PLAIN_QUERY.fullmatch(query)):
        return _canonical_spelling(parts, origin, profile)
    # The spelling most links have (no escapes, dots, doubled slashes, "+"): what the
    # general rules would give, without decoding and encoding every part again. The
    # export canonicalizes every legacy spelling again (tens of thousands at 20,000).
    rules = _query_rules(profile)
    path = path or "/"
    head, _, tail = path.rpartition("/")
    if tail.lower() in rules.index_files:
        path = head + "/"
    params: dict[str, str] = {}
    for piece in query.split("&") if query else ():
        name, _, value = piece.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not name or not value or rules.dropped.fullmatch(name):
            continue
        if name in rules.upper:
            value = value.upper()
        elif name in rules.lower:
            value = value.lower()
        params.setdefault(name, value)
    if any(not UNRESERVED.fullmatch(f"{k}{v}") for k, v in params.items()):
        return _canonical_spelling(parts, origin, profile)  # a case change made it unsafe
    query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"{origin.scheme}://{origin.netloc}{path}" + (f"?{query}" if query else "")


# A path and a query canonical_url's general rules leave as they are, but for their
# folding: no percent-escape, no "." segment or doubled slash, no "+", every character one
# that quoting keeps (a query's names and values only unreserved ones; "&" and "=" split).
PLAIN_PATH = re.compile(r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_.~!$&'()*,;=:@-]+)*/?")
PLAIN_QUERY = re.compile(r"[A-Za-z0-9_.~&= -]*")
UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _canonical_spelling(parts: SplitResult, origin: Origin, profile: SiteProfile) -> str:
    """canonical_url's rules in full, for a URL of the origin."""
    rules = _query_rules(profile)
    # An encoded slash is part of a name, not a separator: decoding it names another file.
    path = unquote(ENCODED_SLASH.sub("%252F", parts.path)) or "/"
    path = posixpath.normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
    path = "/" if path in (".", "//") else REPEATED_SLASHES.sub("/", path)
    head, _, tail = path.rpartition("/")
    if tail.lower() in rules.index_files:
        path = head + "/"
    params: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        name = name.strip().lower()
        value = value.strip()
        if not name or not value or rules.dropped.fullmatch(name):
            continue
        if name in rules.upper:
            value = value.upper()
        elif name in rules.lower:
            value = value.lower()
        params.setdefault(name, value)  # PHP keeps the last, but duplicates never differ here
    query = urlencode(sorted(params.items()), quote_via=quote)
    return urlunsplit(
        (origin.scheme, origin.netloc, quote(path, safe="/%:@!$&'()*+,;="), query, "")
    )


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def url_family(url: str, families: Iterable[re.Pattern[str]] = ()) -> str:
    """Path plus parameter names: pages of one family are the same template. A URL one
    of ``families`` (the profile's ``urls.families``) matches is of that pattern's family,
    whatever its path: a calendar's months are new paths of one template."""
    declared = declared_family(url, families)
    if declared is not None:
        return declared
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return parts.path + ("?" + "&".join(names) if names else "")


def declared_family(url: str, families: Iterable[re.Pattern[str]]) -> str | None:
    """The family of the first of ``families`` matching the URL's path and query, None
    when none does."""
    target = path_and_query(url)
    for pattern in families:
        if pattern.match(target):
            return f"~{pattern.pattern}"
    return None


def is_document(url: str, profile: SiteProfile) -> bool:
    """A link to a document (report.pdf) by the profile's document extensions."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1].lower() in profile.document_extensions


def is_media(url: str, profile: SiteProfile) -> bool:
    """A document or image (not a page): recorded as a reference, never parsed."""
    rules = profile.urls
    path = urlsplit(url).path.lower()
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if ext in rules.media_extensions:
        return True
    return any(path.startswith(p) for p in rules.media_path_prefixes)


def page_type(canonical: str, profile: SiteProfile) -> tuple[str, dict[str, str]]:
    """Classify a canonical URL by the profile's URL patterns; ('other', {}) if none."""
    target = path_and_query(canonical)
    for kind in profile.page_types:
        match = kind.url.match(target)
        if match:
            return kind.name, {k: v for k, v in match.groupdict().items() if v is not None}
    return "other", {}


def one_spelling_per_session(urls: Iterable[str], profile: SiteProfile) -> list[str]:
    """Spellings that differ only in a session id's value (``PHPSESSID=…``) keep the first
    one given: a session id rotates on every visit, and a spelling per visit would make
    ``legacy_urls`` grow on each run. Redirect rules match any session value anyway."""
    names = {n.lower() for n in profile.urls.session_params}
    kept: dict[str, str] = {}
    for url in urls:
        shape = url  # a spelling without a session id is its own shape, trailing "&" and all
        lowered = url.lower()
        if "%" not in url and "+" not in url and not any(n in lowered for n in names):
            kept.setdefault(shape, url)  # no parameter can be a session id: none parsed
            continue
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(k.strip().lower() in names for k, _ in pairs):
            query = [(k, "" if k.strip().lower() in names else v) for k, v in pairs]
            shape = urlunsplit(parts._replace(query=urlencode(query)))
        kept.setdefault(shape, url)
    return sorted(set(kept.values()))
