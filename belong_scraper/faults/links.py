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
)

CHAIN_ARTICLE = 9101


def _redirect(location: str, status: int = 302) -> FaultReply:
    return FaultReply(status=status, headers={"Location": location, "Content-Type": "text/html"})


@register("redirect-chain")
def redirect_chain(ctx: FaultContext) -> Fault:
    """A 4-hop chain (longer than the trap guard's barren limit) whose end is an article
    no other page links to, and a 12-hop chain longer than MAX_REDIRECT_HOPS."""
    hops = 4 + ctx.variant % 3
    title = ["Chain's end: a study visit to Lisbon", "Regional forum in Timișoara"][ctx.variant % 2]
    routes = [
        FaultRoute("/go.php", {"hop": str(n)}, reply=_redirect(f"/go.php?hop={n + 1}"))
        for n in range(1, hops)
    ]
    routes.append(FaultRoute("/go.php", {"hop": str(hops)}, reply=_redirect(
        f"/news.php?id={CHAIN_ARTICLE}", 301)))  # fmt: skip
    body = "<p>" + escape(title) + " was reached through a chain of redirects.</p>"
    routes.append(article_route(CHAIN_ARTICLE, article_html(escape(title), body * 3)))
    routes += [
        FaultRoute("/long.php", {"hop": str(n)}, reply=_redirect(f"/long.php?hop={n + 1}"))
        for n in range(1, 13)
    ]
    routes.append(FaultRoute("/long.php", {"hop": "13"}, reply=html_reply(b"<p>too far</p>")))
    return Fault("redirect-chain", routes, links=["/go.php?hop=1", "/long.php?hop=1"])


@register("redirect-loop")
def redirect_loop(ctx: FaultContext) -> Fault:
    """A → B → C → A, and a page that redirects to itself with another spelling."""
    names = ["a", "b", "c"]
    routes = [
        FaultRoute("/loop.php", {"at": n}, reply=_redirect(f"/loop.php?at={names[(i + 1) % 3]}"))
        for i, n in enumerate(names)
    ]
    routes.append(FaultRoute("/self.php", reply=_redirect("/self.php?utm_source=loop")))
    return Fault("redirect-loop", routes, links=["/loop.php?at=a", "/self.php"])


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
