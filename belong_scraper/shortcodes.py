"""Shortcodes printed as text (their plugin is missing, or the template shows the stored
content unfiltered) turned into what they stand for, by the profile's `[body] shortcodes`.

Works on the body's HTML text before it is parsed: a shortcode may enclose markup
(`[caption]<img …> CAPTION[/caption]`), which only the text shows whole. Only the named
shortcodes change; every other character stays where it was.
"""

from __future__ import annotations

import html
import re
from functools import cache

from belong_scraper.profile import SiteProfile

# name="value", name='value', name=value; editors' curly quotes and entities as well.
ATTRIBUTE = re.compile(
    r"""(?P<name>[\w-]+)\s*=\s*(?:["“”″](?P<q>[^"“”″]*)["“”″]|'(?P<s>[^']*)'|(?P<bare>[^\s\]]+))"""
)
# An image, with the link closing around it if any: what a caption shortcode shows.
MEDIA = re.compile(r"<img\b[^>]*>(?:\s*</a>)?", re.I)


@cache
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # An opening tag, then (lazily) its content and the closing tag when there is one.
    return re.compile(
        rf"\[(?P<name>{alternatives})(?P<attrs>(?:\s[^\]]*)?)\]"
        rf"(?:(?P<inner>.*?)\[/(?P=name)\])?",
        re.S | re.I,
    )


def attributes(text: str) -> dict[str, str]:
    """A shortcode's attributes, names lower-cased, values unescaped."""
    found = {}
    for match in ATTRIBUTE.finditer(html.unescape(text)):
        value = next(v for v in (match["q"], match["s"], match["bare"]) if v is not None)
        found.setdefault(match["name"].lower(), value)
    return found


def expand_shortcodes(text: str, profile: SiteProfile) -> str:
    """The body HTML with each shortcode named in the profile replaced."""
    rules = profile.body.shortcodes
    if not rules or "[" not in text:
        return text
    treatments = {name.lower(): treatment for name, treatment in rules.items()}
    url_names = profile.body.shortcode_url_attributes

    def replace(match: re.Match[str]) -> str:
        treatment = treatments[match["name"].lower()]
        inner = match["inner"] or ""
        if treatment == "drop":
            return ""
        if treatment == "inner":
            return inner
        if treatment == "link":
            attrs = attributes(match["attrs"])
            url = next((attrs[n] for n in url_names if attrs.get(n)), None)
            return f'<a href="{html.escape(url)}">{inner}</a>' if url else inner
        if treatment == "embed":
            url = html.unescape(re.sub(r"<[^>]*>", "", inner)).strip()
            return f'<iframe src="{html.escape(url)}"></iframe>' if url else ""
        # image: the image(s) it encloses in a figure, the rest of its text the caption.
        last = next(reversed(list(MEDIA.finditer(inner))), None)
        media, caption = (inner[: last.end()], inner[last.end() :]) if last else ("", inner)
        caption = caption.strip() or html.escape(attributes(match["attrs"]).get("caption", ""))
        caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"<figure>{media}{caption_html}</figure>"

    return _pattern(tuple(treatments)).sub(replace, text)
