"""Transport faults: pages that never answer, reset, drip, come back empty, huge, as a
gzip bomb, as binary bytes labelled HTML, or as HTML with invalid UTF-8; and a page under
the size bound whose fields are absurdly long.

Each fault page is an article URL in 9400-9499, linked from the home page. Payloads are
built when the fault is switched on, and the expensive ones (the 40 MB page, the bomb)
once per process.
"""

from __future__ import annotations

import zlib
from functools import cache
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

HANG_ARTICLE = 9401
RESET_ARTICLE = 9403
DRIP_ARTICLE = 9405
EMPTY_ARTICLE, BLANK_ARTICLE = 9410, 9411
HUGE_ARTICLE = 9420
BOMB_ARTICLE = 9430
PNG_ARTICLE, NOISE_ARTICLE = 9440, 9441
INVALID_UTF8_ARTICLE = 9450
HUGE_FIELDS_ARTICLE = 9460
MIB = 1 << 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _link(article_id: int) -> str:
    return f"/news.php?id={article_id}"


def _page(ctx: FaultContext, title: str) -> bytes:
    sentences = [
        "Regions met to compare how newcomers are welcomed.",
        "The partners agreed on a shared toolkit for local services.",
        "A second workshop is planned for the autumn.",
    ]
    ctx.rng.shuffle(sentences)
    body = "".join(f"<p>{escape(s)}</p>" for s in sentences)
    return article_html(escape(title), body)


@register("hang")
def hang(ctx: FaultContext) -> Fault:
    """A page that never answers: variant 0 sends nothing at all, other variants send
    the status line, the headers and one byte, then stall."""
    article = HANG_ARTICLE + ctx.variant % 2
    if ctx.variant % 2 == 0:
        reply = FaultReply(behaviour="hang", behaviour_args={"seconds": 120})
    else:
        reply = html_reply(_page(ctx, "Stalled after headers"))
        reply.behaviour = "drip"
        reply.behaviour_args = {"chunk": 1, "interval": 120, "seconds": 240}
    return Fault("hang", [FaultRoute("/news.php", {"id": str(article)}, reply=reply)],
                 links=[_link(article)])  # fmt: skip


@register("reset")
def reset(ctx: FaultContext) -> Fault:
    """A page whose connection is reset (RST) instead of answered."""
    article = RESET_ARTICLE + ctx.variant % 2
    reply = FaultReply(behaviour="reset")
    return Fault("reset", [FaultRoute("/news.php", {"id": str(article)}, reply=reply)],
                 links=[_link(article)])  # fmt: skip


@register("slow-drip")
def slow_drip(ctx: FaultContext) -> Fault:
    """An article sent one byte every half second (other variants: a few bytes at
    other paces), so a whole page would take an hour."""
    chunk = 1 + ctx.variant % 3
    interval = 0.5 + 0.2 * (ctx.variant % 2)
    reply = html_reply(_page(ctx, "A page that trickles in"))
    reply.behaviour = "drip"
    reply.behaviour_args = {"chunk": chunk, "interval": interval, "seconds": 600}
    article = DRIP_ARTICLE + ctx.variant % 2
    return Fault("slow-drip", [FaultRoute("/news.php", {"id": str(article)}, reply=reply)],
                 links=[_link(article)])  # fmt: skip


@register("empty-200")
def empty_200(ctx: FaultContext) -> Fault:
    """Two articles answered 200 with nothing in them: an empty body, and one of
    whitespace only (other variants: other blank bytes, no Content-Type)."""
    blanks = [b" \r\n\t\r\n  ", b"\r\n" * 40, b"\xef\xbb\xbf  \n", b"\t \x0c\n"]
    blank = blanks[ctx.variant % len(blanks)]
    empty = html_reply(b"") if ctx.variant % 2 == 0 else FaultReply(body=b"")
    routes = [
        FaultRoute("/news.php", {"id": str(EMPTY_ARTICLE)}, reply=empty),
        FaultRoute("/news.php", {"id": str(BLANK_ARTICLE)}, reply=html_reply(blank)),
    ]
    return Fault("empty-200", routes, links=[_link(EMPTY_ARTICLE), _link(BLANK_ARTICLE)])


@cache
def huge_page(megabytes: int, filler: str) -> bytes:
    """An article page of about ``megabytes`` MiB: a real page whose text goes on."""
    paragraph = f"<p>{escape(filler)}</p>\n".encode()
    head = article_html("An endless report", "@@BODY@@").split(b"@@BODY@@")
    repeat = max(1, (megabytes * MIB - len(head[0]) - len(head[1])) // len(paragraph))
    return head[0] + paragraph * repeat + head[1]


@register("huge-page")
def huge(ctx: FaultContext) -> Fault:
    """A 40 MB article page (variant 0, with Content-Length); other variants: other
    sizes and text, some sent without Content-Length (read until the server closes)."""
    fillers = [
        "The committee reviewed the regional integration plans once more.",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.",
        "Ciudades y regiones comparten sus experiencias de acogida.",
    ]
    megabytes = 40 + 9 * ctx.variant
    body = huge_page(megabytes, fillers[ctx.variant % len(fillers)])
    reply = html_reply(body)
    reply.no_length = ctx.variant % 2 == 1
    route = FaultRoute("/news.php", {"id": str(HUGE_ARTICLE)}, reply=reply)
    return Fault("huge-page", [route], links=[_link(HUGE_ARTICLE)])


@cache
def compression_bomb(inflated_mib: int, filler: bytes, wbits: int) -> bytes:
    """``inflated_mib`` MiB of ``filler`` compressed as a stream (gzip for wbits 31,
    zlib/deflate for 15): a few MiB of memory while it is built, about 1000:1."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = (filler * (MIB // len(filler) + 1))[:MIB]
    parts = [compressor.compress(block) for _ in range(inflated_mib)]
    parts.append(compressor.flush())
    return b"".join(parts)


@register("gzip-bomb")
def gzip_bomb(ctx: FaultContext) -> Fault:
    """An article page of ~1 MB gzip (Content-Encoding: gzip) inflating to 1 GiB of
    zeros; other variants: other fillers (spaces, markup), sizes and encodings."""
    fillers = [b"\0", b" ", b"<div>", b"A"]
    encodings = [("gzip", 31), ("x-gzip", 31), ("deflate", 15)]
    encoding, wbits = encodings[ctx.variant % len(encodings)]
    body = compression_bomb(1024 + 512 * (ctx.variant % 3), fillers[ctx.variant % 4], wbits)
    reply = html_reply(body, **{"Content-Encoding": encoding, "Vary": "Accept-Encoding"})
    route = FaultRoute("/news.php", {"id": str(BOMB_ARTICLE)}, reply=reply)
    return Fault("gzip-bomb", [route], links=[_link(BOMB_ARTICLE)])


def _png(ctx: FaultContext, size: int) -> bytes:
    """A PNG-looking file: the signature, an IHDR chunk header, then noise."""
    return PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + ctx.rng.randbytes(size)


@register("binary-html")
def binary_html(ctx: FaultContext) -> Fault:
    """Binary bytes served as text/html: a PNG image and random bytes."""
    png = _png(ctx, 20_000 + 7_000 * ctx.variant)
    noise = ctx.rng.randbytes(50_000 + 3_000 * ctx.variant)
    routes = [
        FaultRoute("/news.php", {"id": str(PNG_ARTICLE)}, reply=html_reply(png)),
        FaultRoute("/news.php", {"id": str(NOISE_ARTICLE)}, reply=html_reply(noise)),
    ]
    return Fault("binary-html", routes, links=[_link(PNG_ARTICLE), _link(NOISE_ARTICLE)])


# Sequences no UTF-8 decoder accepts: lone continuation bytes, overlong forms, UTF-16
# surrogates, code points past U+10FFFF, bytes never used in UTF-8, a cut sequence.
INVALID_SEQUENCES = [b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff",
                     b"\xfe", b"\xe2\x82", b"\xbf\xbf", b"\xf8\x88\x80\x80\x80"]  # fmt: skip


@register("invalid-utf8")
def invalid_utf8(ctx: FaultContext) -> Fault:
    """An article declaring UTF-8 (header and meta) with invalid byte sequences in its
    title and body: a real article that must still be exported."""
    titles = ["Welcome days in Graz, Österreich", "Integration forum in Timișoara",
              "Mentoring café in Tartu"]  # fmt: skip
    title = titles[ctx.variant % len(titles)]
    picks = ctx.rng.sample(INVALID_SEQUENCES, 4)
    body_text = [
        "Newcomers and local volunteers met for a week of workshops – in German, Arabic and Dari.",
        "The city council presented its new language courses.",
        "Partners from four regions shared what worked and what did not.",
    ]
    marker = "@@BAD@@"
    body = "".join(f"<p>{escape(s)} {marker}</p>" for s in body_text)
    page = article_html(f"{escape(title)} {marker}", body)
    parts = page.split(marker.encode())
    raw = parts[0]
    for n, part in enumerate(parts[1:]):
        raw += picks[n % len(picks)] + part
    route = article_route(INVALID_UTF8_ARTICLE, raw)
    return Fault("invalid-utf8", [route], links=[_link(INVALID_UTF8_ARTICLE)])


@register("huge-fields")
def huge_fields(ctx: FaultContext) -> Fault:
    """An article well under the page bound whose title, author, tags and body run on
    (a template loop gone wrong): a record to export with its fields cut and flagged."""
    words = ["regional", "integration", "welcome", "network", "Östersund", "café", "Łódź"]
    ctx.rng.shuffle(words)
    title = " ".join(words[n % len(words)] for n in range(400 + 50 * ctx.variant))
    author = "AER Communications " * (80 + 10 * ctx.variant)
    tags = [f"theme {n}" for n in range(230 + 20 * ctx.variant)]
    tags.append("long " + "tag " * (200 + ctx.variant))
    tag_links = "".join(f"<a>{escape(t)}</a> " for t in tags)
    paragraph = "<p>" + escape(" ".join(words) * 12) + "</p>\n"
    repeat = (1_100_000 + 100_000 * ctx.variant) // len(paragraph) + 1
    body = paragraph * repeat + f'<div class="news-tags">{tag_links}</div>'
    page = article_html(escape(title), body, author=escape(author))
    route = article_route(HUGE_FIELDS_ARTICLE, page)
    return Fault("huge-fields", [route], links=[_link(HUGE_FIELDS_ARTICLE)])
