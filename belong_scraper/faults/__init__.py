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


@dataclass(frozen=True)
class PageChrome:
    """What stands around a page's own content: extras in <head>, the header, what follows
    the content inside #main (sidebar, newsletter) and the footer. The default is the bare
    chrome the faults serve; the synthetic site (belong_scraper/synthetic.py) passes the
    survey's full chrome."""

    head: str = ""
    header: str = (
        '<header id="header"><ul id="menu"><li><a href="/">Home</a></li>\n'
        '<li><a href="/news.php">News</a></li></ul></header>'
    )
    aside: str = ""
    footer: str = '<footer id="footer"><p>&copy; Assembly of European Regions</p></footer>'


BARE_CHROME = PageChrome()

ARTICLE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>EU-Belong - {title}</title>{head}</head>
<body class="article">
{header}
<div id="main">
{before}{article}
{aside}</div>
{footer}
</body></html>
"""

# The two article templates of the survey: news-detail (2023 on) and the older one (2022).
ARTICLE_LAYOUTS = {
    "news-detail": """<div class="news-detail">
  <h1>{title}</h1>
  <div class="news-info">{info}</div>
  {lead}
  <div class="news-text">
{body}
  </div>
{after}</div>""",
    "article-2022": """<div class="article">
<h2 class="title">{title}</h2>
<p class="meta">{info}</p>
{lead}<div class="content">
{body}
</div>
{after}</div>""",
}


def article_html(
    title: str,
    body: str,
    *,
    date: str = "3 March 2024",
    author: str | None = "AER Communications",
    lead: str = "",
    after: str = "",
    before: str = "",
    layout: str = "news-detail",
    chrome: PageChrome = BARE_CHROME,
    encoding: str = "utf-8",
) -> bytes:
    """An article page in the survey's markup; title and author are inserted as given
    (escape them first when they are meant as text). ``lead`` stands between the date
    line and the body (tags, lead image), ``after`` after the body (downloads, share
    buttons), ``before`` ahead of the article (breadcrumbs); no author, no byline.
    Characters the ``encoding`` cannot hold become character references, as PHP's
    htmlentities leaves them on a windows-1252 page."""
    if layout == "article-2022":
        info = f"Posted on {date}" + (f" by {author}" if author else "")
    else:
        info = f'<span class="date">{date}</span>'
        info += f'\n  <span class="author">by {author}</span>' if author else ""
    article = ARTICLE_LAYOUTS[layout].format(
        title=title, info=info, lead=lead, body=body, after=after
    )
    page = ARTICLE_TEMPLATE.format(
        title=title, head=chrome.head, header=chrome.header, before=before, article=article,
        aside=chrome.aside, footer=chrome.footer,
    )  # fmt: skip
    return page.encode(encoding, "xmlcharrefreplace")


def windowed_pages(page: int, pages: int, reach: int) -> list[int]:
    """The pages a windowed pager links from ``page``: the first, the last and the
    ``reach`` nearest on each side; deeper pages only through chains of "Next"."""
    near = range(max(1, page - reach), min(pages, page + reach) + 1)
    return sorted({1, pages, *near} - {page})


def html_reply(body: bytes, status: int = 200, **headers: str) -> FaultReply:
    base = {"Content-Type": "text/html; charset=utf-8", "X-Powered-By": "PHP/8.1.2"}
    return FaultReply(status=status, body=body, headers={**base, **headers})


def article_route(article_id: int, body: bytes) -> FaultRoute:
    return FaultRoute("/news.php", {"id": str(article_id)}, reply=html_reply(body))
