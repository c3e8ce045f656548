"""What the survey notes on one fetched page: encodings, PHP errors, chrome, how the
profile's selectors fare, and the clues a starting profile is guessed from.

Only facts are kept (a few short strings per page), never the page itself, so a sample
of hundreds of pages costs little memory.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from belong_scraper.cleaning import (
    HEADER_CHARSET,
    LEFTOVER_MOJIBAKE,
    META_CHARSET,
    _codec,
    decode_html,
    is_boilerplate_block,
    normalise_space,
)
from belong_scraper.compiled import css, xpath
from belong_scraper.mojibake_gate import looks_bad
from belong_scraper.pages import Document
from belong_scraper.profile import SiteProfile
from belong_scraper.profile.fields import _selectors as check_selectors

HtmlElement = lxml_html.HtmlElement
SAMPLE_CHARS = 80
# A UTF-8 lead byte read as windows-1252 and the character after it: where mojibake is.
MOJIBAKE_PAIR = re.compile("[ÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑâ][\u0080-\u00bf\u0152-\u2122]")
# The profile's selector sections, by the page types whose page object reads them.
# Keys read inside one element of another key are scoped to it (a teaser's link).
SECTION_PAGE_TYPES: dict[str, tuple[str, ...]] = {
    "article": ("article",),
    "image": ("article",),
    "teaser": ("listing", "tag", "home", "cluster"),
    "partners": ("partners",),
    "partner": ("partner",),
    "cluster": ("cluster",),
    "static": ("static",),
    "home": ("home",),
}
SCOPES = {"teaser": "item", "partners": "item", "image": ("article", "lead_image")}
# Chrome a starting profile proposes: landmark elements, and ids/classes named like chrome.
CHROME_TAGS = ("header", "nav", "footer", "aside")
CHROME_NAME = re.compile(
    r"^(?:site-?)?(?:header|footer|menu|nav(?:bar|igation)?|sidebar|breadcrumbs?|cookie[\w-]*"
    r"|share[\w-]*|social[\w-]*|newsletter|pagination|pager|skip-links?)$",
    re.IGNORECASE,
)
HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE)
UPLOAD_PATH = re.compile(r"(?:https?://[^/\s\"']+)?(/(?:[\w-]+/)*?uploads/)((?:19|20)\d\d)/\d\d/")
DATE_TEXT = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d\d\b")
BLOCK_TAGS = ("p", "div", "section", "article", "main", "td")
SHORT_BLOCK_TAGS = ("p", "div", "a", "span", "li", "h4", "h5", "button")


def trimmed(text: str) -> str:
    text = normalise_space(text)
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def selector_of(element: HtmlElement) -> str:
    """A short CSS selector for the element: tag plus id, or tag plus first class."""
    tag = element.tag if isinstance(element.tag, str) else "*"
    if element.get("id") and re.fullmatch(r"[A-Za-z][\w-]*", element.get("id", "")):
        return f"{tag}#{element.get('id')}"
    classes = [
        c for c in (element.get("class") or "").split() if re.fullmatch(r"[A-Za-z][\w-]*", c)
    ]
    return f"{tag}.{classes[0]}" if classes else tag


def element_value(element: HtmlElement) -> str:
    """What a selector found, as text: an element's text, a meta's content, an image's src."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "meta":
        return trimmed(element.get("content") or "")
    if tag == "img":
        return trimmed(element.get("src") or "")
    text = element.text_content()
    if not text.strip() and element.get("href"):
        return trimmed(element.get("href") or "")
    return trimmed(text)


@dataclass
class PageFacts:
    """One fetched URL as the survey saw it."""

    url: str
    canonical: str
    status: int
    kind: str | None = None
    redirect_to: str | None = None
    error: str | None = None
    content_type: str = ""
    declared: str | None = None
    detected: str | None = None
    mojibake: str | None = None  # a line the gate finds double-encoded, trimmed
    php_errors: dict[str, int] = field(default_factory=dict)
    # "section.key" -> (selector that matched first, sample value); None: no match.
    selectors: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    chrome_selectors: list[str] = field(default_factory=list)
    chrome_phrases: list[str] = field(default_factory=list)
    feed: bool = False
    clues: dict[str, Any] = field(default_factory=dict)

    @property
    def html(self) -> bool:
        return self.error is None and self.redirect_to is None and self.detected is not None


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the header (else the ``<meta>``) declares, as a codec name."""
    if content_type:
        match = HEADER_CHARSET.search(content_type)
        if match:
            return _codec(match.group(1)) or match.group(1).lower()
    match = META_CHARSET.search(body[:4096])
    if match:
        label = match.group(1).decode("ascii", "ignore")
        return _codec(label) or label.lower()
    return None


def mojibake_line(body: bytes, content_type: str | None) -> str | None:
    """The first line the mojibake gate (or the leftover rule) finds double-encoded."""
    text, _ = decode_html(body, content_type)
    if not looks_bad(text, any_line=True) and not LEFTOVER_MOJIBAKE.search(text):
        return None
    for line in text.split("\n"):
        if looks_bad(line) or LEFTOVER_MOJIBAKE.search(line):
            plain = normalise_space(re.sub(r"<[^>]+>", " ", line))
            if plain:
                # Around the first double-encoded pair, so the sample shows it.
                found = MOJIBAKE_PAIR.search(plain)
                start = max(0, found.start() - SAMPLE_CHARS // 2) if found else 0
                return trimmed(plain[start:])
    return None


def observe_selectors(doc: Document, profile: SiteProfile) -> dict[str, tuple[str, str] | None]:
    """Every selector key of the profile sections the page's type reads: which selector
    of the key matched first (in the chrome-free content, as the page objects read it)."""
    found: dict[str, tuple[str, str] | None] = {}
    for section, kinds in SECTION_PAGE_TYPES.items():
        if doc.kind not in kinds:
            continue
        table = profile.section(section)
        scope_key = SCOPES.get(section)
        scopes: list[HtmlElement] = [doc.content]
        if isinstance(scope_key, str):
            scopes = doc.all(getattr(table, scope_key))
        elif isinstance(scope_key, tuple):
            scopes = doc.all(profile.selectors(*scope_key))
        for key, value in table:
            if not _is_selectors(table, key, value):
                continue
            within = [doc.content] if key == scope_key else scopes
            found[f"{section}.{key}"] = _first_match(value, within)
    return found


def _is_selectors(table: Any, key: str, value: Any) -> bool:
    # A Selectors field is the one whose validator is the selector check (profile/fields.py).
    info = type(table).model_fields[key]
    return isinstance(value, tuple) and any(
        getattr(m, "func", None) is check_selectors for m in info.metadata
    )


def _first_match(selectors: tuple[str, ...], scopes: list[HtmlElement]) -> tuple[str, str] | None:
    for selector in selectors:
        for scope in scopes:
            hits = css(selector)(scope)
            if hits:
                return selector, element_value(hits[0])
    return None


def observe_chrome(doc: Document, profile: SiteProfile) -> tuple[list[str], list[str]]:
    """The profile's chrome selectors that match the page, and its phrases that match a
    block's whole text (as ``drop_boilerplate`` judges them)."""
    chrome = profile.chrome
    selectors = [s for s in chrome.remove if css(s)(doc.root)]
    phrases: list[str] = []
    if chrome.phrases:
        blocks = list(doc.root.iter(*SHORT_BLOCK_TAGS))
        for phrase in chrome.phrases:
            if any(is_boilerplate_block(b, (phrase,)) for b in blocks):
                phrases.append(phrase.pattern)
    return selectors, phrases


def clues(root: HtmlElement, text: str = "") -> dict[str, Any]:
    """What a starting profile is guessed from, on one page (``text``: its HTML)."""
    found: dict[str, Any] = {}
    h1 = xpath("//body//h1")(root)
    if h1:
        found["h1"] = selector_of(h1[0])
        found["h1_text"] = trimmed(h1[0].text_content())
    og = xpath("//meta[@property='og:title']/@content")(root)
    found["og_title"] = bool(og)
    found["og_type"] = (xpath("//meta[@property='og:type']/@content")(root) or [""])[0]
    if xpath("//meta[@property='article:published_time']")(root):
        found["meta_date"] = 'meta[property="article:published_time"]'
    times = xpath("//body//time")(root)
    if times:
        found["time"] = selector_of(times[0])
    # An element named for the date (<span class="date">), holding a date-like text.
    for element in xpath("//body//*[contains(@class,'date') or contains(@id,'date')]")(root):
        if DATE_TEXT.search(element.text_content()):
            found["date_element"] = selector_of(element)
            break
    found["body"], found["text_chars"], found["digest"] = _largest_text_block(root)
    for name, path in (
        ("author", "//*[@rel='author'] | //*[contains(@class,'author')]"),
        ("tags", "//a[@rel='tag']"),
    ):
        hits = xpath(path)(root)
        if hits:
            found[name] = "a[rel=tag]" if name == "tags" else selector_of(hits[0])
    found["teaser"] = _repeated_teaser(root)
    # Uploads kept by month (/wp-content/uploads/2022/03/x.jpg): where media live, and
    # by their years the site's span of dates.
    paths = " ".join(str(v) for v in xpath("//img/@src | //a/@href")(root))
    uploads = UPLOAD_PATH.findall(paths)
    found["years"] = sorted({int(year) for _, year in uploads})
    found["uploads"] = (
        Counter(prefix for prefix, _ in uploads).most_common(1)[0][0] if uploads else None
    )
    found["chrome"] = sorted(_chrome_candidates(root))
    # From the markup: a parser that met text before <html> (a PHP notice) drops its lang.
    lang = HTML_LANG.search(text)
    found["lang"] = lang.group(1).lower() if lang else None
    # Short blocks outside the landmarks (which a starting profile removes whole):
    # the same one on most pages is boilerplate ("Read more", a funding notice).
    found["short_blocks"] = sorted(
        {
            text
            for b in root.iter(*SHORT_BLOCK_TAGS)
            if len(b) <= 2
            and 0 < len(text := normalise_space(b.text_content())) <= 60
            and sum(c.isalpha() for c in text) >= 2
            and not any(_chrome_like(a) for a in b.iterancestors())
        }
    )
    return found


def _largest_text_block(root: HtmlElement) -> tuple[str | None, int, str | None]:
    """The element whose own paragraphs hold the most text (where a body usually is),
    its length, and a digest of its text: two URLs with one digest show one page."""
    best: tuple[int, HtmlElement | None, str] = (0, None, "")
    for element in root.iter(*BLOCK_TAGS):
        text = " ".join(normalise_space(p.text_content()) for p in element if p.tag == "p")
        if len(text) > best[0]:
            best = (len(text), element, text)
    if best[1] is None:
        return None, 0, None
    return selector_of(best[1]), best[0], hashlib.sha1(best[2].encode()).hexdigest()[:16]


def _repeated_teaser(root: HtmlElement) -> str | None:
    """Three or more siblings of one tag each holding a heading link are teasers: their
    tag and a class all of them share (a CMS gives each one its own id, post-123)."""
    heading_link = xpath(
        "./*[self::h2 or self::h3 or self::h4]//a[@href]"
        " | ./*[self::header or self::div]/*[self::h2 or self::h3]//a[@href]"
    )
    best: tuple[int, str | None] = (0, None)
    for parent in root.iter():
        groups: dict[str, list[HtmlElement]] = {}
        for child in parent:
            if isinstance(child.tag, str) and heading_link(child):
                groups.setdefault(child.tag, []).append(child)
        for tag, items in groups.items():
            if len(items) < 3 or len(items) <= best[0]:
                continue
            first = (items[0].get("class") or "").split()
            shared = [c for c in first if all(c in (i.get("class") or "").split() for i in items)]
            shared = [c for c in shared if re.fullmatch(r"[A-Za-z][\w-]*", c)]
            best = (len(items), f"{tag}.{shared[0]}" if shared else tag)
    return best[1]


def _chrome_like(element: HtmlElement) -> bool:
    names = [element.get("id") or "", *(element.get("class") or "").split()]
    return element.tag in CHROME_TAGS or any(n and CHROME_NAME.match(n) for n in names)


def _chrome_candidates(root: HtmlElement) -> set[str]:
    """Landmarks and chrome-named elements, by a selector of their own (`header.site-header`,
    not `header`, which would also match an article's own header). Never one inside the
    content (an article, main) or holding the page's heading."""
    found: set[str] = set()
    for element in xpath("//body//*[@id or @class] | //body//header | //body//nav"
                         " | //body//footer | //body//aside")(root):  # fmt: skip
        if not _chrome_like(element) or xpath("ancestor::article | ancestor::main | .//h1")(
            element
        ):
            continue
        if element.tag in CHROME_TAGS:
            found.add(selector_of(element))
            continue
        for name in [element.get("id") or "", *(element.get("class") or "").split()]:
            if name and CHROME_NAME.match(name):
                found.add(f"#{name}" if name == element.get("id") else f".{name}")
    return found
