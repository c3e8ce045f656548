"""A synthetic legacy site of N articles, for scale tests and benchmarks (issue 10).

``FixtureServer(root, articles=N)`` (``serve-fixtures --articles N``) serves it over the
snapshot: this module answers the news side (home page, ``/news.php`` articles, listing
and tag pages, the feed, a few distinct images); partners, clusters, static pages, the
calendar, robots.txt and the shared media come from the snapshot folder unchanged.

The articles follow the survey (/work/shared/legacy-site.md): both article templates,
PHP warnings and notices in pages, the full chrome, bylines on most but not all articles,
the survey's date formats, images with credits, tags, some non-English articles. The
archive is a windowed pagination: a listing page links only to the first, the last and
its nearest pages plus "Previous"/"Next", so deep pages are reached only through chains
of "Next".

Deterministic: every choice comes from a ``random.Random`` seeded with the article's id,
nothing from the clock, so the same N serves the same bytes. ``SyntheticSite.articles``
is the ground truth (what each page says), for tests to compare an export against.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
import zlib
from dataclasses import dataclass
from html import escape
from pathlib import Path

from belong_scraper.faults import FaultReply, PageChrome, article_html, html_reply, windowed_pages

# The project's period: article dates are spread evenly over it, oldest first.
FIRST_DAY = dt.date(2022, 2, 23)
LAST_DAY = dt.date(2025, 6, 30)
# Articles dated before this use the older template (div.article, "Posted on").
NEWS_DETAIL_FROM = dt.date(2023, 1, 1)
PER_PAGE = 6  # teasers per listing page, as on the live site
PAGER_REACH = 3  # neighbours a pager links on each side of the current page
LATEST = 5  # articles in the "Latest news" sidebar
FEED_ITEMS = 10
HOME_TEASERS = 7
STATIC_LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT"  # as the snapshot's static files

# Tags of the snapshot, so its cluster pages' tag links land on synthetic tag pages.
TAGS = {
    "inclusion": "Inclusion",
    "interculturalism": "Interculturalism",
    "capacity-building": "Capacity building",
    "events": "Events",
    "publications": "Publications",
    "opportunities": "Opportunities",
    "study-visits": "Study visits",
    "labour-market": "Labour market",
    "education": "Education",
    "participation": "Participation",
    "migration": "Migration",
}
# Images shared by many articles: tiny files of the snapshot. Every DISTINCT_IMAGE_EVERY-th
# article has an image of its own (a generated 1x1 PNG) so the media step sees distinct
# files too, without the benchmark measuring the disk.
SHARED_IMAGES = [
    "/uploads/2023/05/cluj-workshop.jpg",
    "/uploads/2023/02/capacity-building-session.jpg",
    "/uploads/2024/03/icc-academy.jpg",
    "/uploads/2022/04/focus-group-pamplona.jpg",
    "/uploads/2024/10/webinar-hate-speech.png",
]
DISTINCT_IMAGE_EVERY = 200
ATTACHMENT = ("/uploads/2023/12/inclusive-communication-guide.pdf", "Inclusive communication guide")
ATTACHMENT_EVERY = 40
PLACEHOLDER = "/img/placeholder.png"

PLACES = ["Pamplona", "Barcelona", "Malmö", "Gothenburg", "Bologna", "Modena", "Paris",
          "Heraklion", "Timișoara", "Cluj-Napoca", "Antwerp", "Stuttgart", "Brussels",
          "Strasbourg", "Lund", "Île-de-France", "Navarre", "Skåne", "Crete",
          "Emilia-Romagna"]  # fmt: skip
AUTHORS = ["AER Communications", "Communications Team", "María López", "Jonas Lindqvist",
           "Elena Popescu", "Giulia Rossi", "Nikos Papadakis", "Claire Dubois", "Ana Ruiz",
           "Sofia Bianchi"]  # fmt: skip
PHOTOGRAPHERS = ["AER / Julien Marchand", "Region Skåne", "Gobierno de Navarra",
                 "Regione Emilia-Romagna", "Περιφέρεια Κρήτης",
                 "Consiliul Județean Timiș"]  # fmt: skip
BYLINE_SHARE = 0.85  # most articles carry a byline, not all


@dataclass(frozen=True)
class Words:
    """One language's vocabulary for titles, bodies and dates."""

    kinds: tuple[str, ...]
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    sentences: tuple[str, ...]
    months: tuple[str, ...] = ()  # month names for the long date format, January first


# fmt: off
LANGUAGES: dict[str, Words] = {
    "en": Words(
        kinds=("Workshop in {place}", "Study visit to {place}", "Webinar from {place}",
               "Opportunity: call from {place}", "Publication: report from {place}",
               "Training in {place}", "Regional forum in {place}", "Focus group in {place}"),
        topics=("intercultural mediation", "inclusive communication", "labour market inclusion",
                "language learning", "participation of newcomers", "countering hate speech",
                "schools and libraries", "health and social services", "youth work",
                "housing and reception"),
        audiences=("for social workers", "with young people", "for regional officials",
                   "with employers", "for teachers", "with civil society", "for librarians",
                   "with migrant associations"),
        sentences=(
            "Partners of the EU-Belong project met to exchange practices on the intercultural "
            "approach.",
            "The session brought together regional officials, practitioners and people with a "
            "migrant background.",
            "Participants discussed how regions can turn diversity into a shared advantage.",
            "The Assembly of European Regions presented the results of the latest survey of its "
            "members.",
            "Working groups looked at governance, funding and the participation of newcomers.",
            "Speakers stressed the role of local services in welcoming migrants and refugees.",
            "The next meeting of the knowledge transfer cluster will take place in the autumn.",
            "A summary of the discussions and the presentations is available on request.",
        ),
        months=("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"),
    ),
    "es": Words(
        kinds=("Taller en {place}", "Visita de estudio a {place}", "Jornada en {place}"),
        topics=("mediación intercultural", "comunicación inclusiva", "servicios sociales",
                "inclusión laboral"),
        audiences=("para profesionales", "con jóvenes", "con asociaciones"),
        sentences=(
            "Los socios del proyecto EU-Belong se reunieron para compartir buenas prácticas.",
            "La jornada reunió a profesionales de los servicios sociales y a personas migrantes.",
            "Los participantes debatieron cómo las regiones pueden aprovechar la diversidad.",
            "El Gobierno de Navarra presentó los resultados de su estrategia de convivencia.",
            "Las conclusiones del taller se publicarán en las próximas semanas.",
        ),
        months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                "septiembre", "octubre", "noviembre", "diciembre"),
    ),
    "fr": Words(
        kinds=("Atelier à {place}", "Rencontre à {place}", "Visite d’étude à {place}"),
        topics=("la médiation interculturelle", "la parole des jeunes", "l’accueil des migrants",
                "la lutte contre les discriminations"),
        audiences=("avec les associations", "pour les élus", "avec les jeunes"),
        sentences=(
            "Les partenaires du projet EU-Belong se sont réunis pour échanger leurs pratiques.",
            "La rencontre a réuni des élus, des associations et des jeunes issus de l’immigration.",
            "Les participants ont discuté du rôle des régions dans l’accueil des nouveaux "
            "arrivants.",
            "La Région a présenté les premiers résultats de sa charte de la diversité.",
            "Une synthèse des échanges sera publiée dans les prochaines semaines.",
        ),
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"),
    ),
    "it": Words(
        kinds=("Laboratorio a {place}", "Visita di studio a {place}", "Seminario a {place}"),
        topics=("mediazione interculturale", "inclusione lavorativa", "formazione linguistica"),
        audiences=("per gli operatori", "con le imprese", "con i giovani"),
        sentences=(
            "I partner del progetto EU-Belong si sono riuniti per scambiare buone pratiche.",
            "L’incontro ha riunito operatori, imprese e persone con un background migratorio.",
            "I partecipanti hanno discusso del ruolo delle regioni nell’inclusione dei migranti.",
            "La Regione ha presentato i risultati del suo programma di formazione.",
        ),
    ),
    "el": Words(
        kinds=("Εργαστήριο στο {place}", "Επίσκεψη μελέτης στο {place}"),
        topics=("η εκπαίδευση ως γέφυρα ένταξης", "η υποδοχή ασυνόδευτων ανηλίκων"),
        audiences=("για εκπαιδευτικούς", "με νέους"),
        sentences=(
            "Οι εταίροι του έργου EU-Belong συναντήθηκαν για να ανταλλάξουν καλές πρακτικές.",
            "Η συνάντηση έφερε κοντά εκπαιδευτικούς, φορείς και μετανάστες.",
            "Οι συμμετέχοντες συζήτησαν τον ρόλο των περιφερειών στην ένταξη των μεταναστών.",
            "Η Περιφέρεια Κρήτης παρουσίασε τα αποτελέσματα του προγράμματός της.",
        ),
    ),
}
# fmt: on
# Share of articles per language: mostly English, as the survey says.
LANGUAGE_WEIGHTS = {"en": 86, "es": 5, "fr": 4, "it": 3, "el": 2}

# The two forms of PHP error the live site leaks (html_errors on and off).
PHP_TEASER_WARNING = (
    '<br />\n<b>Warning</b>:  Undefined array key "tags" in <b>/mnt/nvme/www/</b> on line '
    "<b>23</b><br />\n"
)
PHP_TAGS_WARNING = (
    '<br />\n<b>Warning</b>:  Undefined array key "tags" in <b>/mnt/nvme/www/news.php</b> on '
    "line <b>61</b><br />\n"
)
PHP_DEPRECATED = (
    "<br />\n<b>Deprecated</b>:  Automatic conversion of false to array is deprecated in "
    "<b>/mnt/nvme/www/news.php</b> on line <b>112</b><br />\n"
)
PHP_PLAIN_NOTICE = " Notice: Undefined variable $lang in /mnt/nvme/www/news.php on line 88 "

CHROME_HEAD = (
    '\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    '<link rel="stylesheet" href="/css/style.css">\n'
)
CHROME_HEADER = (
    '<div id="cookie-notice">This website uses cookies to ensure you get the best experience on '
    "our website. By continuing to browse the site you agree to our "
    '<a href="/page.php?p=privacy">cookie policy</a>. <button type="button">Accept</button></div>\n'
    '<header id="header">\n  <a class="logo" href="/">'
    '<img src="/img/logo.png" alt="EU-Belong"></a>\n'
    '  <ul id="menu"><li><a href="/">Home</a></li><li><a href="/news.php">News</a></li>'
    '<li><a href="/partners.php">Who are we</a></li>'
    '<li><a href="/events.php?month=2024-05">Events</a></li>'
    '<li><a href="/page.php?p=about">About</a></li>'
    '<li><a href="/page.php?p=contact">Contact</a></li>'
    '<li class="admin"><a href="/admin/login.php">Admin</a></li></ul>\n</header>'
)
NEWSLETTER = (
    '<div class="newsletter">\n  <h4>Newsletter</h4>\n  <p>Subscribe to our newsletter to receive '
    "the latest news about EU-Belong and the Intercultural Regions Network.</p>\n"
    '  <form action="/newsletter.php" method="post"><input type="email" name="email" '
    'placeholder="Your e-mail address" required> <button type="submit">Subscribe</button></form>\n'
    "</div>\n"
)
CHROME_FOOTER = (
    '<footer id="footer">\n  <img src="/img/eu-flag.png" alt="Co-funded by the European Union">\n'
    "  <p>Co-funded by the Asylum, Migration and Integration Fund of the European Union "
    "(AMIF-2020-AG-CALL). The content of this website represents the views of the authors only "
    "and is their sole responsibility.</p>\n  <p>&copy; Assembly of European Regions</p>\n"
    '  <p class="footer-links"><a href="/index.php">Home</a> | '
    '<a href="/page.php?p=privacy">Privacy policy</a> | '
    '<a href="/page.php?p=legal">Legal notice</a></p>\n</footer>'
)


@dataclass(frozen=True)
class SyntheticArticle:
    """What one synthetic article page says, as plain text (the ground truth)."""

    id: int
    title: str
    published: dt.date
    date_text: str  # the date as the page prints it
    author: str | None  # None: the page has no byline
    language: str
    tags: tuple[str, ...]  # tag slugs
    image: str | None  # lead image path
    credit: str | None
    layout: str  # "news-detail" or "article-2022"
    encoding: str  # "utf-8", or "windows-1252" for a few older pages

    @property
    def url(self) -> str:
        return f"/news.php?id={self.id}"


class SyntheticSite:
    """N articles and the pages that list them; ``answer`` serves one request or says
    None when the snapshot should answer it."""

    def __init__(self, articles: int, snapshot: Path):
        if articles < 1:
            raise ValueError("a synthetic site needs at least one article")
        self.count = articles
        self.snapshot = Path(snapshot)
        self.articles = [_article(i, articles) for i in range(1, articles + 1)]
        # Newest first, as the listing shows them: the highest id is the newest.
        self.newest_first = self.articles[::-1]
        self.by_tag: dict[str, list[SyntheticArticle]] = {slug: [] for slug in TAGS}
        for article in self.newest_first:
            for slug in article.tags:
                self.by_tag[slug].append(article)
        self.pages = _page_count(articles)
        self._home_template = (self.snapshot / "index.html").read_text(encoding="utf-8")
        self._chrome = PageChrome(
            head=CHROME_HEAD, header=CHROME_HEADER, aside=self._sidebar() + NEWSLETTER,
            footer=CHROME_FOOTER,
        )  # fmt: skip

    def ground_truth(self) -> list[dict[str, object]]:
        """Every article as data: id, title, ISO date, author (None without a byline),
        language, tag slugs, lead image and layout."""
        return [
            {"id": a.id, "url": a.url, "title": a.title, "published": a.published.isoformat(),
             "author": a.author, "language": a.language, "tags": list(a.tags),
             "image": a.image, "layout": a.layout}
            for a in self.articles
        ]  # fmt: skip

    # -- routing ---------------------------------------------------------------------

    def answer(self, path: str, params: dict[str, str]) -> FaultReply | None:
        if path in ("/", "/index.php"):
            return html_reply(self.home_page())
        if path == "/rss.php":
            return FaultReply(body=self.feed(), headers={
                "Content-Type": "application/rss+xml; charset=utf-8",
                "X-Powered-By": "PHP/8.1.2"})  # fmt: skip
        if path.startswith("/uploads/") and "/story-" in path:
            return self._distinct_image(path)
        if path != "/news.php":
            return None
        article_id, tag, page = params.get("id"), params.get("tag"), params.get("page")
        if article_id:
            article = self._article_by_id(article_id)
            if article is None:
                return self._not_found()
            content_type = f"text/html; charset={article.encoding}"
            return html_reply(self.article_page(article), **{"Content-Type": content_type})
        page = page or "1"
        number = int(page) if page.isdigit() else 0
        if tag:
            members = self.by_tag.get(tag.lower())
            if not members or not 1 <= number <= _page_count(len(members)):
                return self._not_found()
            return html_reply(self.tag_page(tag.lower(), number))
        if not 1 <= number <= self.pages:
            return self._not_found()
        return html_reply(self.listing_page(number))

    def _article_by_id(self, raw: str) -> SyntheticArticle | None:
        if not raw.isdigit() or not 1 <= int(raw) <= self.count:
            return None
        return self.articles[int(raw) - 1]

    def _not_found(self) -> FaultReply:
        body = (self.snapshot / "404.html").read_bytes()
        return html_reply(body, status=404)

    # -- pages -----------------------------------------------------------------------

    def article_page(self, article: SyntheticArticle) -> bytes:
        rng = random.Random(f"synthetic-body:{article.id}")
        words = LANGUAGES[article.language]
        title = escape(article.title, quote=False)
        lead = ""
        if article.layout == "news-detail":
            links = ", ".join(
                f'<a href="/news.php?tag={slug}">{TAGS[slug]}</a>' for slug in article.tags
            )
            lead = f'<div class="news-tags">{links}</div>\n  '
            if article.image:
                credit = escape(article.credit or "")
                lead += (f'<div class="news-image"><img src="{article.image}" alt="">'
                         f'<span class="credit">[{credit}]</span></div>')  # fmt: skip
        else:
            lead = PHP_TAGS_WARNING  # where the older template's tags block would stand
        body = self._body(article, words, rng)
        after = ""
        if article.id % ATTACHMENT_EVERY == 0:
            href, name = ATTACHMENT
            after += (f'<div class="attachments"><h4>Downloads</h4><ul><li><a href="{href}">'
                      f"{name} (PDF, 2 MB)</a></li></ul></div>\n")  # fmt: skip
        if article.layout == "news-detail":
            after += (
                '<div class="share">Share this! <a href="https://www.facebook.com/sharer/'
                f'sharer.php?u=https%3A%2F%2Feu-belong.aer.eu%2Fnews.php%3Fid%3D{article.id}" '
                'target="_blank">Facebook</a> | <a class="print" href="/news.php?id='
                f'{article.id}&amp;print=1" rel="nofollow">Print</a></div>\n'
            )
        before = (
            '<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/news.php">News</a>'
            f" &raquo; {title}</div>\n"
        )
        page = article_html(
            title, body, date=escape(article.date_text), lead=lead, after=after, before=before,
            author=escape(article.author) if article.author else None, layout=article.layout,
            chrome=self._chrome, encoding=article.encoding,
        )  # fmt: skip
        if article.id % 37 == 0:  # a notice before <!DOCTYPE>, as an include's warning does
            page = PHP_DEPRECATED.encode() + page
        return page

    def _body(self, article: SyntheticArticle, words: Words, rng: random.Random) -> str:
        blocks = []
        for n in range(rng.randint(3, 6)):
            text = " ".join(rng.choice(words.sentences) for _ in range(rng.randint(2, 4)))
            if n == 1 and rng.random() < 0.1:  # a plain-form notice inside a paragraph
                cut = text.find(" ", len(text) // 2)
                text = text[:cut] + PHP_PLAIN_NOTICE + text[cut + 1 :]
            blocks.append(f"<p>{escape(text, quote=False)}</p>")
        if rng.random() < 0.3 and article.id > 1:  # a link to an earlier story
            target = rng.randint(max(1, article.id - 50), article.id - 1)
            tracking = "&amp;utm_source=newsletter&amp;utm_medium=email" if target % 3 == 0 else ""
            blocks.insert(1, f'<p>See also <a href="/news.php?id={target}{tracking}">'
                             f"our earlier story</a>.</p>")  # fmt: skip
        if rng.random() < 0.2:
            items = "".join(f"<li>{escape(rng.choice(words.topics))}</li>" for _ in range(3))
            blocks.append(
                f"<h3>{escape(rng.choice(words.topics).capitalize())}</h3>\n<ul>{items}</ul>"
            )
        if rng.random() < 0.1:
            blocks.append(f'<p><img src="{rng.choice(SHARED_IMAGES)}" alt=""></p>\n'
                          f"<p>Photo: {escape(rng.choice(PHOTOGRAPHERS))}</p>")  # fmt: skip
        if rng.random() < 0.05:
            blocks.append('<p><iframe width="560" height="315" src="https://www.youtube.com/embed/'
                          f'kX9mQ2v{article.id:05d}" allowfullscreen></iframe></p>')  # fmt: skip
        if rng.random() < 0.1:
            blocks.insert(2, PHP_TEASER_WARNING.strip())
        return "\n".join(blocks)

    def listing_page(self, page: int) -> bytes:
        shown = self.newest_first[(page - 1) * PER_PAGE : page * PER_PAGE]
        main = f"<h1>News</h1>\n{PHP_DEPRECATED if page % 5 == 2 else ''}"
        main += self._teasers(shown) + self._pager("/news.php?page={n}", page, self.pages)
        return self._page(f"News - page {page}", "news-list", main)

    def tag_page(self, slug: str, page: int) -> bytes:
        members = self.by_tag[slug]
        pages = _page_count(len(members))
        shown = members[(page - 1) * PER_PAGE : page * PER_PAGE]
        main = f"<h1>News tagged: {TAGS[slug]}</h1>\n" + self._teasers(shown)
        main += self._pager(f"/news.php?tag={slug}&amp;page={{n}}", page, pages)
        return self._page(f"News tagged: {TAGS[slug]}", "news-list", main)

    def home_page(self) -> bytes:
        """The snapshot's home page (intro, partners selector, clusters) with the latest
        synthetic teasers in place of its own."""
        start = self._home_template.index('<div class="latest-news">')
        end = self._home_template.index('<p class="all-news">', start)
        teasers = self._teasers(self.newest_first[:HOME_TEASERS])
        html = (self._home_template[:start] + '<div class="latest-news">\n<h2>News</h2>\n'
                + teasers + self._home_template[end:])  # fmt: skip
        return html.encode("utf-8")

    def feed(self) -> bytes:
        items = []
        for article in self.newest_first[:FEED_ITEMS]:
            stamp = article.published.strftime("%a, %d %b %Y") + " 09:00:00 +0200"
            creator = f"<dc:creator>{escape(article.author)}</dc:creator>" if article.author else ""
            items.append(
                f"<item><title>{escape(article.title)}</title>"
                f"<link>https://eu-belong.aer.eu{article.url}</link>"
                f'<guid isPermaLink="true">https://eu-belong.aer.eu{article.url}</guid>'
                f"<pubDate>{stamp}</pubDate>{creator}</item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>EU-Belong - News</title>'
            "<link>https://eu-belong.aer.eu/</link><description>News from the EU-Belong project"
            "</description><language>en</language>" + "".join(items) + "</channel></rss>\n"
        ).encode("utf-8")

    def _teasers(self, articles: list[SyntheticArticle]) -> str:
        out = ['<div class="news-list">\n']
        for article in articles:
            rng = random.Random(f"synthetic-teaser:{article.id}")
            words = LANGUAGES[article.language]
            excerpt = " ".join(rng.choice(words.sentences) for _ in range(2))
            cut = excerpt[: excerpt.rfind(" ", 0, 140)] if len(excerpt) > 140 else excerpt
            marker = ("[…]", "[...]", "...")[article.id % 3]
            title = escape(article.title, quote=False)
            out.append(
                f'<div class="news-item">\n  <a href="{article.url}"><img class="thumb" '
                f'src="{article.image or PLACEHOLDER}" alt=""></a>\n'
                f'  <h3><a href="{article.url}">{title}</a></h3>\n'
                f'  <p class="excerpt">{escape(cut, quote=False)}{marker}</p>\n'
                f'  <a class="more" href="{article.url}">Read more</a>\n</div>\n'
                + PHP_TEASER_WARNING + "\n"
            )  # fmt: skip
        return "".join(out) + "</div>\n"

    def _pager(self, href: str, page: int, pages: int) -> str:
        """First, last and the nearest pages, "Previous" and "Next"; "Next" carries the
        legacy trailing "&" of the live site."""
        links = []
        if page > 1:
            links.append(f'<a class="prev" href="{href.format(n=page - 1)}">&laquo; Previous</a>')
        for n in sorted([*windowed_pages(page, pages, PAGER_REACH), page]):
            current = n == page
            links.append(f'<span class="current">{n}</span>' if current
                         else f'<a href="{href.format(n=n)}">{n}</a>')  # fmt: skip
        if page < pages:
            links.append(f'<a class="next" href="{href.format(n=page + 1)}&amp;">Next &raquo;</a>')
        return '<div class="pager">' + " ".join(links) + "</div>\n"

    def _page(self, title: str, body_class: str, main: str) -> bytes:
        chrome = self._chrome
        return (
            f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
            f"<title>EU-Belong - {escape(title)}</title>{chrome.head}</head>\n"
            f'<body class="{body_class}">\n{chrome.header}\n<div id="main">\n{main}'
            f"{NEWSLETTER}</div>\n{chrome.footer}\n</body></html>\n"
        ).encode()

    def _sidebar(self) -> str:
        items = "".join(
            f'<li><a href="{a.url}">{escape(a.title, quote=False)}</a></li>\n'
            for a in self.newest_first[:LATEST]
        )
        return f'<div id="sidebar"><h4>Latest news</h4><ul>\n{items}</ul></div>\n'

    def _distinct_image(self, path: str) -> FaultReply | None:
        number = path.rsplit("/story-", 1)[-1].removesuffix(".png")
        article = self._article_by_id(number)
        if article is None or article.image != path:
            return None
        body = tiny_png(article.id)
        return FaultReply(body=body, headers={
            "Content-Type": "image/png", "Last-Modified": STATIC_LAST_MODIFIED,
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:16] + '"'})  # fmt: skip


def _page_count(items: int) -> int:
    return max(1, -(-items // PER_PAGE))


def _article(article_id: int, count: int) -> SyntheticArticle:
    """Article ``article_id`` of a site of ``count``: its date depends on its place in the
    project's period, everything else only on its id."""
    rng = random.Random(f"synthetic-article:{article_id}")
    span = (LAST_DAY - FIRST_DAY).days
    published = FIRST_DAY + dt.timedelta(days=(article_id - 1) * span // max(1, count - 1))
    language = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
    words = LANGUAGES[language]
    place = rng.choice(PLACES)
    title = (
        f"{rng.choice(words.kinds).format(place=place)}: {rng.choice(words.topics)} "
        f"{rng.choice(words.audiences)}"
    )
    author = rng.choice(AUTHORS) if rng.random() < BYLINE_SHARE else None
    tags = tuple(sorted(rng.sample(sorted(TAGS), rng.randint(1, 3))))
    layout = "news-detail" if published >= NEWS_DETAIL_FROM else "article-2022"
    image = credit = None
    if article_id % DISTINCT_IMAGE_EVERY == 0:
        image = f"/uploads/{published:%Y/%m}/story-{article_id}.png"
    elif rng.random() < 0.7:
        image = rng.choice(SHARED_IMAGES)
    if image:
        credit = rng.choice(["Photo: {}", "Foto cedida por {}", "Photo: {} ©"]).format(
            rng.choice(PHOTOGRAPHERS)
        )
    if layout == "article-2022":
        image = credit = None  # the older template has no lead image block
    # Some older pages are windows-1252, declared in the HTTP header only.
    encoding = "windows-1252" if layout == "article-2022" and article_id % 17 == 0 else "utf-8"
    return SyntheticArticle(
        id=article_id, title=title, published=published,
        date_text=_date_text(published, language, layout, rng), author=author,
        language=language, tags=tags, image=image, credit=credit, layout=layout,
        encoding=encoding,
    )  # fmt: skip


def _date_text(day: dt.date, language: str, layout: str, rng: random.Random) -> str:
    """One of the survey's date formats; the older template says "Posted on 23.02.2022"."""
    if layout == "article-2022":
        return day.strftime("%d.%m.%Y")
    months = LANGUAGES[language].months
    if language == "es":
        return f"{day.day} de {months[day.month - 1]} de {day.year}"
    if language == "fr":
        return f"{day.day} {months[day.month - 1]} {day.year}"
    if not months:
        return day.strftime("%d/%m/%Y")
    forms = [
        day.strftime("%d/%m/%Y"),
        day.strftime("%d.%m.%Y"),
        f"{months[day.month - 1]} {day.day}, {day.year}",
        f"{day.day} {months[day.month - 1]} {day.year}",
        day.strftime("%Y-%m-%d") + f" {rng.randint(8, 18):02d}:{rng.choice([0, 15, 30]):02d}:00",
    ]
    return rng.choice(forms)


def tiny_png(seed: int) -> bytes:
    """A 1x1 PNG whose colour depends on ``seed``: distinct bytes in under 100 bytes."""
    colour = hashlib.sha256(str(seed).encode()).digest()[:3]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + colour)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks
