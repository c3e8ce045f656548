#!/usr/bin/env python3
# ruff: noqa: E501  (content: long prose lines and markup are kept on one line each)
"""Build ``fixtures/site/``: the fixture snapshot of the legacy EU-Belong PHP site.

Models the survey in ``/work/shared/legacy-site.md`` (URL patterns, markup, every quirk).
Writes response bodies as raw bytes, ``routes.json`` (format: ``fixtures/README.md``) and
``expected-facts.json`` (ground truth of the content below, independent of any scraper).

Python 3.11 standard library only, deterministic: no randomness, no clock. Running it twice
gives byte-identical output. ``--no-verify`` skips the self-checks run after the build.

    python scripts/build_fixture_site.py
"""

from __future__ import annotations

import datetime as _dt
import hashlib
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
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "site"
ORIGIN = "https://eu-belong.aer.eu"
LEGACY_HOSTS = {"eu-belong.aer.eu", "www.eu-belong.aer.eu"}


def esc(text: str) -> str:
    """Escape text content (quotes left alone)."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value the way PHP's htmlspecialchars() does (' -> &#039;)."""
    return html.escape(text, quote=True).replace("&#x27;", "&#039;")


def mojibake(text: str) -> str:
    """UTF-8 bytes read as windows-1252: the double-encoding seen on the site (Malmö -> MalmÃ¶).

    Like MySQL's latin1 (and the WHATWG decoder), the five bytes windows-1252 leaves
    undefined (0x81 0x8D 0x8F 0x90 0x9D) become the C1 control of the same value: "”" -> "â€\x9d".
    """
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


# --------------------------------------------------------------------------------------
# PHP errors. Helpers return a placeholder token; ``finalize`` swaps in the error text and
# counts the errors per page. Teaser excerpts are computed with the tokens removed (the
# errors are emitted at render time, they are not part of the stored content).
# --------------------------------------------------------------------------------------

_ERRS: list[tuple[str, str, str]] = []  # (level, form, text)
TOKEN_RE = re.compile("\x00E(\\d+)\x00")


def perr(
    level: str, msg: str, file: str, line: int, *, form: str = "html", trace: str | None = None
) -> str:
    """A PHP error as display_errors prints it, ``form`` = html (html_errors=On) or plain."""
    if form == "html":
        if trace:
            text = (
                f"<br />\n<b>{level}</b>:  {msg} in {file}:{line}\nStack trace:\n{trace}\n"
                f"  thrown in <b>{file}</b> on line <b>{line}</b><br />\n"
            )
        else:
            text = f"<br />\n<b>{level}</b>:  {msg} in <b>{file}</b> on line <b>{line}</b><br />\n"
    elif form == "plain":
        if trace:
            text = (
                f"\n{level}: {msg} in {file}:{line}\nStack trace:\n{trace}\n"
                f"  thrown in {file} on line {line}\n"
            )
        else:
            text = f"\n{level}: {msg} in {file} on line {line}\n"
    else:  # pragma: no cover
        raise ValueError(form)
    _ERRS.append((level, form, text))
    return f"\x00E{len(_ERRS) - 1}\x00"


def teaser_warning() -> str:
    """The warning printed under every teaser (exactly as on the live home page)."""
    return perr("Warning", 'Undefined array key "tags"', "/mnt/nvme/www/", 23)


def strip_tokens(text: str) -> str:
    return TOKEN_RE.sub("", text)


def finalize(text: str) -> tuple[str, Counter]:
    counts: Counter = Counter()

    def sub(m: re.Match) -> str:
        level, form, body = _ERRS[int(m.group(1))]
        counts[(level, form)] += 1
        return body

    return TOKEN_RE.sub(sub, text), counts


# --------------------------------------------------------------------------------------
# Media registered while article bodies are written (f-strings evaluate left to right, so
# the log holds exactly one article's media, in page order, when ``art`` is called).
# --------------------------------------------------------------------------------------

_LOG: dict[str, list] = {"images": [], "docs": [], "embeds": []}


def IMG(
    src: str,
    alt: str,
    credit: str | None = None,
    *,
    extra: str = "",
    wrap: bool = True,
    credit_wrap: str = "p",
) -> str:
    """A body image; its credit (if any) as a bracketed paragraph after it."""
    _LOG["images"].append({"url": src, "alt": alt, "credit": credit})
    tag = f'<img src="{src}" alt="{attr(alt)}"{extra}>'
    out = f"<p>{tag}</p>" if wrap else tag
    if credit:
        out += f"\n<{credit_wrap}>[{esc(credit)}]</{credit_wrap}>"
    return out


def DOC(href: str, text: str) -> str:
    """A document linked from the body (an attachment in the facts)."""
    _LOG["docs"].append({"url": href, "title": text})
    return f'<a href="{href}">{esc(text)}</a>'


def YT(video_id: str, *, host: str = "https://www.youtube.com", extra: str = "") -> str:
    src = f"{host}/embed/{video_id}"
    url = "https:" + src if src.startswith("//") else src
    _LOG["embeds"].append({"provider": "youtube", "url": url})
    return (
        f'<iframe width="560" height="315" src="{src}" title="YouTube video player" '
        f'frameborder="0" allow="accelerometer; autoplay; encrypted-media; gyroscope; '
        f'picture-in-picture" allowfullscreen{extra}></iframe>'
    )


def VIMEO(video_id: str) -> str:
    src = f"https://player.vimeo.com/video/{video_id}"
    _LOG["embeds"].append({"provider": "vimeo", "url": src})
    return (
        f'<iframe src="{src}?h=4f1c2b9e1a&amp;title=0&amp;byline=0" width="640" height="360" '
        f'frameborder="0" allow="autoplay; fullscreen; picture-in-picture" '
        f"allowfullscreen></iframe>"
    )


ARTICLES: list[dict] = []


def art(**kw) -> None:
    kw.setdefault("author", None)
    kw.setdefault("tags", [])
    kw.setdefault("lang", "en")
    kw.setdefault("image", None)  # (src, alt, credit) main image (new template)
    kw.setdefault("attachments", [])  # [(href, title, label)]
    kw.setdefault("encoding", "utf-8")  # utf-8 | cp1252-header | cp1252-none | cp1252-meta
    kw.setdefault("print", False)
    kw.setdefault("q", [])  # malformed/unsafe markup tags, checked by verify()
    kw.setdefault("route", {})  # extra route fields (fail_first, delay, ...)
    kw.setdefault("date_raw", None)
    kw.setdefault("date_prose", None)
    kw.setdefault("page_errors", {})  # chrome-level errors: pre, title, meta
    kw["body_images"] = _LOG["images"]
    kw["body_docs"] = _LOG["docs"]
    kw["embeds"] = _LOG["embeds"]
    _LOG["images"], _LOG["docs"], _LOG["embeds"] = [], [], []
    kw["template"] = "old" if kw["date"] and kw["date"].startswith("2022") else "new"
    ARTICLES.append(kw)


# ======================================================================================
# CONTENT: articles. Ids are legacy auto-increment ids: creation order = date order, with
# gaps (drafts never published) and two removed articles (13, 29) that still get links.
# 2022 articles use the old template; 2023+ the new one.
# ======================================================================================

ONERROR_HIDE = " onerror=\"this.style.display='none'\""
SESSID = "PHPSESSID=9c1f4e7a2b3d4c5e6f708192a3b4c5d6"
UTM = "utm_source=newsletter&amp;utm_medium=email"

# ---- id 3: no date anywhere (created at site set-up, listed last) ---------------------
art(
    id=3,
    date=None,
    title="Key Terms of the Intercultural Approach: A Short Glossary",
    tags=["Interculturalism"],
    body="""<p>Integration, inclusion, interculturalism: the words we use shape the policies we design. This short glossary explains the key terms used across the EU-Belong project, its knowledge transfer clusters and its publications.</p>
<h2>Diversity advantage</h2>
<p>The idea that diversity, when it is well managed, is a resource for a region: for its economy, its creativity and its social life. It is the starting point of the Council of Europe's intercultural model.</p>
<h2>Interaction</h2>
<p>Policies that create everyday opportunities for people of different backgrounds to meet, talk and work together: shared public spaces, mixed schools, neighbourhood projects, cultural events.</p>
<h2>Intercultural competence</h2>
<p>The knowledge, skills and attitudes that allow public employees to work effectively with people from different cultural backgrounds, and to question their own assumptions.</p>
<h2>Whole-of-society approach</h2>
<p>An approach in which public authorities, civil society, the private sector and migrants themselves share responsibility for inclusion.</p>
<h3>Further reading</h3>
<ul>
<li><a href="/page.php?p=about">About EU-Belong</a></li>
<li><a href="https://www.coe.int/en/web/interculturalcities" target="_blank">Council of Europe Intercultural Cities programme</a></li>
</ul>""",
)

# ---- id 4: seed kick-off; no date block, only "On 23-24 February" (year: upload path) ---
art(
    id=4,
    date="2022-02-23",
    date_prose="On 23-24 February",
    title="How will an Intercultural Approach to Migrant Integration help Europe’s Regions- The EU-BELONG Project takes off!",
    body=f"""<p>On 23-24 February, the Assembly of European Regions, together with 14 partners from 8 countries, kicked off EU-Belong, an ambitious project selected among 300 proposals, of which only a handful were retained for funding by the Asylum, Migration and Integration Fund (AMIF) of the European Union.</p>
{IMG("/uploads/2022/02/eu-belong-kick-off.jpg", "Partners of EU-Belong during the online kick-off meeting", extra=' width="400" align="right"', wrap=False)}
<p>Over two days, regional authorities from Spain, Sweden, Italy, France, Greece, Romania, Belgium and Germany, together with the technical partners of the project, agreed on the work plan for the next three years. The project will help regions design and test integration policies built on the intercultural approach developed by the Council of Europe.</p>
<h3>What will EU-Belong do?</h3>
<ul>
<li>map the integration strategies of the 10 partner regions;</li>
<li>train regional civil servants in intercultural competence;</li>
<li>set up knowledge transfer clusters on labour market, education, participation and anti-discrimination;</li>
<li>co-design regional action plans with migrants and civil society.</li>
</ul>
<p>“Regions are where integration happens, in schools, hospitals and job centres,” said the AER Secretary General in her opening remarks. “EU-Belong gives them the tools to turn diversity into an advantage.”</p>
<p>The {DOC("/uploads/2022/02/kick-off-programme.pdf", "Kick-off meeting programme")} is available for download.</p>""",
)

# ---- id 5 -------------------------------------------------------------------------------
art(
    id=5,
    date="2022-03-22",
    date_raw="22.03.2022",
    title="EU-Belong partners map regional integration strategies",
    body="""<p>What does integration policy look like in ten very different European regions? To answer this question, the EU-Belong partners have launched a mapping exercise of the regional strategies, action plans and services that support the inclusion of migrants and refugees.</p>
<p>The mapping, coordinated by the Migration Policy Group, looks at governance, funding, participation and the use of intercultural principles in each region. The partner regions are:</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Region</th><th>Country</th><th>First focus</th></tr>
<tr><td>Navarre</td><td><a href="/partners.php?country=ES">Spain</a></td><td>Health and social services</td></tr>
<tr><td>Catalonia</td><td><a href="/partners.php?country=es">Spain</a></td><td>Participation</td></tr>
<tr><td>Skåne</td><td><a href="/partners.php?country=SE">Sweden</a></td><td>Education</td></tr>
<tr><td>Västra Götaland</td><td><a href="/partners.php?country=se">Sweden</a></td><td>Libraries and culture</td></tr>
<tr><td>Emilia-Romagna</td><td><a href="/partners.php?country=IT">Italy</a></td><td>Labour market</td></tr>
<tr><td>Île-de-France</td><td><a href="/partners.php?country=FR">France</a></td><td>Youth</td></tr>
<tr><td>Crete</td><td><a href="/partners.php?country=GR">Greece</a></td><td>Reception of minors</td></tr>
<tr><td>Timiș</td><td><a href="/partners.php?country=RO">Romania</a></td><td>Governance</td></tr>
<tr><td>Antwerp</td><td><a href="/partners.php?country=BE">Belgium</a></td><td>Anti-discrimination</td></tr>
<tr><td>Baden-Württemberg</td><td><a href="/partners.php?country=DE">Germany</a></td><td>Language learning</td></tr>
</table>
<p>The first results will be discussed with migrants and civil society at the regional focus groups planned for April.</p>""",
)

# ---- id 6: unclosed <p>, relative link, javascript: link, document in body -------------
art(
    id=6,
    date="2022-04-12",
    date_raw="12.04.2022",
    author="Communications Team",
    title="First regional focus groups bring migrants and public officials around the same table",
    q=["unclosed_p", "javascript_link"],
    body=f"""<p>In April, the first regional focus groups of EU-Belong took place in Navarre, Skåne and Crete. Migrants, NGOs and public officials sat around the same table to discuss what makes people feel that they belong in their new region.
<p>The focus groups follow the methodology agreed at the <a href="news.php?id=4">kick-off meeting in February</a>. Each region organises at least two sessions, one of them led by a migrant-led organisation.
{IMG("/uploads/2022/04/focus-group-pamplona.jpg", "Focus group in Pamplona", extra=' width="320" align="right"', wrap=False)}
<p>Participants highlighted three recurring barriers: access to information, recognition of qualifications and the lack of everyday spaces where newcomers and long-term residents meet.</p>
<p>The {DOC("/uploads/2022/04/focus-group-guidelines.pdf", "Focus group guidelines")} are available for regions that want to replicate the exercise. <a href="javascript:window.print()">Print this article</a></p>""",
)

# ---- id 8: windows-1252, charset only in the HTTP header -------------------------------
art(
    id=8,
    date="2022-05-10",
    date_raw="10.05.2022",
    encoding="cp1252-header",
    title="Intercultural competence training for regional civil servants – first module completed",
    body=f"""<p>The first module of the EU-Belong training programme on intercultural competence for regional civil servants was completed in May. Forty-two officials from social services, employment offices and health departments took part in the sessions, held in Pamplona and online.</p>
{IMG("/uploads/2022/05/training-pamplona.jpg", "Civil servants during a role play in Pamplona", extra=' width="300"')}
<p>“We often talk about migrants, but rarely with them,” said one participant from the Région Île-de-France. The module combined short lectures, role plays and a visit to a café run by a refugee-led cooperative – a first for many of the participants, and the module’s highlight.</p>
<p>The training programme is funded with €1.9 million from the AMIF programme and will continue with two more modules in the autumn: “communicating without barriers” and “designing services with users”.</p>""",
)

# ---- id 9: windows-1252, no charset anywhere; <font>, unclosed <p> ---------------------
art(
    id=9,
    date="2022-06-14",
    date_raw="14.06.2022",
    author="Communications Team",
    encoding="cp1252-none",
    q=["font", "unclosed_p"],
    title="Regions share “what works” in migrant reception – online exchange",
    body="""<font face="Verdana" size="2"><p>Representatives of Västra Götaland, Île-de-France and Emilia-Romagna met online on 9 June to compare their reception policies and the services they offer to newly arrived migrants during their first year.
<p>Three ideas stood out: one-stop shops that bring together housing, health and employment advice; “buddy” programmes that pair newcomers with volunteers; and small regional funds – up to €50,000 per project – for community initiatives led by migrants themselves.
<p>“The first weeks decide a lot,” noted the representative from Västra Götaland. “If people find a door open, they come back – but the region’s services must open it together.”</font></p>
<p>The next exchange will focus on the reception of unaccompanied minors, with the Region of Crete as host, and a short presentation of the Région Île-de-France’s youth programme.</p>""",
)

# ---- id 11: windows-1252 declared in a meta tag ----------------------------------------
art(
    id=11,
    date="2022-07-05",
    date_raw="05.07.2022",
    encoding="cp1252-meta",
    title="Summer reading: the Council of Europe’s Intercultural Cities Index",
    body="""<p>Looking for something to read this summer? The Council of Europe’s Intercultural Cities (ICC) Index is the benchmarking tool behind much of the thinking of EU-Belong. It measures how far a city – and now also a region – has adopted intercultural policies.</p>
<p>The Index looks at areas such as:</p>
<ul>
<li>“Commitment”: is interculturalism part of the official policy?</li>
<li>Education, neighbourhoods, public services and the business sector;</li>
<li>Mediation, language, media and international outlook;</li>
<li>Leadership, anti-discrimination and participation.</li>
</ul>
<p>Several EU-Belong regions will adapt the Index to the regional level during the project. A short café-débat on the results is planned in Strasbourg in the autumn; the ICC programme offers small grants of up to €5,000 to cities that want to take part.</p>
<p>Read more on the <a href="https://www.coe.int/en/web/interculturalcities/about-the-index" target="_blank">Intercultural Cities Index</a> page.</p>""",
)

# ---- id 12: nested layout tables, &nbsp; runs, <font>, plain Notice inside a paragraph --
art(
    id=12,
    date="2022-09-20",
    date_raw="20.09.2022",
    author="Communications Team",
    q=["nested_tables", "nbsp_runs", "font"],
    title="Study visit to Navarre: intercultural mediation in health services",
    body=f"""<table width="100%" border="0" cellpadding="0" cellspacing="0"><tr><td valign="top" width="60%">
<p>From 13 to 15 September, EU-Belong partners visited Navarre to learn how the regional health service works with intercultural mediators.&nbsp;&nbsp;&nbsp;Since 2019, mediators speaking Arabic, Romanian, Wolof and Urdu have supported patients and staff in primary care centres across the region.</p>
<p><font color="#00539f"><b>Mediators do not only translate words, they translate systems,</b></font> explained the coordinator of the programme during the visit to the health centre of {perr("Notice", "Only variables should be passed by reference", "/mnt/nvme/www/inc/functions.php", 57, form="plain")}Rochapea in Pamplona.</p>
</td><td valign="top">
<table border="0" cellpadding="4"><tr><td>{IMG("/uploads/2022/09/navarra-mediation.jpg", "Intercultural mediator with a patient in Pamplona", extra=' width="220"', wrap=False)}</td></tr>
<tr><td><font size="1">Intercultural mediation in Navarre</font></td></tr></table>
</td></tr></table>
<p>&nbsp;&nbsp;&nbsp;&nbsp;The visit also included meetings with the Department of Social Rights and with NGOs working with seasonal agricultural workers.</p>""",
)

# ---- id 14: seed; nbsp inside words; YouTube iframe (old template) ----------------------
art(
    id=14,
    date="2022-10-11",
    date_raw="11.10.2022",
    title="Intercultural Regions Network set for launch!",
    q=["iframe_youtube"],
    body=f"""<p>European regions have agreed to establish an Intercultural Regions Network to better work together to develop&nbsp;comprehensive intercultural strategies to manage&nbsp;diversity and migration.&nbsp; The&nbsp;initiative was presented by the Assembly of European Regions and the Council of Europe at a meeting of regional representatives in Strasbourg.</p>
<p>The Network will offer its members peer reviews, thematic seminars and access to the expertise of the Intercultural Cities programme. Catalonia and Navarre have already confirmed their participation; several EU-Belong partners are expected to follow.</p>
<p>{IMG("/uploads/2022/10/irn-launch-strasbourg.jpg", "Regional representatives at the launch of the Intercultural Regions Network", wrap=False)}</p>
<p>Watch the presentation of the Network:</p>
<p>{YT("3fJ9tq2WpRk")}</p>""",
)

# ---- id 15: Word paste, empty paragraphs; links to a removed article and a 301 ----------
art(
    id=15,
    date="2022-12-06",
    date_raw="06.12.2022",
    author="Communications Team",
    q=["word_paste", "empty_paragraphs", "inline_styles"],
    title="EU-Belong regional action plans take shape",
    body="""<p class="MsoNormal" style="margin-bottom:0cm;mso-line-height-alt:normal"><span lang="EN-GB" style="font-size:11.0pt;font-family:&quot;Calibri&quot;,sans-serif;mso-bidi-font-family:Calibri">At the end of the first project year, each EU-Belong region has drafted the outline of its regional action plan on intercultural integration.<o:p></o:p></span></p>
<p class="MsoNormal" style="margin-bottom:0cm"><span lang="EN-GB" style="font-size:11.0pt;mso-ansi-language:EN-GB"><o:p>&nbsp;</o:p></span></p>
<p class="MsoNormal" style="margin-bottom:0cm;mso-margin-top-alt:auto"><span lang="EN-GB" style="font-size:11.0pt">The plans build on the mapping of regional strategies and on the focus groups held in spring. They will be co-designed with migrants and civil society in 2023 and tested in pilot actions.<o:p></o:p></span></p>
<p></p>
<p class="MsoListParagraphCxSpFirst" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1"><span style="font-family:Symbol;mso-fareast-font-family:Symbol">·<span style="font:7.0pt &quot;Times New Roman&quot;">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span>Navarre and Catalonia focus on health and participation;<o:p></o:p></p>
<p class="MsoListParagraphCxSpLast" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1"><span style="font-family:Symbol;mso-fareast-font-family:Symbol">·<span style="font:7.0pt &quot;Times New Roman&quot;">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span>Skåne and Västra Götaland on schools and libraries.<o:p></o:p></p>
<p>&nbsp;</p>
<p>Read the earlier update on the <a href="/news.php?id=13">regional steering groups</a>, or browse <a href="/news">all project news</a>.</p>""",
)

# ---- 2023 (new template) ----------------------------------------------------------------
art(
    id=16,
    date="2023-01-24",
    date_raw="24 January 2023",
    author="Laura Ferrer",
    tags=["Interculturalism", "Capacity building"],
    q=["script"],
    title="Kick-starting the EU-Belong Knowledge Transfer Clusters",
    image=(
        "/uploads/2023/01/clusters-kick-start.jpg",
        "Online meeting of the cluster coordinators",
        None,
    ),
    attachments=[
        (
            "/uploads/2023/01/cluster-methodology-note.docx",
            "Cluster methodology note",
            "DOCX, 48 KB",
        )
    ],
    body="""<p>The four EU-Belong knowledge transfer clusters started their work in January. Each cluster brings together regions facing a common challenge, so that they can learn from each other through online sessions, study visits and peer reviews.</p>
<h2>Four policy areas</h2>
<ul>
<li><a href="/cluster.php?id=1">Labour Market Inclusion and Skills</a></li>
<li><a href="/cluster.php?id=2">Education, Language and Youth</a></li>
<li><a href="/cluster.php?id=3">Participation and Active Citizenship</a></li>
<li><a href="/cluster.php?id=4">Anti-Discrimination and Public Narratives</a></li>
</ul>
<p>Every cluster is coordinated by one region and supported by a technical partner. The first round of online sessions will run until March; the regional steering groups announced <a href="/news.php?id=13">last autumn</a> will feed their results into the regional action plans.</p>
<script type="text/javascript">var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-1234567-8']); _gaq.push(['_trackPageview']);</script>
<p>The methodology of the clusters is described in the note below.</p>""",
)

art(
    id=18,
    date="2023-02-14",
    date_raw="February 14, 2023",
    author="Marta Ruiz",
    tags=["Interculturalism", "Capacity building"],
    q=["iframe_youtube"],
    title="Interculturalism for Intercultural Regions to be!",
    image=(
        "/uploads/2023/02/capacity-building-session.jpg",
        "Screenshot of the online capacity-building session",
        None,
    ),
    body=f"""<p>Are you interested in knowing more about how a region can become intercultural and inclusive, yet you missed our first online capacity-building session on interculturalism for regional policymakers? Don't worry: the recording is now available.</p>
<p>In the session, experts of the Council of Europe's Intercultural Cities programme explained the three principles of the intercultural model – diversity, equality and interaction – and how they translate into regional competences such as health, education and employment.</p>
<p>{YT("Vb7c2Qm9xTk", host="https://www.youtube-nocookie.com")}</p>
<h3>Next sessions</h3>
<ol>
<li>Intercultural competence in public services (March)</li>
<li>Participatory policymaking with migrants (April)</li>
<li>Communicating diversity (May)</li>
</ol>
<p>Read more about the <a href="https://eu-belong.aer.eu/news.php?id=16">knowledge transfer clusters</a>.</p>""",
)

# seed; no date block at all, only "On Tuesday 28th March" (2023 from the weekday)
art(
    id=19,
    date="2023-03-28",
    date_prose="On Tuesday 28th March",
    tags=["Inclusion", "Events"],
    title="EU-Belong: Diversity for Better Inclusion is a Shared Responsibility",
    image=(
        "/uploads/2023/03/cor-diversity-exchange.jpg",
        "Speakers at the European Committee of the Regions",
        "Photo: European Committee of the Regions",
    ),
    body="""<p>On Tuesday 28th March, the EU Committee of the Regions was the setting for an exchange among public authorities and other stakeholders on the topic of diversity as a driver of better inclusion policies in Europe's regions.</p>
<p>Members of the Committee, representatives of EU-Belong partner regions and civil society organisations discussed how responsibility for inclusion can be shared between levels of government and with society as a whole.</p>
<blockquote><p>“Integration is not something that migrants do alone, nor something that the state does for them. It is a shared responsibility of the whole society.”</p></blockquote>
<p>The discussion built on the work of the <a href="/news/16">knowledge transfer clusters</a> and on the experience of the Intercultural Regions Network.</p>
<h3>Three messages from the exchange</h3>
<ul>
<li>Regions need stable funding for integration, not only project money.</li>
<li>Migrants must be involved in the design of the policies that concern them.</li>
<li>Local media and public narratives matter as much as services.</li>
</ul>""",
)

# seed; first request answers 500
art(
    id=21,
    date="2023-04-25",
    date_raw="25.04.2023",
    author="AER Secretariat",
    tags=["Opportunities", "Inclusion"],
    route={"fail_first": 1, "fail_status": 500},
    title="Opportunity: Capacity Building Of City Services For The Inclusion Of Migrants",
    image=("/uploads/2023/04/equalcity-opportunity.png", "Equalcity project logo", None),
    body="""<h3>Helping city services to fight gender-based violence</h3>
<p>The EU-funded project Equalcity is supporting local services to better identify, prevent and tackle sexual and gender-based violence in migrant communities. The project offers free training and coaching to municipal services in five European countries.</p>
<p>Cities and regions can apply to take part in the next training cycle, which will cover:</p>
<ul>
<li>recognising the signs of gender-based violence;</li>
<li>working with interpreters and cultural mediators;</li>
<li>referral pathways between police, health and social services.</li>
</ul>
<p><strong>Deadline for applications: 31 May.</strong> More information on the <a href="https://www.equalcity.eu" target="_blank" rel="noopener">Equalcity website</a>.</p>""",
)

# seed; body image with bracketed credit; protocol-relative YouTube; print view
art(
    id=23,
    date="2023-05-16",
    date_raw="16/05/2023",
    author="Ioana Popescu",
    tags=["Inclusion", "Participation", "Events"],
    print=True,
    q=["iframe_youtube"],
    title="A Whole-of-Society Approach to Inclusion",
    image=(
        "/uploads/2023/05/cluj-workshop.jpg",
        "Participants of the Includ-EU workshop in Cluj-Napoca",
        "Photo: IOM Romania / Includ-EU",
    ),
    body=f"""<p>The Includ-EU Workshop “Whole-of-Society Approach: Cross-sectoral and Multistakeholder collaboration for inclusion” in Cluj-Napoca gathered around 70 representatives from the Netherlands, France, Spain, Belgium, Ireland, Greece, Italy, Romania and Slovenia, among them several EU-Belong partners.</p>
<p>For two days, participants discussed how local and regional authorities can work with employers, schools, faith communities and migrant organisations to make inclusion everybody's business.</p>
{IMG("/uploads/2023/05/cluj-panel.jpg", "Panel discussion in Cluj-Napoca", "Photo: Includ-EU / Alexandru Pop")}
<h3>What does a whole-of-society approach look like?</h3>
<table border="1" cellpadding="3">
<thead><tr><th>Actor</th><th>Role</th></tr></thead>
<tbody>
<tr><td>Regional authority</td><td>Strategy, funding, coordination</td></tr>
<tr><td>Municipalities</td><td>Services, housing, local networks</td></tr>
<tr><td>Civil society</td><td>Outreach, mediation, advocacy</td></tr>
<tr><td>Employers</td><td>Jobs, training, recognition of skills</td></tr>
</tbody>
</table>
<p>Watch the opening session:</p>
<p>{YT("q8LkWz3Rn0E", host="//www.youtube.com")}</p>
<p>The workshop followed the exchange on <a href="/news.php?id=19&amp;">diversity as a shared responsibility</a> held in Brussels in March.</p>""",
)

# French; html Notice inside a paragraph; PHPSESSID link
art(
    id=24,
    date="2023-06-20",
    date_raw="20 juin 2023",
    author="Claire Dubois",
    lang="fr",
    tags=["Participation"],
    title="Rencontre à Paris : l’Île-de-France accueille les partenaires d’EU-Belong",
    image=(
        "/uploads/2023/06/rencontre-paris.jpg",
        "Les partenaires d’EU-Belong au siège de la Région à Saint-Ouen",
        "Photo : Région Île-de-France",
    ),
    body=f"""<p>Les 19 et 20 juin, la Région Île-de-France a accueilli la réunion transnationale des partenaires du projet EU-Belong. Pendant deux jours, les représentants de dix régions européennes ont échangé sur la participation des personnes migrantes à la vie publique locale.</p>
<p>Au programme : des visites de terrain à Saint-Denis et à Montreuil, des ateliers de co-construction et une table ronde avec des associations {perr("Notice", "Only variables should be passed by reference", "/mnt/nvme/www/inc/functions.php", 57)}de quartier et des conseils citoyens.</p>
<h3>Trois enseignements</h3>
<ol>
<li>La participation commence par l’information : traduire, expliquer, aller vers.</li>
<li>Les conseils consultatifs fonctionnent quand leurs avis sont suivis d’effets.</li>
<li>Les jeunes sont les meilleurs ambassadeurs de leurs quartiers.</li>
</ol>
<blockquote>« La participation n’est pas un supplément d’âme : c’est une condition de l’égalité », a rappelé la vice-présidente chargée des solidarités.</blockquote>
<p>Retrouvez le compte rendu de l’atelier de <a href="/news.php?id=23&amp;{SESSID}">Cluj-Napoca</a>.</p>""",
)

# seed; &nbsp; runs; #comments link
art(
    id=26,
    date="2023-07-11",
    date_raw="11 July 2023",
    author="AER Communications",
    tags=["Intercultural Regions Network", "Migration"],
    q=["nbsp_runs"],
    title="AER and Intercultural Regions Network meet with Home Affairs Commissioner Ylva Johansson",
    image=(
        "/uploads/2023/07/meeting-commissioner-johansson.jpg",
        "AER and IRN delegation with Commissioner Ylva Johansson",
        "Photo: European Commission",
    ),
    body="""<p>On 10 July, the AER President, Magnus Berntsson, and the Chairs of the Intercultural Regions Network (IRN), Oriol Amorós, Secretary of Equity, Migrations and Citizenship of Catalonia, and the Vice-President of the Region of Crete, met with the European Commissioner for Home Affairs, Ylva Johansson.</p>
<p>The delegation presented the work of the Network and of EU-Belong, and called for a stronger role of regions in the implementation of the EU Action Plan on Integration and Inclusion 2021-2027.&nbsp;&nbsp;&nbsp;&nbsp;The Commissioner welcomed the initiative and invited the Network to contribute to the next European Integration Forum.</p>
<h3>The regions' requests</h3>
<ul>
<li>direct access for regions to AMIF funding;</li>
<li>recognition of the intercultural approach in EU integration policy;</li>
<li>a structured dialogue between the Commission and regional networks.</li>
</ul>
<p>&nbsp;&nbsp;&nbsp;Join the discussion under our article on the <a href="/news.php?id=23#comments">whole-of-society approach</a>.</p>""",
)

# slow page; onclick handler; absolute http:// link; ?country=Se
art(
    id=27,
    date="2023-09-14",
    date_raw="2023-09-14 14:00:00",
    author="Anna Lindqvist",
    tags=["Capacity building", "Education"],
    route={"delay": 1.5},
    q=["event_handler"],
    title="Capacity-building in Skåne: intercultural competence for public employees",
    image=(
        "/uploads/2023/09/skane-training.jpg",
        "Training session in Malmö",
        "Foto: Region Skåne",
    ),
    body="""<p>Region Skåne hosted the third EU-Belong training module in Malmö on 12-13 September. Teachers, librarians and staff of the regional health service worked on intercultural competence in everyday encounters with residents.</p>
<p>The module used real cases brought by the participants: a parent-teacher meeting with an interpreter, a patient who refuses a treatment, a library course for newly arrived women. For each case, groups looked for solutions that respect both equality and diversity.</p>
<h3>Materials</h3>
<p>The exercises build on the first <a href="http://eu-belong.aer.eu/news.php?id=18">online capacity-building session</a>. Find out more about our <a href="/partners.php?country=Se">Swedish partners</a>, or <a href="https://www.skane.se/en/" onclick="ga('send', 'event', 'outbound', 'click', 'skane'); return true;">visit the Region Skåne website</a>.</p>""",
)

# Spanish
art(
    id=30,
    date="2023-10-17",
    date_raw="17 de octubre de 2023",
    author="Jordi Puig",
    lang="es",
    tags=["Participation", "Migración"],
    title="Taller en Barcelona: la participación ciudadana como motor de la inclusión",
    image=(
        "/uploads/2023/10/taller-barcelona.jpg",
        "Participantes en el taller de Barcelona",
        "Foto: Generalitat de Catalunya / Departament d'Igualtat i Feminismes",
    ),
    attachments=[
        (
            "/uploads/2023/10/conclusiones-taller-barcelona.pdf",
            "Conclusiones del taller",
            "PDF, 1.2 MB",
        )
    ],
    body="""<p>Los días 16 y 17 de octubre, la Generalitat de Catalunya acogió en Barcelona el taller del clúster de participación de EU-Belong. Más de cuarenta personas, entre responsables públicos, entidades sociales y representantes de asociaciones de personas migrantes, debatieron sobre cómo abrir las instituciones a toda la ciudadanía.</p>
<h3>Experiencias compartidas</h3>
<ul>
<li>Los consejos municipales de inmigración de Cataluña y su evolución hacia espacios de participación abiertos.</li>
<li>Los presupuestos participativos con perspectiva intercultural de Navarra.</li>
<li>El programa de mentoría comunitaria de la región de Västra Götaland.</li>
</ul>
<p>«No se trata de hablar de las personas migrantes, sino de hablar con ellas», resumió una de las participantes durante la sesión de clausura.</p>
<p>Las conclusiones del taller se pueden descargar a continuación.</p>""",
)

# Fatal error truncates the page in the middle of the body
art(
    id=31,
    date="2023-11-08",
    date_raw="November 8, 2023",
    author="Ioana Popescu",
    tags=["Inclusion", "Study visits"],
    fatal=True,
    title="Mutual learning in Timișoara: intercultural strategies at county level",
    image=(
        "/uploads/2023/11/timisoara-visit.jpg",
        "EU-Belong partners in Union Square, Timișoara",
        "Foto: Consiliul Județean Timiș",
    ),
    body="""<p>Timiș County Council welcomed EU-Belong partners in Timișoara, European Capital of Culture 2023, for a mutual learning visit on intercultural strategies at county level.</p>
<p>Timiș has a long history of diversity: Romanian, Hungarian, Serbian, German, Roma and Bulgarian communities have lived together in the region for centuries, and new arrivals from Ukraine, Syria and Asia have joined them in recent years.</p>
<h3>From coexistence to interaction</h3>
<p>The county presented its draft intercultural strategy, prepared with the support of the Intercultural Regions Network, and the partners visited a multilingual kindergarten and a job-matching centre for refugees from Ukraine.</p>
<!--FATAL-->
<h3>Gallery</h3>
<p>More pictures of the visit are available in our gallery.</p>""",
)

# ID= spelling; link to a removed article; print view
art(
    id=33,
    date="2023-12-12",
    date_raw="12.12.2023",
    author="Sofia Bianchi",
    tags=["Publications", "Inclusion"],
    print=True,
    title="Inclusive Communication Guide published",
    image=(
        "/uploads/2023/12/inclusive-communication-guide.png",
        "Cover of the Inclusive Communication Guide",
        None,
    ),
    attachments=[
        (
            "/uploads/2023/12/inclusive-communication-guide.pdf",
            "Inclusive Communication Guide",
            "PDF, 2 MB",
        ),
        (
            "/uploads/2023/12/guia-comunicacion-inclusiva.pdf",
            "Guía de comunicación inclusiva (ES)",
            "PDF, 2.1 MB",
        ),
    ],
    body="""<p>How should a regional administration talk about migration? Which words include, and which exclude? The new EU-Belong Inclusive Communication Guide offers practical answers for communication officers, press services and elected representatives.</p>
<p>The guide was written with journalists, migrant-led organisations and the communication teams of the partner regions. It contains:</p>
<ul>
<li>a glossary of terms to use and to avoid;</li>
<li>ten rules for inclusive images and photo captions;</li>
<li>checklists for accessible and multilingual information;</li>
<li>examples of campaigns from Catalonia, Skåne and Île-de-France.</li>
</ul>
<p>The guide draws on the training sessions held in <a href="/news.php?ID=27">Skåne</a> and on the earlier <a href="/news.php?id=29">communication workshop in Antwerp</a>.</p>
<p>It is available in English and Spanish; Italian, French and Greek versions will follow in 2024.</p>""",
)

# ---- 2024 -------------------------------------------------------------------------------
# double-encoded author and quote
art(
    id=35,
    date="2024-01-30",
    date_raw="30/01/2024",
    author="Émilie Laurent",
    author_html=mojibake("Émilie Laurent"),
    tags=["Interculturalism", "Participation"],
    q=["double_encoded"],
    title="Île-de-France adopts a regional charter for intercultural dialogue",
    image=(
        "/uploads/2024/01/charter-iledefrance.jpg",
        "Signature of the charter in Saint-Ouen",
        "Photo: Région Île-de-France",
    ),
    body=f"""<p>The regional council of Île-de-France has adopted a charter for intercultural dialogue, one of the first concrete results of the EU-Belong regional action plan. The charter commits the Region and its partners to fight discrimination, to support intercultural projects in schools and sports clubs, and to involve residents of migrant background in regional consultations.</p>
<p>{mojibake("“We’re proud that Région Île-de-France is the first of the EU-Belong regions to adopt such a charter,” said the vice-president. “Équipes, associations, élus: everybody signed.”")}</p>
<h3>What the charter contains</h3>
<ol>
<li>12 commitments for the regional administration;</li>
<li>a label for intercultural projects funded by the Region;</li>
<li>an annual intercultural forum open to all residents.</li>
</ol>
<p>More than 80 organisations have already signed the charter.</p>""",
)

# Deprecated (html form) before <!DOCTYPE>; Word paste; empty paragraphs
art(
    id=36,
    date="2024-02-22",
    date_raw="February 22, 2024",
    author="AER Secretariat",
    tags=["Publications"],
    q=["word_paste", "empty_paragraphs"],
    page_errors={
        "pre": (
            "Deprecated",
            "Creation of dynamic property Article::$legacy_id is deprecated",
            "/var/www/html/inc/Article.php",
            18,
            "html",
        )
    },
    title="EU-Belong at mid-term: what we have learnt so far",
    image=(
        "/uploads/2024/02/mid-term-review.jpg",
        "Partners during the mid-term review meeting",
        None,
    ),
    attachments=[
        ("/uploads/2024/02/mid-term-review-summary.pdf", "Mid-term review summary", "PDF, 800 KB")
    ],
    body="""<p>Two years into the project, the EU-Belong partners met in Brussels for the mid-term review. An external evaluator presented the findings of interviews with 60 stakeholders in the ten partner regions.</p>
<p></p>
<p class="MsoNormal"><span style="font-size:12.0pt;line-height:115%;mso-bidi-font-family:Arial">The review finds that the training modules and the knowledge transfer clusters are the most appreciated activities, while the co-design of regional action plans has progressed at very different speeds.<o:p></o:p></span></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<h3>Recommendations for the second half</h3>
<ul>
<li>involve migrant-led organisations earlier in the action plans;</li>
<li>document pilot actions in a common format;</li>
<li>strengthen links with the Intercultural Regions Network.</li>
</ul>
<p>&nbsp;</p>
<p>The summary of the review is available below.</p>""",
)

# html Warning inside <title>; nested layout table
art(
    id=38,
    date="2024-03-19",
    date_raw="19 March 2024",
    author="Marta Ruiz",
    tags=["Opportunities", "Capacity building"],
    q=["nested_tables", "inline_styles"],
    page_errors={
        "title": (
            "Warning",
            'Undefined array key "seo_title"',
            "/mnt/nvme/www/inc/header.php",
            12,
            "html",
        )
    },
    title="Opportunity: Intercultural Cities Academy 2024 – Applications Open",
    image=(
        "/uploads/2024/03/icc-academy.jpg",
        "Participants of a previous Intercultural Cities Academy",
        None,
    ),
    body="""<p>The Council of Europe's Intercultural Cities programme has opened applications for the 2024 Intercultural Cities Academy, a one-week training for local and regional officials who want to design intercultural policies.</p>
<table width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td width="50%" valign="top" style="padding-right:10px">
<table cellpadding="4" border="0" style="background:#eef4fa;width:100%"><tr><td><b>Who can apply?</b></td></tr>
<tr><td>Staff of local and regional authorities, and of NGOs working with them.</td></tr></table>
</td>
<td width="50%" valign="top">
<table cellpadding="4" border="0" style="background:#fdf1e6;width:100%"><tr><td><b>When?</b></td></tr>
<tr><td>Lisbon, 23-28 September 2024. Deadline: 30 April 2024.</td></tr></table>
</td></tr></table>
<p style="color:#c00000;font-weight:bold">Participation is free; travel and accommodation are covered for selected candidates.</p>
<p>Apply on the <a href="https://www.coe.int/en/web/interculturalcities/academy" target="_blank">Intercultural Cities website</a>.</p>""",
)

# Italian; body image with Italian credit
art(
    id=40,
    date="2024-04-09",
    date_raw="9 aprile 2024",
    author="Giulia Rossi",
    lang="it",
    tags=["Labour market", "Inclusion"],
    title="Laboratorio a Bologna: competenze e lavoro per i nuovi cittadini",
    image=(
        "/uploads/2024/04/laboratorio-bologna.jpg",
        "Il laboratorio di Bologna",
        "Foto: Regione Emilia-Romagna – Agenzia di informazione e comunicazione",
    ),
    body=f"""<p>Il 4 e 5 aprile la Regione Emilia-Romagna ha ospitato a Bologna il laboratorio del cluster “Inclusione nel mercato del lavoro” del progetto EU-Belong. Amministratori, centri per l'impiego, imprese e associazioni hanno discusso di come valorizzare le competenze delle persone migranti.</p>
<p>Al centro del confronto: il riconoscimento dei titoli di studio, la formazione linguistica sul posto di lavoro e il ruolo dei mediatori interculturali nei servizi per l'impiego.</p>
{IMG("/uploads/2024/04/visita-azienda-modena.jpg", "Visita a un'azienda metalmeccanica di Modena", "Foto di Marco Venturi per la Regione Emilia-Romagna")}
<h3>Le proposte emerse</h3>
<ul>
<li>uno sportello unico regionale per il riconoscimento delle qualifiche;</li>
<li>corsi di italiano tecnico organizzati con le imprese;</li>
<li>tirocini retribuiti per giovani rifugiati.</li>
</ul>
<p>Il prossimo incontro del cluster si terrà a maggio, sempre a Bologna.</p>""",
)

# "&" in the title; Google Maps iframe (not a video embed); print view
art(
    id=41,
    date="2024-05-14",
    date_raw="2024-05-14 09:30:00",
    author="Sofia Bianchi",
    tags=["Labour market"],
    print=True,
    q=["iframe_other"],
    title="Skills & Jobs: Labour Market Inclusion Workshop in Bologna",
    image=(
        "/uploads/2024/05/skills-jobs-bologna.jpg",
        "Workshop participants in Bologna",
        "Foto di Giulia Rossi per la Regione Emilia-Romagna",
    ),
    attachments=[("/uploads/2024/05/skills-jobs-agenda.pdf", "Workshop agenda", "PDF, 350 KB")],
    body="""<p>Following the April laboratory, the labour market cluster met again in Bologna on 13-14 May for the workshop “Skills &amp; Jobs”. Employers' associations, trade unions and employment services from six regions worked on concrete tools to match the skills of migrants with regional labour needs.</p>
<h3>Tools tested in the workshop</h3>
<ol>
<li>a skills profile for refugees, based on the EU Skills Profile Tool;</li>
<li>a mentoring scheme between companies and newcomers;</li>
<li>a checklist for inclusive recruitment.</li>
</ol>
<p>The workshop took place at the headquarters of the Region:</p>
<p><iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2846.1!2d11.3553!3d44.5035" width="400" height="300" style="border:0;" allowfullscreen="" loading="lazy"></iframe></p>
<p>Read the report of the <a href="/news.php?id=40">April laboratory</a> (in Italian).</p>""",
)

# Greek; plain Warning inside the alt attribute of the main image
art(
    id=43,
    date="2024-06-05",
    date_raw="05/06/2024",
    author="Eleni Papadaki",
    lang="el",
    tags=["Education", "Study visits"],
    title="Εργαστήριο στο Ηράκλειο: η εκπαίδευση ως γέφυρα ένταξης",
    image=("/uploads/2024/06/ergastirio-irakleio.jpg", "", "Φωτογραφία: Περιφέρεια Κρήτης"),
    image_alt_err=("Warning", "Undefined variable $alt", "/var/www/html/inc/functions.php", 41),
    attachments=[
        ("/uploads/2024/06/programma-ergastiriou.pdf", "Πρόγραμμα εργαστηρίου", "PDF, 420 KB")
    ],
    body="""<p>Στις 4 και 5 Ιουνίου η Περιφέρεια Κρήτης φιλοξένησε στο Ηράκλειο το εργαστήριο του έργου EU-Belong με θέμα τον ρόλο της εκπαίδευσης στην ένταξη των μεταναστών και των προσφύγων. Εκπρόσωποι από δέκα ευρωπαϊκές περιφέρειες συζήτησαν πρακτικές για την υποδοχή παιδιών με μεταναστευτικό υπόβαθρο στα σχολεία.</p>
<h3>Βασικά συμπεράσματα</h3>
<ul>
<li>Η εκμάθηση της γλώσσας πρέπει να ξεκινά από την πρώτη ημέρα.</li>
<li>Οι διαπολιτισμικοί διαμεσολαβητές ενισχύουν τη σχέση σχολείου και οικογένειας.</li>
<li>Η συνεργασία δήμων, περιφέρειας και οργανώσεων της κοινωνίας των πολιτών είναι απαραίτητη.</li>
</ul>
<p>«Η εκπαίδευση είναι η πιο σταθερή γέφυρα προς την ένταξη», δήλωσε η αντιπεριφερειάρχης Κοινωνικής Πολιτικής κατά την έναρξη των εργασιών.</p>
<p>Το πρόγραμμα του εργαστηρίου είναι διαθέσιμο παρακάτω.</p>""",
)

# inline styles, empty paragraphs, onerror handler; sidebar links carry a PHPSESSID
art(
    id=44,
    date="2024-07-02",
    date_raw="02.07.2024",
    author="Eleni Papadaki",
    tags=["Study visits", "Inclusion"],
    sidebar_sessid=True,
    q=["inline_styles", "empty_paragraphs", "event_handler"],
    title="Study visit to Crete: welcoming unaccompanied minors",
    image=(
        "/uploads/2024/07/crete-study-visit.jpg",
        "Partners visiting a shelter for minors in Heraklion",
        "Φωτογραφία: Περιφέρεια Κρήτης",
    ),
    body=f"""<p>At the end of June, EU-Belong partners travelled to Crete to learn how the Region and local NGOs welcome unaccompanied minors arriving on the island.</p>
<p></p>
<p style="font-family:Georgia,serif;font-size:14px;color:#333333;text-align:justify">The visit included a supported-living apartment in Heraklion, a school with reception classes and the regional child protection service. Partners from Skåne and Antwerp shared their own guardianship models.</p>
<p>&nbsp;</p>
{IMG("/uploads/2024/07/heraklion-school.jpg", "Reception class in a Heraklion school", extra=ONERROR_HIDE)}
<p style="margin-left:40px;border-left:3px solid #00539f;padding-left:10px"><em>“Every child needs one adult they can trust. Our job is to make sure that adult exists,”</em> said a social worker of the Region.</p>
<p>The visit was part of the education and youth cluster.</p>""",
)

# French
art(
    id=46,
    date="2024-09-26",
    date_raw="26 septembre 2024",
    author="Claire Dubois",
    lang="fr",
    tags=["Events", "Participation"],
    title="Atelier à Paris : donner la parole aux jeunes issus de l’immigration",
    image=(
        "/uploads/2024/09/atelier-jeunes-paris.jpg",
        "Jeunes participants à l’atelier de Paris",
        "Photo : Région Île-de-France / Léa Martin",
    ),
    body="""<p>Le 24 septembre, une trentaine de jeunes Franciliens, dont beaucoup sont arrivés en France il y a moins de cinq ans, ont participé à un atelier organisé par la Région Île-de-France dans le cadre d’EU-Belong. Objectif : recueillir leurs propositions pour la future stratégie régionale de la jeunesse.</p>
<h3>Leurs priorités</h3>
<ul>
<li>l’accès aux stages et à l’apprentissage ;</li>
<li>des lieux de rencontre ouverts le soir et le week-end ;</li>
<li>la reconnaissance des langues parlées à la maison comme une richesse.</li>
</ul>
<p>Les propositions seront présentées aux élus régionaux en novembre. Lire aussi notre article sur la <a href="https://www.eu-belong.aer.eu/news.php?id=35">charte régionale du dialogue interculturel</a>.</p>""",
)

# Vimeo embed; external <script src>
art(
    id=47,
    date="2024-10-15",
    date_raw="October 15, 2024",
    author="Laura Ferrer",
    tags=["Events", "Interculturalism"],
    q=["script", "iframe_vimeo"],
    title="Webinar: Countering Hate Speech at Regional Level",
    image=("/uploads/2024/10/webinar-hate-speech.png", "Webinar banner", None),
    body=f"""<p>How can regions respond to online and offline hate speech against migrants and minorities? Our webinar of 10 October brought together experts from the Council of Europe, the Fundamental Rights Agency and three EU-Belong regions.</p>
<p>Speakers presented regional monitoring systems, counter-narrative campaigns and training for local media. The recording is available below.</p>
<p>{VIMEO("812345678")}</p>
<h3>Resources</h3>
<ul>
<li><a href="https://www.coe.int/en/web/combating-hate-speech" target="_blank">Council of Europe: combating hate speech</a></li>
<li><a href="/page.php?p=about">About EU-Belong</a></li>
</ul>
<blockquote class="twitter-tweet"><p lang="en">Hate speech is not an opinion. Thanks to all speakers of today's #EUBelong webinar!</p>&mdash; AER (@AER_Regions) <a href="https://twitter.com/AER_Regions/status/1712345678901234567">October 10, 2024</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>""",
)

# no date block: "On Thursday 7th November" (2024 from the weekday and the upload path)
art(
    id=49,
    date="2024-11-07",
    date_prose="On Thursday 7th November",
    author="AER Communications",
    tags=["Intercultural Regions Network", "Events"],
    title="Intercultural Regions Network gathers in Brussels to plan its future",
    image=(
        "/uploads/2024/11/irn-brussels.jpg",
        "Members of the Intercultural Regions Network in Brussels",
        None,
    ),
    body="""<p>On Thursday 7th November, members of the Intercultural Regions Network gathered in Brussels to take stock of two years of cooperation and to plan the future of the Network after the end of the EU-Belong project.</p>
<p>The members agreed to continue the peer reviews between regions, to open the Network to regions outside the European Union and to prepare a joint position on the next EU integration action plan.</p>
<h3>New members</h3>
<p>Three regions joined the Network on the day: the Autonomous Province of Trento, the Region of Western Macedonia and the Province of Limburg.</p>""",
)

# ---- 2025 -------------------------------------------------------------------------------
# plain Warning between blocks (before the attachments)
art(
    id=50,
    date="2025-01-21",
    date_raw="21/01/2025",
    author="Marta Ruiz",
    tags=["Publications", "Inclusion"],
    after_text_error=(
        "Warning",
        "filesize(): stat failed for /mnt/nvme/www/uploads/2025/01/lessons-learnt.pdf",
        "/mnt/nvme/www/inc/attachments.php",
        27,
        "plain",
    ),
    title="Three years of EU-Belong: ten lessons for intercultural regions",
    image=("/uploads/2025/01/ten-lessons.jpg", "Illustration: ten lessons", None),
    attachments=[("/uploads/2025/01/lessons-learnt.pdf", "Lessons learnt report", "PDF, 2 MB")],
    body="""<p>As EU-Belong enters its final months, the partners have summarised what they learnt in ten lessons for regions that want to adopt the intercultural approach.</p>
<ol>
<li>Start from the diversity advantage, not from problems.</li>
<li>Make interculturalism a cross-cutting principle, not a separate department.</li>
<li>Train front-line staff first.</li>
<li>Involve migrant-led organisations from the start.</li>
<li>Measure interaction, not only access to services.</li>
<li>Use the regional level to connect municipalities.</li>
<li>Fund long-term structures, not only projects.</li>
<li>Communicate with care: words and images matter.</li>
<li>Learn from peers in other regions.</li>
<li>Be patient: trust takes time.</li>
</ol>
<p>The full report explains each lesson with examples from the partner regions.</p>""",
)

# Spanish; body image with Spanish credit; ?country=es
art(
    id=52,
    date="2025-02-04",
    date_raw="4 de febrero de 2025",
    author="Iñaki Goñi",
    lang="es",
    tags=["Capacity building", "Migración"],
    title="Taller en Pamplona: herramientas interculturales para los servicios sociales",
    image=(
        "/uploads/2025/02/taller-pamplona.jpg",
        "Profesionales de los servicios sociales en el taller de Pamplona",
        "Foto cedida por la Dirección General de Políticas Migratorias del Gobierno de Navarra @autor: Iñaki Goñi",
    ),
    body=f"""<p>El Gobierno de Navarra organizó el 30 y 31 de enero en Pamplona un taller de EU-Belong dirigido a profesionales de los servicios sociales de base. Durante dos jornadas, trabajadoras sociales, educadores y mediadores interculturales pusieron a prueba las herramientas elaboradas en el proyecto.</p>
{IMG("/uploads/2025/02/mediadores-navarra.jpg", "Mediadoras interculturales durante el taller", "Foto cedida por el Gobierno de Navarra @autora: Maite Hernández Mateo")}
<h3>Herramientas presentadas</h3>
<ul>
<li>una guía de acogida intercultural para los servicios sociales;</li>
<li>un protocolo de trabajo con intérpretes y mediadores;</li>
<li>un cuestionario de autoevaluación de la competencia intercultural.</li>
</ul>
<p>Más información sobre nuestros <a href="/partners.php?country=es">socios en España</a>.</p>""",
)

# "&" in the title (unescaped in the RSS feed); absolute https://www. link
art(
    id=54,
    date="2025-03-13",
    date_raw="13.03.2025",
    author="Anna Lindqvist",
    tags=["Study visits", "Education"],
    title="Gothenburg Study Visit: Schools & Libraries as Intercultural Spaces",
    image=(
        "/uploads/2025/03/gothenburg-library.jpg",
        "The Angered library in Gothenburg",
        "Foto: Västra Götalandsregionen",
    ),
    body="""<p>Västra Götaland Region welcomed the education cluster of EU-Belong in Gothenburg on 11-12 March. The visit focused on schools and public libraries as places where children and adults of all backgrounds meet.</p>
<p>Partners visited the library of Angered, where language cafés, homework help and legal advice are offered in more than twenty languages, and a secondary school that runs mother-tongue tuition in eleven languages.</p>
<h3>What the partners took home</h3>
<ul>
<li>libraries can be the most trusted public service for newcomers;</li>
<li>mother-tongue tuition supports, rather than slows down, learning Swedish;</li>
<li>cooperation between schools and libraries must be planned, not left to chance.</li>
</ul>
<p>Discover our <a href="https://www.eu-belong.aer.eu/partners.php?country=se">Swedish partners</a>.</p>""",
)

# utm links
art(
    id=55,
    date="2025-04-03",
    date_raw="April 3, 2025",
    author="AER Secretariat",
    tags=["Opportunities", "Intercultural Regions Network"],
    title="Opportunity: Call for Regions to Join the Intercultural Regions Network",
    image=("/uploads/2025/04/irn-call.png", "Join the Intercultural Regions Network", None),
    body=f"""<p>The Intercultural Regions Network is looking for new members. Regional and intermediate authorities from all Council of Europe member states can apply to join the Network and benefit from its peer reviews, training and expertise.</p>
<h3>How to apply</h3>
<ol>
<li>send a letter of intent signed by the president of the region;</li>
<li>nominate a contact person in the regional administration;</li>
<li>complete the intercultural regions self-assessment.</li>
</ol>
<p>Applications are open until 30 June 2025. Find out what the Network did in <a href="/news.php?id=49&amp;{UTM}">its Brussels meeting</a> and how it <a href="/news.php?id=26&amp;{UTM}">met Commissioner Johansson</a>.</p>""",
)

# table; pdf + docx attachments
art(
    id=57,
    date="2025-05-20",
    date_raw="2025-05-20 10:00:00",
    author="Sofia Bianchi",
    tags=["Publications", "Inclusion"],
    title="Publication: EU-Belong Policy Recommendations for Intercultural Regions",
    image=(
        "/uploads/2025/05/policy-recommendations-cover.png",
        "Cover of the policy recommendations",
        None,
    ),
    attachments=[
        (
            "/uploads/2025/05/eu-belong-policy-recommendations.pdf",
            "EU-Belong Policy Recommendations",
            "PDF, 2 MB",
        ),
        (
            "/uploads/2025/05/eu-belong-policy-recommendations.docx",
            "Policy Recommendations – editable version",
            "DOCX, 96 KB",
        ),
    ],
    body="""<p>The EU-Belong partners have published their policy recommendations for regional, national and European decision-makers. They draw on three years of training, clusters, pilot actions and peer learning in ten regions.</p>
<table border="1" cellpadding="4" cellspacing="0">
<caption>Recommendations by level of government</caption>
<tr><th>Level</th><th>Key recommendation</th></tr>
<tr><td>Regional</td><td>Adopt an intercultural strategy with a dedicated budget and a cross-departmental team.</td></tr>
<tr><td>National</td><td>Give regions a formal role in integration policy and access to AMIF programming.</td></tr>
<tr><td>European</td><td>Recognise the intercultural approach in the next EU Action Plan on Integration and Inclusion.</td></tr>
</table>
<h4>Launch event</h4>
<p>The recommendations will be presented at the final conference of the project in June.</p>""",
)

# YouTube; utm links; print view
art(
    id=58,
    date="2025-06-12",
    date_raw="12 June 2025",
    author="AER Communications",
    tags=["Events", "Interculturalism", "Inclusion"],
    print=True,
    q=["iframe_youtube"],
    title="EU-Belong Final Conference: Intercultural Regions Shaping Europe’s Future",
    image=(
        "/uploads/2025/06/final-conference.jpg",
        "Speakers on stage at the EU-Belong final conference",
        "Photo: AER / Julien Marchand",
    ),
    attachments=[
        ("/uploads/2025/06/eu-belong-final-report.pdf", "EU-Belong Final Report", "PDF, 2 MB"),
        (
            "/uploads/2025/06/final-conference-programme.pdf",
            "Final conference programme",
            "PDF, 350 KB",
        ),
    ],
    body=f"""<p>More than 200 participants from 20 countries joined the EU-Belong final conference in Brussels on 10-11 June to celebrate three years of work on the intercultural approach to migrant integration in Europe's regions.</p>
<p>Regional ministers, Members of the European Parliament, representatives of the European Commission and of the Council of Europe discussed the project's <a href="/news.php?id=57&amp;{UTM}">policy recommendations</a> and the future of the Intercultural Regions Network.</p>
<blockquote><p>“EU-Belong has shown that regions can turn diversity into a shared advantage. Now we need to make it the rule, not the exception.”</p></blockquote>
<h3>Watch the conference</h3>
<p>{YT("kX9mQ2vLr4c")}</p>
<h3>Highlights</h3>
<ul>
<li>presentation of the <a href="/news.php?id=50&amp;{UTM}">ten lessons</a> for intercultural regions;</li>
<li>awards for the best regional pilot actions, won by Navarre, Skåne and Timiș;</li>
<li>signature of a joint declaration by 25 regions.</li>
</ul>
<p>The final report and the conference programme are available below.</p>""",
)


# ======================================================================================
# CONTENT: tags, partners, clusters, static pages, calendar
# ======================================================================================

TAGS = {  # display name -> slug
    "Inclusion": "inclusion",
    "Interculturalism": "interculturalism",
    "Capacity building": "capacity-building",
    "Events": "events",
    "Publications": "publications",
    "Opportunities": "opportunities",
    "Study visits": "study-visits",
    "Labour market": "labour-market",
    "Education": "education",
    "Participation": "participation",
    "Intercultural Regions Network": "intercultural-regions-network",
    "Migration": "migration",
    "Migración": "migracion",
}

COUNTRIES = {
    "BE": "Belgium",
    "DE": "Germany",
    "ES": "Spain",
    "FR": "France",
    "GR": "Greece",
    "IT": "Italy",
    "RO": "Romania",
    "SE": "Sweden",
}
# how each country's link is spelt in the selector and in the map data (values are case-insensitive)
OPTION_CC = {
    "BE": "BE",
    "DE": "de",
    "ES": "ES",
    "FR": "fr",
    "GR": "GR",
    "IT": "It",
    "RO": "RO",
    "SE": "Se",
}
MAP_CC = {
    "BE": "BE",
    "DE": "DE",
    "ES": "es",
    "FR": "FR",
    "GR": "gr",
    "IT": "IT",
    "RO": "RO",
    "SE": "SE",
}

ROLE_CODES = {
    "lead partner": "lead_partner",
    "partner": "partner",
    "technical partner": "technical_partner",
    "associate": "associate",
}

PARTNERS = [
    dict(
        cc="BE",
        name="Assembly of European Regions",
        region=None,
        role_raw="Lead partner",
        website="https://aer.eu",
        logo="aer.png",
        desc="<p>The Assembly of European Regions (AER) is the largest independent network of regions in wider Europe, bringing together more than 100 regions from 30 countries. AER coordinates EU-Belong and hosts the Intercultural Regions Network.</p>",
    ),
    dict(
        cc="BE",
        name="Province of Antwerp",
        region="Antwerp",
        role_raw="Partner",
        website="https://www.provincieantwerpen.be",
        logo="antwerpen.png",
        desc="<p>The Province of Antwerp supports municipalities in welcoming newcomers and runs a provincial programme against discrimination on the housing and labour markets.</p>",
    ),
    dict(
        cc="BE",
        name="Migration Policy Group",
        region=None,
        role_raw="Technical partner",
        website="https://www.migpolgroup.com",
        logo="mpg.png",
        desc="<p>The Migration Policy Group is a Brussels-based think-and-do tank. In EU-Belong it leads the mapping of regional integration strategies and the evaluation of the project.</p>",
    ),
    dict(
        cc="DE",
        name="State of Baden-Württemberg",
        region="Baden-Württemberg",
        role_raw="partner",
        website="https://sozialministerium.baden-wuerttemberg.de",
        logo="baden-wuerttemberg.png",
        desc="<p>The Ministry of Social Affairs, Health and Integration of Baden-Württemberg represents the State in EU-Belong, with a focus on language learning and integration managers in municipalities.</p>",
    ),
    dict(
        cc="ES",
        name="Government of Navarre",
        region="Navarre",
        role_raw="Partner",
        website="https://www.navarra.es",
        logo="navarra.png",
        desc="<p>The Directorate General for Migration Policies of the Government of Navarre designs the regional strategy for the intercultural coexistence of the more than 60,000 residents of foreign origin living in Navarre.</p>",
    ),
    dict(
        cc="ES",
        name="Generalitat de Catalunya",
        region="Catalonia",
        role_raw="PARTNER",
        website="https://web.gencat.cat",
        logo="catalunya.png",
        desc="<p>The Secretariat for Equality, Migration and Citizenship of the Generalitat de Catalunya co-chairs the Intercultural Regions Network and leads the EU-Belong cluster on participation.</p>",
    ),
    dict(
        cc="ES",
        name="Fundación Cepaim",
        region=None,
        role_raw="Technical Partner",
        website="https://www.cepaim.org",
        logo="cepaim.png",
        desc="<p>Fundación Cepaim is a Spanish NGO working for an inclusive and intercultural society. It designs the training modules on intercultural competence for public employees.</p>",
    ),
    dict(
        cc="FR",
        name="Région Île-de-France",
        region="Île-de-France",
        role_raw="Partner",
        website="https://www.iledefrance.fr",
        logo="iledefrance.png",
        desc="<p>Île-de-France, the Paris region, is home to 12 million inhabitants, one in five of them born abroad. The Region works on youth, training and participation.</p>",
    ),
    dict(
        cc="GR",
        name="Region of Crete",
        region="Crete",
        role_raw="Partner",
        website="https://www.crete.gov.gr",
        logo="crete.png",
        desc="<p>The Region of Crete leads EU-Belong work on the reception of unaccompanied minors and on intercultural education in schools.</p>",
    ),
    dict(
        cc="IT",
        name="Regione Emilia-Romagna",
        region="Emilia-Romagna",
        role_raw="Partner",
        website="https://www.regione.emilia-romagna.it",
        logo="emilia-romagna.png",
        desc="<p>Emilia-Romagna coordinates the EU-Belong cluster on labour market inclusion and skills, building on its regional law on the social integration of foreign citizens.</p>",
    ),
    dict(
        cc="IT",
        name="Fondazione ISMU",
        region=None,
        role_raw="technical partner",
        website="https://www.ismu.org",
        logo="ismu.png",
        desc="<p>Fondazione ISMU (Initiatives and Studies on Multi-ethnicity) is an independent research centre based in Milan. It supports the clusters with research and data.</p>",
    ),
    dict(
        cc="RO",
        name="Timiș County Council",
        region="Timiș",
        role_raw="Associate",
        website="https://www.cjtimis.ro",
        logo="timis.png",
        desc="<p>Timiș County Council joined EU-Belong as an associate region. Timiș has a long multicultural tradition and is drafting its first county intercultural strategy.</p>",
    ),
    dict(
        cc="SE",
        name="Region Skåne",
        region="Skåne",
        role_raw="Partner",
        website="https://www.skane.se",
        logo="skane.png",
        name_html=mojibake("Region Skåne"),
        desc="<p>"
        + mojibake(
            "Region Skåne, with its regional capital Malmö, is responsible for health care, public transport and regional development in the south of Sweden. One in four inhabitants of Malmö was born abroad."
        )
        + "</p>",
    ),
    dict(
        cc="SE",
        name="Västra Götaland Region",
        region="Västra Götaland",
        role_raw="Partner",
        website="https://www.vgregion.se",
        logo="vastra-gotaland.png",
        desc="<p>Västra Götaland Region, around Gothenburg, works on libraries, culture and civil society as drivers of intercultural interaction.</p>",
    ),
]
for _p in PARTNERS:
    _p["role"] = ROLE_CODES[_p["role_raw"].lower()]
    _p["slug"] = slugify(_p["name"])

CLUSTERS = [
    dict(
        id=1,
        title="Labour Market Inclusion and Skills",
        related=[41, 40, 21, 16],
        summary="Recognising skills, opening jobs and training to newcomers.",
        intro="""<p>Work is one of the strongest drivers of inclusion. This cluster brings together regions that want to match the skills of migrants with regional labour needs: recognition of qualifications, language learning at the workplace, inclusive recruitment and entrepreneurship.</p>
<p>Coordinated by <strong>Regione Emilia-Romagna</strong>, with the support of Fondazione ISMU.</p>""",
    ),
    dict(
        id=2,
        title="Education, Language and Youth",
        related=[54, 44, 43, 27],
        summary="Schools, libraries and youth work as intercultural spaces.",
        intro="""<p>Schools, libraries and youth centres are where children and young people of all backgrounds grow up together. The cluster exchanges practices on reception classes, mother-tongue tuition, intercultural mediation in schools and the protection of unaccompanied minors.</p>
<p>Coordinated by <strong>Västra Götaland Region</strong> and the <strong>Region of Crete</strong>.</p>""",
    ),
    dict(
        id=3,
        title="Participation and Active Citizenship",
        related=[46, 35, 30, 24, 23],
        summary="Giving newcomers a voice in regional policymaking.",
        page_errors={
            "meta": (
                "Deprecated",
                "strip_tags(): Passing null to parameter #1 ($string) of type string is deprecated",
                "/mnt/nvme/www/cluster.php",
                9,
                "plain",
            )
        },
        intro="""<p>An intercultural region involves all its residents in public life. This cluster works on consultative councils, participatory budgeting, co-design of services with users and the participation of young people of migrant background.</p>
<p>Coordinated by the <strong>Generalitat de Catalunya</strong>.</p>""",
    ),
    dict(
        id=4,
        title="Anti-Discrimination and Public Narratives",
        related=[47, 33, 19],
        summary="Countering discrimination, hate speech and negative narratives.",
        page_errors={
            "title": (
                "Warning",
                'Undefined array key "meta_title"',
                "/var/www/html/cluster.php",
                15,
                "plain",
            )
        },
        intro="""<p>Discrimination and hostile narratives undermine every integration effort. The cluster exchanges on anti-discrimination offices, monitoring of hate speech, inclusive communication and campaigns that tell the stories of diverse regions.</p>
<p>Coordinated by the <strong>Province of Antwerp</strong>, with the Migration Policy Group.</p>""",
    ),
]

STATIC_PAGES = {
    "about": dict(
        title="About EU-Belong",
        newsletter=True,
        body="""<p>EU-Belong – <em>An Intercultural Approach to Migrants Integration in Europe's Regions</em> – is a 3-year project (2022-2025) run by the Assembly of European Regions (AER) and 13 partners, and co-funded by the AMIF Programme (AMIF-2020-AG-CALL) of the European Union.</p>
<h2>Objectives</h2>
<ul>
<li>build the capacity of regional authorities to design intercultural integration policies;</li>
<li>co-design regional action plans with migrants and civil society;</li>
<li>foster transnational mutual learning through knowledge transfer clusters;</li>
<li>consolidate the Intercultural Regions Network.</li>
</ul>
<h2>Partners</h2>
<p>Ten regions in eight countries, two technical partners and one associate region take part in the project. Discover them on the <a href="/partners">partners page</a>.</p>
<h2>Knowledge transfer clusters</h2>
<p>The project works in four thematic clusters: <a href="/cluster.php?id=1">labour market</a>, <a href="/cluster.php?id=2">education</a>, <a href="/cluster.php?id=3">participation</a> and <a href="/cluster.php?id=4">anti-discrimination</a>.</p>
<p>Questions? <a href="http://www.eu-belong.aer.eu/page.php?p=contact">Contact us</a>.</p>""",
    ),
    "contact": dict(
        title="Contact",
        body=f"""<p>For questions about EU-Belong, please contact the project team at the Assembly of European Regions.</p>
<p><strong>Assembly of European Regions</strong><br>
6 rue Oberlin<br>
67000 Strasbourg, France</p>
<p>Brussels office: Rue Montoyer 24, 1000 Brussels, Belgium{perr("Notice", "session_start(): Ignoring session_start() because a session is already active", "/var/www/html/inc/session.php", 5, form="plain")}</p>
<p>E-mail: <a href="mailto:eu-belong@aer.eu">eu-belong@aer.eu</a><br>
Phone: +33 3 88 22 07 07</p>
<p>Press enquiries: <a href="mailto:press@aer.eu">press@aer.eu</a></p>
<p>Learn more <a href="/about.html">about the project</a>.</p>""",
    ),
    "privacy": dict(
        title="Privacy Policy",
        body="""<p>This website is operated by the Assembly of European Regions (AER), 6 rue Oberlin, 67000 Strasbourg, France.</p>
<h2>Personal data</h2>
<p>We collect personal data only when you sign up for the project mailing list or contact us. Your e-mail address is used exclusively to send you information about EU-Belong and is never shared with third parties.</p>
<h2>Cookies</h2>
<p>The website uses technical cookies necessary for its functioning and, if you accept them, analytics cookies to measure the audience. You can refuse cookies in the settings of your browser.</p>
<h2>Your rights</h2>
<p>Under the General Data Protection Regulation you have the right to access, rectify and delete your data. Write to <a href="mailto:privacy@aer.eu">privacy@aer.eu</a>.</p>""",
    ),
    "legal": dict(
        title="Legal Notice",
        body="""<p><strong>Publisher:</strong> Assembly of European Regions (AER), association registered in Strasbourg, France.</p>
<p><strong>Director of publication:</strong> the Secretary General of AER.</p>
<p><strong>Hosting:</strong> AER servers, Strasbourg.</p>
<h2>Disclaimer</h2>
<p>EU-Belong receives funding from the European Union's AMIF programme (AMIF-2020-AG-CALL). The content of this website represents the views of the authors only and is their sole responsibility. The European Commission does not accept any responsibility for use that may be made of the information it contains.</p>
<p>Back to the <a href="/index.html">home page</a>.</p>""",
    ),
}

HOME_TITLE = "An Intercultural Approach to Migrants Integration in Europe's Regions"
HOME_CREDIT = (
    "Foto cedida por la Dirección General de Politicas Migratorias del Gobierno de Navarra "
    "@autora: Maite Hernandez Mateo"
)
HOME_INTRO = (
    "EU-Belong is a 3-year project run by the Assembly of European Regions (AER) and 13 "
    "partners, and co-funded by the AMIF Programme (AMIF-2020-AG-CALL) of the European Union. "
    "The project is pioneering the field of inclusion &amp; integration, by using an "
    "intercultural approach developed by the Council of Europe to innovate regional "
    "policymaking. EU-Belong will showcase how multistakeholder approaches, tailored "
    "capacity-building, co-design and transnational mutual-learning leverage regional "
    "efforts and generate innovation."
)
HOME_APPROACH = """<h2>The Intercultural Approach Explained </h2>
<p>The intercultural model brings together the principles of Diversity, Equality and Interaction. Interculturalism considers the positive potential of diversity as the starting point and the horizon. It is about making a place for everyone in society. While the assimilationism model overemphasises equality neglecting diversity, and multiculturalism highlights cultural differences, the aim of interculturalism is to realise equality and societal cohesion by building on the diversity that enriches societies. </p>
<p>Interculturalism, recognises the importance of culture in building cohesive communities, accessing rights and realising opportunities. </p>
<p>It emphasises the need to enable each identity to survive and flourish, but also underlines the right of all cultures to contribute to the cultural landscape of the society in which they are present. Interculturalism derives from the understanding that communities thrive only in contact with others through interaction, not in isolation. It seeks to reinforce intercultural interaction as a means of building trust and strengthening the fabric of the community, creating a collective identity that embraces cultural pluralism, human rights, democracy, gender equality, and non-discrimination. </p>"""
HOME_CLUSTERS_INTRO = (
    "The intercultural approach is particularly innovative, and a tool for more cohesive, "
    "innovative and resilient societies. The knowledge transfer clusters below "
    "facilitate peer learning around common challenges in thematic areas and offer "
    "different formats of online and in-person knowledge transfer activities."
)

CALENDAR_EVENTS = {
    "2023-03": '<li class="event"><span class="event-date">28/03/2023</span> <a href="/news.php?id=19">Diversity for Better Inclusion: exchange at the European Committee of the Regions</a>, Brussels</li>',
    "2023-05": '<li class="event"><span class="event-date">15-16/05/2023</span> <a href="/news.php?id=23">Includ-EU workshop: a whole-of-society approach to inclusion</a>, Cluj-Napoca</li>',
    "2023-06": '<li class="event"><span class="event-date">19-20/06/2023</span> <a href="/news.php?id=24">Réunion transnationale des partenaires</a>, Paris</li>',
    "2024-05": (
        '<li class="event"><span class="event-date">13-14/05/2024</span> <a href="/news.php?id=41">Skills &amp; Jobs workshop</a>, Bologna</li>\n'
        '<li class="event"><span class="event-date">28/05/2024</span> Online meeting of the <a href="/cluster.php?id=2">education cluster</a></li>'
    ),
    "2024-10": '<li class="event"><span class="event-date">10/10/2024</span> <a href="/news.php?id=47">Webinar: Countering Hate Speech at Regional Level</a>, online</li>',
    "2024-11": '<li class="event"><span class="event-date">07/11/2024</span> <a href="/news.php?id=49">Intercultural Regions Network meeting</a>, Brussels</li>',
    "2025-06": f'<li class="event"><span class="event-date">10-11/06/2025</span> <a href="http://eu-belong.aer.eu/news.php?id=58&amp;{UTM}">EU-Belong Final Conference</a>, Brussels</li>',
    "empty": '<li class="no-events">There are no events scheduled for this month.</li>',
}


# ======================================================================================
# RENDERING
# ======================================================================================

FILES: dict[str, bytes] = {}  # site-relative file -> bytes
FILE_ENC: dict[str, str] = {}  # site-relative file -> encoding of its bytes
ROUTES: list[dict] = []
PHP_ERRORS: dict[str, dict[str, int]] = {}  # page URL -> {level: count}
PHP_ERRORS_BY_FORM: dict[str, Counter] = {}
HTML_PAGES: list[tuple[str, str]] = []  # (page URL, file) of every HTML page, for verify()
QUIRKS: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))


def q(num: int, url: str, sub: str = "urls") -> None:
    urls = QUIRKS[str(num)][sub]
    if url not in urls:
        urls.append(url)


def emit(
    file: str, text: str, urls: list[str], *, encoding: str = "utf-8", html_page: bool = True
) -> None:
    final, counts = finalize(text)
    FILE_ENC[file] = encoding
    FILES[file] = final.encode(encoding)  # strict: cp1252 pages must be encodable
    for url in urls:
        if counts:
            by_level: Counter = Counter()
            for (level, form), n in counts.items():
                by_level[level] += n
                q(17, url, f"{level}/{form}")
            PHP_ERRORS[url] = dict(sorted(by_level.items()))
            PHP_ERRORS_BY_FORM[url] = counts
        if html_page:
            HTML_PAGES.append((url, file))


def route(path: str, query: dict | None = None, file: str | None = None, **extra) -> None:
    r: dict = {"path": path}
    if query:
        r["query"] = query
    if file:
        r["file"] = file
    r.update(extra)
    ROUTES.append(r)


def err_from(spec: tuple) -> str:
    level, msg, file, line, form = spec
    return perr(level, msg, file, line, form=form)


def article_url(aid: int) -> str:
    return f"/news.php?id={aid}"


# ---- chrome ----------------------------------------------------------------------------

MENU = (
    '<ul id="menu"><li><a href="/">Home</a></li><li><a href="/news.php">News</a></li>'
    '<li><a href="/partners.php">Who are we</a></li><li><a href="/events.php?month=2024-05">Events</a></li>'
    '<li><a href="/page.php?p=about">About</a></li><li><a href="/page.php?p=contact">Contact</a></li>'
    '<li class="admin"><a href="/admin/login.php">Admin</a></li></ul>'
)

NEWSLETTER = """<div class="newsletter">
  <h4>Newsletter</h4>
  <p>Subscribe to our newsletter to receive the latest news about EU-Belong and the Intercultural Regions Network.</p>
  <form action="/newsletter.php" method="post"><input type="email" name="email" placeholder="Your e-mail address" required> <button type="submit">Subscribe</button></form>
</div>"""


def chrome(
    title: str,
    body_class: str,
    main: str,
    *,
    description: str,
    rss: bool = False,
    charset: str | None = "utf-8",
    page_errors: dict | None = None,
    newsletter: bool = False,
) -> str:
    pe = page_errors or {}
    pre = err_from(pe["pre"]) if "pre" in pe else ""
    title_err = err_from(pe["title"]) if "title" in pe else ""
    desc = err_from(pe["meta"]) if "meta" in pe else attr(description)
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    head = (
        f'{pre}<!DOCTYPE html>\n<html lang="en">\n<head>{meta_charset}<title>EU-Belong - {title_err}{esc(title)}</title>\n'
        f'<meta name="description" content="{desc}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="stylesheet" href="/css/style.css">'
    )
    if rss:
        head += '\n<link rel="alternate" type="application/rss+xml" title="EU-Belong - News" href="/rss.php">'
    head += "\n</head>"
    return f"""{head}
<body class="{body_class}">
<div id="cookie-notice">This website uses cookies to ensure you get the best experience on our website. By continuing to browse the site you agree to our <a href="/page.php?p=privacy">cookie policy</a>. <button type="button" onclick="document.getElementById('cookie-notice').style.display='none';document.cookie='cookies_ok=1;path=/'">Accept</button></div>
<header id="header">
  <a class="logo" href="/"><img src="/img/logo.png" alt="EU-Belong"></a>
  {MENU}
</header>
<div id="main">
{main}
{NEWSLETTER if newsletter else ""}
</div>
<footer id="footer">
  <img src="/img/eu-flag.png" alt="Co-funded by the European Union">
  <p>Co-funded by the Asylum, Migration and Integration Fund of the European Union (AMIF-2020-AG-CALL). The content of this website represents the views of the authors only and is their sole responsibility.</p>
  <p>&copy; Assembly of European Regions</p>
  <p class="footer-links"><a href="/index.php">Home</a> | <a href="/page.php?p=privacy">Privacy policy</a> | <a href="/page.php?p=legal">Legal notice</a></p>
</footer>
</body></html>
"""


# ---- articles ----------------------------------------------------------------------------

SEED_IDS = {4, 14, 18, 19, 21, 23, 26}
MARKERS = ["[...]", "[…]", "..."]
EXCERPT_WORDS = 26  # the live site cuts after 26 space-separated words


def published_order() -> list[dict]:
    """Listing order: newest first, undated last (ORDER BY date DESC puts NULL last)."""
    dated = sorted(
        (a for a in ARTICLES if a["date"]), key=lambda a: (a["date"], a["id"]), reverse=True
    )
    return dated + [a for a in ARTICLES if not a["date"]]


def plain_text(body_html: str) -> str:
    text = strip_tokens(body_html).split("<!--FATAL-->")[0]
    text = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)  # strip_tags(): no space inserted
    text = html.unescape(text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    return re.sub(r" {2,}", " ", text).strip(" ")


def excerpt(a: dict) -> tuple[str, str]:
    words = plain_text(a["body"]).split(" ")
    marker = "[...]" if a["id"] in SEED_IDS else MARKERS[a["id"] % 3]
    return " ".join(words[:EXCERPT_WORDS]), marker


def thumb_of(a: dict) -> str:
    if a["image"]:
        return a["image"][0]
    if a["body_images"]:
        return a["body_images"][0]["url"]
    return "/img/placeholder.png"


def teaser(a: dict, page_url: str) -> str:
    href = article_url(a["id"])
    words, marker = excerpt(a)
    q(17, page_url, "between_blocks")
    q(22, page_url, "read_more")
    q(3, page_url, f"cut_marker {marker}")
    return (
        f'<div class="news-item">\n'
        f'  <a href="{href}"><img class="thumb" src="{thumb_of(a)}" alt=""></a>\n'
        f'  <h3><a href="{href}">{esc(a["title"])}</a></h3>\n'
        f'  <p class="excerpt">{esc(words)}{marker}</p>\n'
        f'  <a class="more" href="{href}">Read more</a>\n'
        f"</div>\n{teaser_warning()}"
    )


def sidebar(sessid: bool = False) -> str:
    items = []
    for a in published_order()[:5]:
        href = article_url(a["id"]) + (f"&amp;{SESSID}" if sessid else "")
        items.append(f'<li><a href="{href}">{esc(a["title"])}</a></li>')
    return '<div id="sidebar"><h4>Latest news</h4><ul>\n' + "\n".join(items) + "\n</ul></div>"


def share_block(a: dict) -> str:

    u = quote(f"{ORIGIN}/news.php?id={a['id']}", safe="")
    t = quote(a["title"], safe="")
    out = (
        f'<div class="share">Share this! '
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank">Facebook</a> '
        f'<a href="https://twitter.com/intent/tweet?url={u}&amp;text={t}" target="_blank">Twitter</a> '
        f'<a href="https://www.linkedin.com/sharing/share-offsite/?url={u}" target="_blank">LinkedIn</a> '
        f'<a href="mailto:?subject={t}&amp;body={u}">E-mail</a>'
    )
    if a["print"]:
        out += f' | <a class="print" href="/news.php?id={a["id"]}&amp;print=1" rel="nofollow">Print</a>'
    return out + "</div>"


def news_detail(a: dict, *, for_print: bool = False) -> str:
    parts = [f'<div class="news-detail">\n  <h1>{esc(a["title"])}</h1>']
    if a["date_raw"] or a["author"]:
        info = []
        if a["date_raw"]:
            info.append(f'<span class="date">{esc(a["date_raw"])}</span>')
        if a["author"]:
            info.append(
                f'<span class="author">by {esc(a.get("author_html") or a["author"])}</span>'
            )
        parts.append(f'  <div class="news-info">{" ".join(info)}</div>')
    if a["tags"]:
        links = ", ".join(f'<a href="/news.php?tag={TAGS[t]}">{esc(t)}</a>' for t in a["tags"])
        parts.append(f'  <div class="news-tags">{links}</div>')
    if a["image"]:
        src, alt, credit = a["image"]
        alt_html = err_from((*a["image_alt_err"], "plain")) if a.get("image_alt_err") else attr(alt)
        credit_html = f'<span class="credit">[{esc(credit)}]</span>' if credit else ""
        parts.append(
            f'  <div class="news-image"><img src="{src}" alt="{alt_html}">{credit_html}</div>'
        )
    body = a["body"].replace("<!--FATAL-->", "\x00FATAL\x00")
    parts.append(f'  <div class="news-text">\n{body}\n  </div>')
    if a.get("after_text_error"):
        parts.append(err_from(a["after_text_error"]).rstrip("\n"))
    if a["attachments"]:
        lis = "".join(
            f'<li><a href="{h}">{esc(t)} ({esc(label)})</a></li>'
            for h, t, label in a["attachments"]
        )
        parts.append(f'  <div class="attachments"><h4>Downloads</h4><ul>{lis}</ul></div>')
    if not for_print:
        parts.append("  " + share_block(a))
    parts.append("</div>")
    return "\n".join(parts)


def render_article(a: dict) -> None:
    aid, url = a["id"], article_url(a["id"])
    file = f"news/{aid}.html"
    words, _ = excerpt(a)
    description = " ".join(words.split(" ")[:20])
    charset = {
        "utf-8": "utf-8",
        "cp1252-header": None,
        "cp1252-none": None,
        "cp1252-meta": "windows-1252",
    }[a["encoding"]]
    if a["template"] == "old":
        meta = ""
        if a["date_raw"]:
            by = f" by {esc(a['author'])}" if a["author"] else ""
            meta = f'<p class="meta">Posted on {a["date_raw"]}{by}</p>\n'
        tag_warn = perr("Warning", 'Undefined array key "tags"', "/mnt/nvme/www/news.php", 61)
        main = (
            f'<div class="article">\n<h2 class="title">{esc(a["title"])}</h2>\n{meta}'
            f'{tag_warn}<div class="content">\n{a["body"]}\n</div>\n</div>'
        )
        q(17, url, "between_blocks")
        q(4, url, "old_template")
    else:
        crumbs = (
            f'<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/news.php">News</a>'
            f" &raquo; {esc(a['title'])}</div>"
        )
        main = f"{crumbs}\n{news_detail(a)}\n{sidebar(a.get('sidebar_sessid', False))}"
        q(4, url, "new_template")
        q(22, url, "breadcrumbs")
        q(22, url, "share_this")
        q(22, url, "latest_news_sidebar")
    page = chrome(
        a["title"],
        "article",
        main,
        description=description,
        charset=charset,
        page_errors=a["page_errors"],
        newsletter=a["template"] == "new",
    )
    if a.get("fatal"):
        fatal = perr(
            "Fatal error",
            "Uncaught Error: Call to undefined function render_gallery()",
            "/mnt/nvme/www/news.php",
            142,
            trace="#0 {main}",
        )
        page = page[: page.index("\x00FATAL\x00")] + fatal
        q(17, url, "fatal_truncation")
    enc = "utf-8" if a["encoding"] == "utf-8" else "cp1252"
    emit(file, page, [url], encoding=enc)
    extra = dict(a["route"])
    if a["encoding"] == "cp1252-header":
        extra["headers"] = {"Content-Type": "text/html; charset=windows-1252"}
    elif a["encoding"] in ("cp1252-none", "cp1252-meta"):
        extra["headers"] = {"Content-Type": "text/html"}
    route("/news.php", {"id": str(aid)}, file, **extra)
    q(4, url)
    if a["print"]:
        purl = f"/news.php?id={aid}&print=1"
        pfile = f"news/{aid}-print.html"
        ppage = (
            f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>EU-Belong - {esc(a["title"])}</title>\n'
            f'<meta name="robots" content="noindex, follow">\n<link rel="canonical" href="{ORIGIN}{url}">\n</head>\n'
            f'<body class="print" onload="window.print()">\n{news_detail(a, for_print=True)}\n'
            f'<p class="print-source">Source: {ORIGIN}{url}</p>\n</body></html>\n'
        )
        emit(pfile, ppage, [purl])
        route("/news.php", {"id": str(aid), "print": "1"}, pfile)
        q(10, purl)


# ---- listings ----------------------------------------------------------------------------

PER_PAGE = 6


def pager(page: int, total: int, href) -> str:
    parts = []
    if page > 1:
        parts.append(f'<a class="prev" href="{href(page - 1)}">&laquo; Previous</a>')
    for n in range(max(1, page - 1), min(total, page + 1) + 1):
        parts.append(
            f'<span class="current">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>'
        )
    if page < total:
        parts.append(f'<a class="next" href="{href(page + 1)}">Next &raquo;</a>')
    return '<div class="pager">' + " ".join(parts) + "</div>"


def render_listing() -> None:
    order = published_order()
    pages = [order[i : i + PER_PAGE] for i in range(0, len(order), PER_PAGE)]
    total = len(pages)
    for n, chunk in enumerate(pages, 1):
        url = f"/news.php?page={n}"
        urls = ["/news.php", url] if n == 1 else [url]
        pre = ""
        if n == 2:
            pre = perr(
                "Deprecated",
                "Automatic conversion of false to array is deprecated",
                "/mnt/nvme/www/news.php",
                112,
            )
            q(17, url, "between_blocks")

        def href(k: int, _n=n) -> str:
            return f"/news.php?page={k}" + ("&amp;" if _n == 2 and k == 3 else "")

        teasers = "\n".join(teaser(a, u) for a in chunk for u in urls[:1])
        for u in urls[1:]:
            for marker in sorted({excerpt(a)[1] for a in chunk}):
                q(3, u, f"cut_marker {marker}")
        main = f'<h1>News</h1>\n{pre}<div class="news-list">\n{teasers}\n</div>\n{pager(n, total, href)}'
        file = f"listing/{n}.html"
        emit(
            file,
            chrome(
                "News" if n == 1 else f"News - page {n}",
                "news-list",
                main,
                description="News from the EU-Belong project",
                rss=True,
                newsletter=True,
            ),
            urls,
        )
        if n == 1:
            route("/news.php", None, file)
        extra = {"fail_first": 1, "fail_status": 503} if n == 3 else {}
        route("/news.php", {"page": str(n)}, file, **extra)
        for u in urls:
            q(3, u)
            q(22, u, "newsletter")


def render_tags() -> None:
    order = published_order()
    for name, slug in TAGS.items():
        tagged = [a for a in order if name in a["tags"]]
        assert tagged, name
        pages = [tagged[i : i + PER_PAGE] for i in range(0, len(tagged), PER_PAGE)]
        for n, chunk in enumerate(pages, 1):
            url = f"/news.php?tag={slug}" + (f"&page={n}" if n > 1 else "")
            urls = [url] + ([f"/news.php?tag={slug}&page=1"] if n == 1 and len(pages) > 1 else [])
            teasers = "\n".join(teaser(a, url) for a in chunk)
            pg = (
                pager(n, len(pages), lambda k, _s=slug: f"/news.php?tag={_s}&amp;page={k}")
                if len(pages) > 1
                else ""
            )
            main = f'<h1>News tagged: {esc(name)}</h1>\n<div class="news-list">\n{teasers}\n</div>\n{pg}'
            file = f"tag/{slug}.html" if n == 1 else f"tag/{slug}-{n}.html"
            emit(
                file,
                chrome(
                    f"News tagged {name}",
                    "news-tag",
                    main,
                    description=f"EU-Belong news tagged {name}",
                    rss=True,
                ),
                urls,
            )
            if n == 1:
                route("/news.php", {"tag": slug}, file)
                if len(pages) > 1:
                    route("/news.php", {"tag": slug, "page": "1"}, file)
            else:
                route("/news.php", {"tag": slug, "page": str(n)}, file)
            for u in urls:
                q(9, u)


# ---- partners ------------------------------------------------------------------------------


def country_selector() -> str:
    opts = ['  <option value="">Select a country to discover our partners</option>']
    for cc, name in sorted(COUNTRIES.items(), key=lambda kv: kv[1]):
        opts.append(f'  <option value="/partners.php?country={OPTION_CC[cc]}">{name}</option>')
    data = json.dumps(
        [
            {"code": cc, "name": COUNTRIES[cc], "href": f"/partners.php?country={MAP_CC[cc]}"}
            for cc in sorted(COUNTRIES)
        ],
        ensure_ascii=False,
        separators=(", ", ":"),
    )
    return (
        '<select id="country-select" onchange="location=this.value">\n'
        + "\n".join(opts)
        + f"\n</select>\n<div id=\"map\" data-countries='{data}'></div>"
    )


def render_partners() -> None:
    main = f"""<div class="partners-intro">
<h1>Who are we? 10 Regions across Europe</h1>
<p>EU-Belong brings together ten regional authorities from eight European countries, supported by technical partners with expertise in migration research and intercultural training, under the lead of the Assembly of European Regions.</p>
<h2>Countries of Europe</h2>
{country_selector()}
</div>"""
    emit(
        "partners/index.html",
        chrome(
            "Who are we?", "partners", main, description="The partners of the EU-Belong project"
        ),
        ["/partners.php"],
    )
    route("/partners.php", None, "partners/index.html")
    q(6, "/partners.php")
    for cc, cname in COUNTRIES.items():
        url = f"/partners.php?country={cc}"
        blocks = []
        for p in (p for p in PARTNERS if p["cc"] == cc):
            region = f'\n  <p class="region">Region: {esc(p["region"])}</p>' if p["region"] else ""
            blocks.append(f"""<div class="partner">
  <img class="partner-logo" src="/uploads/partners/{p["logo"]}" alt="{attr(p["name"])}">
  <h3>{esc(p.get("name_html") or p["name"])}</h3>{region}
  <p class="role">{esc(p["role_raw"])}</p>
  <div class="partner-desc">{p["desc"]}</div>
  <a class="website" href="{p["website"]}" target="_blank">Visit website</a>
</div>""")
        main = (
            f'<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/partners.php">Who are we?</a> &raquo; {cname}</div>\n'
            f"<h1>Partners in {cname}</h1>\n"
            + "\n".join(blocks)
            + '\n<p><a href="/partners.php">&laquo; All countries</a></p>'
        )
        pe = {}
        if cc == "RO":
            pe["pre"] = (
                "Warning",
                "Cannot modify header information - headers already sent by (output started at /var/www/html/inc/db.php:3)",
                "/var/www/html/partners.php",
                4,
                "plain",
            )
            q(17, url, "before_doctype")
        file = f"partners/{cc.lower()}.html"
        emit(
            file,
            chrome(
                f"Partners in {cname}",
                "partners-country",
                main,
                description=f"EU-Belong partners in {cname}",
                page_errors=pe,
            ),
            [url],
        )
        extra = {"fail_first": 1, "fail_status": 503} if cc == "IT" else {}
        route("/partners.php", {"country": cc}, file, **extra)
        q(6, url)


# ---- clusters, static pages, home -------------------------------------------------------------


def render_clusters() -> None:
    by_id = {a["id"]: a for a in ARTICLES}
    for c in CLUSTERS:
        url = f"/cluster.php?id={c['id']}"
        teasers = "\n".join(teaser(by_id[i], url) for i in c["related"])
        main = (
            f'<div class="breadcrumbs"><a href="/">Home</a> &raquo; Knowledge transfer clusters &raquo; {esc(c["title"])}</div>\n'
            f'<div class="cluster"><h1>{esc(c["title"])}</h1>\n<div class="cluster-intro">{c["intro"]}</div>\n'
            f"<h2>Related news</h2>\n{teasers}\n</div>"
        )
        pe = c.get("page_errors", {})
        if "meta" in pe:
            q(17, url, "in_attribute")
        if "title" in pe:
            q(17, url, "in_title")
        file = f"cluster/{c['id']}.html"
        emit(
            file,
            chrome(c["title"], "cluster", main, description=c["summary"], page_errors=pe),
            [url],
        )
        route("/cluster.php", {"id": str(c["id"])}, file)
        q(7, url)


def render_static_pages() -> None:
    for key, p in STATIC_PAGES.items():
        url = f"/page.php?p={key}"
        main = f'<div class="page">\n<h1>{esc(p["title"])}</h1>\n{p["body"]}\n</div>'
        file = f"page/{key}.html"
        emit(
            file,
            chrome(
                p["title"],
                "page",
                main,
                description=f"EU-Belong - {p['title']}",
                newsletter=p.get("newsletter", False),
            ),
            [url],
        )
        route("/page.php", {"p": key}, file)
        q(8, url)
        if p.get("newsletter"):
            q(22, url, "newsletter")
    q(17, "/page.php?p=contact", "inside_paragraph")


def partners_block() -> str:
    return (
        '<div class="partners-block">\n<h2>Who are we? 10 Regions across Europe</h2>\n'
        f"<h3>Countries of Europe</h3>\n{country_selector()}\n</div>"
    )


def render_home() -> None:
    boxes = []
    for c in CLUSTERS:
        href = f"/cluster.php?ID={c['id']}" if c["id"] == 2 else f"/cluster.php?id={c['id']}"
        boxes.append(
            f'<div class="cluster-box"><h4><a href="{href}">{esc(c["title"])}</a></h4><p>{esc(c["summary"])}</p></div>'
        )
    latest = published_order()[:7]
    main = f"""<div class="intro">
<h1>{esc(HOME_TITLE)}</h1>
<div class="intro-image"><img src="/uploads/2022/03/eu-belong-home-navarra.jpg" alt="Intercultural meeting in Navarre"><span class="credit">[{esc(HOME_CREDIT)}]</span></div>
<p>{HOME_INTRO}</p>
</div>
<div class="approach">
{HOME_APPROACH}
</div>
{partners_block()}
<div class="clusters">
<h2>Adopting the Intercultural Approach in Different Policy Areas</h2>
<p>{HOME_CLUSTERS_INTRO}</p>
{chr(10).join(boxes)}
</div>
<div class="latest-news">
<h2>News</h2>
{chr(10).join(teaser(a, "/") for a in latest)}
<p class="all-news"><a href="/news.php">All news &raquo;</a></p>
</div>"""
    emit(
        "index.html",
        chrome(
            "Home",
            "home",
            main,
            rss=True,
            newsletter=True,
            description="EU-Belong: an intercultural approach to migrants integration in Europe's regions",
        ),
        ["/", "/index.php"],
    )
    route("/", None, "index.html")
    route("/index.php", None, "index.html")
    for u in ("/", "/index.php"):
        q(2, u)
        q(22, u, "newsletter")


def render_calendar() -> None:
    main = """<div class="calendar">
<h1>Events &ndash; {{MONTH_LABEL}}</h1>
<div class="cal-nav"><a class="prev" href="/events.php?month={{PREV}}">&laquo; Previous month</a> | <a class="next" href="/events.php?month={{NEXT}}">Next month &raquo;</a></div>
<ul class="events" data-month="{{MONTH}}">
{{EVENTS}}
</ul>
</div>"""
    emit(
        "events/template.html",
        chrome("Events {{MONTH_LABEL}}", "events", main, description="EU-Belong events calendar"),
        [],
        html_page=False,
    )
    FILES["events/events.json"] = (
        json.dumps(CALENDAR_EVENTS, ensure_ascii=False, indent=1) + "\n"
    ).encode("utf-8")
    q(11, "/events.php?month=2024-05")


def render_404() -> None:
    main = (
        '<div class="page">\n<h1>Page not found</h1>\n<p>Sorry, the page you are looking for does not '
        'exist or has been moved.</p>\n<p><a href="/">Back to the home page</a> or '
        '<a href="/news.php">browse the news</a>.</p>\n</div>'
    )
    emit(
        "404.html",
        chrome("Page not found", "error404", main, description="Page not found"),
        ["(404)"],
    )


def brussels_offset(d: _dt.date) -> str:
    """+0200 between the last Sundays of March and October (CEST), else +0100."""

    def last_sunday(month: int) -> _dt.date:
        day = _dt.date(d.year, month, 31)
        return day - _dt.timedelta(days=(day.weekday() + 1) % 7)

    return "+0200" if last_sunday(3) <= d < last_sunday(10) else "+0100"


def render_rss() -> None:
    items = []
    link_spelling = {
        57: "http://eu-belong.aer.eu/news.php?id=57",
        55: "https://www.eu-belong.aer.eu/news.php?id=55&amp;utm_source=rss",
    }
    for a in published_order()[:10]:
        link = link_spelling.get(a["id"], f"{ORIGIN}/news.php?id={a['id']}")
        # the & of one title is not escaped (the feed is not well-formed)
        title = a["title"] if a["id"] == 54 else html.escape(a["title"], quote=False)
        words, marker = excerpt(a)
        lines = ["<item>", f"<title>{title}</title>"]
        if a["id"] == 52:
            lines.append(
                perr("Warning", 'Undefined array key "image"', "/mnt/nvme/www/rss.php", 33).rstrip(
                    "\n"
                )
            )
        lines += [
            f"<link>{link}</link>",
            f'<guid isPermaLink="true">{ORIGIN}/news.php?id={a["id"]}</guid>',
        ]
        if a["date_raw"]:  # the feed prints pubDate only when the date field is set
            d = _dt.date.fromisoformat(a["date"])
            lines.append(
                f"<pubDate>{d.strftime('%a, %d %b %Y')} 09:00:00 {brussels_offset(d)}</pubDate>"
            )
        if a["author"]:
            lines.append(f"<dc:creator>{html.escape(a['author'], quote=False)}</dc:creator>")
        lines += [f"<description><![CDATA[{words}{marker}]]></description>", "</item>"]
        items.append("\n".join(lines))
    pre = perr("Warning", "Undefined variable $lang", "/mnt/nvme/www/rss.php", 7, form="plain")
    fatal = perr(
        "Fatal error",
        "Uncaught TypeError: htmlspecialchars(): Argument #1 ($string) must be of type string, array given",
        "/mnt/nvme/www/rss.php",
        58,
        form="plain",
        trace="#0 /mnt/nvme/www/rss.php(58): htmlspecialchars(Array)\n#1 {main}",
    )
    feed = (
        f'{pre}<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "<channel>\n<title>EU-Belong - News</title>\n<link>https://eu-belong.aer.eu/</link>\n"
        '<atom:link href="https://eu-belong.aer.eu/rss.php" rel="self" type="application/rss+xml" />\n'
        "<description>News from the EU-Belong project: an intercultural approach to migrants integration in Europe's regions</description>\n"
        "<language>en</language>\n" + "\n".join(items) + "\n" + fatal
    )
    emit("rss.xml", feed, ["/rss.php"], html_page=False)
    route("/rss.php", None, "rss.xml")
    q(12, "/rss.php")
    for k in ("in_feed", "before_xml_declaration", "fatal_truncation"):
        q(17, "/rss.php", k)


def render_misc() -> None:
    FILES["robots.txt"] = (
        b"User-agent: *\nDisallow: /admin/\n\nSitemap: https://eu-belong.aer.eu/sitemap.xml\n"
    )
    route("/robots.txt", None, "robots.txt")
    q(13, "/robots.txt")
    login = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>EU-Belong - Administration</title><meta name="robots" content="noindex, nofollow"></head>
<body class="admin">
<h1>EU-Belong administration</h1>
<form method="post" action="/admin/login.php">
<p><label>User <input type="text" name="user"></label></p>
<p><label>Password <input type="password" name="pass"></label></p>
<p><button type="submit">Log in</button></p>
</form>
<p><a href="/admin/news_list.php">News</a> | <a href="/admin/partners_edit.php">Partners</a> | <a href="/admin/logout.php?token=1">Log out</a></p>
</body></html>
"""
    emit("admin/login.html", login, ["/admin/login.php"], html_page=False)
    route("/admin/login.php", None, "admin/login.html")
    route("/admin/", status=301, location="/admin/login.php")
    route("/admin/news_list.php", None, "admin/login.html")
    q(13, "/admin/login.php")
    css = (
        "body{font-family:Arial,sans-serif;margin:0}#header{background:#00539f}"
        "#menu li{display:inline-block}.news-item{border-bottom:1px solid #ddd}\n"
    )
    FILES["css/style.css"] = css.encode("ascii")
    route("/css/style.css", None, "css/style.css")


REDIRECTS = [  # (old path, location, linked from)
    ("/news/16", "/news.php?id=16", "/news.php?id=19"),
    ("/about.html", "/page.php?p=about", "/page.php?p=contact"),
    ("/partners", "https://eu-belong.aer.eu/partners.php", "/page.php?p=about"),
    ("/news", "/news.php", "/news.php?id=15"),
    ("/index.html", "/", "/page.php?p=legal"),
]
REMOVED = {13: ["/news.php?id=15", "/news.php?id=16"], 29: ["/news.php?id=33"]}


# ======================================================================================
# MEDIA: tiny but valid files, distinct bytes per file (the path is embedded in each)
# ======================================================================================


def make_jpeg(tag: str) -> bytes:
    """A valid 8x8 greyscale baseline JPEG; the path goes into a COM segment."""

    def seg(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", marker, len(payload) + 2) + payload

    shade = hashlib.sha256(tag.encode()).digest()[0]
    dqt = b"\x00" + bytes([1]) * 64
    sof = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"
    # one-code Huffman tables: DC category 0 -> code "0", AC EOB -> code "0"
    dht_dc = b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    dht_ac = b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + seg(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + seg(0xFFFE, f"EU-Belong fixture {tag} shade={shade}".encode())
        + seg(0xFFDB, dqt)
        + seg(0xFFC0, sof)
        + seg(0xFFC4, dht_dc)
        + seg(0xFFC4, dht_ac)
        + seg(0xFFDA, sos)
        + b"\x3f"
        + b"\xff\xd9"
    )


def make_png(tag: str, w: int = 12, h: int = 8) -> bytes:
    r, g, b = hashlib.sha256(tag.encode()).digest()[:3]
    raw = b"".join(b"\x00" + bytes([r, g, b]) * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", b"Comment\x00EU-Belong fixture " + tag.encode())
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def make_pdf(tag: str) -> bytes:
    title = re.sub(r"[^A-Za-z0-9 ./_-]", "", tag)
    stream = f"BT /F1 12 Tf 72 770 Td (EU-Belong - {title}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /Producer (EU-Belong fixture builder) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        xref,
    )
    return bytes(out)


def make_docx(tag: str) -> bytes:
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        + html.escape(f"EU-Belong - {tag}")
        + "</w:t></w:r></w:p></w:body></w:document>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


MEDIA_RE = re.compile(rb"/(?:uploads|img)/[A-Za-z0-9_./-]+?\.(?:jpg|png|pdf|docx)")


def render_media() -> list[str]:
    found: set[str] = set()
    for data in list(FILES.values()):
        found.update(m.decode("ascii") for m in MEDIA_RE.findall(data))
    makers = {".jpg": make_jpeg, ".png": make_png, ".pdf": make_pdf, ".docx": make_docx}
    for path in sorted(found):
        FILES[path.lstrip("/")] = makers[Path(path).suffix](path)
        route(path, None, path.lstrip("/"))
        q(21, path)
    return sorted(found)


# ======================================================================================
# LINKS: extraction (HTML pages, option values, the map's data-countries) and matching
# ======================================================================================


class LinkParser(HTMLParser):
    ATTRS: ClassVar[dict[str, str]] = {
        "a": "href",
        "link": "href",
        "img": "src",
        "iframe": "src",
        "script": "src",
        "option": "value",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        name = self.ATTRS.get(tag)
        if name and d.get(name):
            self.links.append((tag, d[name]))
        if tag == "div" and d.get("id") == "map" and d.get("data-countries"):
            for entry in json.loads(d["data-countries"]):
                self.links.append(("map", entry["href"]))


def page_links(text: str) -> list[tuple[str, str]]:
    p = LinkParser()
    p.feed(text)
    p.close()
    return p.links


def resolve(page_url: str, href: str) -> tuple[str, str, str] | None:
    """(path, query, original host) of an internal link, None for external/mailto/javascript."""
    full = urljoin(ORIGIN + (page_url if page_url.startswith("/") else "/"), href)
    parts = urlsplit(full)
    if parts.scheme not in ("http", "https") or parts.hostname not in LEGACY_HOSTS:
        return None
    return parts.path or "/", parts.query, parts.hostname


def match_route(path: str, query: str) -> dict | None:
    """The README's matching rules: significant parameters, case-insensitive names and values."""
    candidates = [r for r in ROUTES if r["path"] == path]
    if not candidates:
        return None
    significant = {k.lower() for r in candidates for k in r.get("query", {})}
    req: dict[str, str] = {}
    for k, v in parse_qsl(query, keep_blank_values=False):
        if k.lower() in significant:
            req[k.lower()] = v.lower()
    for r in candidates:
        rq = {k.lower(): v.lower() for k, v in r.get("query", {}).items()}
        if all(req.get(k) == rq.get(k) for k in significant):
            return r
    return None


def classify_spelling(href: str, page_url: str) -> list[str]:
    raw = html.unescape(href)
    kinds = []
    parts = urlsplit(raw)
    if parts.scheme:
        kinds.append(f"absolute {parts.scheme}://{parts.netloc}/")
    elif not raw.startswith(("/", "#")):
        kinds.append("relative without leading slash")
    names = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    if any(k != k.lower() for k in names if k != "PHPSESSID"):
        kinds.append("upper-case parameter name (ID=)")
    if any(k.startswith("utm_") for k in names):
        kinds.append("utm_ tracking parameters")
    if "PHPSESSID" in names:
        kinds.append("PHPSESSID session parameter")
    if parts.query.endswith("&"):
        kinds.append("trailing &")
    if parts.fragment:
        kinds.append(f"#{parts.fragment} fragment")
    if parts.path == "/index.php":
        kinds.append("/index.php for /")
    for k, v in parse_qsl(parts.query):
        if k.lower() == "country" and v != v.upper():
            kinds.append("country code not upper-case")
    return kinds


# ======================================================================================
# FACTS
# ======================================================================================

DATE_FORMATS = [  # (name, regex on the date text as shown)
    ("dd/mm/yyyy", r"^\d{2}/\d{2}/\d{4}$"),
    ("dd.mm.yyyy", r"^\d{2}\.\d{2}\.\d{4}$"),
    ("Month d, yyyy", r"^[A-Z][a-z]+ \d{1,2}, \d{4}$"),
    (
        "d Month yyyy",
        r"^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$",
    ),
    ("yyyy-mm-dd hh:mm:ss", r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
    ("Spanish (d de mes de yyyy)", r"^\d{1,2} de [a-z]+ de \d{4}$"),
    (
        "French (d mois yyyy)",
        r"^\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}$",
    ),
    (
        "Italian (d mese yyyy)",
        r"^\d{1,2} (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre) \d{4}$",
    ),
]

QUIRK_TITLES = {
    "1": "chrome on every HTML page (cookie notice, header/menu with Admin link, #main, AMIF footer)",
    "2": "home page, same bytes under / and /index.php",
    "3": "news listing, 6 teasers a page, pager window, cut markers",
    "4": "articles (old 2022 template / new template)",
    "5": "date formats (by format), prose-only dates, no date",
    "6": "partners page and country pages",
    "7": "knowledge transfer clusters",
    "8": "static pages",
    "9": "tag pages",
    "10": "print views",
    "11": "endless calendar (served from events/template.html + events.json)",
    "12": "RSS feed, not well-formed",
    "13": "robots.txt and /admin/",
    "14": "301 redirects from old paths, 404s",
    "15": "500/503 once then 200, slow response",
    "16": "encodings and double-encoded text",
    "17": "PHP errors: placements and level/form per page",
    "18": "malformed and unsafe markup in bodies",
    "19": "URL spellings (pages whose links use the spelling)",
    "20": "languages other than English",
    "21": "media files",
    "22": "boilerplate",
}


def date_format_of(raw: str) -> str:
    for name, rx in DATE_FORMATS:
        if re.match(rx, raw):
            return name
    raise ValueError(raw)


def build_facts() -> dict:
    """Ground truth keyed by record id. Fields named like export fields are compared by
    tests/test_site_facts.py; informational extras start with "_" (not compared)."""
    facts: dict = {}
    cluster_of: dict[int, list[str]] = defaultdict(list)
    for c in CLUSTERS:
        for aid in c["related"]:
            cluster_of[aid].append(f"cluster-{c['id']}")
    order = [a["id"] for a in published_order()]
    for a in sorted(ARTICLES, key=lambda a: a["id"]):
        url = article_url(a["id"])
        images = []
        if a["image"]:
            src, alt, credit = a["image"]
            images.append({"url": src, "alt": alt, "credit": credit})
        images += a["body_images"]
        attachments = list(a["body_docs"]) + [
            {"url": h, "title": t} for h, t, _ in a["attachments"]
        ]
        if a["date_raw"]:
            source, raw = "date-block", a["date_raw"]
            fmt = date_format_of(raw)
            q(5, url, fmt)
        elif a["date_prose"]:
            source, raw = "prose", a["date_prose"]
            q(5, url, "prose only, no year")
        else:
            source, raw = "none", None
            q(5, url, "no date anywhere")
        facts[f"article-{a['id']}"] = {
            "url": url,
            "title": a["title"],
            "published": a["date"],
            "_published_raw": raw,
            "_date_source": source,
            "date_inferred": bool(a["date_prose"]),
            "author": a["author"],
            "tags": list(a["tags"]),
            "language": a["lang"],
            "images": images,
            "attachments": attachments,
            "embeds": list(a["embeds"]),
            "clusters": cluster_of.get(a["id"], []),
            "_template": a["template"],
            "_encoding": a["encoding"],
            "_print_url": f"{url}&print=1" if a["print"] else None,
            "_truncated_by_fatal_error": bool(a.get("fatal")),
            "_listing_position": order.index(a["id"]) + 1,
            "removed": False,
        }
    for aid, linked in REMOVED.items():
        facts[f"article-{aid}"] = {
            "url": article_url(aid),
            "title": None,
            "published": None,
            "_published_raw": None,
            "_date_source": "none",
            "date_inferred": False,
            "author": None,
            "tags": [],
            "language": None,
            "images": [],
            "attachments": [],
            "embeds": [],
            "clusters": [],
            "removed": True,
            "_status": 404,
            "_linked_from": linked,
        }
    facts = {k: facts[k] for k in sorted(facts, key=lambda k: int(k.split("-")[1]))}
    for p in PARTNERS:
        facts[f"partner-{p['cc'].lower()}-{p['slug']}"] = {
            "name": p["name"],
            "country_code": p["cc"],
            "country": COUNTRIES[p["cc"]],
            "region": p["region"],
            "role": p["role"],
            "role_raw": p["role_raw"],
            "website": p["website"],
            "_logo_url": f"/uploads/partners/{p['logo']}",
            "url": f"/partners.php?country={p['cc']}",
        }
    for c in CLUSTERS:
        facts[f"cluster-{c['id']}"] = {
            "title": c["title"],
            "url": f"/cluster.php?id={c['id']}",
            "related_articles": [f"article-{i}" for i in c["related"]],
        }
    for key, p in STATIC_PAGES.items():
        facts[f"page-{key}"] = {"title": p["title"], "url": f"/page.php?p={key}"}
    facts["page-home"] = {"title": HOME_TITLE, "url": "/"}
    return facts


# ======================================================================================
# BUILD
# ======================================================================================


def register_static_quirks(media: list[str]) -> None:
    for url, _ in HTML_PAGES:
        if "print=1" not in url and url != "(404)":
            q(1, url)
            for sub in ("cookie_notice", "menu", "amif_footer"):
                q(22, url, sub)
    for old, loc, linked in REDIRECTS:
        q(14, linked, f"301 {old} -> {loc}")
    for aid, linked in REMOVED.items():
        for u in linked:
            q(14, u, f"404 /news.php?id={aid} (removed article)")
    q(14, "/robots.txt", "404 /sitemap.xml")
    q(15, "/news.php?id=21", "500 once")
    q(15, "/news.php?page=3", "503 once")
    q(15, "/partners.php?country=IT", "503 once")
    q(15, "/news.php?id=27", "delay 1.5 s")
    for a in ARTICLES:
        url = article_url(a["id"])
        if a["encoding"] != "utf-8":
            q(
                16,
                url,
                {
                    "cp1252-header": "windows-1252, charset only in the HTTP header",
                    "cp1252-none": "windows-1252, no charset anywhere",
                    "cp1252-meta": "windows-1252 declared in <meta charset>, header without charset",
                }[a["encoding"]],
            )
        for tag in a["q"]:
            q(
                18 if tag not in ("double_encoded",) else 16,
                url,
                "double-encoded UTF-8" if tag == "double_encoded" else tag,
            )
        if a["lang"] != "en":
            q(20, url, a["lang"])
        if a["image"] and a["image"][2] and re.match(r"(Foto|Φωτογραφία)", a["image"][2]):
            q(20, url, "non-English photo credit")
        for img in a["body_images"]:
            if img["credit"]:
                q(18, url, "body image credit as bracketed paragraph")
        if a.get("image_alt_err"):
            q(17, url, "in_attribute")
        if a["page_errors"].get("pre"):
            q(17, url, "before_doctype")
        if a["page_errors"].get("title"):
            q(17, url, "in_title")
        if a.get("after_text_error"):
            q(17, url, "between_blocks")
    for url in ("/news.php?id=12", "/news.php?id=24", "/page.php?p=contact"):
        q(17, url, "inside_paragraph")
    q(16, "/partners.php?country=SE", "double-encoded UTF-8")
    q(20, "/news.php?tag=migracion", "Spanish tag name")
    q(13, "/", "menu links to /admin/login.php (every chrome page)")


def build() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    for a in published_order():
        render_article(a)
    for aid in REMOVED:
        route("/news.php", {"id": str(aid)}, "404.html", status=404)
    render_listing()
    render_tags()
    render_partners()
    render_clusters()
    render_static_pages()
    render_home()
    render_calendar()
    render_404()
    render_rss()
    render_misc()
    for old, loc, _ in REDIRECTS:
        route(old, status=301, location=loc)
    route("/sitemap.xml", None, "404.html", status=404)
    media = render_media()
    register_static_quirks(media)

    # URL spellings actually used (quirk 19), from the links of every page
    for url, file in HTML_PAGES:
        text = FILES[file].decode(FILE_ENC.get(file, "utf-8"))
        for _tag, href in page_links(text):
            if resolve(url if url.startswith("/") else "/", href):
                for kind in classify_spelling(href, url):
                    q(19, url, kind)

    facts = build_facts()
    facts["quirks"] = {
        n: {"what": QUIRK_TITLES[n], **{k: v for k, v in sorted(QUIRKS[n].items())}}
        for n in sorted(QUIRK_TITLES, key=int)
    }
    facts["php_errors"] = {u: PHP_ERRORS[u] for u in sorted(PHP_ERRORS)}
    facts["redirects"] = [
        {"from": o, "location": loc, "linked_from": lf} for o, loc, lf in REDIRECTS
    ]

    OUT.mkdir(parents=True)
    for rel, data in sorted(FILES.items()):
        dest = OUT / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    routes = {
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
    (OUT / "routes.json").write_text(
        json.dumps(routes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (OUT / "expected-facts.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


# ======================================================================================
# VERIFY (run after the build; exits non-zero on a problem)
# ======================================================================================

SEED = Path("/work/shared/seed/000_bcd3515432da4f30.txt")


def _status(path: str, query: str, depth: int = 0) -> int:
    if path == "/events.php":
        month = dict((k.lower(), v) for k, v in parse_qsl(query)).get("month", "")
        return 200 if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) else 404
    r = match_route(path, query)
    if r is None:
        return 404
    status = r.get("status", 200)
    if status == 301 and depth < 5:
        res = resolve("/", r["location"])
        assert res, r
        return _status(res[0], res[1], depth + 1)
    return status


def _render_month(template: str, events: dict, month: str) -> str:
    y, m = map(int, month.split("-"))
    prev = f"{y - (m == 1)}-{12 if m == 1 else m - 1:02d}"
    nxt = f"{y + (m == 12)}-{1 if m == 12 else m + 1:02d}"
    label = _dt.date(y, m, 1).strftime("%B %Y")
    return (
        template.replace("{{MONTH_LABEL}}", label)
        .replace("{{MONTH}}", month)
        .replace("{{PREV}}", prev)
        .replace("{{NEXT}}", nxt)
        .replace("{{EVENTS}}", events.get(month, events["empty"]))
    )


def _valid_media(path: str, data: bytes) -> bool:
    if path.endswith(".png"):
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            return False
        pos, idat = 8, b""
        while pos < len(data):
            (n,) = struct.unpack(">I", data[pos : pos + 4])
            kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
            if struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])[0] != zlib.crc32(kind + body):
                return False
            idat += body if kind == b"IDAT" else b""
            pos += 12 + n
        return len(zlib.decompress(idat)) == 8 * (1 + 12 * 3)
    if path.endswith(".jpg"):
        return data.startswith(b"\xff\xd8\xff\xe0") and data.endswith(b"\xff\xd9")
    if path.endswith(".pdf"):
        m = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
        if not (data.startswith(b"%PDF-1.4") and m and data[int(m.group(1)) :].startswith(b"xref")):
            return False
        offsets = [int(x) for x in re.findall(rb"(\d{10}) 00000 n", data)]
        return all(data[o:].startswith(b"%d 0 obj" % i) for i, o in enumerate(offsets, 1))
    if path.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.testzip() is None and "word/document.xml" in zf.namelist()
    return False


def verify() -> list[str]:
    problems: list[str] = []
    routes = json.loads((OUT / "routes.json").read_text(encoding="utf-8"))
    facts = json.loads((OUT / "expected-facts.json").read_text(encoding="utf-8"))
    for r in routes["routes"]:
        if "file" in r and not (OUT / r["file"]).is_file():
            problems.append(f"missing file {r['file']}")
        if r.get("status") == 301 and not r.get("location"):
            problems.append(f"301 without location {r['path']}")
    for f in (routes["calendar"]["template"], routes["calendar"]["events"], routes["not_found"]):
        if not (OUT / f).is_file():
            problems.append(f"missing file {f}")

    # every internal link of every page resolves (bar the intended 404s and /admin/)
    template = (OUT / "events/template.html").read_text(encoding="utf-8")
    events = json.loads((OUT / "events/events.json").read_text(encoding="utf-8"))
    pages = [
        (u, (OUT / f).read_bytes().decode(FILE_ENC.get(f, "utf-8")))
        for u, f in HTML_PAGES
        if u != "(404)"
    ]
    pages.append(("/", (OUT / "404.html").read_text(encoding="utf-8")))
    for month in ("2023-03", "2024-05", "2024-12", "2025-06", "1999-01"):
        pages.append((f"/events.php?month={month}", _render_month(template, events, month)))
    linked_targets: set[str] = set()
    for url, text in pages:
        for _tag, href in page_links(text):
            res = resolve(url, href)
            if not res:
                continue
            path, query, _host = res
            linked_targets.add(path + ("?" + query if query else ""))
            if path.startswith("/admin/"):
                continue
            st = _status(path, query)
            ids = dict((k.lower(), v) for k, v in parse_qsl(query))
            intended = (
                path == "/news.php" and ids.get("id", "").isdigit() and int(ids["id"]) in REMOVED
            )
            if st != 200 and not (st == 404 and intended):
                problems.append(f"{url}: link {href!r} -> {st}")
    rss = (OUT / "rss.xml").read_text(encoding="utf-8")
    for link in re.findall(r"<link>(.*?)</link>", rss):
        res = resolve("/", html.unescape(link))
        if res and _status(res[0], res[1]) != 200:
            problems.append(f"rss link {link} does not resolve")
    if rss.count("<item>") != 10 or "<?xml" in rss[:5] or rss.rstrip().endswith("</rss>"):
        problems.append("rss: expected 10 items, a warning before <?xml and no closing tag")
    if _status("/sitemap.xml", "") != 404:
        problems.append("/sitemap.xml should 404")
    for old, _loc, _linked in REDIRECTS:
        if old not in {t.split("?")[0] for t in linked_targets}:
            problems.append(f"redirect {old} is not linked")
    for aid in REMOVED:
        if _status("/news.php", f"id={aid}") != 404:
            problems.append(f"removed {aid} does not 404")

    # encodings
    for a in ARTICLES:
        data = (OUT / f"news/{a['id']}.html").read_bytes()
        if a["encoding"] != "utf-8":
            try:
                data.decode("utf-8")
                problems.append(f"news/{a['id']}.html (cp1252) is valid UTF-8")
            except UnicodeDecodeError:
                pass
            text = data.decode("cp1252")
            if not all(ch in text for ch in "é’“”–€"):
                problems.append(f"news/{a['id']}.html lacks some of é ’ “ ” – €")
            has_meta = b'<meta charset="windows-1252">' in data
            if has_meta != (a["encoding"] == "cp1252-meta") or b'<meta charset="utf-8">' in data:
                problems.append(f"news/{a['id']}.html: wrong meta charset")
    # media: valid and distinct
    media_files = [
        r["file"] for r in routes["routes"] if r.get("file", "").startswith(("uploads/", "img/"))
    ]
    digests = Counter(hashlib.sha256((OUT / f).read_bytes()).hexdigest() for f in media_files)
    if any(n > 1 for n in digests.values()):
        problems.append("media files are not all distinct")
    for f in media_files:
        if not _valid_media(f, (OUT / f).read_bytes()):
            problems.append(f"invalid media {f}")

    # facts agree with the pages
    for key, fa in facts.items():
        if not key.startswith("article-") or fa["removed"]:
            continue
        a = next(x for x in ARTICLES if x["id"] == int(key.split("-")[1]))
        text = (OUT / f"news/{a['id']}.html").read_bytes().decode(FILE_ENC[f"news/{a['id']}.html"])
        if html.escape(fa["title"], quote=False) not in text:
            problems.append(f"{key}: title not on page")
        for item in fa["images"] + fa["attachments"]:
            if f'"{item["url"]}"' not in text or _status(item["url"], "") != 200:
                problems.append(f"{key}: {item['url']} missing")
        for e in fa["embeds"]:
            if e["url"].replace("https:", "") not in text:
                problems.append(f"{key}: embed {e['url']} missing")
        for t in fa["tags"]:
            if _status("/news.php", f"tag={TAGS[t]}") != 200:
                problems.append(f"{key}: tag {t} has no page")
        if fa["_date_source"] == "prose":
            d = _dt.date.fromisoformat(fa["published"])
            wd = re.search(
                r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", fa["_published_raw"]
            )
            ok_years = [
                y
                for y in range(2022, 2026)
                if not wd or _dt.date(y, d.month, d.day).strftime("%A") == wd.group(1)
            ]
            upload = re.search(r"/uploads/(\d{4})/", text)
            if wd and ok_years != [d.year]:
                problems.append(f"{key}: weekday does not single out {d.year}")
            if not wd and not (upload and int(upload.group(1)) == d.year):
                problems.append(f"{key}: no upload path gives the year")
        if fa["_date_source"] == "none" and re.search(
            r"/uploads/\d{4}/|20[12]\d", text.split('<div id="sidebar">')[0].split("</header>")[1]
        ):
            problems.append(f"{key}: a date leaks into the undated article")
    fmts = Counter(
        date_format_of(a["date_raw"]) for a in ARTICLES if a["date_raw"] and a["template"] == "new"
    )
    for name, _rx in DATE_FORMATS:
        if fmts[name] < (1 if name.startswith("Italian") else 2):
            problems.append(f"date format {name} used {fmts[name]} times")
    levels = {k for c in PHP_ERRORS_BY_FORM.values() for k in c}
    for level in ("Warning", "Notice", "Deprecated", "Fatal error"):
        for form in ("html", "plain"):
            if (level, form) not in levels:
                problems.append(f"no {level} in {form} form")
    # the seed's teasers appear verbatim (when the survey folder is around)
    if SEED.exists():
        seed = SEED.read_text(encoding="utf-8")
        for a in ARTICLES:
            if a["id"] in SEED_IDS:
                words, marker = excerpt(a)
                if f"{a['title']}\n\n{words}{marker}" not in seed:
                    problems.append(f"article {a['id']}: teaser differs from the seed")
    return problems


def summary() -> str:
    years = Counter(a["date"][:4] if a["date"] else "undated" for a in ARTICLES)
    n_files = sum(1 for p in OUT.rglob("*") if p.is_file())
    return (
        f"articles: {len(ARTICLES)} ({', '.join(f'{y}: {n}' for y, n in sorted(years.items()))}), "
        f"removed: {len(REMOVED)}, partners: {len(PARTNERS)} in {len(COUNTRIES)} countries, "
        f"clusters: {len(CLUSTERS)}, tags: {len(TAGS)}, routes: {len(ROUTES)}, files: {n_files}, "
        f"pages with PHP errors: {len(PHP_ERRORS)}"
    )


def make_version_b() -> None:
    """Version B of the site, for incremental-run tests: one article added (60), one
    edited (55), one removed (38, now a 404 linked from nowhere), one partner changed
    (Region of Crete), and, because the sidebar lists the latest articles, a different
    "Latest news" sidebar on every article page."""
    global OUT
    OUT = ROOT / "fixtures" / "site-b"
    removed = next(a for a in ARTICLES if a["id"] == 38)
    ARTICLES.remove(removed)
    REMOVED[38] = []
    edited = next(a for a in ARTICLES if a["id"] == 55)
    edited["title"] = (
        "Opportunity: Call for Regions to Join the Intercultural Regions Network (extended)"
    )
    edited["body"] = edited["body"].replace(
        "Applications are open until 30 June 2025.",
        "Applications are now open until 30 September 2025: the deadline has been extended.",
    )
    art(
        id=60,
        date="2025-07-08",
        date_raw="08/07/2025",
        author="AER Communications",
        tags=["Publications", "Intercultural Regions Network"],
        title="EU-Belong Legacy: the Intercultural Regions Network Continues",
        body="""<p>The EU-Belong project has ended, but its work goes on. The Intercultural Regions Network will keep the peer reviews, the training modules and the online library of the project alive for its member regions.</p>
<p>The final report, the policy recommendations and the inclusive communication guide remain available for download on this website until the end of 2026.</p>
<p>Regions that want to continue the exchange can contact the Network secretariat at the Assembly of European Regions.</p>""",
    )
    crete = next(p for p in PARTNERS if p["name"] == "Region of Crete")
    crete["website"] = "https://www.crete.gov.gr/en/"
    crete["desc"] = crete["desc"].replace(
        "</p>", " It also hosts the EU-Belong final study visit.</p>"
    )


def main(argv: list[str]) -> int:
    if "--version" in argv and argv[argv.index("--version") + 1].lower() == "b":
        make_version_b()
    build()
    print(f"wrote {OUT.relative_to(ROOT)}: {summary()}")
    if "--no-verify" in argv:
        return 0
    problems = verify()
    for p in problems:
        print("PROBLEM:", p)
    print("verify:", "OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
