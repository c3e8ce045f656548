#!/usr/bin/env python3
# ruff: noqa: E501  (content tables: prose and markup lines are kept whole)
"""Build the HOLDOUT snapshot of the legacy EU-Belong site: fixtures/holdout-site/.

A second, independently written site that follows the site survey
(/work/shared/legacy-site.md) with its own content and its own instances of every
quirk.  The scraper is never tuned against it; tests check invariants and the
hand-written ground truth in ``expected-facts.json`` (written by this script from
the same content tables, so the two cannot drift apart).

Python 3.11 standard library only, deterministic: running it twice gives
byte-identical output.  Usage::

    python scripts/build_holdout_site.py          # build + self-check
    python scripts/build_holdout_site.py --check  # self-check the existing folder only

Layout of the output folder (see fixtures/README.md for routes.json):

    index.html                 /  and /index.php
    news/list-N.html           /news.php, /news.php?page=N
    news/N.html                /news.php?id=N          (N-print.html for print=1)
    news/tag-SLUG.html         /news.php?tag=SLUG
    partners/index.html        /partners.php
    partners/XX.html           /partners.php?country=XX
    clusters/N.html            /cluster.php?id=N
    pages/NAME.html            /page.php?p=NAME
    events/template.html       calendar template, events/events.json its months
    rss.xml                    /rss.php
    robots.txt, 404.html
    uploads/..., img/...       media (tiny generated files)
"""

from __future__ import annotations

import datetime
import html
import io
import json
import re
import shutil
import struct
import sys
import unicodedata
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "holdout-site"
ORIGIN = "https://eu-belong.aer.eu"
HOSTS = {"eu-belong.aer.eu", "www.eu-belong.aer.eu"}

FILES: dict[str, bytes] = {}
ROUTES: list[dict] = []


def add_file(rel: str, data: bytes | str, encoding: str = "utf-8") -> str:
    if isinstance(data, str):
        data = data.encode(encoding)
    assert rel not in FILES, rel
    FILES[rel] = data
    return rel


def route(path: str, query: dict | None = None, file: str | None = None, **extra) -> None:
    r: dict = {"path": path}
    if query:
        r["query"] = query
    if file:
        r["file"] = file
    r.update(extra)
    ROUTES.append(r)


# ---------------------------------------------------------------------------
# PHP error strings
# ---------------------------------------------------------------------------


def html_err(level: str, msg: str, path: str, line: int) -> str:
    """html_errors=On form (what PHP prints into an HTML page)."""
    return f"<br />\n<b>{level}</b>:  {msg} in <b>{path}</b> on line <b>{line}</b><br />\n"


def plain_err(level: str, msg: str, path: str, line: int) -> str:
    """html_errors=Off form."""
    return f"\n{level}: {msg} in {path} on line {line}\n"


TEASER_WARNING = html_err(
    "Warning", 'Undefined array key "summary"', "/home/belong/public_html/inc/teaser.php", 57
)
OLD_TAGS_WARNING = html_err(
    "Warning",
    "foreach() argument must be of type array|object, null given",
    "/home/belong/public_html/templates/legacy/article.php",
    64,
)

# ---------------------------------------------------------------------------
# Media: tiny valid files with distinct bytes
# ---------------------------------------------------------------------------


def make_png(w: int, h: int, rgb: tuple[int, int, int], label: str) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * w
    raw = row * h
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + label.encode("ascii"))
        + chunk(b"IDAT", zlib.compress(raw, 0))  # stored: byte-stable
        + chunk(b"IEND", b"")
    )


def make_jpeg(label: str) -> bytes:
    """Baseline 8x8 greyscale JPEG, hand-assembled; the COM segment makes it unique."""
    com = label.encode("ascii")
    parts = [
        b"\xff\xd8",
        b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
        b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com,
        b"\xff\xdb\x00\x43\x00" + b"\x01" * 64,
        b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00",
        b"\xff\xc4\x00\x14\x00" + b"\x01" + b"\x00" * 15 + b"\x00",  # DC: one code, cat 0
        b"\xff\xc4\x00\x14\x10" + b"\x01" + b"\x00" * 15 + b"\x00",  # AC: one code, EOB
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00",
        b"\x3f",  # DC diff 0, EOB, padded with ones
        b"\xff\xd9",
    ]
    return b"".join(parts)


def make_pdf(title: str) -> bytes:
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 40 100 Td (" + text + b") Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + text + b") /Producer (EU-Belong holdout) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info {len(objs)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def make_docx(title: str, text: str) -> bytes:
    esc = html.escape
    members = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>",
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"<w:p><w:r><w:t>{esc(title)}</w:t></w:r></w:p>"
        f"<w:p><w:r><w:t>{esc(text)}</w:t></w:r></w:p>"
        "</w:body></w:document>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in members.items():
            zi = zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_STORED
            zi.create_system = 0
            zi.external_attr = 0
            zf.writestr(zi, content.encode("utf-8"))
    return buf.getvalue()


MEDIA: dict[str, bytes] = {}


def media(path: str, label: str = "") -> str:
    """Register a media file served at URL `path` (generated from its extension)."""
    if path in MEDIA:
        return path
    label = label or path
    ext = path.rsplit(".", 1)[-1].lower()
    seed = zlib.crc32(path.encode()) & 0xFFFFFF
    if ext == "png":
        data = make_png(
            4 + seed % 5,
            3 + seed % 4,
            ((seed >> 16) & 255, (seed >> 8) & 255, seed & 255),
            "holdout " + path,
        )
    elif ext in ("jpg", "jpeg"):
        data = make_jpeg("holdout " + path)
    elif ext == "pdf":
        data = make_pdf(label)
    elif ext == "docx":
        data = make_docx(label, "EU-Belong holdout document " + path)
    else:
        raise ValueError(path)
    MEDIA[path] = data
    return path


# ---------------------------------------------------------------------------
# Chrome
# ---------------------------------------------------------------------------

MENU_A = """\t<ul id="menu">
\t\t<li><a href="/">Home</a></li>
\t\t<li><a href="/page.php?p=about">About</a></li>
\t\t<li><a href="/partners.php">Who are we?</a></li>
\t\t<li><a href="/news.php">News</a></li>
\t\t<li><a href="/events.php?month=2025-03">Events</a></li>
\t\t<li><a href="/page.php?p=contact">Contact</a></li>
\t\t<li class="login"><a href="/admin/">Partner login</a></li>
\t</ul>"""

MENU_B = (
    "  <ul id='menu'><li><a href='/index.php'>Home</a></li><li><a href='/page.php?p=about'>About</a></li>"
    "<li><a href='/partners.php'>Who are we?</a></li><li class='active'><a href='/news.php'>News</a></li>"
    "<li><a href='/events.php?month=2025-03'>Events</a></li><li><a href='/page.php?p=contact'>Contact</a></li>"
    "<li class='login'><a href='/admin/'>Partner login</a></li></ul>"
)

FOOTER = """<footer id="footer">
\t<div class="newsletter"><h4>Newsletter</h4><p>Four times a year, the best of EU-Belong in your inbox.</p>
\t<form method="post" action="/newsletter.php"><input type="email" name="email" placeholder="Your e-mail address"> <button type="submit">Subscribe</button></form></div>
\t<img alt="Co-funded by the European Union" src="/img/eu-flag.png" width="150">
\t<p>Co-funded by the Asylum, Migration and Integration Fund of the European Union (AMIF-2020-AG-CALL). The content of this website represents the views of the authors only and is their sole responsibility.</p>
\t<p>&copy; Assembly of European Regions 2022&ndash;2025 &middot; <a href="/page.php?p=contact">Contact</a></p>
</footer>"""

COOKIE = (
    '<div id="cookie-notice">We use cookies to count visits and to remember your choices. '
    '<a href="/page.php?p=about#cookies">Read more</a> <button type="button">Accept</button></div>'
)


def chrome(
    title: str,
    body_class: str,
    main: str,
    *,
    description: str,
    charset: str | None = "meta",
    pre: str = "",
    variant: str = "a",
    title_raw: str | None = None,
    close: bool = True,
) -> str:
    """A full page. variant 'a' = current chrome, 'b' = the one kept by old templates."""
    title_html = title_raw if title_raw is not None else f"EU-Belong - {title}"
    if variant == "a":
        head = ["<!DOCTYPE html>", '<html lang="en">', "<head>"]
        if charset == "meta":
            head.append('<meta charset="utf-8">')
        head += [
            f"<title>{title_html}</title>",
            f'<meta name="description" content="{description}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<link rel="alternate" type="application/rss+xml" href="/rss.php">',
            "</head>",
            f'<body class="{body_class}">',
            COOKIE,
            '<header id="header">',
            '\t<a class="logo" href="/"><img src="/img/logo.png" alt="EU-Belong"></a>',
            MENU_A,
            "</header>",
            '<div id="main">',
        ]
    else:
        head = ["<!DOCTYPE html>", '<HTML lang="en">', "<HEAD>"]
        if charset == "meta":
            head.append('  <META http-equiv="Content-Type" content="text/html; charset=utf-8">')
        head += [
            f"  <TITLE>{title_html}</TITLE>",
            f"  <meta content='{description}' name='description'>",
            '  <link type="application/rss+xml" title="EU-Belong news" rel="alternate" href="/rss.php" />',
            "</HEAD>",
            f"<body class='{body_class}'>",
            COOKIE.replace('"', "'"),
            "<header id=header>",
            '  <a href="/index.php" class="logo"><img alt="EU-Belong" src="/img/logo.png" /></a>',
            MENU_B,
            "</header>",
            "<div id='main'>",
        ]
    page = pre + "\n".join(head) + "\n" + main
    if close:
        page += "\n</div>\n" + FOOTER + "\n</body></html>\n"
    return page


# ---------------------------------------------------------------------------
# Content: tags, articles
# ---------------------------------------------------------------------------

TAGS = {
    "youth": "Youth",
    "education": "Education",
    "labour-market": "Labour market",
    "participation": "Participation",
    "anti-discrimination": "Anti-discrimination",
}

SIDEBAR = """<div id="sidebar">
\t<h4>Latest news</h4>
\t<ul>
\t\t<li><a href="http://www.eu-belong.aer.eu/news.php?id=170">Final Conference: Regions Commit to an Intercultural Future</a></li>
\t\t<li><a href="/news.php?id=158&">Youth Councils Across Europe Share Their Recipes for Belonging</a></li>
\t\t<li><a href="/news.php?ID=151">Intercultural Classrooms Toolkit Now Available in Six Languages</a></li>
\t\t<li><a href="https://eu-belong.aer.eu/news.php?id=147&amp;utm_source=sidebar">V\u00e4stra G\u00f6taland bjuder in till medborgardialog om inkludering</a></li>
\t\t<li><a href="/news.php?id=142#comments">Lyon Peer Review Puts Inclusive Public Services Under the Spotlight</a></li>
\t</ul>
</div>"""

# Each article: fields used for rendering and the ground-truth facts.
#   template: "old" (2022) / "new" (2023+)
#   date_html: text of span.date / p.meta, or None (date only in prose)
#   image: news-image {src, alt_html, alt, credit_html, credit}
#   body_images: [{src, alt, credit}] facts for images inside the body
#   attachments: [(path, title, suffix)]
ARTICLES: list[dict] = [
    # ----------------------------------------------------------------- 2022, old template
    dict(
        id=103,
        template="old",
        lang="en",
        published="2022-03-10",
        date_inferred=False,
        date_html="Posted on 10.03.2022",
        title="Partner Regions Compare Reception Policies at First Online Exchange",
        author=None,
        tags=[],
        body="""<p>Barely two weeks after the project was launched, officials from the partner regions met online to compare how newcomers are received in their territories, from the first registration desk to language classes, housing and health care.
<p>The exchange revealed very different set-ups. Some regions coordinate reception through a single one-stop shop, while others rely on municipalities, churches and migrant associations working side by side with little formal coordination.</p>
<IMG SRC="/uploads/2022/03/online-exchange.png" ALT="Screenshot of the online exchange with participants from six regions" BORDER=0>
<p>[Photo: EU-Belong project team]</p>
<p>Participants agreed to use a common grid to describe their reception systems, so that the baseline reports prepared in each region during the first semester can be compared.<br>
The grid covers governance, funding, language provision and the involvement of newcomers themselves.</p>
<p></p>
<p>The next exchange will focus on unaccompanied minors.</p>""",
        body_images=[
            dict(
                src="/uploads/2022/03/online-exchange.png",
                alt="Screenshot of the online exchange with participants from six regions",
                credit="Photo: EU-Belong project team",
            )
        ],
        marker="[...]",
    ),
    dict(
        id=106,
        template="old",
        lang="en",
        published="2022-05-18",
        date_inferred=False,
        date_html="Posted on 18.05.2022",
        encoding="cp1252",
        charset="none",
        title="Survey on Intercultural Competences: First Results",
        author=None,
        tags=[],
        body="""<p class=MsoNormal style='mso-margin-top-alt:auto;mso-margin-bottom-alt:auto;line-height:normal'><span lang=EN-GB style='font-size:11.0pt;mso-bidi-font-family:Calibri'>More than 400 staff members of regional administrations answered the EU-Belong survey on intercultural competences between March and May \u2013 a response rate well above what the partners had expected.<o:p></o:p></span></p>
<p class=MsoNormal><span lang=EN-GB style='mso-ansi-language:EN-GB'>Respondents were asked how confident they feel when working with people from different cultural backgrounds, and which tools would help them most. \u201cWe need practical guidance, not only principles,\u201d wrote one caseworker from the r\u00e9gion\u2019s social services.<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<P>Training needs differ: 62&nbsp;% of respondents asked for short modules on communication, while a third would prefer peer exchanges with colleagues in other regions. The caf\u00e9-style discussion format tested in Brussels was rated \u201cvery useful\u201d by most participants.</P>
<p class=MsoNormal style='mso-line-height-alt:12.0pt'><span style='mso-bidi-font-weight:bold'>The full report, with a budget estimate of \u20ac45,000 for the training programme, will be presented in the autumn.<o:p></o:p></span></p>""",
        marker="[\u2026]",
    ),
    dict(
        id=110,
        template="old",
        lang="en",
        published="2022-10-11",
        date_inferred=True,
        date_html=None,  # no date block at all: "On 11-12 October" + /uploads/2022/10/
        title="Study Visit to Timi\u0219oara: Schools as Meeting Places",
        author=None,
        tags=[],
        body="""<p><font face="Verdana" size="2">On 11-12 October, a delegation of eighteen regional officials and teachers travelled to Timi\u0219oara to see how local schools open their doors to families who have recently arrived in the city.</font></p>
<p><font face="Verdana" size="2">The programme included visits to two primary schools, a meeting with the county school inspectorate and an evening of music organised by parents' associations.</font>
<img src="/uploads/2022/10/timisoara-school-visit.jpg" alt="Pupils and visitors in a school courtyard in Timi\u0219oara" width="600" height="400">
<p>[Fotografie: Consiliul Jude\u021bean Timi\u0219]
<p>&nbsp;&nbsp;&nbsp;&nbsp;</p>
<p><FONT COLOR="#333333">Participants left with concrete ideas: a welcome booklet written by pupils for pupils, after-school homework clubs run with volunteers, and a simple way to let parents follow their children's progress in their own language.</FONT></p>""",
        body_images=[
            dict(
                src="/uploads/2022/10/timisoara-school-visit.jpg",
                alt="Pupils and visitors in a school courtyard in Timi\u0219oara",
                credit="Fotografie: Consiliul Jude\u021bean Timi\u0219",
            )
        ],
        marker="...",
    ),
    dict(
        id=114,
        template="old",
        lang="en",
        published="2022-12-06",
        date_inferred=False,
        date_html="Posted on 06.12.2022",
        encoding="cp1252",
        charset="header",
        title="Opportunity: Winter Training for Intercultural Mediators \u2013 Apply Before 15 January",
        author=None,
        tags=[],
        body="""<p>The EU-Belong partners are looking for <b>intercultural mediators</b> who want to deepen their skills in a five-day winter training in Brussels, from 6 to 10 February.</p>
<p>The training is open to mediators working with regional or local authorities in the partner regions. Sessions will cover conflict resolution, interpreting in public services and the \u201cdo\u2019s and don\u2019ts\u201d of working with families in crisis.
<p>Applicants should send a CV and a short motivation letter (max. 500 words) to the project secretariat before 15 January. Accommodation is provided and travel costs of up to \u20ac300 per participant will be reimbursed \u2013 please keep your tickets.</p>
<p>Questions? Write to <a href="mailto:belong@aer.eu">belong@aer.eu</a> or see our <a href='https://eu-belong.aer.eu/page.php?p=contact'>contact page</a>.</p>""",
        marker="[...]",
    ),
    # ----------------------------------------------------------------- 2023+, new template
    dict(
        id=121,
        template="new",
        lang="en",
        published="2023-02-14",
        date_inferred=False,
        date_html="14/02/2023",
        fail_503=True,
        title="Co-design Labs Bring Newcomers into Regional Policymaking",
        author="Elena M\u00e1rquez",
        tags=["participation", "anti-discrimination"],
        image=dict(
            src="/uploads/2023/02/co-design-lab.jpg",
            alt="Participants sorting ideas on a wall of sticky notes",
            credit_html="[Photo: Jonas Lindqvist for Region V\u00e4stra G\u00f6taland]",
            credit="Photo: Jonas Lindqvist for Region V\u00e4stra G\u00f6taland",
        ),
        body="""<p>How can people who arrived in a region only a few years ago help shape the policies that concern them? This was the question behind the first EU-Belong co-design labs, held this winter in three partner regions.</p>
<p>In each lab, newcomers, civil servants and representatives of civil society worked together for two days on a concrete challenge chosen by the region: access to housing information in Lyon, recognition of qualifications in Gothenburg and school enrolment in Timi\u0219oara.</p>
<h3>From sticky notes to policy proposals</h3>
<p>The labs followed a simple method: listen first, then map the obstacles, and only then look for solutions. As we reported in <a href="/news.php?id=118">our January update</a>, the partners had prepared the format together with the experts behind the <a href="/news.php?ID=106">competences survey</a>.</p>
<iframe width="560" height="315" src="https://www.youtube.com/embed/Qw7rT2nLk8A" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture" allowfullscreen></iframe>
<p>Each lab ended with a short list of proposals that the regional administrations have committed to test during the year. <a href="javascript:void(0)" onclick="openGallery(121)">See the photo gallery</a></p>""",
        embeds=[("youtube", "https://www.youtube.com/embed/Qw7rT2nLk8A")],
        marker="[...]",
    ),
    dict(
        id=124,
        template="new",
        lang="ro",
        published="2023-04-27",
        date_inferred=False,
        date_html="27 April 2023",
        title="Timi\u0219oara g\u0103zduie\u0219te primul atelier EU-Belong despre educa\u021bia intercultural\u0103",
        author="Andreea Popescu",
        tags=["education", "youth"],
        image=dict(
            src="/uploads/2023/04/atelier-timisoara.jpg",
            alt="Profesori discut\u00e2nd \u00een grupuri de lucru",
            credit_html="Foto: Consiliul Jude\u021bean Timi\u0219",
            credit="Foto: Consiliul Jude\u021bean Timi\u0219",
        ),
        body="""<p>Peste cincizeci de profesori, mediatori \u0219colari \u0219i reprezentan\u021bi ai autorit\u0103\u021bilor locale s-au reunit la Timi\u0219oara pentru primul atelier EU-Belong dedicat educa\u021biei interculturale.</p>
<p>Participan\u021bii au discutat despre modul \u00een care \u0219colile pot deveni locuri de \u00eent\u00e2lnire pentru familiile nou-sosite \u0219i pentru comunitatea local\u0103. Au fost prezentate exemple din Suedia \u0219i Fran\u021ba, iar grupurile de lucru au elaborat propuneri concrete pentru anul \u0219colar urm\u0103tor.</p>
<h3>Ce urmeaz\u0103?</h3>
<ul>
  <li>ateliere pentru p\u0103rin\u021bi, organizate \u00een fiecare semestru;</li>
  <li>cursuri de limba rom\u00e2n\u0103 pentru copiii nou-sosi\u021bi;</li>
  <li>activit\u0103\u021bi sportive comune \u00eentre \u0219coli.</li>
</ul>
<p>Propunerile vor fi incluse \u00een planul regional de ac\u021biune, care va fi supus consult\u0103rii publice \u00een toamn\u0103. \u201eDiversitatea este o resurs\u0103 pentru fiecare clas\u0103\u201d, a subliniat directoarea unei \u0219coli gimnaziale din ora\u0219.</p>
<p>Afla\u021bi mai multe despre <a href="https://eu-belong.aer.eu/partners.php?country=ro">partenerii din Rom\u00e2nia</a>.</p>""",
        marker="[\u2026]",
    ),
    dict(
        id=129,
        template="new",
        lang="en",
        published="2023-06-08",
        date_inferred=False,
        date_html="8 de junio de 2023",
        title_error=plain_err(
            "Notice",
            "session_start(): Ignoring session_start() because a session is already active",
            "/var/www/eu-belong/inc/session.php",
            8,
        ),
        title="Job Fairs with a Difference: Lessons from Valencia",
        author="Luc\u00eda Fern\u00e1ndez",
        tags=["labour-market"],
        image=dict(
            src="/uploads/2023/06/job-fair-valencia.jpg",
            alt="Jobseekers and employers talking at small tables",
            credit_html="[Foto cedida por la Generalitat Valenciana @autor: Pau Ribera]",
            credit="Foto cedida por la Generalitat Valenciana @autor: Pau Ribera",
        ),
        body="""<p class="MsoNormal" style="margin-bottom:0cm;mso-line-height-alt:12.0pt"><span style="font-family:&quot;Arial&quot;,sans-serif;mso-fareast-font-family:&quot;Times New Roman&quot;">Job fairs are nothing new. But the fair organised by the Generalitat Valenciana this spring was different: employers, trade unions and jobseekers with a migrant background prepared it together, months in advance.<o:p></o:p></span></p>
<p class="MsoNormal"><span style="mso-bidi-font-weight:bold">Instead of stands and brochures, the fair offered short speed interviews, language-friendly application forms and a desk where foreign diplomas could be checked on the spot.&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;More than 300 visitors took part.<o:p></o:p></span></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<script type="text/javascript">var _paq = window._paq || []; _paq.push(['trackPageView']); document.write('<img src="https://stats.example.org/p.gif">');</script>
<h3>What other regions can take away</h3>
<ul>
<li>Involve employers from the start, not only on the day.</li>
<li>Make the recognition of qualifications visible and fast.</li>
<li>Follow up: a fair is the beginning of a relationship, not the end.</li>
</ul>
<p>&nbsp;</p>
<p>The EU-Belong partners will discuss the Valencian experience at the next meeting of the <a href="/cluster.php?id=9">labour-market cluster</a>.</p>""",
        marker="...",
    ),
    dict(
        id=133,
        template="new",
        lang="en",
        published="2023-10-19",
        date_inferred=True,
        date_html=None,  # "On Thursday 19th October": only 2023 fits in 2022-2025
        title="Young Ambassadors Take the Floor in Strasbourg",
        author="Marek Nov\u00e1k",
        tags=["youth", "participation"],
        image=dict(
            src="/uploads/2023/10/young-ambassadors.jpg",
            alt="Young ambassadors on the podium of a conference room",
            credit_html="[Photo: AER / Pierre Lenoir]",
            credit="Photo: AER / Pierre Lenoir",
        ),
        body="""<p>On Thursday 19th October, twenty-two young people from five regions took the floor in Strasbourg to present their ideas for more welcoming communities to regional politicians.</p>
<p>The young ambassadors, aged 16 to 24, were selected by the partner regions earlier this year. Many of them arrived in Europe as children; others grew up in neighbourhoods where a dozen languages are spoken in the street.</p>
<blockquote><p>\u201cWe don't want to be the topic of the discussion. We want to be part of it,\u201d said Amina, a student from Saint-\u00c9tienne.</p></blockquote>
<p>Their recommendations, on school guidance, sport and access to public transport, were handed over to the regional representatives present in the room.</p>""",
        marker="[...]",
        comments=True,
    ),
    dict(
        id=137,
        template="new",
        lang="en",
        published="2023-12-05",
        date_inferred=False,
        date_html="2023-12-05 14:30:00",
        fatal=True,
        title="Policy Brief: Measuring Intercultural Integration in the Regions",
        author="Henrik Dahl",
        tags=["anti-discrimination"],
        image=dict(
            src="/uploads/2023/12/policy-brief-cover.png",
            alt="Cover of the policy brief",
            credit_html="[Illustration: Studio Vinter]",
            credit="Illustration: Studio Vinter",
        ),
        body="""<p>How do we know whether a region is becoming more intercultural? A new EU-Belong policy brief proposes a small set of indicators that regional governments can collect without launching new surveys.</p>
<p>The brief builds on the data that partner regions already gather on education, employment, health and civic participation, and suggests reading them through an intercultural lens.</p>
<h2>Four indicators to start with</h2>
<ul>
<li>the share of public services offering interpreting on request;</li>
<li>the participation of residents with a migrant background in consultative bodies;</li>
<br />
<b>Fatal error</b>:  Uncaught Error: Call to undefined function render_indicator_chart() in /home/belong/public_html/templates/news_detail.php:148
Stack trace:
#0 /home/belong/public_html/news.php(61): include()
#1 {main}
  thrown in <b>/home/belong/public_html/templates/news_detail.php</b> on line <b>148</b><br />
""",
        marker="[\u2026]",
    ),
    dict(
        id=142,
        template="new",
        lang="en",
        published="2024-02-20",
        date_inferred=False,
        date_html="20 f\u00e9vrier 2024",
        print_view=True,
        title="Lyon Peer Review Puts Inclusive Public Services Under the Spotlight",
        author="Camille Roux",
        tags=["labour-market", "participation"],
        image=dict(
            src="/uploads/2024/02/lyon-peer-review.jpg",
            alt="Peer reviewers in a meeting room in Lyon",
            credit_html="[Photo : R\u00e9gion Auvergne-Rh\u00f4ne-Alpes / Julien Marchand]",
            credit="Photo : R\u00e9gion Auvergne-Rh\u00f4ne-Alpes / Julien Marchand",
        ),
        body="""<p>Can a town hall become a place where everyone feels expected? That was the starting point of the peer review hosted by the R\u00e9gion Auvergne-Rh\u00f4ne-Alpes in Lyon, which brought together 35 practitioners from the EU-Belong partner regions.</p>
<p>For three days, the peer reviewers visited front desks, social services and a job centre, and talked to staff and users. Their verdict: the will is there, but information is still too often available in French only.</p>
<img src='/uploads/2024/02/lyon-info-desk.png' alt='Multilingual information desk at a Lyon town hall' width='480'>
<p>[Photo: Ville de Lyon / Service communication]</p>
<h3>Recommendations</h3>
<ol><li>Train front-desk staff in intercultural communication.</li><li>Use plain language and pictograms in all forms.</li><li>Involve users when testing new services.</li></ol>
<iframe src="https://player.vimeo.com/video/846210357" width="640" height="360" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>
<p>Read also: <a href="/news.php?id=129&amp;utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=feb2024">job fairs with a difference</a>.</p>""",
        body_images=[
            dict(
                src="/uploads/2024/02/lyon-info-desk.png",
                alt="Multilingual information desk at a Lyon town hall",
                credit="Photo: Ville de Lyon / Service communication",
            )
        ],
        embeds=[("vimeo", "https://player.vimeo.com/video/846210357")],
        attachments=[
            (
                "/uploads/2024/02/peer-review-report-lyon.pdf",
                "Peer review report: Lyon",
                "PDF, 1.2 MB",
            ),
            (
                "/uploads/2024/02/service-design-checklist.docx",
                "Service design checklist",
                "DOCX, 120 KB",
            ),
        ],
        marker="[...]",
    ),
    dict(
        id=147,
        template="new",
        lang="sv",
        published="2024-05-15",
        date_inferred=False,
        date_html="15.05.2024",
        title="V\u00e4stra G\u00f6taland bjuder in till medborgardialog om inkludering",
        author="Sara Bergstr\u00f6m",
        tags=["participation"],
        image=dict(
            src="/uploads/2024/05/medborgardialog.jpg",
            alt_html=html_err(
                "Warning",
                "Undefined variable $caption",
                "/home/belong/public_html/inc/media.php",
                88,
            )
            + "Deltagare samtalar runt ett bord",
            alt="Deltagare samtalar runt ett bord",
            credit_html="Foto: Region V\u00e4stra G\u00f6taland",
            credit="Foto: Region V\u00e4stra G\u00f6taland",
        ),
        body="""<p>Region V\u00e4stra G\u00f6taland inleder nu en serie medborgardialoger d\u00e4r inv\u00e5nare med olika bakgrund f\u00e5r dela sina erfarenheter av att bo och arbeta i regionen.</p>
<p>Dialogerna genomf\u00f6rs i samarbete med kommuner, f\u00f6reningar och studief\u00f6rbund. M\u00e5let \u00e4r att ta fram konkreta f\u00f6rslag som kan ing\u00e5 i den regionala strategin f\u00f6r social h\u00e5llbarhet.</p>
<h3>S\u00e5 kan du delta</h3>
<ol>
\t<li>Anm\u00e4l dig via din kommun eller f\u00f6rening.</li>
\t<li>V\u00e4lj ett av de sex m\u00f6testillf\u00e4llena under h\u00f6sten.</li>
\t<li>Ta g\u00e4rna med en v\u00e4n \u2013 tolk finns p\u00e5 plats.</li>
</ol>
<p>\u2013 Vi vill lyssna innan vi fattar beslut, s\u00e4ger projektledaren f\u00f6r EU-Belong i regionen.</p>""",
        marker="...",
    ),
    dict(
        id=151,
        template="new",
        lang="en",
        published="2024-09-24",
        date_inferred=False,
        date_html="September 24, 2024",
        pre=html_err(
            "Deprecated",
            "Function strftime() is deprecated",
            "/home/belong/public_html/inc/dates.php",
            19,
        ),
        title="Intercultural Classrooms Toolkit Now Available in Six Languages",
        author="Nikos Papadakis",
        tags=["education"],
        body="""<p>The EU-Belong toolkit <em>Intercultural Classrooms</em> is now available in English, French, Romanian, Swedish, Spanish and Greek. It gathers thirty activities that teachers have tested with pupils aged 8 to 15 in the partner regions.</p>
<div class="toolkit-cover" onmouseover="this.style.opacity='0.7'" onmouseout="this.style.opacity='1'"><img src="http://www.eu-belong.aer.eu/uploads/2024/09/toolkit-cover.png" alt="Cover of the Intercultural Classrooms toolkit"/></div>
<p>The activities range from a five-minute warm-up on the names pupils carry to a full project week on the history of migration in the pupils' own town. Each activity comes with a short description, the materials needed and tips from the teachers who tried it.</p>
<p>The toolkit was first presented at the <a href="/article.php?id=124">workshop in Timi\u0219oara</a>, where teachers gave feedback on an early draft.</p>
<p><strong>How to get it:</strong> download the PDF below, or ask your regional contact for a printed copy.</p>""",
        body_images=[
            dict(
                src="/uploads/2024/09/toolkit-cover.png",
                alt="Cover of the Intercultural Classrooms toolkit",
                credit=None,
            )
        ],
        attachments=[
            (
                "/uploads/2024/09/intercultural-classrooms-toolkit-en.pdf",
                "Intercultural Classrooms toolkit \u2013 English",
                "PDF, 3.4 MB",
            )
        ],
        marker="[...]",
    ),
    dict(
        id=158,
        template="new",
        lang="en",
        published="2024-11-28",
        date_inferred=False,
        date_html="28/11/2024",
        print_view=True,
        title="Youth Councils Across Europe Share Their Recipes for Belonging",
        author="Chiara Russo",
        tags=["youth"],
        image=dict(
            src="/uploads/2024/11/youth-councils-brussels.jpg",
            alt="Young people in a workshop in Brussels",
            credit_html="[Photo: EU-Belong / AER]",
            credit="Photo: EU-Belong / AER",
        ),
        body="""<p>What makes young people feel that they belong? Youth councils from Bologna, Malm\u00f6, Cluj-Napoca and Grenoble met in Brussels to compare their answers and to write a short guide for regional governments that want to set up similar bodies.</p>
<table class="layout" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td valign="top">
<table width="100%"><tr><td><p>Each council presented one project it is proud of: a multilingual radio show, a football league open to newly arrived teenagers, a mentoring programme and a festival of food and music.</p></td></tr></table>
</td><td valign="top" width="40%">
<img src="/uploads/2024/11/youth-council-bologna.jpg" alt="Members of the Bologna youth council on stage">
<p>[Fotografia di Marco Bellini]</p>
</td></tr></table>
<p>The discussions were lively"""
        + html_err(
            "Notice",
            "Only variables should be passed by reference",
            "/home/belong/public_html/inc/glossary.php",
            112,
        )
        + """ and sometimes heated, especially on whether youth councils should have a say in regional budgets.</p>
<p>The guide will be published in spring. In the meantime, read about the <a href="/news.php?id=147&amp;PHPSESSID=5c1f0a9e7b3d2c4f6a8e0b1d3f5a7c9e">citizen dialogues in V\u00e4stra G\u00f6taland</a>.</p>""",
        body_images=[
            dict(
                src="/uploads/2024/11/youth-council-bologna.jpg",
                alt="Members of the Bologna youth council on stage",
                credit="Fotografia di Marco Bellini",
            )
        ],
        attachments=[
            ("/uploads/2024/11/youth-councils-programme.pdf", "Meeting programme", "PDF, 240 KB")
        ],
        marker="[\u2026]",
    ),
    dict(
        id=170,
        template="new",
        lang="en",
        published="2025-03-12",
        date_inferred=False,
        date_html="2025-03-12 10:00:00",
        title="Final Conference: Regions Commit to an Intercultural Future",
        author=None,
        tags=["labour-market", "anti-discrimination"],
        image=dict(
            src="/uploads/2025/03/final-conference.jpg",
            alt="Signing of the Belong Declaration",
            credit_html="[Photo: AER / Pierre Lenoir]",
            credit="Photo: AER / Pierre Lenoir",
        ),
        body="""<p>After three years of co-design labs, peer reviews and study visits, the EU-Belong partners met in Brussels for the final conference of the project and adopted the Belong Declaration, a shared commitment to keep the intercultural approach at the heart of regional policies.</p>
<p>The declaration"""
        + plain_err(
            "Deprecated",
            "Creation of dynamic property Article::$summary is deprecated",
            "/var/www/eu-belong/classes/Article.php",
            27,
        )
        + """ was signed by the political representatives of nine regions and remains open for signature by other members of the Assembly of European Regions.</p>
<iframe src="https://www.youtube.com/embed/Lm4pXz0bR7c?rel=0" width="560" height="315" frameborder="0" allowfullscreen></iframe>
<p>Speakers highlighted the results of the project: <font color="#00577b"><b>more than 1,200 civil servants trained</b></font>, four regional action plans adopted and a network of young ambassadors that will keep meeting.</p>
<P>Look back at the <a href="/news.php?id=158&">youth councils' meeting</a> and at the <a href="http://www.eu-belong.aer.eu/news.php?id=121">first co-design labs</a>.</P>""",
        embeds=[("youtube", "https://www.youtube.com/embed/Lm4pXz0bR7c?rel=0")],
        attachments=[
            ("/uploads/2025/03/belong-declaration.docx", "The Belong Declaration", "DOCX, 120 KB"),
            (
                "/uploads/2025/03/final-conference-programme.pdf",
                "Final conference programme",
                "PDF, 850 KB",
            ),
        ],
        marker="...",
    ),
]

REMOVED_ID = 118
BY_ID = {a["id"]: a for a in ARTICLES}
NEWEST_FIRST = sorted(ARTICLES, key=lambda a: a["published"], reverse=True)

CLUSTERS = [
    dict(
        id=4,
        title="Intercultural Education and Youth Participation",
        box="Schools, youth work and young people's voice in regional decisions.",
        intro="""<p>Schools and youth organisations are often the first places where newcomers and long-term residents meet as equals. This cluster brings together education departments, youth councils and teachers to exchange practices that turn diversity into a learning resource.</p>
<p>Activities include study visits, online sessions with practitioners and the co-production of teaching material.</p>""",
        related=[158, 124, 133, 110],
    ),
    dict(
        id=9,
        title="Inclusive Labour Markets and Public Services",
        box="Access to work, recognition of skills and public services designed for everyone.",
        intro="""<p>Finding a job that matches one's skills and getting clear answers from public services are two of the strongest drivers of belonging. The partners in this cluster test new ways of working with employers, job centres and front-desk staff.</p>
<p>Peer reviews give each region an outside look at its own services.</p>""",
        related=[170, 142, 129, 121],
    ),
]

# partners: country code -> (country name, option spelling, [partners])
PARTNERS = [
    dict(
        cc="BE",
        country="Belgium",
        name="Assembly of European Regions",
        region=None,
        role="lead_partner",
        role_text="Lead partner",
        website="https://aer.eu",
        logo="/uploads/partners/aer.png",
        desc="The AER is the largest independent network of regions in wider Europe. It coordinates EU-Belong and its knowledge transfer clusters.",
    ),
    dict(
        cc="BE",
        country="Belgium",
        name="Institut Europ\u00e9en de M\u00e9diation Interculturelle",
        region=None,
        role="technical_partner",
        role_text="Technical partner",
        website="https://www.iemi.eu",
        logo="/uploads/partners/iemi.png",
        desc="A Brussels-based research centre that trains public officials in intercultural mediation and designs the project's capacity-building programme.",
    ),
    dict(
        cc="FR",
        country="France",
        name="R\u00e9gion Auvergne-Rh\u00f4ne-Alpes",
        region="Auvergne-Rh\u00f4ne-Alpes",
        role="partner",
        role_text="Partner",
        website="https://www.auvergnerhonealpes.fr",
        logo="/uploads/partners/auvergne-rhone-alpes.png",
        desc="The region hosts the peer review on inclusive public services and leads the work on access to information.",
    ),
    dict(
        cc="FR",
        country="France",
        name="Ville de Saint-\u00c9tienne",
        region="Auvergne-Rh\u00f4ne-Alpes",
        role="associate",
        role_text="Associate",
        website="https://www.saint-etienne.fr",
        logo="/uploads/partners/saint-etienne.jpg",
        desc="The city joins the project as an associate and contributes its experience with youth participation.",
    ),
    dict(
        cc="RO",
        country="Romania",
        name="Consiliul Jude\u021bean Timi\u0219",
        region="Timi\u0219",
        role="partner",
        role_text="Partner",
        website="https://www.cjtimis.ro",
        logo="/uploads/partners/timis.png",
        desc="The county council of Timi\u0219 works on intercultural education together with schools and the county school inspectorate.",
    ),
    dict(
        cc="SE",
        country="Sweden",
        name="Region V\u00e4stra G\u00f6taland",
        region="V\u00e4stra G\u00f6taland",
        role="partner",
        role_text="Partner",
        website="https://www.vgregion.se",
        logo="/uploads/partners/vastra-gotaland.png",
        mojibake=True,
        desc="The region runs citizen dialogues and leads the work on recognition of qualifications.",
    ),
]
COUNTRY_LINK = {"BE": "be", "FR": "FR", "RO": "Ro", "SE": "se"}  # mixed-case spellings
COUNTRY_NAME = {"BE": "Belgium", "FR": "France", "RO": "Romania", "SE": "Sweden"}


def mojibake(s: str) -> str:
    """UTF-8 read as windows-1252 and written out again as UTF-8 (double encoding)."""
    return s.encode("utf-8").decode("cp1252")


def slugify(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


# ---------------------------------------------------------------------------
# Rendering helpers
# ---------------------------------------------------------------------------


def plain_text(fragment: str) -> str:
    fragment = re.sub(r"(?is)<script.*?</script>", " ", fragment)
    fragment = re.sub(
        r"(?s)<br />\n<b>(?:Warning|Notice|Deprecated|Fatal error)</b>:.*?<br />\n", " ", fragment
    )
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(html.unescape(fragment).split())


def excerpt(a: dict, words: int = 24) -> str:
    return " ".join(plain_text(a["body"]).split()[:words]).rstrip(".,;:") + a["marker"]


def thumb_of(a: dict) -> str | None:
    if a.get("image"):
        return a["image"]["src"]
    if a.get("body_images"):
        return a["body_images"][0]["src"]
    return None


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def teaser(a: dict, href: str, *, indent: str = "") -> str:
    t = thumb_of(a)
    lines = ['<div class="news-item">']
    if t:
        lines.append(f'  <a href="{href}"><img class="thumb" src="{t}" alt=""></a>')
    lines += [
        f'  <h3><a href="{href}">{esc(a["title"])}</a></h3>',
        f'  <p class="excerpt">{esc(excerpt(a))}</p>',
        f'  <a class="more" href="{href}">Read more</a>',
        "</div>",
    ]
    return "\n".join(indent + ln for ln in lines)


def tag_links(a: dict) -> str:
    return ", ".join(f'<a href="/news.php?tag={s}">{TAGS[s]}</a>' for s in a["tags"])


def share_block(a: dict) -> str:
    u = f"https%3A%2F%2Feu-belong.aer.eu%2Fnews.php%3Fid%3D{a['id']}"
    parts = [
        '<div class="share">Share this! ',
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank">Facebook</a> ',
        f'<a href="https://twitter.com/intent/tweet?url={u}" target="_blank">X</a> ',
        f'<a href="https://www.linkedin.com/shareArticle?mini=true&amp;url={u}" target="_blank">LinkedIn</a>',
    ]
    if a.get("print_view"):
        parts.append(f' <a class="print" href="/news.php?id={a["id"]}&amp;print=1">Print</a>')
    if a.get("comments"):
        parts.append(f' <a href="/news.php?id={a["id"]}#comments">Comments (4)</a>')
    parts.append("</div>")
    return "".join(parts)


def new_detail(a: dict, *, for_print: bool = False) -> str:
    out = []
    if not for_print:
        out.append(
            '<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/news.php">News</a> &raquo; '
            f"{esc(a['title'])}</div>"
        )
    out.append('<div class="news-detail">')
    out.append(f"<h1>{esc(a['title'])}</h1>")
    info = []
    if a["date_html"]:
        info.append(f'<span class="date">{a["date_html"]}</span>')
    if a["author"]:
        info.append(f'<span class="author">by {esc(a["author"])}</span>')
    out.append(f'<div class="news-info">{" ".join(info)}</div>')
    if a["tags"]:
        out.append(f'<div class="news-tags">{tag_links(a)}</div>')
    img = a.get("image")
    if img:
        alt = img.get("alt_html", img["alt"])
        if a["id"] % 2:
            tag = f'<img src="{img["src"]}" alt="{alt}">'
        else:
            tag = f"<img alt='{alt}' src='{img['src']}' />"
        out.append(
            f'<div class="news-image">{tag}<span class="credit">{img["credit_html"]}</span></div>'
        )
    out.append('<div class="news-text">')
    out.append(a["body"])
    if a.get("fatal"):
        return "\n".join(out)  # PHP died here: nothing else is sent
    out.append("</div>")
    if a.get("attachments"):
        lis = "".join(f'<li><a href="{p}">{esc(t)} ({s})</a></li>' for p, t, s in a["attachments"])
        out.append(f'<div class="attachments"><h4>Downloads</h4><ul>{lis}</ul></div>')
    if not for_print:
        out.append(share_block(a))
    out.append("</div>")
    if not for_print:
        out.append(SIDEBAR)
    return "\n".join(out)


def old_detail(a: dict) -> str:
    meta = f'  <p class="meta">{a["date_html"]}</p>\n' if a["date_html"] else ""
    return (
        f'<div class="article">\n  <h2 class="title">{esc(a["title"])}</h2>\n{meta}'
        f"{OLD_TAGS_WARNING}"
        f'  <div class="content">\n{a["body"]}\n  </div>\n'
        f'  <p class="back"><a href="/news.php">&laquo; Back to the news</a></p>\n</div>'
    )


def article_page(a: dict) -> str:
    desc = html.escape(excerpt(a, 18), quote=True)
    if a["template"] == "old":
        main = old_detail(a)
        return chrome(
            a["title"],
            "news old",
            main,
            description=desc,
            variant="b",
            charset="meta" if a.get("encoding", "utf-8") == "utf-8" else None,
        )
    main = new_detail(a)
    title_raw = None
    if a.get("title_error"):
        title_raw = f"{a['title_error']}EU-Belong - {esc(a['title'])}"
    return chrome(
        a["title"],
        "news-page",
        main,
        description=desc,
        pre=a.get("pre", ""),
        title_raw=title_raw,
        close=not a.get("fatal"),
    )


def print_page(a: dict) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(a['title'])} - EU-Belong (print)</title>\n"
        '<meta name="robots" content="noindex">\n</head>\n'
        '<body class="print" onload="window.print()">\n'
        + new_detail(a, for_print=True)
        + '\n<p class="printed-from">Printed from eu-belong.aer.eu</p>\n</body>\n</html>\n'
    )


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def build_articles() -> None:
    for a in ARTICLES:
        enc = a.get("encoding", "utf-8")
        rel = add_file(f"news/{a['id']}.html", article_page(a), enc)
        extra: dict = {}
        if a.get("charset") == "none":
            extra["headers"] = {"Content-Type": "text/html"}
        elif a.get("charset") == "header":
            extra["headers"] = {"Content-Type": "text/html; charset=windows-1252"}
        if a.get("fail_503"):
            extra["fail_first"] = 1
            extra["fail_status"] = 503
        route("/news.php", {"id": str(a["id"])}, rel, **extra)
        if a.get("print_view"):
            prel = add_file(f"news/{a['id']}-print.html", print_page(a))
            route("/news.php", {"id": str(a["id"]), "print": "1"}, prel)
        # media
        for img in ([a["image"]] if a.get("image") else []) + a.get("body_images", []):
            media(img["src"])
        for p, t, _ in a.get("attachments", []):
            media(p, t)
    route("/news.php", {"id": str(REMOVED_ID)}, "404.html", status=404)
    route("/article.php", {"id": "124"}, status=301, location="/news.php?id=124")


def build_home() -> None:
    intro = """<div class="intro">
\t<h1>Belonging Starts in the Regions</h1>
\t<img src="/uploads/2023/01/home-banner.jpg" alt="A street festival with residents of many origins">
\t<p class="credit">[Photo: Region V\u00e4stra G\u00f6taland / Anna Holm]</p>
\t<p>EU-Belong supports regional governments that want to build integration policies <em>with</em> the people who settle in their territory, not only <em>for</em> them. Led by the Assembly of European Regions and co-funded by the European Union's Asylum, Migration and Integration Fund, the project connects regional administrations, civil society and newcomers in ten regions.</p>
\t<h2>Why an intercultural approach?</h2>
\t<p>Integration is not a one-way effort. The intercultural approach asks every part of society to take part: public services that adapt to a diverse population, neighbourhoods where people meet across differences, and newcomers who help shape the decisions that affect them.</p>
\t<p><a href="/partners.php">Meet the partners</a> &middot; <a href="/page.php?p=about">More about the project</a></p>
</div>"""
    media("/uploads/2023/01/home-banner.jpg")
    boxes = []
    for c, href in zip(
        CLUSTERS, ["/cluster.php?id=4", "https://eu-belong.aer.eu/cluster.php?ID=9"], strict=True
    ):
        boxes.append(
            f'<div class="cluster-box"><h4><a href="{href}">{esc(c["title"])}</a></h4><p>{esc(c["box"])}</p></div>'
        )
    hrefs = [
        "/news.php?id=170",
        "/news.php?id=158&amp;utm_source=newsletter&amp;utm_medium=email",
        "/news.php?id=151",
        "news.php?id=147",
        "http://eu-belong.aer.eu/news.php?id=142",
    ]
    teasers = [
        teaser(a, h) + "\n" + TEASER_WARNING for a, h in zip(NEWEST_FIRST[:5], hrefs, strict=True)
    ]
    main = (
        intro
        + "\n<h2>Knowledge transfer clusters</h2>\n<p>Peer learning around shared challenges, online and in person.</p>\n"
        + "\n".join(boxes)
        + '\n<h2 class="latest">Latest news</h2>\n'
        + "".join(teasers)
        + '<p class="all-news"><a href="/news.php?page=1">All news &raquo;</a></p>'
    )
    page = chrome(
        "Home",
        "home",
        main,
        description="EU-Belong: an intercultural approach to migrant integration in Europe's regions.",
    )
    rel = add_file("index.html", page)
    route("/", None, rel)
    route("/index.php", None, rel)


def pager(cur: int, last: int) -> str:
    parts = ['<div class="pager">']
    parts.append(
        f'<a class="prev" href="/news.php?page={cur - 1}">&laquo; Previous</a>'
        if cur > 1
        else '<span class="prev disabled">&laquo; Previous</span>'
    )
    for n in range(1, last + 1):
        parts.append(
            f'<span class="current">{n}</span>'
            if n == cur
            else f'<a href="/news.php?page={n}">{n}</a>'
        )
    parts.append(
        f'<a class="next" href="/news.php?page={cur + 1}">Next &raquo;</a>'
        if cur < last
        else '<span class="next disabled">Next &raquo;</span>'
    )
    parts.append("</div>")
    return " ".join(parts)


def build_listing() -> None:
    pages = [NEWEST_FIRST[i : i + 6] for i in range(0, len(NEWEST_FIRST), 6)]
    for n, items in enumerate(pages, 1):
        blocks = []
        for i, a in enumerate(items):
            # relative hrefs on the listing (resolved against /news.php)
            blocks.append(teaser(a, f"news.php?id={a['id']}", indent="  "))
            if n == 2 and i == 2:
                blocks.append(
                    plain_err(
                        "Notice",
                        "ob_end_flush(): Failed to delete buffer. No buffer to delete",
                        "/home/belong/public_html/news.php",
                        203,
                    ).strip("\n")
                )
        main = (
            '<h1>News</h1>\n<div class="news-list">\n'
            + "\n".join(blocks)
            + "\n</div>\n"
            + pager(n, len(pages))
        )
        title = "News" if n == 1 else f"News - page {n}"
        rel = add_file(
            f"news/list-{n}.html",
            chrome(title, "news-list", main, description="News from the EU-Belong project."),
        )
        route("/news.php", {"page": str(n)}, rel)
        if n == 1:
            route("/news.php", None, rel)


def build_tags() -> None:
    for slug, name in TAGS.items():
        items = [a for a in NEWEST_FIRST if slug in a["tags"]]
        main = f"<h1>News tagged: {name}</h1>\n" + "\n".join(
            teaser(a, f"/news.php?id={a['id']}") for a in items
        )
        rel = add_file(
            f"news/tag-{slug}.html",
            chrome(f"Tag: {name}", "news-tag", main, description=f"EU-Belong news about {name}."),
        )
        route("/news.php", {"tag": slug}, rel)


def build_clusters() -> None:
    for c in CLUSTERS:
        blocks = []
        for i, aid in enumerate(c["related"]):
            blocks.append(teaser(BY_ID[aid], f"https://eu-belong.aer.eu/news.php?id={aid}"))
            if c["id"] == 9 and i == 1:
                blocks.append(
                    plain_err(
                        "Warning",
                        "Trying to access array offset on value of type null",
                        "/home/belong/public_html/cluster.php",
                        47,
                    ).strip("\n")
                )
        main = (
            f'<div class="cluster">\n<h1>{esc(c["title"])}</h1>\n<div class="cluster-intro">\n{c["intro"]}\n</div>\n'
            "<h2>Related news</h2>\n" + "\n".join(blocks) + "\n</div>"
        )
        rel = add_file(
            f"clusters/{c['id']}.html", chrome(c["title"], "cluster", main, description=c["box"])
        )
        route("/cluster.php", {"id": str(c["id"])}, rel)


def partner_block(p: dict) -> str:
    name = mojibake(p["name"]) if p.get("mojibake") else p["name"]
    region = (mojibake(p["region"]) if p.get("mojibake") else p["region"]) if p["region"] else None
    lines = ['<div class="partner">']
    if p["logo"].endswith(".jpg"):
        lines.append(f"  <img src='{p['logo']}' class='partner-logo' alt='{name}'>")
    else:
        lines.append(f'  <img class="partner-logo" alt="Logo {name}" src="{p["logo"]}" />')
    lines.append(f"  <h3>{esc(name)}</h3>")
    if region:
        lines.append(f'  <p class="region">Region: {esc(region)}</p>')
    lines.append(f'  <p class="role">{p["role_text"]}</p>')
    lines.append(f'  <div class="partner-desc"><p>{esc(p["desc"])}</p></div>')
    lines.append(f'  <a target="_blank" href="{p["website"]}" class="website">Visit website</a>')
    lines.append("</div>")
    return "\n".join(lines)


def build_partners() -> None:
    opts = "\n".join(
        f'  <option value="/partners.php?country={COUNTRY_LINK[cc]}">{COUNTRY_NAME[cc]}</option>'
        for cc in COUNTRY_NAME
    )
    data = json.dumps(
        [
            {
                "code": cc,
                "href": f"/partners.php?country={COUNTRY_LINK[cc].lower() if cc != 'RO' else cc}",
            }
            for cc in COUNTRY_NAME
        ],
        separators=(", ", ":"),
    )
    main = f"""<h1>Who are we? 10 Regions across Europe</h1>
<p>EU-Belong brings together regional governments, a city, a research centre and the Assembly of European Regions. Choose a country to meet the partners working there.</p>
<h2>Countries of Europe</h2>
<select id="country-select" onchange="location=this.value">
  <option value="">Select a country to discover our partners</option>
{opts}
</select>
<div id="map" data-countries='{data}'></div>"""
    rel = add_file(
        "partners/index.html",
        chrome("Who are we?", "partners", main, description="The EU-Belong partners."),
    )
    route("/partners.php", None, rel)
    for cc, cname in COUNTRY_NAME.items():
        ps = [p for p in PARTNERS if p["cc"] == cc]
        blocks = [partner_block(p) for p in ps]
        if cc == "RO":
            blocks.insert(
                1,
                html_err(
                    "Deprecated",
                    "Automatic conversion of false to array is deprecated",
                    "/home/belong/public_html/partners.php",
                    131,
                ).rstrip("\n"),
            )
        main = (
            f"<h1>Partners in {cname}</h1>\n"
            + "\n".join(blocks)
            + '\n<p><a href="/partners.php">&laquo; All countries</a></p>'
        )
        rel = add_file(
            f"partners/{cc.lower()}.html",
            chrome(
                f"Partners in {cname}",
                "partners-country",
                main,
                description=f"EU-Belong partners in {cname}.",
            ),
        )
        route("/partners.php", {"country": cc}, rel)
        for p in ps:
            media(p["logo"])


def build_static() -> None:
    about = """<div class="page">
<h1>About EU-Belong</h1>
<p>EU-Belong helps regional governments design integration policies with, and not only for, the people who settle in their territory. Over three years, the partners test the intercultural approach in education, employment, public services and civic participation.</p>
<p>The project is led by the <a href="/partners.php?country=BE">Assembly of European Regions</a> and co-funded by the Asylum, Migration and Integration Fund (AMIF) of the European Union.</p>
<h2>What we do</h2>
<ul><li>co-design labs with newcomers and civil servants;</li><li>peer reviews and study visits;</li><li>training for intercultural mediators;</li><li>a network of young ambassadors.</li></ul>
<h2 id="cookies">Cookies</h2>
<p>This website sets a session cookie and collects anonymous visit statistics. No data is shared with third parties.</p>
</div>"""
    contact = (
        """<div class="page">
<h1>Contact us</h1>
<p>EU-Belong project secretariat<br>Assembly of European Regions<br>Brussels office</p>
"""
        + html_err(
            "Warning",
            "file_get_contents(/home/belong/public_html/cache/contact_map.html): Failed to open stream: No such file or directory",
            "/home/belong/public_html/page.php",
            74,
        )
        + """<p>E-mail: <a href="mailto:belong@aer.eu">belong@aer.eu</a></p>
<p>For press enquiries, please mention &ldquo;EU-Belong&rdquo; in the subject line.</p>
</div>"""
    )
    for key, title, body in [
        ("about", "About EU-Belong", about),
        ("contact", "Contact us", contact),
    ]:
        rel = add_file(
            f"pages/{key}.html",
            chrome(title, "page page-" + key, body, description=f"{title} - EU-Belong."),
        )
        route("/page.php", {"p": key}, rel)


def build_events() -> None:
    template = chrome(
        "Events - {{MONTH_LABEL}}",
        "events",
        """<h1>Events: {{MONTH_LABEL}}</h1>
<div class="calendar" data-month="{{MONTH}}">
  <a class="prev" href="/events.php?month={{PREV}}">&laquo; Previous month</a> |
  <a class="next" href="/events.php?month={{NEXT}}">Next month &raquo;</a>
</div>
<div class="event-list">
{{EVENTS}}
</div>""",
        description="EU-Belong events calendar.",
    )
    add_file("events/template.html", template)
    events = {
        "2023-10": '<ul class="events"><li><span class="event-date">19 October 2023</span> '
        '<a href="/news.php?id=133">Young ambassadors\' forum, Strasbourg</a></li></ul>',
        "2024-02": '<ul class="events"><li><span class="event-date">13-15 February 2024</span> '
        '<a href="/news.php?id=142">Peer review on inclusive public services, Lyon</a></li></ul>',
        "2025-03": '<ul class="events"><li><span class="event-date">11 March 2025</span> '
        '<a href="/news.php?id=170&amp;utm_source=calendar">EU-Belong final conference, Brussels</a></li>'
        '<li><span class="event-date">27 March 2025</span> Closing meeting of the steering committee (online)</li></ul>',
        "empty": '<p class="no-events">No events planned this month.</p>',
    }
    add_file("events/events.json", json.dumps(events, ensure_ascii=False, indent=1) + "\n")


def rfc822(d: str) -> str:
    dt = datetime.date.fromisoformat(d)
    return dt.strftime("%a, %d %b %Y 09:00:00 +0100")


def build_rss() -> None:
    items = []
    for i, a in enumerate(NEWEST_FIRST[:10]):
        desc = excerpt(a, 30)
        if i == 3:
            desc = desc.replace(" ", "&nbsp;", 1)  # an HTML entity XML does not know
        else:
            desc = html.escape(desc, quote=False)
        item = [
            "  <item>",
            f"    <title>{html.escape(a['title'], quote=False)}</title>",
            f"    <link>{ORIGIN}/news.php?id={a['id']}</link>",
            f'    <guid isPermaLink="true">{ORIGIN}/news.php?id={a["id"]}</guid>',
            f"    <description>{desc}</description>",
        ]
        if not a["date_inferred"]:
            item.append(f"    <pubDate>{rfc822(a['published'])}</pubDate>")
        item.append("  </item>")
        items.append("\n".join(item))
        if i == 5:
            items.append(
                html_err(
                    "Warning", 'Undefined array key "image"', "/home/belong/public_html/rss.php", 42
                ).rstrip("\n")
            )
    feed = (
        plain_err(
            "Deprecated",
            "DateTime::__construct(): Passing null to parameter #1 ($datetime) of type string is deprecated",
            "/home/belong/public_html/rss.php",
            18,
        ).lstrip("\n")
        + '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n'
        "  <title>EU-Belong news</title>\n  <link>https://eu-belong.aer.eu/</link>\n"
        "  <description>An Intercultural Approach to Migrants Integration in Europe's Regions</description>\n"
        "  <language>en</language>\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )
    rel = add_file("rss.xml", feed)
    route("/rss.php", None, rel)


def build_misc() -> None:
    add_file("robots.txt", "# EU-Belong\nUser-agent: *\nDisallow: /admin/\nDisallow: /cache/\n")
    route("/robots.txt", None, "robots.txt")
    nf = chrome(
        "Page not found",
        "error404",
        """<h1>Page not found</h1>
<p>Sorry, the page you are looking for does not exist or has been removed.</p>
<p><a href="/news.php">Browse the news</a> or go back to the <a href="/">home page</a>.</p>""",
        description="Page not found",
    )
    add_file("404.html", nf)
    media("/img/logo.png")
    media("/img/eu-flag.png")


def build_media_routes() -> None:
    for path in sorted(MEDIA):
        rel = add_file(path.lstrip("/"), MEDIA[path])
        route(path, None, rel)


def build_facts() -> dict:
    arts = {}
    for a in sorted(ARTICLES, key=lambda a: a["id"]):
        images = []
        if a.get("image"):
            im = a["image"]
            images.append({"url": im["src"], "alt": im["alt"], "credit": im["credit"]})
        for im in a.get("body_images", []):
            images.append({"url": im["src"], "alt": im["alt"], "credit": im["credit"]})
        arts[f"article-{a['id']}"] = {
            "url": f"/news.php?id={a['id']}",
            "title": a["title"],
            "published": a["published"],
            "date_inferred": a["date_inferred"],
            "author": a["author"],
            "tags": [TAGS[t] for t in a["tags"]],
            "language": a["lang"],
            "images": images,
            "attachments": [{"url": p, "title": t} for p, t, _ in a.get("attachments", [])],
            "embeds": [{"provider": pr, "url": u} for pr, u in a.get("embeds", [])],
            "removed": False,
        }
    arts[f"article-{REMOVED_ID}"] = {
        "url": f"/news.php?id={REMOVED_ID}",
        "title": None,
        "published": None,
        "date_inferred": False,
        "author": None,
        "tags": [],
        "language": None,
        "images": [],
        "attachments": [],
        "embeds": [],
        "removed": True,
    }
    partners = {}
    for p in PARTNERS:
        partners[f"partner-{p['cc'].lower()}-{slugify(p['name'])}"] = {
            "name": p["name"],
            "country_code": p["cc"],
            "region": p["region"],
            "role": p["role"],
            "website": p["website"],
        }
    clusters = {
        f"cluster-{c['id']}": {
            "url": f"/cluster.php?id={c['id']}",
            "title": c["title"],
            "related_articles": [f"article-{i}" for i in c["related"]],
        }
        for c in CLUSTERS
    }
    pages = {
        "page-about": {"url": "/page.php?p=about", "title": "About EU-Belong"},
        "page-contact": {"url": "/page.php?p=contact", "title": "Contact us"},
    }
    quirks = {
        "php_error_before_doctype": "/news.php?id=151 (html_errors Deprecated)",
        "php_error_in_title": "/news.php?id=129 (plain Notice)",
        "php_error_in_attribute": "/news.php?id=147 (html_errors Warning inside the news-image alt)",
        "php_error_in_paragraph": "/news.php?id=158 (html_errors Notice), /news.php?id=170 (plain Deprecated)",
        "php_error_between_blocks": "/ (Warning after each teaser), old-template articles (Warning instead of tags), "
        "/news.php?page=2 (plain Notice), /cluster.php?id=9 (plain Warning), "
        "/partners.php?country=RO (html Deprecated), /page.php?p=contact (html Warning)",
        "php_fatal_truncated": "/news.php?id=137 (body stops inside a <ul>; no attachments/share/sidebar/footer)",
        "php_error_in_rss": "/rss.php (plain Deprecated before <?xml, html Warning between items, &nbsp; entity)",
        "windows_1252_no_charset": "/news.php?id=106 (Content-Type: text/html, no meta)",
        "windows_1252_header_charset": "/news.php?id=114 (charset only in the HTTP header)",
        "double_encoded_utf8": "/partners.php?country=SE (name and region double-encoded; facts hold the repaired text)",
        "prose_dates": "/news.php?id=110 ('On 11-12 October', year from /uploads/2022/10/), "
        "/news.php?id=133 ('On Thursday 19th October', only 2023 fits)",
        "non_english": "/news.php?id=124 (ro), /news.php?id=147 (sv)",
        "status_404": f"/news.php?id={REMOVED_ID} (linked from /news.php?id=121), /admin/, /sitemap.xml",
        "status_301": "/article.php?id=124 -> /news.php?id=124 (linked from /news.php?id=151)",
        "status_503_once": "/news.php?id=121",
        "print_views": "/news.php?id=142&print=1, /news.php?id=158&print=1",
        "unsafe_markup": "script: 129; onmouseover: 151; onclick + javascript: link: 121; iframes: 121 (YouTube), "
        "142 (Vimeo), 170 (YouTube)",
        "malformed_markup": "unclosed <p>: 103, 110, 114; <font>: 110, 170; Word paste: 106, 129; &nbsp; runs: 110, 129; "
        "empty paragraphs: 103, 106, 129; nested layout table: 158",
        "bracketed_body_credits": "103 [Photo: ...], 110 [Fotografie: ...], 142 [Photo: ...], 158 [Fotografia di ...]",
        "url_spellings": "ID= (121, sidebar, home cluster box), utm (home, 142, sidebar, calendar), PHPSESSID (158), "
        "trailing & (170, sidebar), #comments (133, sidebar), http://www. (151 image, 170, sidebar), "
        "https:// absolute (124, 114, cluster teasers), relative news.php?id= (listing), "
        "country= in mixed case (partners selector)",
    }
    notes = [
        "Keys starting with '_' are documentation, not facts.",
        "images: the article's news-image first, then images inside the body in page order; teaser thumbnails "
        "and chrome images are not article images. url is the path (absolute src reduced to its path).",
        "credit: the credit text with its outer square brackets removed, whitespace as written; null if none.",
        "alt: the alt text with any leaked PHP error removed.",
        "embeds: url is the iframe src exactly as written (HTML entities decoded).",
        "attachments: title is the link text without the trailing ' (TYPE, SIZE)' suffix.",
        "published for prose-only dates: the first day mentioned (11-12 October -> the 11th); date_inferred true.",
        "article-137 is cut by a PHP fatal error: its facts describe only what the page delivers.",
        "partner names/regions: the repaired (correctly encoded) text, even where the page double-encodes it.",
        "the removed article (404) has no known title: only removed=true is asserted.",
    ]
    return {
        "_notes": notes,
        "_quirks": quirks,
        "articles": arts,
        "partners": partners,
        "clusters": clusters,
        "pages": pages,
    }


# ---------------------------------------------------------------------------
# Write + verify
# ---------------------------------------------------------------------------


def build() -> None:
    build_articles()
    build_home()
    build_listing()
    build_tags()
    build_clusters()
    build_partners()
    build_static()
    build_events()
    build_rss()
    build_misc()
    build_media_routes()
    facts = build_facts()
    routes_json = {
        "origin": ORIGIN,
        "routes": ROUTES,
        "calendar": {
            "path": "/events.php",
            "param": "month",
            "template": "events/template.html",
            "events": "events/events.json",
        },
        "not_found": "404.html",
    }
    add_file("routes.json", json.dumps(routes_json, ensure_ascii=False, indent=1) + "\n")
    add_file("expected-facts.json", json.dumps(facts, ensure_ascii=False, indent=1) + "\n")
    if OUT.exists():
        shutil.rmtree(OUT)
    for rel, data in sorted(FILES.items()):
        p = OUT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if v is None:
                continue
            if (k in ("href", "src") or (tag == "option" and k == "value")) and v:
                self.links.append(v)
            if k == "data-countries":
                self.links += [c["href"] for c in json.loads(v)]


def verify() -> list[str]:
    problems: list[str] = []
    cfg = json.loads((OUT / "routes.json").read_text("utf-8"))
    routes = cfg["routes"]
    for r in routes:
        if "file" in r and not (OUT / r["file"]).is_file():
            problems.append(f"missing file {r['file']}")
    for extra in ("template", "events"):
        if not (OUT / cfg["calendar"][extra]).is_file():
            problems.append("missing calendar " + extra)
    sig: dict[str, set] = {}
    for r in routes:
        sig.setdefault(r["path"], set()).update(k.lower() for k in r.get("query", {}))

    def match(url: str) -> dict | None:
        parts = urlsplit(url)
        q = {k.lower(): v.lower() for k, v in parse_qsl(parts.query, keep_blank_values=True) if k}
        if parts.path == cfg["calendar"]["path"]:
            m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", q.get("month", ""))
            return {"status": 200} if m else None
        for r in routes:
            if r["path"] != parts.path:
                continue
            rq = {k.lower(): v.lower() for k, v in r.get("query", {}).items()}
            if all(q.get(k) == rq.get(k) for k in sig[r["path"]]):
                return r
        return None

    allowed_404 = {f"/news.php?id={REMOVED_ID}", "/admin/"}
    pages = [r for r in routes if r.get("file", "").endswith((".html", ".xml"))] + [
        {"path": "/events.php", "query": {"month": "2025-03"}, "file": "events/template.html"}
    ]
    seen_pages = set()
    n_links = 0
    for r in pages:
        if r["file"] in seen_pages and r.get("status", 200) == 200:
            continue
        seen_pages.add(r["file"])
        raw = (OUT / r["file"]).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        if r["file"] == cfg["calendar"]["template"]:
            events = json.loads((OUT / cfg["calendar"]["events"]).read_text("utf-8"))
            text = (
                text.replace("{{MONTH_LABEL}}", "March 2025")
                .replace("{{MONTH}}", "2025-03")
                .replace("{{PREV}}", "2025-02")
                .replace("{{NEXT}}", "2025-04")
                .replace("{{EVENTS}}", "\n".join(events.values()))
            )
        base = (
            ORIGIN
            + r["path"]
            + (
                "?" + "&".join(f"{k}={v}" for k, v in r.get("query", {}).items())
                if r.get("query")
                else ""
            )
        )
        lp = LinkParser()
        lp.feed(text)
        links = lp.links
        if r["file"].endswith(".xml"):
            links += re.findall(r"<link>(.*?)</link>", text)
        for href in links:
            url = urljoin(base, html.unescape(href))
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.hostname not in HOSTS:
                continue
            n_links += 1
            target = match(url)
            hops = 0
            while target and target.get("status") == 301 and hops < 3:
                target = match(urljoin(url, target["location"]))
                hops += 1
            key = parts.path + ("?" + parts.query if parts.query else "")
            if target is None or target.get("status", 200) == 404:
                if key not in allowed_404 and parts.path != "/admin/":
                    problems.append(f"{r['file']}: broken link {href}")
    # encodings
    for r in routes:
        h = r.get("headers", {}).get("Content-Type", "")
        if h.startswith("text/html") and "utf-8" not in h:
            raw = (OUT / r["file"]).read_bytes()
            try:
                raw.decode("utf-8")
                problems.append(f"{r['file']} should not be valid UTF-8")
            except UnicodeDecodeError:
                pass
            if b"charset" in raw.lower():
                problems.append(f"{r['file']} declares a charset in the body")
    # rss must not be well-formed
    import xml.etree.ElementTree as ET

    try:
        ET.fromstring((OUT / "rss.xml").read_bytes())
        problems.append("rss.xml is well-formed")
    except ET.ParseError:
        pass
    # facts vs pages
    facts = json.loads((OUT / "expected-facts.json").read_text("utf-8"))
    media_paths = {r["path"] for r in routes if r["path"].startswith(("/uploads/", "/img/"))}
    for key, f in facts["articles"].items():
        r = match(ORIGIN + f["url"])
        if f["removed"]:
            if r is None or r.get("status") != 404:
                problems.append(f"{key} should be 404")
            continue
        raw = (OUT / r["file"]).read_bytes()
        enc = "cp1252" if "headers" in r else "utf-8"
        text = html.unescape(raw.decode(enc))
        for fld in ("title",):
            if f[fld] not in text:
                problems.append(f"{key}: title not in page")
        if f["author"] and f"by {f['author']}" not in text:
            problems.append(f"{key}: author not in page")
        for im in f["images"]:
            if im["url"] not in media_paths or im["url"] not in text or im["alt"] not in text:
                problems.append(f"{key}: image {im['url']}")
            if im["credit"] and im["credit"] not in text:
                problems.append(f"{key}: credit {im['credit']}")
        for at in f["attachments"]:
            if at["url"] not in media_paths or at["title"] not in text:
                problems.append(f"{key}: attachment {at['url']}")
        for em in f["embeds"]:
            if em["url"] not in text:
                problems.append(f"{key}: embed {em['url']}")
    # media sanity
    for p in media_paths:
        data = (OUT / p.lstrip("/")).read_bytes()
        ok = {
            "png": data.startswith(b"\x89PNG"),
            "jpg": data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9"),
            "pdf": data.startswith(b"%PDF-"),
            "docx": zipfile.is_zipfile(io.BytesIO(data)),
        }[p.rsplit(".", 1)[1]]
        if not ok:
            problems.append(f"bad media {p}")
    blobs = [(OUT / p.lstrip("/")).read_bytes() for p in media_paths]
    if len(set(blobs)) != len(blobs):
        problems.append("media files are not all distinct")
    # every file is reachable from routes.json
    referenced = {r["file"] for r in routes if "file" in r} | {
        cfg["calendar"]["template"],
        cfg["calendar"]["events"],
        cfg["not_found"],
        "routes.json",
        "expected-facts.json",
    }
    on_disk = {str(p.relative_to(OUT)) for p in OUT.rglob("*") if p.is_file()}
    for orphan in sorted(on_disk - referenced):
        problems.append(f"orphan file {orphan}")
    print(
        f"checked {len(routes)} routes, {len(seen_pages)} pages, {n_links} internal links, "
        f"{len(media_paths)} media files"
    )
    return problems


def main() -> int:
    if "--check" not in sys.argv:
        build()
        print(f"wrote {len(FILES)} files to {OUT.relative_to(ROOT)}")
    problems = verify()
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
