"""Body HTML to safe, clean HTML plus Markdown and text; embeds and credits pulled out.

nh3 (the Rust ammonia sanitizer) enforces the allowlist: it is the part that must never
be wrong, so it is a well-tested library rather than our own code. The lxml passes around
it only restructure (Word cruft, layout tables, credits, embeds, empty blocks).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import nh3
from bs4 import MarkupResemblesLocatorWarning
from lxml import etree
from lxml import html as lxml_html
from markdownify import MarkdownConverter

from belong_scraper.body_media import (
    EmbedCollector,
    blank_line_paragraphs,
    split_at_break_runs,
    text_images,
)
from belong_scraper.cleaning import (
    is_boilerplate_block,
    normalise_space,
    remove_unsafe_chars,
    repair_text,
    strip_php_errors,
)
from belong_scraper.compiled import css, xpath
from belong_scraper.image_files import full_size_url, split_credit, upload_id, upload_key
from belong_scraper.profile import SiteProfile
from belong_scraper.shortcodes import expand_shortcodes
from belong_scraper.urls import Origin, absolute, canonical_url, is_document

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "a", "img", "figure", "figcaption",
    "strong", "em", "b", "i", "u", "s", "sub", "sup", "br", "hr", "code", "pre", "abbr",
    "cite", "q", "small", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
    "ol": {"start"},
}
BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "figure",
          "pre", "hr", "dl", "div", "li", "tr", "td", "th", "figcaption", "caption"}  # fmt: skip
# Blocks that are empty once no-break spaces and <br> are ignored are dropped.
EMPTY_DROP = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "strong", "em", "b",
              "i", "u", "span", "a", "figure", "figcaption", "ul", "ol"}  # fmt: skip
# Elements whose direct text is layout whitespace only.
CONTAINERS = ("ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "blockquote", "dl", "figure")
# A note in brackets: "[Foto cedida por ...]", "[Photo: ...]".
BRACKETED = re.compile(r"^\s*[\[(](?P<inner>.+)[\])]\s*$", re.DOTALL)
# "© 2019 …", "©2019-2024 …", or "© X. All rights reserved.": a notice, not a name.
COPYRIGHT_NOTICE = re.compile(r"©\s*(?:1[89]|20)\d\d\b|©[^.]{2,}\.\s+\w")
BREAKS_ONLY = re.compile(r"^(?:\s|<br\s*/?>)*$")
WS = re.compile(r"[ \t\r\n\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@dataclass
class CleanBody:
    html: str = ""
    markdown: str = ""
    text: str = ""
    images: list[dict[str, str | None]] = field(default_factory=list)
    embeds: list[dict[str, str]] = field(default_factory=list)
    documents: list[dict[str, str]] = field(default_factory=list)
    stray_credits: list[str] = field(default_factory=list)


def credit_text(text: str, profile: SiteProfile, *, after_image: bool = False) -> str | None:
    """The credit in a block of text, or None when the text is not an image credit.

    A bracketed credit line ("[Foto cedida por ...]", "[Photo: X]") or a line opening
    with "©" is a credit wherever it stands; "(Photographs from ten regions ...)" is not,
    nor is a publisher's notice away from any image ("© 2019 Associated Press. All
    rights reserved."): a year after the sign, or more than one sentence.
    An unbracketed line such as "Photo: X" or "Fotografia di X" is one only right after
    an image: elsewhere "Photos of the day are online" or "Source: Eurostat" under a
    table are body text, and are kept.
    """
    text = normalise_space(text)
    if not text or len(text) > 300:
        return None
    rules = _credit_rules(profile)
    inner = BRACKETED.match(text)
    if inner:
        note = normalise_space(inner.group("inner"))
        lowered = note.casefold()
        if lowered.startswith("©") or _credit_line(lowered, rules):
            return note
        return None
    if text.startswith("©") and (after_image or not COPYRIGHT_NOTICE.match(text)):
        return text
    if after_image and len(text) <= 160 and _credit_line(text.casefold(), rules):
        return text
    return None


@dataclass(frozen=True)
class CreditRules:
    """The profile's credit words and joiners, compiled once per profile."""

    words: tuple[str, ...]
    joiner: re.Pattern[str] | None


@cache
def _credit_rules(profile: SiteProfile) -> CreditRules:
    rules = profile.image
    joiners = "|".join(re.escape(j.casefold()) for j in rules.credit_joiners)
    return CreditRules(
        words=tuple(w.casefold() for w in rules.credit_words),
        joiner=re.compile(rf"\s+(?:{joiners})\b") if joiners else None,
    )


WORD_REST = re.compile(r"^\w*")
CREDIT_COLON = re.compile(r"\s*[:：©]")


def _credit_line(lowered: str, rules: CreditRules) -> bool:
    """ "photo: x", "foto di x", "photograph by x": a credit word, then a colon or a
    joining word ("by", "di", "cedida" ...) before the name."""
    for word in rules.words:
        if not lowered.startswith(word):
            continue
        rest = lowered[len(word) :]
        if word.endswith(":") or word in ("©", "copyright ©"):
            return True
        rest = WORD_REST.sub("", rest)  # photo-graph, foto-grafia
        if CREDIT_COLON.match(rest) or (rules.joiner and rules.joiner.match(rest)):
            return True
    return False


def _is_layout_table(table: etree._Element) -> bool:
    if xpath(".//table")(table):
        return True
    cells = xpath(".//td|.//th")(table)
    if len(cells) <= 1:
        return True
    if xpath(".//td//img|.//td/h2|.//td/h3|.//td/ul|.//td/ol")(table):
        return True
    # Word wraps every data cell in one <p class="MsoNormal">: one block per cell is still
    # data; a cell holding several blocks is page layout.
    return any(len(xpath("./p|./div")(cell)) > 1 for cell in cells)


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its children, keeping text and tail."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    lead = element.text or ""
    if lead:
        if index == 0:
            parent.text = (parent.text or "") + lead
        else:
            prev = parent[index - 1]
            prev.tail = (prev.tail or "") + lead
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    tail = element.tail or ""
    if tail:
        if children:
            children[-1].tail = (children[-1].tail or "") + tail
        elif index == 0 and not children:
            parent.text = (parent.text or "") + tail
        else:
            prev = parent[index - 1] if index > 0 else None
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
    parent.remove(element)


def _restructure(
    root: lxml_html.HtmlElement, base: str, origin: Origin, profile: SiteProfile, out: CleanBody
) -> None:
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    embeds = EmbedCollector(base, profile, out.embeds)
    embeds.take_placeholders(root)
    text_images(root, profile)
    for selector in profile.body.paragraphs:
        for element in css(selector)(root):
            element.tag = "p"
    if profile.body.blank_line_paragraphs:
        blank_line_paragraphs(root, BLOCKS)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if ":" in tag:  # Word paste: <o:p>, <st1:place>
            _unwrap(element)
        elif tag in ("script", "style", "noscript", "object", "embed", "form", "button"):
            if tag == "noscript" and profile.body.noscript_embeds:
                for iframe in xpath(".//iframe")(element):
                    embeds.add(iframe.get("src") or "")
            element.drop_tree()
    for iframe in xpath("//iframe")(root):
        embeds.add(iframe.get("src") or "")
        iframe.drop_tree()
    for table in reversed(xpath("//table")(root)):
        if _is_layout_table(table):
            for cell in xpath(".//td|.//th")(table):
                cell.tag = "div"
            for part in xpath(".//tr|.//tbody|.//thead|.//tfoot|.//caption")(table):
                part.tag = "div"
            table.tag = "div"
    for heading in xpath("//h1")(root):
        heading.tag = "h2"
    _links_and_images(root, base, origin, profile, out)


def _links_and_images(
    root: lxml_html.HtmlElement, base: str, origin: Origin, profile: SiteProfile, out: CleanBody
) -> None:
    last_image: dict[str, str | None] | None = None
    seen: dict[str, dict[str, str | None]] = {}  # upload key or id → the image taken
    caption_boxes = frozenset(e for s in profile.image.caption for e in css(s)(root))
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or (
            element.getparent() is None and element is not root
        ):
            continue
        tag = element.tag.lower()
        if tag == "a":
            href = absolute(element.get("href") or "", base)
            if href is None:
                _unwrap(element)  # javascript:, data: links: keep the words, drop the link
                continue
            element.set("href", canonical_url(href, origin, profile) or href)
            if is_document(href, profile):
                title = normalise_space(element.text_content())
                out.documents.append({"url": element.get("href"), "title": title})
        elif tag == "img":
            src = full_size_url(element, base, profile)
            if src is None:
                element.drop_tree()
                continue
            src = canonical_url(src, origin, profile) or src
            element.set("src", src)
            keys = [k for k in (upload_key(src, profile), upload_id(element, profile)) if k]
            known = next((seen[k] for k in keys if k in seen), None)
            if known is not None:  # one upload shown twice: one image of the record
                last_image = known
                continue
            last_image = {
                "url": src,
                "alt": normalise_space(element.get("alt") or ""),
                "caption": None,
                "credit": None,
            }
            seen.update(dict.fromkeys(keys, last_image))
            out.images.append(last_image)
        elif element in caption_boxes and profile.image.credit_openers:
            _split_caption(element, last_image, profile)
        elif tag in ("p", "span", "div", "em", "small", "figcaption", "i"):
            if element.getparent() is None or xpath(".//img")(element):
                continue  # a box holding the image itself is not the credit line
            in_figure = bool(xpath("ancestor::figure")(element))
            credit = credit_text(
                element.text_content(), profile, after_image=in_figure or _follows_image(element)
            )
            if credit is None:
                continue
            if last_image is not None and last_image["credit"] is None:
                last_image["credit"] = credit
            else:
                out.stray_credits.append(credit)
            element.drop_tree()


def _split_caption(
    box: etree._Element, image: dict[str, str | None] | None, profile: SiteProfile
) -> None:
    """A body image's caption box: caption and credit to the image; the box keeps the
    caption alone (the credit is no body text), or goes when nothing is left."""
    figure = next(iter(xpath("ancestor::figure[1]")(box)), None)
    if image is None or figure is None or not xpath(".//img")(figure):
        return
    caption, credit = split_credit(box.text_content(), profile)
    image["caption"] = image["caption"] or caption
    image["credit"] = image["credit"] or credit
    if caption is None:
        box.drop_tree()
        return
    for child in list(box):
        box.remove(child)
    box.text = caption


def _follows_image(element: etree._Element) -> bool:
    """Whether the nearest content before this element is an image (a <br> or empty
    block between them does not count); looks up through wrappers it opens."""
    node = element
    while node is not None:
        sibling = node.getprevious()
        while sibling is not None:
            if (sibling.tail or "").strip():
                return False  # words stand between that sibling and this element
            if sibling.tag == "br":
                sibling = sibling.getprevious()
                continue
            if sibling.tag == "img" or xpath(".//img")(sibling):
                return True
            if normalise_space(sibling.text_content()):
                return False
            sibling = sibling.getprevious()
        parent = node.getparent()
        if parent is None or normalise_space(parent.text or ""):
            return False
        node = parent
    return False


def _tidy(root: lxml_html.HtmlElement, phrases: Iterable[re.Pattern[str]]) -> None:
    phrases = tuple(phrases)
    # No phrases: a body from a page, whose boilerplate went with the page's (once).
    for element in list(root.iter("p", "li", "a", "span")) if phrases else ():
        if element is not root and is_boilerplate_block(element, phrases):
            element.drop_tree()
    for element in list(root.iter()):
        if element.tag != "pre":
            if element.text:
                element.text = WS.sub(" ", element.text)
            if element.tail:
                element.tail = WS.sub(" ", element.tail)
    for element in root.iter(*CONTAINERS):
        if element.text and not element.text.strip():
            element.text = None
        for child in element:
            if child.tail and not child.tail.strip():
                child.tail = None
    changed = True
    while changed:
        changed = False
        for element in list(root.iter()):
            if element is root or element.tag not in EMPTY_DROP:
                continue
            if xpath(".//img")(element) or element.text_content().strip():
                continue
            element.drop_tree()
            changed = True
    for block in root.iter("p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption"):
        if block.text:
            block.text = block.text.lstrip()
        if len(block):
            block[-1].tail = (block[-1].tail or "").rstrip() or None
        elif block.text:
            block.text = block.text.rstrip()
    # Leading and trailing <br> inside a block are layout, not content.
    for block in root.iter("p", "li", "h2", "h3", "h4", "td", "th", "blockquote"):
        while len(block) and block[-1].tag == "br" and not (block[-1].tail or "").strip():
            block.remove(block[-1])
        while len(block) and block[0].tag == "br" and not (block.text or "").strip():
            tail = block[0].tail
            block.remove(block[0])
            block.text = (block.text or "") + (tail or "")


def _serialise(root: lxml_html.HtmlElement) -> str:
    """One block a line; inline runs left at the top level (unclosed <p>) get a <p>."""
    parts: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = "".join(inline).strip()
        if BREAKS_ONLY.sub("", text):  # a run of <br> alone is layout, no paragraph
            parts.append(f"<p>{text}</p>")
        inline.clear()

    if root.text:
        inline.append(_escape(root.text))
    for child in root:
        markup = lxml_html.tostring(child, encoding="unicode", with_tail=False).strip()
        if child.tag in BLOCKS:
            flush()
            parts.append(markup)
        else:
            inline.append(markup)
        if child.tail:
            inline.append(_escape(child.tail))
    flush()
    return "\n".join(parts)


def _fragment(html: str) -> lxml_html.HtmlElement:
    """The HTML as children of one <div>. lxml's fragment parser gives up on a body that
    holds document markup (a lone "<HTML", "<html><head></head></html>", only a doctype):
    such a body is read as a whole document instead, its <body> becoming the <div>, rather
    than raising and losing the record."""
    try:
        return lxml_html.fragment_fromstring(html or "<p></p>", create_parent="div")
    except (etree.ParserError, AssertionError, ValueError):
        pass
    div = lxml_html.Element("div")
    try:
        body = lxml_html.document_fromstring(f"<html><body>{html}</body></html>").find("body")
    except (etree.ParserError, ValueError):
        body = None
    if body is not None:
        div.text = body.text
        div.extend(list(body))
    return div


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_to_text(html: str, *, sanitized: bool = False) -> str:
    """Plain text of HTML: one block a paragraph, list items on their own line. The HTML
    goes through the allowlist first (a no-op for a clean body): any text gives text
    (``sanitized``: the caller passes what sanitize_html returned)."""
    html = html if sanitized else sanitize_html(html)
    if not html.strip():
        return ""
    root = _fragment(html)
    # Captions and credits describe an image: they are no text of the body.
    for caption in list(root.iter("figcaption")):
        caption.drop_tree()
    for cite in xpath("//blockquote/cite")(root):  # who is quoted: a line of its own
        cite.text = "\n" + (cite.text or "")
    blocks: list[str] = []
    for child in root:
        if child.tag == "figure" and child.find("table") is not None:
            child = child.find("table")  # a table block: its rows, not its fused cells
        if child.tag in ("ul", "ol"):
            blocks.append("\n".join(_list_lines(child)))
        elif child.tag == "table":
            rows = []
            for row in child.iter("tr"):
                cells = [normalise_space(c.text_content()) for c in row if c.tag in ("td", "th")]
                rows.append(" | ".join(cells))
            blocks.append("\n".join(rows))
        elif child.tag == "img":
            continue
        else:
            for br in child.iter("br"):
                br.tail = "\n" + (br.tail or "")
            lines = [normalise_space(line) for line in child.text_content().split("\n")]
            blocks.append("\n".join(line for line in lines if line))
    return "\n\n".join(b for b in blocks if b).strip()


def _list_lines(element: lxml_html.HtmlElement, depth: int = 0) -> list[str]:
    """One line per item, each with its own words only: a nested list's items follow on
    their own lines, indented, instead of being fused into the item that holds them."""
    lines: list[str] = []
    indent = "  " * depth
    for item in element:
        if item.tag in ("ul", "ol"):  # a list straight inside a list, as editors leave it
            lines += _list_lines(item, depth + 1)
            continue
        own, nested = [item.text or ""], []
        for part in item:
            if part.tag in ("ul", "ol"):
                nested += _list_lines(part, depth + 1)
            else:
                own.append(part.text_content())
            own.append(part.tail or "")
        text = normalise_space("".join(own) if item.tag == "li" else item.text_content())
        if text:
            lines.append(f"{indent}- {text}")
        lines += nested
    return lines


# Text characters CommonMark (and goldmark's extensions) would read as markup that makes
# something live: raw HTML and autolinks (<), links and images ([ ]), an entity (an "&"
# that opens one: "Skills & Jobs" is plain text already), the escapes, code spans and
# emphasis that could shift how the rest is read (\ ` *), a table cell's end (|).
# An underscore not inside a word (snake_case stays as it is) can open emphasis: "_0_".
MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|]|&(?=#|[A-Za-z0-9]+;)|(?<![^\W_])_|_(?![^\W_]))")
# What a link destination must not hold raw: backslash-escaped (CommonMark undoes it) so that
# neither an entity (&#106;avascript:) nor a bracket or parenthesis changes its meaning.
DESTINATION_SPECIAL = re.compile(r"([\\()<>&\[\]\"'`*])")
# Percent-encoded: whitespace and controls end a destination early.
DESTINATION_BREAK = re.compile(r"[\x00-\x20\x7f-\x9f]")
LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_SCHEMES = {"http", "https"}
# A scheme is everything before the first ":" that comes before any "/", "?" or "#";
# browsers ignore tabs, newlines and leading controls or spaces when they read it.
SCHEME = re.compile(r"^([^/?#]*?):")
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
# An autolink (<https://...>) only for a URL whose every character is plain.
PLAIN_URL = re.compile(r"^(?:https?://|mailto:)[A-Za-z0-9._~:/?#@!$'+,;=%-]+$")


# What opens a block where a line starts (a list item, heading, rule, setext underline,
# fence): escaped at the start of a text node or of a line in it, after any indentation
# (a text node may be where a Markdown line starts; anywhere else it is plain text).
BLOCK_START = re.compile(r"(^|\n)([ \t]*)(-+|=+|_+|~+|#{1,6}|\+|[0-9]{1,9}[.)])(?=\s|$)")


def _block_start(match: re.Match[str]) -> str:
    lead, marker = match.group(1) + match.group(2), match.group(3)
    if marker[0].isdigit():  # "1." : a backslash before a digit is no escape
        return lead + marker[:-1] + "\\" + marker[-1]
    return lead + "\\" + marker


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders as exactly that text, never as markup."""
    return BLOCK_START.sub(_block_start, MARKDOWN_SPECIAL.sub(r"\\\1", text))


def url_allowed(url: str, schemes: set[str]) -> bool:
    """Whether a URL is relative or uses one of the schemes (never javascript:, data: ...)."""
    match = SCHEME.match(URL_IGNORED.sub("", url))
    return match is None or match.group(1).lower() in schemes


def _destination(url: str) -> str:
    url = DESTINATION_BREAK.sub(lambda m: f"%{ord(m.group()):02X}", url)
    return DESTINATION_SPECIAL.sub(r"\\\1", url)


def _link_title(title: str | None) -> str:
    title = DESTINATION_SPECIAL.sub(r"\\\1", normalise_space(title or ""))
    return f' "{title}"' if title else ""


class SafeMarkdownConverter(MarkdownConverter):
    """markdownify, with every text node escaped (markup shown as text stays text), link
    and image destinations limited to safe schemes and escaped, alt text and titles
    escaped, and code fences longer than any backtick run they hold."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape_markdown(text) if text else ""

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, text = _chomp(text)
        if not text:
            return ""
        href = el.get("href") or ""
        if not href or not url_allowed(href, LINK_SCHEMES):
            return prefix + text + suffix
        title = el.get("title")
        if not title and PLAIN_URL.match(href) and text == escape_markdown(href):
            return f"{prefix}<{href}>{suffix}"
        return f"{prefix}[{text}]({_destination(href)}{_link_title(title)}){suffix}"

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        alt = escape_markdown(normalise_space(el.attrs.get("alt") or ""))
        src = el.attrs.get("src") or ""
        if "_inline" in parent_tags and el.parent.name not in self.options["keep_inline_images_in"]:
            return alt
        if not src or not url_allowed(src, IMAGE_SCHEMES):
            return alt
        return f"![{alt}]({_destination(src)}{_link_title(el.attrs.get('title'))})"

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        text = text.strip("\n")
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text}\n{fence}\n\n"


def _chomp(text: str) -> tuple[str, str, str]:
    """Leading and trailing spaces moved outside the link's brackets."""
    prefix = " " if text and text[0] == " " else ""
    suffix = " " if text and text[-1] == " " else ""
    return prefix, suffix, text.strip()


MARKDOWN = SafeMarkdownConverter(
    heading_style="ATX", bullets="-", strip=["span"], escape_underscores=False
)


def html_to_markdown(html: str, *, sanitized: bool = False) -> str:
    """CommonMark for the CMS: ATX headings, '-' bullets, no HTML left. The HTML is
    sanitized first, so whatever the input the Markdown renders nothing live
    (``sanitized``: the caller passes what sanitize_html returned)."""
    html = html if sanitized else sanitize_html(html)
    if not html.strip():
        return ""
    with warnings.catch_warnings():
        # A body that is one word or a URL is still HTML here, not a file name.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        markdown = MARKDOWN.convert(html)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


# In SafeMarkdownConverter's Markdown outside code: a backslash escape, a link or image
# destination (text, alt text and titles escape "]", so an unescaped "](" starts one; the
# destination escapes its parentheses and percent-encodes whitespace) or an autolink
# (text escapes "<").
_DESTINATION_OR_AUTOLINK = re.compile(r"\\.|\]\(((?:\\.|[^\s()\\])*)|<([^<>\s\\]+)>", re.S)


def retarget_markdown(markdown: str, moved: Iterable[tuple[str, str, str]]) -> str | None:
    """What ``html_to_markdown`` gives for the same HTML once its links and images point
    elsewhere, made from the Markdown it gave before, without converting again.

    ``moved``: (``"href"`` or ``"src"``, the URL before, the URL after) of every ``<a href>``
    and ``<img src>`` of the HTML, those left as they were included. A destination is a
    function of its URL alone and an autolink of its URL and text, so each is swapped in
    place. None when the Markdown cannot say (the caller converts again): a code span,
    whose text is not escaped; a URL shown as text only (a scheme not allowed) whose new
    URL would make a link; two URLs written alike going to different places."""
    if "`" in markdown:
        return None
    destinations: dict[str, str] = {}
    autolinks: dict[str, str] = {}
    for attribute, before, after in moved:
        schemes = LINK_SCHEMES if attribute == "href" else IMAGE_SCHEMES
        if (url_allowed(before, schemes), url_allowed(after, schemes)) != (True, True):
            if before == after:
                continue  # shown the same way before and after
            return None
        written, rewritten = _destination(before), _destination(after)
        if destinations.setdefault(written, rewritten) != rewritten:
            return None
        if attribute == "href" and before != after and PLAIN_URL.match(before):
            autolinks[before] = f"[{escape_markdown(before)}]({rewritten})"
    if all(written == rewritten for written, rewritten in destinations.items()):
        return markdown

    def swap(match: re.Match[str]) -> str:
        written, autolink = match.group(1), match.group(2)
        if written is not None:
            return "](" + destinations.get(written, written)
        if autolink is not None:
            return autolinks.get(autolink, match.group())
        return match.group()  # an escape, stepped over

    return _DESTINATION_OR_AUTOLINK.sub(swap, markdown)


def sanitize_html(html: str) -> str:
    """The allowlisted HTML of any text: no script, no event handler, no unsafe URL."""
    return _allowlisted(html, ALLOWED_ATTRIBUTES)


# What the media and link rewrite (handoff.py) adds to a sanitized body: kept when a body
# from the export folder is sanitized again before a CMS gets it.
HANDOFF_ATTRIBUTES = {"data-asset", "data-missing", "data-ref", "data-broken", "data-legacy"}
EXPORT_ATTRIBUTES = {
    tag: set(names) | (HANDOFF_ATTRIBUTES if tag in ("a", "img") else set())
    for tag, names in ALLOWED_ATTRIBUTES.items()
}


def sanitize_export_html(html: str) -> str:
    """sanitize_html for an exported body: the same allowlist plus the rewrite's data-*."""
    return _allowlisted(html, EXPORT_ATTRIBUTES)


def _allowlisted(html: str, attributes: dict[str, set[str]]) -> str:
    return nh3.clean(
        remove_unsafe_chars(html),
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        link_rel=None,
        clean_content_tags={"script", "style"},
    )


def clean_body(
    raw_html: str,
    base: str,
    origin: Origin,
    profile: SiteProfile,
    *,
    on_page: bool = False,
    markdown: bool = True,
) -> CleanBody:
    """Raw body HTML to the contract's body_html/markdown/text.

    ``on_page``: the HTML was read from a Document, which was repaired, PHP-error free
    and rid of boilerplate blocks once for the page; HTML from elsewhere gets all three here.
    ``markdown=False``: no Markdown, for a caller that reports none (``extract --generic``).
    """
    out = CleanBody()
    raw_html = raw_html or ""
    if not on_page:
        raw_html, _ = strip_php_errors(repair_text(raw_html))
    raw_html = expand_shortcodes(raw_html, profile)
    if not raw_html.strip():
        return out
    root = _fragment(raw_html)
    _restructure(root, base, origin, profile, out)
    safe = sanitize_html(lxml_html.tostring(root, encoding="unicode"))
    root = _fragment(safe)
    if profile.body.break_run_paragraphs:
        split_at_break_runs(root)
    _tidy(root, () if on_page else profile.boilerplate_phrases)
    out.html = _serialise(root)
    # Markdown and text both read the allowlisted body: sanitized once for the two.
    safe = sanitize_html(out.html)
    if markdown:
        out.markdown = html_to_markdown(safe, sanitized=True)
    out.text = html_to_text(safe, sanitized=True)
    return out
