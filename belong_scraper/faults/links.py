"""Link faults: redirect loops and long chains, feed guids that are not URLs, a huge and
a malformed feed, endless query variants."""

from __future__ import annotations

from html import escape

from belong_scraper.faults import (
    Fault,
    FaultContext,
    FaultReply,
    FaultRoute,
    article_html,
    article_route,
    html_reply,
    register,
    windowed_pages,
)

CHAIN_ARTICLE = 9101


def _redirect(location: str, status: int = 302) -> FaultReply:
    return FaultReply(status=status, headers={"Location": location, "Content-Type": "text/html"})


@register("redirect-chain")
def redirect_chain(ctx: FaultContext) -> Fault:
    """A chain of 4 to 5 hops (longer than the trap guard's barren limit, within
    MAX_REDIRECT_HOPS) whose end is an article no other page links to."""
    hops = 4 + ctx.variant % 2
    title = ["Chain's end: a study visit to Lisbon", "Regional forum in Timișoara"][ctx.variant % 2]
    routes = [
        FaultRoute("/go.php", {"hop": str(n)}, reply=_redirect(f"/go.php?hop={n + 1}"))
        for n in range(1, hops)
    ]
    routes.append(FaultRoute("/go.php", {"hop": str(hops)}, reply=_redirect(
        f"/news.php?id={CHAIN_ARTICLE}", 301)))  # fmt: skip
    body = "<p>" + escape(title) + " was reached through a chain of redirects.</p>"
    routes.append(article_route(CHAIN_ARTICLE, article_html(escape(title), body * 3)))
    return Fault("redirect-chain", routes, links=["/go.php?hop=1"])


@register("redirect-loop")
def redirect_loop(ctx: FaultContext) -> Fault:
    """A → B → C → A, a page that redirects to another spelling of itself, and a chain
    longer than MAX_REDIRECT_HOPS."""
    names = ["a", "b", "c", "d"][: 3 + ctx.variant % 2]
    routes = [
        FaultRoute("/loop.php", {"at": n},
                   reply=_redirect(f"/loop.php?at={names[(i + 1) % len(names)]}"))
        for i, n in enumerate(names)
    ]  # fmt: skip
    routes.append(FaultRoute("/self.php", reply=_redirect("/self.php?utm_source=loop")))
    length = 12 + ctx.variant
    routes += [
        FaultRoute("/long.php", {"hop": str(n)}, reply=_redirect(f"/long.php?hop={n + 1}"))
        for n in range(1, length)
    ]
    routes.append(FaultRoute("/long.php", {"hop": str(length)},
                             reply=html_reply(b"<p>too far</p>")))  # fmt: skip
    return Fault("redirect-loop", routes, links=["/loop.php?at=a", "/self.php", "/long.php?hop=1"])


@register("other-port")
def other_port(ctx: FaultContext) -> Fault:
    """Links to the same host on other ports (and another scheme): other sites."""
    port = [1, 9, 8080][ctx.variant % 3]
    links = [
        f"http://127.0.0.1:{port}/news.php?id=58",
        f"https://127.0.0.1/news.php?id={57 + ctx.variant}",
        f"http://localhost:{port}/page.php?p=about",
    ]
    return Fault("other-port", [], links=links)


@register("deep-pagination")
def deep_pagination(ctx: FaultContext, pages: int = 60, per_page: int = 3) -> Fault:
    """An archive listing of ``pages`` pages in a windowed pagination (first, last, the
    eight nearest pages), each teasing ``per_page`` articles no other page links to."""
    first_id = 20000 + 1000 * ctx.variant

    def listing(params: dict[str, str]) -> FaultReply:
        raw = params.get("page", "1")
        page = int(raw) if raw.isdigit() and 1 <= int(raw) <= pages else 0
        if not page:
            return html_reply(b"<html><body><p>No such page</p></body></html>", status=404)
        near = windowed_pages(page, pages, reach=4)
        nav = " ".join(f'<a href="/archive.php?page={n}">{n}</a>' for n in near)
        ids = range(first_id + (page - 1) * per_page, first_id + page * per_page)
        teasers = "".join(
            f'<div class="news-item"><h3><a href="/news.php?id={i}">Archive story {i}</a></h3>'
            f"<p>Story {i} from the archive.</p></div>"
            for i in ids
        )
        body = f'<html><body><div class="news-list">{teasers}</div><div class="pager">{nav}</div>'
        return html_reply((body + "</body></html>").encode())

    def article(params: dict[str, str]) -> FaultReply:
        n = int(params["id"])
        text = f"<p>Story {n} from the archive of the project, kept for the record.</p>" * 4
        return html_reply(article_html(f"Archive story {n}", text, date="5 May 2023"))

    def ours(params: dict[str, str]) -> bool:
        raw = params.get("id", "")
        return raw.isdigit() and first_id <= int(raw) < first_id + pages * per_page

    routes = [
        FaultRoute("/archive.php", any_query=True, respond=listing),
        FaultRoute("/news.php", when=ours, respond=article),
    ]
    return Fault("deep-pagination", routes, links=["/archive.php?page=1"])


@register("feed-guids")
def feed_guids(ctx: FaultContext) -> Fault:
    """Feed items whose guid is not a URL (or is one, with isPermaLink="false"): only
    their <link> is a page. Many of them, as a large feed has."""
    items = []
    for n in range(200 + 50 * ctx.variant):
        guid = [f"{n}@eu-belong", f"urn:uuid:{n:08d}-0000-4000-8000-000000000000", f"tag:{n}"][
            (n + ctx.variant) % 3
        ]
        items.append(
            f"<item><title>Item {n}</title><link>/news.php?id=58</link>"
            f'<guid isPermaLink="false">{escape(guid)}</guid></item>'
            if n % 2
            else f"<item><title>Item {n}</title><link>/news.php?id=58</link>"
            f"<guid>{escape(guid)}</guid></item>"
        )
    items.append(
        "<item><title>Not a permalink</title><link>/news.php?id=58</link>"
        '<guid isPermaLink="false">/news.php?id=9999</guid></item>'
    )
    return Fault("feed-guids", [], feed_items=items)


@register("bad-feed")
def bad_feed(ctx: FaultContext) -> Fault:
    """A second feed that is malformed (cut mid-element, bad entity) and a huge one."""
    broken = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>News &nbsp;</title>'
        b"<item><title>Cut</title><link>/news.php?id=58</link></it"
    )
    big = [b'<?xml version="1.0"?><rss version="2.0"><channel><title>All</title>']
    for n in range(20000 + 1000 * ctx.variant):
        big.append(b"<item><title>x</title><link>/news.php?id=58</link><guid>g%d</guid></item>" % n)
    big.append(b"</channel></rss>")
    xml = {"Content-Type": "application/rss+xml; charset=utf-8"}
    routes = [
        FaultRoute("/rss.php", {"cat": "broken"}, reply=FaultReply(body=broken, headers=xml)),
        FaultRoute("/rss.php", {"cat": "all"}, reply=FaultReply(body=b"".join(big), headers=xml)),
    ]
    return Fault("bad-feed", routes, links=["/rss.php?cat=broken", "/rss.php?cat=all"])


@register("query-variants")
def query_variants(ctx: FaultContext) -> Fault:
    """A search page that links to ever new query variants of itself."""

    def respond(params: dict[str, str]) -> FaultReply:
        n = int(params.get("q", "0") or 0) if (params.get("q") or "0").isdigit() else 0
        links = "".join(
            f'<a href="/search.php?q={n + k}&amp;sort={k}">result {n + k}</a> ' for k in (1, 2, 3)
        )
        return html_reply(f"<html><body><h1>Search</h1>{links}</body></html>".encode())

    route = FaultRoute("/search.php", any_query=True, respond=respond)
    return Fault("query-variants", [route], links=["/search.php?q=0"])
