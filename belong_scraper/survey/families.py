"""URL families: canonical URLs grouped by template, with digits and slugs generalised.

A family is a path pattern plus the names (never the values) of its query parameters:
``/news.php?id=``, ``/<year>/<month>/<day>/<slug>/``, ``/member/<slug>/``. Pages of one
family are, nearly always, one template of the site, so one page type of a profile.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

YEAR = re.compile(r"(?:19[89]\d|20[0-4]\d)")
# Placeholders and what each matches in a profile's URL regex.
PLACEHOLDER_REGEX = {
    "<year>": r"\d{4}",
    "<month>": r"\d{2}",
    "<day>": r"\d{2}",
    "<yyyy-mm>": r"\d{4}-\d{2}",
    "<date>": r"\d{4}-\d{2}-\d{2}",
    "<n>": r"\d+",
    "<slug>": r"[^/?]+",
}
# A slug: words joined by hyphens or underscores (``cohesion-policy``), what a CMS makes
# of a title. A single word (``governance``) is as likely a fixed page as a slug.
SLUG = re.compile(r"^[^\W_]+(?:[-_][^\W_]+)+$")
# Distinct values at one place among URLs of the same shape before that place is a slug:
# three members of /member-country/<slug>/ say it is a variable, two say little.
MIN_SIBLINGS = 3


def _segment(segment: str, previous: str) -> str:
    """A path segment with its digits generalised (dates by their parts)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", segment):
        return "<date>"
    if re.fullmatch(r"\d{4}-\d{2}", segment):
        return "<yyyy-mm>"
    if YEAR.fullmatch(segment):
        return "<year>"
    if re.fullmatch(r"\d{2}", segment) and previous in ("<year>", "<month>"):
        return "<month>" if previous == "<year>" else "<day>"
    if segment.isdigit():
        return "<n>"
    return segment


def _shape(url: str) -> tuple[list[str], bool, str]:
    """(path segments, trailing slash, sorted parameter names) with digits generalised."""
    parts = urlsplit(url)
    raw = [s for s in parts.path.split("/") if s]
    segments: list[str] = []
    for index, segment in enumerate(raw):
        # The first segment names a section (/member-country/, /privacy-policy/): only
        # digits are generalised there, never words.
        shaped = _segment(segment, segments[-1] if segments else "")
        if shaped == segment and index > 0 and "." not in segment and SLUG.match(segment):
            shaped = "<slug>"
        segments.append(shaped)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return segments, parts.path.endswith("/") and bool(raw), "&".join(names)


def _join(segments: list[str], slash: bool, names: str) -> str:
    path = "/" + "/".join(segments) + ("/" if slash else "")
    if names:
        path += "?" + "&".join(f"{n}=" for n in names.split("&"))
    return path


def families(urls: Iterable[str]) -> dict[str, str]:
    """Each URL's family pattern. A place where at least MIN_SIBLINGS distinct words
    follow the same prefix, in URLs of the same length, becomes ``<slug>`` too."""
    shapes = {url: _shape(url) for url in dict.fromkeys(urls)}
    depth = max((len(s[0]) for s in shapes.values()), default=0)
    for place in range(1, depth):  # place 0: a section name (see _shape)
        values: dict[tuple, set[str]] = defaultdict(set)
        for segments, slash, names in shapes.values():
            if len(segments) > place and not segments[place].startswith("<"):
                key = (tuple(segments[:place]), len(segments), slash, names)
                values[key].add(segments[place])
        for segments, slash, names in shapes.values():
            if len(segments) > place and not segments[place].startswith("<"):
                key = (tuple(segments[:place]), len(segments), slash, names)
                if len(values[key]) >= MIN_SIBLINGS and "." not in segments[place]:
                    segments[place] = "<slug>"
        # A lone word beside slugs of the same shape (/tag/juventud/ beside /tag/<slug>/)
        # is one more of them.
        # A word met in several URLs there (/<slug>/feed/) is a fixed word, not a slug.
        slugged: set[tuple] = set()
        uses: Counter[tuple] = Counter()
        for segments, slash, names in shapes.values():
            if len(segments) > place:
                key = (tuple(segments[:place]), len(segments), slash, names)
                uses[(key, segments[place])] += 1
                if segments[place] == "<slug>":
                    slugged.add(key)
        for segments, slash, names in shapes.values():
            key = (tuple(segments[:place]), len(segments), slash, names)
            if key in slugged and "." not in segments[place] and uses[(key, segments[place])] == 1:
                segments[place] = "<slug>"
    return {url: _join(*shape) for url, shape in shapes.items()}


# Parameters whose value a page object reads by this group name (pages/*.py).
KEY_PARAMS = {"id": r"\d+", "page": r"\d+", "tag": r"[^&]+", "country": r"[A-Za-z]{2}"}


def family_regex(pattern: str, key: bool = False) -> str:
    """A profile page-type URL regex matching the family (parameters in canonical order).

    Parameters and path places the page objects read get their group (``id``, ``page``,
    ``tag``, ``country``): ``?id=`` → ``(?P<id>\\d+)``, ``/page/<n>/`` → ``(?P<page>\\d+)``,
    ``/tag/<slug>/`` → ``(?P<tag>…)``. ``key``: the whole path is group ``key`` (a static
    page's key)."""
    path, _, query = pattern.partition("?")
    named: set[str] = set()

    def group(name: str, regex: str) -> str:
        if name in named:
            return regex
        named.add(name)
        return f"(?P<{name}>{regex})"

    parts = re.split(r"(<[a-z-]+>)", path)
    out = []
    for index, part in enumerate(parts):
        regex = PLACEHOLDER_REGEX.get(part)
        before = parts[index - 1] if index else ""
        if regex is None:
            out.append(re.escape(part))
        elif part == "<n>" and before.endswith("/page/"):
            out.append(group("page", regex))
        elif part == "<slug>" and re.search(r"/tags?/$", before):
            out.append(group("tag", regex))
        else:
            out.append(regex)
    regex = "".join(out)
    if key and path.strip("/") and "<" not in path and not query:
        regex = "/" + group("key", re.escape(path.strip("/"))) + ("/" if path.endswith("/") else "")
    if query:
        names = [n.rstrip("=") for n in query.split("&")]
        one_key = key and len(names) == 1 and names[0] not in KEY_PARAMS
        params = [
            f"{re.escape(n)}="
            + (
                group(n, KEY_PARAMS[n])
                if n in KEY_PARAMS
                else group("key", "[^&]+")
                if one_key
                else "[^&]+"
            )
            for n in names
        ]
        regex += r"\?" + "&".join(params)
    return f"^{regex}$"
