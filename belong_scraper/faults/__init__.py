"""Switchable faults for the fixture server: hostile input a live site can serve.

A fault adds routes to a fixture site and links to them from the home page, so a crawl
from the start URL meets them like any other page. ``FixtureServer(root, faults=[...])``
switches faults on by name; ``variant`` picks another payload of the same kind (variant 0
is the documented one, others are what the tool has never seen). Builders live in the
modules beside this one, one module per family of faults, and register themselves here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# What the server does instead of answering normally.
BEHAVIOURS = ("hang", "reset", "drip")


@dataclass
class FaultReply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    behaviour: str | None = None  # one of BEHAVIOURS, or None for a normal answer
    behaviour_args: dict[str, Any] = field(default_factory=dict)
    # Send the body as it is, with no Content-Length (chunked-less close-delimited).
    no_length: bool = False


@dataclass
class FaultRoute:
    """One path the fault serves. ``query`` is matched like a fixture route (names and
    values case-insensitive); ``any_query`` matches the path whatever the query, ``when``
    when a predicate of the parameters holds; ``respond`` builds the reply from them."""

    path: str
    query: dict[str, str] = field(default_factory=dict)
    reply: FaultReply | None = None
    respond: Callable[[dict[str, str]], FaultReply] | None = None
    any_query: bool = False
    # Matches the path when this says so (a range of ids without a route for each).
    when: Callable[[dict[str, str]], bool] | None = None

    def matches(self, path: str, params: dict[str, str]) -> bool:
        if path != self.path:
            return False
        if self.when is not None:
            return self.when(params)
        if self.any_query:
            return True
        wanted = {k.lower(): v.lower() for k, v in self.query.items()}
        given = {k: v.lower() for k, v in params.items() if v}
        return given == wanted

    def answer(self, params: dict[str, str]) -> FaultReply:
        if self.respond is not None:
            return self.respond(params)
        return self.reply or FaultReply()


@dataclass
class Fault:
    name: str
    routes: list[FaultRoute]
    # hrefs (relative to the origin) the home page links to, so the crawl finds them.
    links: list[str] = field(default_factory=list)
    # Extra items for the feed (<item> XML snippets), for faults a feed carries.
    feed_items: list[str] = field(default_factory=list)


@dataclass
class FaultContext:
    """What a builder may use: the site folder (to borrow a page's template) and a
    deterministic random source for the variant."""

    root: Path
    variant: int
    rng: random.Random

    def read(self, relative: str) -> bytes:
        return (self.root / relative).read_bytes()


Builder = Callable[[FaultContext], Fault]
FAULTS: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    def wrap(builder: Builder) -> Builder:
        if name in FAULTS:
            raise ValueError(f"fault {name!r} registered twice")
        FAULTS[name] = builder
        return builder

    return wrap


def build_faults(root: Path, names: list[str] | tuple[str, ...], variant: int = 0) -> list[Fault]:
    """Faults by name; ``name:key=value,key=value`` passes integer options to a builder
    that takes them (``deep-pagination:pages=3334,per_page=6``)."""
    _load_builders()
    parsed = [_parse(spec) for spec in names]
    unknown = [name for name, _ in parsed if name not in FAULTS]
    if unknown:
        known = ", ".join(sorted(FAULTS))
        raise ValueError(f"unknown fault(s) {', '.join(unknown)}; known: {known}")
    built = []
    for name, options in parsed:
        rng = random.Random(f"{name}:{variant}")
        built.append(FAULTS[name](FaultContext(Path(root), variant, rng), **options))
    return built


def _parse(spec: str) -> tuple[str, dict[str, int]]:
    name, _, rest = spec.partition(":")
    options = {}
    for pair in filter(None, rest.split(",")):
        key, _, value = pair.partition("=")
        options[key.strip()] = int(value)
    return name.strip(), options


def known_faults() -> list[str]:
    _load_builders()
    return sorted(FAULTS)


def _load_builders() -> None:
    # Each family registers on import; importing here keeps the registry complete
    # whichever module a caller imported first.
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


ARTICLE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>EU-Belong - {title}</title></head>
<body class="article">
<header id="header"><ul id="menu"><li><a href="/">Home</a></li>
<li><a href="/news.php">News</a></li></ul></header>
<div id="main">
<div class="news-detail">
  <h1>{title}</h1>
  <div class="news-info"><span class="date">{date}</span>
  <span class="author">by {author}</span></div>
  {lead}
  <div class="news-text">
{body}
  </div>
</div>
</div>
<footer id="footer"><p>&copy; Assembly of European Regions</p></footer>
</body></html>
"""


def article_html(
    title: str,
    body: str,
    *,
    date: str = "3 March 2024",
    author: str = "AER Communications",
    lead: str = "",
) -> bytes:
    """An article page in the survey's markup (news-detail, news-info, news-text); title
    and author are inserted as given (escape them first when they are meant as text)."""
    page = ARTICLE_TEMPLATE.format(title=title, body=body, date=date, author=author, lead=lead)
    return page.encode("utf-8")


def html_reply(body: bytes, status: int = 200, **headers: str) -> FaultReply:
    base = {"Content-Type": "text/html; charset=utf-8", "X-Powered-By": "PHP/8.1.2"}
    return FaultReply(status=status, body=body, headers={**base, **headers})


def article_route(article_id: int, body: bytes) -> FaultRoute:
    return FaultRoute("/news.php", {"id": str(article_id)}, reply=html_reply(body))
