"""Pure cleaning functions: bytes to clean text, PHP errors out, boilerplate out.

Each regex is compiled once here with a comment on what it removes; every function is
free of I/O so the golden and property tests can drive it directly.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import ftfy
from lxml import etree
from lxml import html as lxml_html

from belong_scraper.compiled import css, xpath
from belong_scraper.mojibake_gate import fix_encoding_gated

PHP_FATAL_LEVELS = (
    r"Catchable fatal error|Recoverable fatal error|Fatal error|Parse error|"
    r"User Error|Core Error|Compile Error"
)
PHP_MINOR_LEVELS = (
    r"Warning|Notice|Deprecated|Strict Standards|"
    r"User (?:Warning|Notice|Deprecated)|Core Warning|Compile Warning"
)
PHP_LEVELS = PHP_FATAL_LEVELS + "|" + PHP_MINOR_LEVELS
# The message: one line for a warning or notice; a fatal error's may span
# lines (its stack trace); no block tags. Never more: a "Warning:" that opens real
# text must not swallow the paragraphs up to the next real error.
# PHP's own messages may hold inline markup (WordPress's _doing_it_wrong notice writes
# <strong>, <code> and a link to its handbook): those few tags, and no others, may stand in
# a message.
PHP_INLINE_TAG = r"</?(?:strong|code|em|a|b|i|tt|kbd|var)(?:\s[^<>]{{0,300}})?>"
FATAL_TEXT = r"(?:[^<]|" + PHP_INLINE_TAG + r"){{0,4000}}?"
MINOR_TEXT = r"(?:[^<\n]|" + PHP_INLINE_TAG + r"){{0,1000}}?"
PHP_MESSAGE = (
    r"(?:(?P<level>" + PHP_FATAL_LEVELS + r")\s*{close}:" + FATAL_TEXT
    + r"|(?P<minor>" + PHP_MINOR_LEVELS + r")\s*{close}:" + MINOR_TEXT + ")"
)  # fmt: skip
# PHP's html_errors form: <br />\n<b>Warning</b>:  msg in <b>/path</b> on line <b>23</b><br />
PHP_HTML_ERROR = re.compile(
    r"(?:<br\s*/?>\s*)?<b>\s*(?:PHP\s+)?"
    + PHP_MESSAGE.format(close=r"</b>\s*")
    + r"\s+in\s+<b>[^<]{0,500}</b>\s+on\s+line\s+<b>\s*\d+\s*</b>"
    r"[ \t]*(?:<br\s*/?>)?(?:\r?\n)?",
    re.IGNORECASE,
)
# The plain form: Warning: msg in /mnt/nvme/www/news.php on line 23 (also "PHP Warning:"
# from CLI logs, Windows paths, and a fatal error's "thrown in ... on line N" tail).
PHP_PLAIN_ERROR = re.compile(
    r"(?:PHP\s+)?" + PHP_MESSAGE.format(close="") + r"\s+in\s+"
    r"(?:/|[A-Za-z]:\\)[^\s<>\"']{0,500}?(?::\d+)?\s+on\s+line\s+\d+",
)
# Both forms end "on line N": a text without it holds no PHP error, and this search is far
# cheaper than the two error patterns, which try every level name at every position.
PHP_ON_LINE = re.compile(r"on\s+line", re.IGNORECASE)
# What PHP error text looks like once tags are gone: used to assert none is left.
PHP_ERROR_TRACE = re.compile(
    r"\b(?:" + PHP_LEVELS + r")\s*:.{0,400}?\bon line\s+\d+|Stack trace:|#0 \{main\}",
    re.IGNORECASE | re.DOTALL,
)
# A server file path such as /mnt/nvme/www/ or /var/www/html/inc/x.php.
SERVER_PATH = re.compile(r"(?:/mnt|/var/www|/home|/srv|/usr)/[\w./-]+|[A-Z]:\\[\w\\.]+")
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", re.I)
# Any run of whitespace, including no-break spaces from &nbsp; runs.
WHITESPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Code points no XML or HTML document may carry: C0 controls other than tab, newline and
# carriage return, DEL, C1 controls, lone surrogates, and the noncharacters (U+FDD0-U+FDEF
# and the last two of every plane). lxml refuses some of them outright (the item was lost),
# the HTML parser turns others into U+FFFD, JSON cannot encode a lone surrogate as UTF-8.
NONCHARACTERS = "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                        for plane in range(17))  # fmt: skip
UNSAFE_BMP_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
UNSAFE_CHARS = re.compile("[" + UNSAFE_BMP_CLASS + NONCHARACTERS + "]")
# The same rule in two steps, since a character set holding any character past U+FFFF
# makes the regex engine test every range of it per character (10 ms on a 170 KB page,
# the BMP set alone 0.5 ms): the BMP ones, then, only in a text with a character past
# U+FFFF at all, the noncharacters of planes 1-16.
UNSAFE_BMP = re.compile("[" + UNSAFE_BMP_CLASS + "]")
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
ASTRAL_NONCHARACTERS = re.compile("[" + NONCHARACTERS[2:] + "]")
# C0 controls only: removed before ftfy, which maps C1 controls (cp1252 read as latin-1) to
# the characters they stood for, so those are kept for it and removed after.
C0_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Characters that are never text: zero-width characters (and every UNSAFE_CHARS one; the
# BMP ones here, the others by _drop_astral_noncharacters).
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff" + UNSAFE_BMP_CLASS + "]")

FIX_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)


@dataclass
class PhpErrors:
    """PHP error messages removed from one document, counted by level."""

    by_level: Counter[str] = field(default_factory=Counter)
    fatal: bool = False

    @property
    def total(self) -> int:
        return sum(self.by_level.values())

    def add(self, other: PhpErrors) -> None:
        self.by_level.update(other.by_level)
        self.fatal = self.fatal or other.fatal


def _level_key(level: str) -> str:
    return re.sub(r"\s+", "_", level.strip().lower())


def strip_php_errors(text: str) -> tuple[str, PhpErrors]:
    """Remove PHP error messages in both forms, wherever they stand, and count them."""
    found = PhpErrors()
    if not PHP_ON_LINE.search(text):
        return text, found

    def drop(match: re.Match[str]) -> str:
        level = _level_key(match.group("level") or match.group("minor"))
        found.by_level[level] += 1
        if "fatal" in level or "parse" in level:
            found.fatal = True
        return ""

    text = PHP_HTML_ERROR.sub(drop, text)
    text = PHP_PLAIN_ERROR.sub(drop, text)
    return text, found


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG Encoding): so do we.
    return "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page the way a browser would, then fall back when the label lies.

    Order: BOM, HTTP header charset, <meta> charset, then UTF-8 if the bytes are valid
    UTF-8, else windows-1252 (what undeclared legacy pages nearly always are). UTF-8 with
    broken sequences stays UTF-8, without the broken bytes (``_broken_utf8``).
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace"), name
    declared = None
    if content_type:
        match = HEADER_CHARSET.search(content_type)
        declared = _codec(match.group(1)) if match else None
    if declared is None:
        match = META_CHARSET.search(body[:4096])
        declared = _codec(match.group(1)) if match else None
    candidates = [c for c in (declared, "utf-8", "cp1252") if c]
    for name in dict.fromkeys(candidates):
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            if name == "utf-8" and _broken_utf8(body, declared == "utf-8"):
                # UTF-8 with a few broken sequences (a truncated upload, a bad byte): the
                # text is UTF-8, the broken bytes are no characters at all. Dropped here;
                # the WARC keeps the bytes as served.
                return body.decode("utf-8", "replace").replace("\ufffd", ""), "utf-8"
            continue
    return body.decode("cp1252", "replace"), "cp1252"


# Signatures of files that are not text: served as text/html, they are no page.
BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04",
                     b"\x1f\x8b", b"RIFF", b"\x00\x00\x01\x00", b"BM")  # fmt: skip


def looks_binary(body: bytes) -> bool:
    """A body that is a file rather than a page: a known file signature, or a start where
    control bytes are common (over 5%: random or compressed data has about 12%). A few
    controls, NUL included, are a bad paste in a real page: cleaned, not refused."""
    head = body[:4096]
    if head.startswith(BINARY_SIGNATURES):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _broken_utf8(body: bytes, declared: bool) -> bool:
    """UTF-8 with broken sequences rather than windows-1252: a page declared UTF-8 that
    holds any well-formed multi-byte sequence, or an undeclared one holding more of them
    than broken runs. A windows-1252 page has none (its é is one byte, \xe9, never
    followed by a continuation byte)."""
    good = len(UTF8_SEQUENCE.findall(body))
    if declared:
        return good > 0
    broken = len(re.findall("\ufffd+", body.decode("utf-8", "replace")))
    return good > broken


def _cp1252_chars(low: int, high: int) -> str:
    chars = []
    for byte in range(low, high + 1):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            pass  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: no cp1252 character
    return re.escape("".join(chars))


# What ftfy leaves: one letter double-encoded alone, ``Ã…berg`` (Åberg), ``ÃŽle`` (Île),
# ``TimiÈ™`` (Timiș): ftfy reads "Ã…" as a letter and an ellipsis. A lead byte C2-CF read
# as cp1252 ("Â".."Ï") then a continuation byte 80-BF read as cp1252 is re-decoded, kept
# only when it gives a letter of the site's scripts (Latin-1, Latin Extended-A, Romanian
# ș ț, Greek): "CAFÉ…" would give "CAFɅ" and stays as it is.
# A no-break space after "Ä".."Í" is far likelier a real "Å " than a double-encoded "Š"
# or "Ġ" (no site language has them); after "Î" it is a Greek "Π".
LEFTOVER_MOJIBAKE = re.compile(
    f"[ÂÃÎÏ][{_cp1252_chars(0x80, 0xBF)}]"
    f"|[Ä-Í][{_cp1252_chars(0x80, 0x9F)}{_cp1252_chars(0xA1, 0xBF)}]"
)
SITE_LETTERS = re.compile("[\u00a0-\u00ff\u0100-\u017f\u0218-\u021b\u0370-\u03ff]")


def _redecode(match: re.Match[str]) -> str:
    try:
        fixed = match.group().encode("cp1252").decode("utf-8")
    except UnicodeError:
        return match.group()
    return fixed if SITE_LETTERS.fullmatch(fixed) else match.group()


# A double-encoded closing quote (E2 80 9D) whose last byte cp1252 has no character for
# was lost on the way: "â€" before a space or punctuation. ftfy would guess "†" (E2 80 A0)
# from a following space; in prose it is the quote.
LOST_CLOSING_QUOTE = re.compile(r"â€(?=[\s,.;:!?)\]]|$)")


# Word writes a manual line break as a vertical tab and a page break as a form feed: they
# separate words, so they become a newline rather than vanish.
LINE_BREAK_CONTROLS = re.compile("[\x0b\x0c]")


def remove_unsafe_chars(text: str) -> str:
    """Drop the code points XML and HTML cannot hold (UNSAFE_CHARS); tab and newlines stay,
    a vertical tab or form feed becomes a newline."""
    # Nearly every text holds none: one search says so (every CSV cell comes this way).
    if UNSAFE_BMP.search(text) is None and (text.isascii() or ASTRAL.search(text) is None):
        return text
    return _drop_astral_noncharacters(UNSAFE_BMP.sub("", LINE_BREAK_CONTROLS.sub("\n", text)))


def _drop_astral_noncharacters(text: str) -> str:
    return ASTRAL_NONCHARACTERS.sub("", text) if ASTRAL.search(text) else text


def repair_text(text: str, *, gate: bool = True) -> str:
    """Undo double-encoded UTF-8 (``MalmÃ¶`` → ``Malmö``), normalise to NFC, and drop the
    characters no output can carry (a Word paste's vertical tab or form feed, ESC, NUL).

    ftfy runs only on the lines it could change (``mojibake_gate``); ``gate=False`` runs
    it over the whole text, the reference the gate is tested against.
    """
    if not text:
        return text
    text = C0_CONTROLS.sub("", LINE_BREAK_CONTROLS.sub("\n", text))
    text = LOST_CLOSING_QUOTE.sub("\u201d", text)
    if gate:
        text = fix_encoding_gated(text, FIX_ENCODING_ONLY)
    else:
        text = ftfy.fix_text(text, FIX_ENCODING_ONLY)
    text = unicodedata.normalize("NFC", LEFTOVER_MOJIBAKE.sub(_redecode, text))
    return remove_unsafe_chars(text)


def normalise_space(text: str) -> str:
    """Collapse whitespace (no-break spaces included), drop invisible characters, NFC."""
    text = _drop_astral_noncharacters(INVISIBLE.sub("", LINE_BREAK_CONTROLS.sub(" ", text)))
    # WHITESPACE.sub(" ", text).strip(), three times faster: with U+200B gone (INVISIBLE),
    # WHITESPACE is \s, which is str.split()'s whitespace (both are str.isspace()).
    return unicodedata.normalize("NFC", " ".join(text.split()))


# The evidence key page objects set on their records: every text field came from a
# Document, already repaired and PHP-error free, so a pipeline only cleans a field again
# when a record lacks it (its text came from elsewhere).
CLEANED_ON_PAGE = "cleaned_on_page"


def cleaned_on_page(record: object) -> bool:
    """Whether the record's text fields were cleaned once, on its page (CLEANED_ON_PAGE)."""
    return bool(getattr(record, "evidence", {}).get(CLEANED_ON_PAGE))


def clean_inline_text(text: str | None) -> str:
    """A plain-text field from elsewhere than a Document: repaired, PHP-error free,
    whitespace collapsed. Text read from a Document needs normalise_space only."""
    if not text:
        return ""
    text, _ = strip_php_errors(text)
    return normalise_space(repair_text(text))


def strip_cut_marker(text: str, markers: Iterable[re.Pattern[str]]) -> str:
    """Remove a teaser's cut marker (``[...]``, ``[…]``, ``...``) from its end."""
    for marker in markers:
        text = marker.sub("", text)
    return text.rstrip(" ,;:-–—")


def prepare_document(body: bytes, content_type: str | None = None) -> tuple[str, str, PhpErrors]:
    """Raw bytes to clean HTML text: decoded, mojibake repaired, PHP errors removed."""
    text, encoding = decode_html(body, content_type)
    text, errors = strip_php_errors(text)
    return repair_text(text), encoding, errors


def parse_html(text: str) -> lxml_html.HtmlElement:
    """Parse (possibly truncated, malformed) HTML leniently into an element tree; a text
    with no element at all (only a comment, only controls) is an empty document."""
    # lxml refuses str input with an XML encoding declaration, or with control characters.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", remove_unsafe_chars(text))
    try:
        if text.strip():
            return lxml_html.document_fromstring(text)
    except etree.ParserError:
        pass
    return lxml_html.document_fromstring("<html><body></body></html>")


INLINE = {"a", "span", "button", "em", "strong", "b", "i", "small"}
# A link to a file (report.pdf) is content whatever its words; pages are not files.
FILE_LINK = re.compile(r"\.(?!(?:php|html?|aspx?|jsp)$)[a-z0-9]{2,5}$", re.IGNORECASE)


def _link_path(link: lxml_html.HtmlElement) -> str:
    return (link.get("href") or "").split("?", 1)[0].split("#", 1)[0]


def is_boilerplate_block(
    element: lxml_html.HtmlElement, phrases: tuple[re.Pattern[str], ...]
) -> bool:
    """Whether the element's whole text is one of the profile's boilerplate phrases.

    Never an element holding an image or an embed (its credit is not boilerplate), never
    a link to a file, and an inline element only when it is all of its block: "See our
    latest news on X" keeps its link; "<p><a>Read more</a></p>" goes.
    """
    # Every test is a condition the answer needs, so the cheap ones go first: a container
    # (the whole page, for the outer <div>s) before its text is collected, the phrases
    # (which most blocks fail) before the tree is searched around the element.
    if not phrases:
        return False
    if element.tag == "div" and xpath("./p|./div|./ul|./ol|./table|./h2|./h3|./h4")(element):
        return False  # a container: its blocks are judged one by one
    text = normalise_space(element.text_content())
    if not text or len(text) > 300 or not any(p.fullmatch(text) for p in phrases):
        return False
    if xpath(".//img|.//iframe|.//video|.//object")(element):
        return False
    links = [element] if element.tag == "a" else xpath(".//a")(element)
    if any(FILE_LINK.search(_link_path(a)) for a in links):
        return False
    if element.tag in INLINE:
        href = (element.get("href") or "").strip()
        # A script action ("Print this article", "Share") is no content wherever it stands.
        action = element.tag in ("a", "button") and (
            href.lower().startswith("javascript:") or href in ("", "#")
        )
        parent = element.getparent()
        alone = parent is not None and normalise_space(parent.text_content()) == text
        if not (action or alone) or (parent is not None and xpath(".//img|.//iframe")(parent)):
            return False
    return True


def drop_boilerplate(
    root: lxml_html.HtmlElement, selectors: Iterable[str], phrases: Iterable[re.Pattern[str]]
) -> int:
    """Remove chrome (by selector) and boilerplate blocks (by whole-text phrase)."""
    removed = 0
    for selector in selectors:
        for element in css(selector)(root):
            if element.getparent() is not None:
                element.drop_tree()
                removed += 1
    phrases = tuple(phrases)
    for element in list(root.iter("p", "div", "a", "span", "li", "h4", "h5", "button")):
        if element.getparent() is not None and is_boilerplate_block(element, phrases):
            element.drop_tree()
            removed += 1
    return removed
